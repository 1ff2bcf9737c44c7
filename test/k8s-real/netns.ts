/**
 * The real-node suite runs inside a network namespace it makes for itself, so that the node's bridge
 * (kube-br0, 10.244.0.1/24), the pods' addresses and every port the node, the git servers and
 * git-watch listen on exist nowhere else on the machine (../shared/spec/k8s-real-node.md).
 *
 * A test file calls `inNetns()`: outside, it registers one test that makes the namespace (`ip netns
 * add`), runs the same file again inside it with `nsenter --net=/run/netns/NAME` (not `ip netns
 * exec`, which mounts a fresh /sys and so hides the cgroup mounts the kubelet needs) under node's
 * test runner, passes its report through to stderr, fails when it fails, and deletes the namespace.
 * Inside (DUAT_REAL_NODE_NETNS set), the file defines its real tests. DUAT_REAL_NODE_TESTS=PATTERN
 * runs only the tests whose names match (node's --test-name-pattern), for working on one.
 *
 * The run's record (leftovers.ts) is made here, owned by this process, and names the namespace; the
 * inner process adds what it makes to it. The inner one is started under `setpriv --pdeathsig KILL`,
 * so that it dies with this process (and the test file's process it runs watches this one and kills
 * itself when it is gone); when this process is killed (-9), what the node left is removed
 * by the next node's start or `bash scripts/k8s-real-node.sh --down`. When the inner process ends,
 * however it ended, this one removes what it left (its record's reap, under the machine's lock).
 */
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRun, describeReaped, ownerAlive, RUN_ENV, reap } from './leftovers.js';
import { takeNodeLock } from './node-lock.js';

const ENV = 'DUAT_REAL_NODE_NETNS';

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`ip ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()}`);
}

/**
 * Inside: this process dies (SIGKILL, as if killed with the outer one) once the run's owner is gone.
 * pdeathsig reaches only the inner test runner, not the test file's process it starts, which would
 * otherwise go on alone holding the machine's lock; then the next start removes what it left.
 */
export function dieWithOwner(): void {
  const record = process.env[RUN_ENV];
  if (!record) return;
  setInterval(() => {
    if (!ownerAlive(record)) process.kill(process.pid, 'SIGKILL');
  }, 500).unref();
}

/** True inside the suite's namespace; outside, registers the test that runs `moduleUrl` in one. */
export function inNetns(moduleUrl: string): boolean {
  if (process.env[ENV]) {
    dieWithOwner();
    return true;
  }
  const file = fileURLToPath(moduleUrl);
  const name = `duat-real-${process.pid}`;
  test(`the real-node tests of ${file.split('/').pop()}, inside network namespace ${name}`, async () => {
    if (process.getuid?.() !== 0)
      throw new Error('the real-node tests need root (a kubelet, containerd, a network namespace)');
    const run = createRun();
    ip('netns', 'add', name);
    run.add('netns', name, String(statSync(`/run/netns/${name}`).ino));
    try {
      const nsenter = ['nsenter', `--net=/run/netns/${name}`];
      const lo = spawnSync(nsenter[0] as string, [...nsenter.slice(1), 'ip', 'link', 'set', 'lo', 'up']);
      if (lo.status !== 0) throw new Error(`cannot bring up lo in ${name}: ${lo.stderr}`);
      const child = spawn(
        nsenter[0] as string,
        [
          ...nsenter.slice(1),
          'setpriv',
          '--pdeathsig',
          'KILL',
          process.execPath,
          '--test',
          '--test-reporter=spec',
          ...(process.env.DUAT_REAL_NODE_TESTS
            ? [`--test-name-pattern=${process.env.DUAT_REAL_NODE_TESTS}`]
            : []),
          file,
        ],
        // Without NODE_TEST_CONTEXT (set for this file's process), the inner runner runs the file itself.
        {
          env: { ...process.env, NODE_TEST_CONTEXT: undefined, [ENV]: name, [RUN_ENV]: run.dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let report = '';
      child.stdout.on('data', (c: Buffer) => {
        report += c.toString('utf8');
        process.stderr.write(c);
      });
      child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
      const code = await new Promise<number | string>((resolve) =>
        child.on('exit', (c, signal) => resolve(c ?? signal ?? -1)),
      );
      if (code !== 0) throw new Error(`the real-node tests failed (exit ${code}): see their report above`);
      // A run that ran nothing is no pass.
      const passed = Number(/^ℹ pass (\d+)$/m.exec(report)?.[1] ?? 0);
      if (passed === 0) throw new Error('the real-node tests ran no test: see their report above');
    } finally {
      // What the inner process left (nothing but the namespace when it stopped its node itself).
      const release = await takeNodeLock(30 * 60_000);
      try {
        const reaped = await reap(run.dir);
        if (reaped.killed > 0 || reaped.unmounted > 0) process.stderr.write(`# ${describeReaped(reaped)}\n`);
      } finally {
        release();
      }
    }
  });
  return false;
}
