/**
 * The status pages at scale: a running git-watch with 1,000 repositories (on a loopback `git daemon`)
 * and 10,000 finished runs in its history. After its first poll pass, the first page (GET /) and the
 * other lists are asked for again and again over one keep-alive connection, as a browser would; each
 * answer is timed from the request to its last byte.
 *
 * Target (the status pages issue): the first page served in under 50 ms.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/status-page.js [--repos 1000] [--runs 10000] [--requests 200]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stateLayout } from '../src/watch/journal.js';
import { type RunRecord, runId } from '../src/watch/runs.js';
import { diskSource, statusOf } from '../src/watch/status.js';
import { Watcher } from '../src/watch/watcher.js';
import { git, gitEnv } from '../test/helpers/git.js';
import { startGitDaemon } from '../test/helpers/git-server.js';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '200' },
  },
});
const REPOS = Number(values.repos);
const RUNS = Number(values.runs);
const REQUESTS = Number(values.requests);
const TARGET_MS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function timeGets(url: string, n: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    const body = await res.text();
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    bytes = body.length;
  }
  return { ms: ms.sort((a, b) => a - b), bytes };
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'duat-bench-ui-'));
  const served = join(base, 'srv');
  mkdirSync(served, { recursive: true });
  const daemon = await startGitDaemon(served);
  let watcher: Watcher | undefined;
  try {
    // 1,000 repositories, copies of one with a single commit.
    const work = join(base, 'work');
    mkdirSync(work);
    git(work, 'init', '-q', '-b', 'main');
    writeFileSync(join(work, 'README.md'), 'bench\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'the commit every repository is at');
    const head = git(work, 'rev-parse', 'HEAD');
    const template = join(base, 'template.git');
    git(base, 'clone', '-q', '--bare', work, template);
    const name = (i: number) => `r${String(i).padStart(4, '0')}.git`;
    for (let i = 0; i < REPOS; i++) cpSync(template, join(served, name(i)), { recursive: true });
    const urls = Array.from({ length: REPOS }, (_, i) => daemon.url(name(i)));

    // 10,000 finished runs; each repository's newest is its current commit, so nothing runs.
    const stateDir = join(base, 'state');
    const runsDir = stateLayout(stateDir).runs;
    mkdirSync(runsDir, { recursive: true, mode: 0o700 });
    const t0 = Date.now() - RUNS * 60_000;
    for (let n = 0; n < RUNS; n++) {
      const repo = n % REPOS;
      const url = urls[repo] as string;
      const last = n >= RUNS - REPOS;
      const commit = last ? head : n.toString(16).padStart(40, '0');
      const started = new Date(t0 + n * 60_000).toISOString();
      const record: RunRecord = {
        format: 1,
        id: runId(url, 'main', commit),
        url,
        branch: 'main',
        commit,
        display: `${url}^main`,
        state: n % 9 === 0 ? 'failed' : 'succeeded',
        attempt: 1,
        seenAt: started,
        seenBy: 'poll',
        runner: 'local',
        startedAt: started,
        finishedAt: new Date(t0 + n * 60_000 + 42_000).toISOString(),
        exitCode: n % 9 === 0 ? 1 : 0,
        author: 'Bench Author',
        subject: `change number ${n} <with markup & such>`,
      };
      mkdirSync(join(runsDir, record.id), { mode: 0o700 });
      writeFileSync(join(runsDir, record.id, 'run.json'), JSON.stringify(record));
      writeFileSync(join(runsDir, record.id, 'log'), `building ${n}\nok\n`);
    }

    const startedAt = performance.now();
    watcher = await Watcher.start({
      repositories: urls,
      stateDir,
      intervalMs: 3_600_000,
      listen: '127.0.0.1:0',
      job: { kind: 'command', command: 'true' },
      env: gitEnv,
    });
    const baseUrl = watcher.url as string;
    const source = watcher.statusSource();
    for (;;) {
      const repos = source.snapshot()?.repositories ?? [];
      if (repos.length === REPOS && repos.every((r) => r.condition !== 'new')) break;
      if (performance.now() - startedAt > 120_000) throw new Error('the first poll pass took over 2 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const passMs = performance.now() - startedAt;
    const runs = source.runs().length;
    const someRun = source.runs()[0]?.id as string;

    await timeGets(`${baseUrl}/`, 20); // warm up
    const pages: [string, string][] = [
      ['GET / (first page: 50 repositories, 20 runs, counts)', '/'],
      ['GET /?repos=20 (the last repository page)', '/?repos=20'],
      ['GET /runs?page=200 (the last run page)', '/runs?page=200'],
      ['GET /runs/ID (a run and its log)', `/runs/${someRun}`],
      ['GET /api/repos', '/api/repos'],
      ['GET /api/runs', '/api/runs'],
    ];
    const lines: string[] = [];
    let firstP95 = Number.POSITIVE_INFINITY;
    for (const [label, path] of pages) {
      const { ms, bytes } = await timeGets(
        `${baseUrl}${path}`,
        path === '/' ? REQUESTS : Math.ceil(REQUESTS / 4),
      );
      if (path === '/') firstP95 = percentile(ms, 95);
      lines.push(
        `  ${label.padEnd(54)} median ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms, max ${(ms.at(-1) as number).toFixed(1)} ms (${Math.round(bytes / 1024)} KiB)`,
      );
    }
    await watcher.stop();
    watcher = undefined;
    const cliStart = performance.now();
    statusOf(diskSource(stateDir));
    const cliMs = performance.now() - cliStart;

    console.log(
      `status pages: ${REPOS} repositories on a loopback git daemon, ${runs} runs in history, ${availableParallelism()} CPUs`,
    );
    console.log(`  first poll pass                                        ${(passMs / 1000).toFixed(1)} s`);
    for (const line of lines) console.log(line);
    console.log(
      `  git-watch status --json's data from the state directory ${cliMs.toFixed(0)} ms (reads every run record)`,
    );
    console.log(
      `  target: first page under ${TARGET_MS} ms: ${firstP95 < TARGET_MS ? 'met' : 'NOT met'} (p95 ${firstP95.toFixed(1)} ms)`,
    );
    if (firstP95 >= TARGET_MS) process.exitCode = 1;
  } finally {
    await watcher?.stop();
    await daemon.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
