/**
 * git-watch at scale: 1,000 repositories on a loopback `git daemon`, one poll pass each.
 *
 * 1. Steady state: every repository's newest commit has already run, so the pass only polls. Measured:
 *    wall time, CPU (the watcher process plus the git clients it starts; the server's apart), peak RSS
 *    of the watcher. Its peer is the floor of the approach: the same 1,000 `git ls-remote` calls run by
 *    `xargs -P` with the same parallelism and no watcher at all.
 * 2. New commits: one is pushed to 20 of the repositories, then a pass runs them (`--run true`, a job
 *    slot each). Measured: commit-to-start latency, from the poll that saw each commit to its job's start.
 *
 * Targets (issue 5): a pass in under 15 s on 2 cores, under 200 MB RSS, a job started within 1 s.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/git-watch-poll.js [--repos 1000] [--changed 20] [--concurrency 16]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pollOnce } from '../src/watch/index.js';
import { ensureStateDir, RunJournal } from '../src/watch/journal.js';
import { type RunRecord, runId } from '../src/watch/runs.js';
import { git, gitEnv } from '../test/helpers/git.js';
import { startGitDaemon } from '../test/helpers/git-server.js';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '1000' },
    changed: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' },
  },
});
const REPOS = Number(values.repos);
const CHANGED = Number(values.changed);
const CONCURRENCY = Number(values.concurrency);
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds of a process (self, and its waited-for children) from /proc. */
function cpuOf(pid: number | 'self'): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // utime stime cutime cstime are fields 14-17 of stat: 12-15 after the command.
  return {
    self: ((fields[11] ?? 0) + (fields[12] ?? 0)) / TICKS,
    children: ((fields[13] ?? 0) + (fields[14] ?? 0)) / TICKS,
  };
}

/** CPU seconds of every process in a process group (the daemon and the git processes it forked). */
function groupCpu(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    const cpu = cpuOf(Number(entry));
    total += cpu.self + cpu.children;
  }
  return total;
}

function name(i: number): string {
  return `r${String(i).padStart(4, '0')}.git`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'duat-bench-watch-'));
  const served = join(base, 'srv');
  mkdirSync(served);
  const daemon = await startGitDaemon(served);
  try {
    // A repository with one commit, copied 1,000 times (copying is far faster than 1,000 inits).
    const work = join(base, 'work');
    mkdirSync(work);
    git(work, 'init', '-q', '-b', 'main');
    writeFileSync(join(work, 'README.md'), 'Version : <repo-version>1.0.0</repo-version>\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'one');
    const first = git(work, 'rev-parse', 'HEAD');
    const template = join(base, 'template.git');
    git(base, 'clone', '-q', '--bare', work, template);
    for (let i = 0; i < REPOS; i++) cpSync(template, join(served, name(i)), { recursive: true });
    const urls = Array.from({ length: REPOS }, (_, i) => daemon.url(name(i)));

    // Steady state: each first commit has run already (records as a finished watcher leaves them).
    const stateDir = join(base, 'state');
    const journal = RunJournal.load(ensureStateDir(stateDir));
    const now = new Date().toISOString();
    for (const url of urls) {
      journal.put({
        format: 1,
        id: runId(url, 'main', first),
        url,
        branch: 'main',
        commit: first,
        display: `${url}^main`,
        state: 'succeeded',
        attempt: 1,
        seenAt: now,
        seenBy: 'poll',
        runner: 'local',
        startedAt: now,
        finishedAt: now,
        exitCode: 0,
      } satisfies RunRecord);
    }

    // The peer: the same ls-remote calls with nothing around them.
    const floorStart = performance.now();
    const floor = spawnSync(
      'sh',
      ['-c', `xargs -P ${CONCURRENCY} -n 1 git ls-remote --symref -q > /dev/null`],
      {
        input: `${urls.join('\n')}\n`,
        env: gitEnv,
      },
    );
    const floorMs = performance.now() - floorStart;
    if (floor.status !== 0) throw new Error(`the ls-remote floor failed: ${floor.stderr}`);

    const options = {
      repositories: urls,
      stateDir,
      pollConcurrency: CONCURRENCY,
      job: { kind: 'command' as const, command: 'true' },
      env: gitEnv,
    };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 10);
    const serverBefore = groupCpu(daemon.pid as number);
    const before = cpuOf('self');
    const passStart = performance.now();
    const steady = await pollOnce(options);
    const passMs = performance.now() - passStart;
    const after = cpuOf('self');
    const serverAfter = groupCpu(daemon.pid as number);
    if (!steady.ok || steady.runs.length !== 0)
      throw new Error(`the steady pass ran ${steady.runs.length} jobs, ok=${steady.ok}`);

    // New commits on some repositories: how soon their jobs start after the poll that sees them.
    git(work, 'commit', '-q', '--allow-empty', '-m', 'two');
    const changed = Array.from({ length: CHANGED }, (_, i) => Math.floor((i * REPOS) / CHANGED));
    for (const i of changed) git(work, 'push', '-q', join(served, name(i)), 'HEAD:refs/heads/main');
    const changedStart = performance.now();
    const second = await pollOnce({ ...options, maxJobs: CHANGED });
    const changedMs = performance.now() - changedStart;
    clearInterval(sampler);
    if (!second.ok || second.runs.length !== CHANGED)
      throw new Error(`the second pass ran ${second.runs.length} jobs, ok=${second.ok}`);
    const latencies = second.runs.map((r) => Date.parse(r.startedAt as string) - Date.parse(r.seenAt));
    const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

    const watcherCpu = after.self - before.self;
    const gitCpu = after.children - before.children;
    const serverCpu = serverAfter - serverBefore;
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(
      `git-watch poll: ${REPOS} repositories on a loopback git daemon, ${CONCURRENCY} polls at once, ${availableParallelism()} CPUs`,
    );
    console.log(
      `  steady pass: ${(passMs / 1000).toFixed(2)} s (target < 15 s: ${(passMs / 15_000).toFixed(2)}x of it); ` +
        `peer, the bare ls-remote calls by xargs -P ${CONCURRENCY}: ${(floorMs / 1000).toFixed(2)} s; ratio ${(passMs / floorMs).toFixed(2)}x`,
    );
    console.log(
      `  CPU: watcher ${watcherCpu.toFixed(2)} s + its git clients ${gitCpu.toFixed(2)} s = ${(watcherCpu + gitCpu).toFixed(2)} s ` +
        `(${(((watcherCpu + gitCpu) / (passMs / 1000)) * 100).toFixed(0)}% of one core); server (git daemon) ${serverCpu.toFixed(2)} s`,
    );
    console.log(
      `  peak RSS of the watcher: ${mb(maxRss)} MB (target < 200 MB: ${(maxRss / (200 * 1024 * 1024)).toFixed(2)}x of it)`,
    );
    console.log(
      `  ${CHANGED} new commits: pass with their runs ${(changedMs / 1000).toFixed(2)} s; commit-to-start (poll saw it -> job started): ` +
        `median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (target < 1000 ms: ${(Math.max(...latencies) / 1000).toFixed(2)}x of it)`,
    );
  } finally {
    await daemon.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
