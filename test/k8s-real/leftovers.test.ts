/**
 * A real-node run killed with -9 leaves its node behind (leftovers.ts); the next start, and
 * `bash scripts/k8s-real-node.sh --down`, remove it. partial-node.js brings up part of a node as the
 * suite does (its outer process makes the run record and a network namespace; its inner one, in the
 * namespace, starts containerd with the images and runs a container in a kubepods cgroup, and changes
 * a sysctl). Each test kills it with -9, checks that its inner process went with it (netns.ts's
 * dieWithOwner: else it would hold the machine's lock) and that everything it made is still there (so a clean-up
 * that happened anyway would fail the test), then removes it the way named and checks that nothing is
 * left: no process (containerd, the shim, the container), no mount under its directory, no network
 * namespace, no cgroup, no directory, no record, and the sysctl as it was.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../helpers/paths.js';
import { mountsUnder } from './leftovers.js';
import { startRuntime } from './node.js';

interface Made {
  record: string;
  inner: number;
  dir: string;
  containerd: number;
  shim: number;
  container: number;
  sysctl: { key: string; old: string };
  cgroup: string;
  netns: string;
  inode: string;
  owner: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/** True while the process runs (a zombie is no leftover). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function cgroupDirs(cgroup: string): string[] {
  return readdirSync('/sys/fs/cgroup')
    .map((h) => join('/sys/fs/cgroup', h, cgroup))
    .filter((p) => existsSync(p));
}

function sysctl(key: string): string {
  return execFileSync('sysctl', ['-n', key], { encoding: 'utf8' }).trim();
}

/** Starts partial-node.js; resolves with what it made once it says so. */
function bringUp(): Promise<{ child: ChildProcess; made: Made }> {
  const child = spawn(process.execPath, [join(here, 'partial-node.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('partial-node.js did not come up within 120s')), 120_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, made: JSON.parse(out.slice(0, out.indexOf('\n'))) as Made });
      }
    });
    child.on('exit', (code) => reject(new Error(`partial-node.js exited (${code}) before it was up`)));
  });
}

async function killed(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** What a dead run left, one line each: empty when nothing is left. */
function leftovers(made: Made): string[] {
  const left: string[] = [];
  for (const [what, pid] of [
    ['containerd', made.containerd],
    ['the shim', made.shim],
    ['the container', made.container],
  ] as const)
    if (alive(pid)) left.push(`${what} (pid ${pid})`);
  const mounts = mountsUnder(made.dir);
  if (mounts.length > 0) left.push(`${mounts.length} mounts under ${made.dir}`);
  if (existsSync(`/run/netns/${made.netns}`)) left.push(`network namespace ${made.netns}`);
  for (const dir of cgroupDirs(made.cgroup)) left.push(`cgroup ${dir}`);
  if (existsSync(made.dir)) left.push(`directory ${made.dir}`);
  if (existsSync(made.record)) left.push(`record ${made.record}`);
  if (sysctl(made.sysctl.key) !== made.sysctl.old) left.push(`sysctl ${made.sysctl.key} changed`);
  return left;
}

/** Kills the run with -9 and checks that it left all it made (else the clean-up test proves nothing). */
async function killAndCheckLeft(): Promise<Made> {
  const { child, made } = await bringUp();
  await killed(child);
  // Its process inside the namespace goes with it (it holds the machine's lock).
  const deadline = Date.now() + 20_000;
  while (alive(made.inner)) {
    assert.ok(Date.now() < deadline, `the run's inner process ${made.inner} outlived its owner by 20s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const left = leftovers(made);
  for (const what of [
    'containerd',
    'the shim',
    'the container',
    'mounts under',
    'network namespace',
    'cgroup',
    'directory',
    'record',
    'sysctl',
  ])
    assert.ok(
      left.some((l) => l.includes(what)),
      `after kill -9 of the run, ${what} is still there: ${left.join('; ')}`,
    );
  return made;
}

describe('real node: what a run killed with -9 left is removed', { timeout: 600_000 }, () => {
  it('by the next start of a node', async () => {
    if (process.getuid?.() !== 0) throw new Error('the real-node tests need root');
    const made = await killAndCheckLeft();
    const started = Date.now();
    const rt = await startRuntime();
    try {
      assert.deepEqual(leftovers(made), [], 'nothing of the killed run is left after the next start');
      process.stderr.write(
        `# the next start removed the killed run's leftovers and was up in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
      );
    } finally {
      await rt.stop();
    }
  });

  it('by scripts/k8s-real-node.sh --down', async () => {
    if (process.getuid?.() !== 0) throw new Error('the real-node tests need root');
    const made = await killAndCheckLeft();
    const down = spawnSync('bash', [join(repoRoot, 'scripts', 'k8s-real-node.sh'), '--down'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(down.status, 0, down.stderr);
    assert.match(
      down.stdout,
      new RegExp(
        `removed what real-node run ${made.record.split('/').pop()} left: \\d+ processes killed, [1-9]\\d* mounts unmounted, network namespace ${made.netns} deleted`,
      ),
    );
    assert.deepEqual(leftovers(made), [], `nothing of the killed run is left after --down:\n${down.stdout}`);
    // A second one finds nothing of it to remove, and succeeds.
    const again = spawnSync('bash', [join(repoRoot, 'scripts', 'k8s-real-node.sh'), '--down'], {
      encoding: 'utf8',
    });
    assert.equal(again.status, 0, again.stderr);
  });
});
