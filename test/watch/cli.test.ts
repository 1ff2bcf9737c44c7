/**
 * `duat git-watch` as users run it: --once on a local repository (the README's demo), status and logs,
 * usage errors, SIGTERM during a run, kill -9 during a run, and what a restart makes of every state a
 * crash can leave behind.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pollOnce } from '../../src/watch/index.js';
import type { RunRecord } from '../../src/watch/runs.js';
import { cleanEnv } from '../helpers/cli.js';
import { commitFile, git, initRepo } from '../helpers/git.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { allRuns, linesOf, runCli, waitFor, watchEnv } from './helpers.js';

interface RunningCli {
  readonly child: ChildProcess;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

function startCli(args: string[], cwd: string): RunningCli {
  const child = spawn(process.execPath, [cliPath, 'git-watch', ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function rewriteRecord(state: string, id: string, change: (r: RunRecord) => RunRecord): void {
  const file = join(state, 'runs', id, 'run.json');
  writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, 'utf8')) as RunRecord)));
}

describe('duat git-watch', () => {
  it("--once runs the local repository's tests on its newest commit, and exits with their status", {
    timeout: 60_000,
  }, (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'project'), {
      files: {
        'README.md': 'Version : <repo-version>0.3.0</repo-version>\n',
        Makefile: 'test:\n\t@echo all tests pass\n',
      },
    });
    const state = join(base, 'state');
    const args = ['git-watch', '--once', '--persistent-state-dir', state, '.'];
    const first = runCli(args, { cwd: repo });
    assert.equal(first.code, 0, first.stderr);
    const head = git(repo, 'rev-parse', 'HEAD');
    assert.match(first.stdout, new RegExp(`^[0-9a-f-]{36} succeeded ${repo}\\^main ${head}\\n$`));
    assert.match(
      first.stderr,
      /^\d\d:\d\d:\d\d\.\d{3} duat git-watch: task update id: \S+ text: new commit .* phase: Queued$/m,
    );
    assert.match(
      first.stderr,
      /task update id: \S+ text: job started .* namespace: gw-0-3-0 pid \d+ phase: Running$/m,
    );
    assert.match(
      first.stderr,
      /task completed id: \S+ text: job succeeded .* exit: 0 log: .* phase: Succeeded$/m,
    );
    const id = first.stdout.split(' ')[0] as string;

    const again = runCli(args, { cwd: repo });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, '', 'nothing new: nothing runs');

    commitFile(repo, 'Makefile', 'test:\n\t@echo one test fails; exit 1\n');
    const failing = runCli(args, { cwd: repo });
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, / failed /);

    // status and logs, as text and JSON.
    const status = runCli(['git-watch', 'status', '--stat-persistence-dir', state], { cwd: repo });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /git-watch: not running \(last pass ended/);
    assert.match(
      status.stdout,
      new RegExp(`${repo}\\s+main\\s+[0-9a-f]{12}\\s+[0-9a-f]{8}\\s+failed\\s+0\\s+-`),
    );
    assert.match(status.stdout, /recent runs:\nRUN +STATE +EXIT/);
    const json = JSON.parse(
      runCli(['git-watch', 'status', '--json', '--persistent-state-dir', state], { cwd: repo }).stdout,
    );
    assert.equal(json.runs.length, 2);
    assert.deepEqual(
      json.runs.map((r: RunRecord) => r.state),
      ['failed', 'succeeded'],
    );
    assert.equal(json.repositories[0].lastRun.state, 'failed');
    const logs = runCli(['git-watch', 'logs', id.slice(0, 8), '--persistent-state-dir', state], {
      cwd: repo,
    });
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /\+ make test\nall tests pass\n$/);
    const logsJson = JSON.parse(
      runCli(['git-watch', 'logs', id, '--json', '--persistent-state-dir', state], { cwd: repo }).stdout,
    );
    assert.equal(logsJson.run.id, id);
    assert.match(logsJson.log, /all tests pass/);
    assert.equal(statSync(state).mode & 0o777, 0o700, 'the state directory is private');
    const missing = runCli(['git-watch', 'logs', 'ffffffff', '--persistent-state-dir', state], { cwd: repo });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^duat git-watch: no run ffffffff in /);
  });

  it('keeps its state per user by default', { timeout: 60_000 }, (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'r'));
    const xdg = join(base, 'xdg');
    const r = runCli(['git-watch', '--once', '--run', 'true', repo], { env: { XDG_STATE_HOME: xdg } });
    assert.equal(r.code, 0, r.stderr);
    const state = join(xdg, 'duat', 'git-watch');
    assert.equal(statSync(state).mode & 0o777, 0o700);
    assert.equal(allRuns(state).length, 1);
    const status = runCli(['git-watch', 'status', '--json'], { env: { XDG_STATE_HOME: xdg } });
    assert.equal(JSON.parse(status.stdout).runs.length, 1);
  });

  it('refuses bad usage with one line and exit code 2', { timeout: 60_000 }, (t) => {
    const dir = tempDir(t);
    const state = join(dir, 'state');
    const cases: [string[], RegExp][] = [
      [[], /no repositories to watch/],
      [['--interval', '60', '.'], /flag --interval: time: missing unit in duration "60"/],
      [['--job-template', 'x.tmpl', '--run', 'true', '.'], /-job-template and --run both say what to run/],
      [['--job-template', join(dir, 'missing.tmpl'), '.'], /the job template .*missing\.tmpl does not exist/],
      [['--runner', 'docker', '.'], /--runner docker is not a runner/],
      [['--max-jobs', '0', '.'], /--max-jobs must be 1 or more/],
      [['--once', '--listen', ':0', '.'], /--listen serves a long-running git-watch/],
      [['https://h/r.git^bad..branch'], /"bad\.\.branch" is not a valid branch name/],
      [['./nowhere'], /no repository at .*nowhere/],
      [['logs'], /logs takes one run id/],
      [['--bogus', '.'], /unknown flag --bogus/],
    ];
    initRepo(join(dir, 'r'));
    for (const [args, pattern] of cases) {
      const r = runCli(['git-watch', '--persistent-state-dir', state, ...args], { cwd: join(dir, 'r') });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    const help = runCli(['git-watch', '--help']);
    assert.equal(help.code, 0);
    for (const flag of [
      '-github-token',
      '--job-template',
      '--persistent-state-dir, --state-persistence-dir, --stat-persistence-dir',
      '--interval',
      '--once',
      '--run',
      '--max-jobs',
      '--runner',
      '--listen',
      '--webhook-secret',
    ]) {
      assert.ok(help.stdout.includes(flag.replace(/^-github/, '--github')), flag);
    }
    assert.match(help.stdout.replace(/\s+/g, ' '), /"make test" when the Makefile has a "test:" target/);
  });

  it('one git-watch per state directory', { timeout: 60_000 }, async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'r'));
    const state = join(base, 'state');
    const first = startCli(
      ['--interval', '1h', '--run', 'true', '--persistent-state-dir', state, repo],
      base,
    );
    t.after(() => first.child.kill('SIGKILL'));
    await waitFor('the first watcher to run its job', () =>
      allRuns(state).some((r) => r.state === 'succeeded'),
    );
    const second = runCli(['git-watch', '--once', '--run', 'true', '--persistent-state-dir', state, repo]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another git-watch is using the state directory .*is locked by process \d+/);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
  });

  it('SIGTERM lets a job finish within the grace period; after it, the job is stopped, recorded interrupted, and runs again once on the next start', {
    timeout: 60_000,
  }, async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'r'));
    const state = join(base, 'state');
    const out = join(base, 'out');
    const mark = join(base, 'mark');

    // Within the grace period: the job ends well.
    const quick = startCli(
      [
        '--interval',
        '1h',
        '--grace-period',
        '10s',
        '--run',
        `echo started >> ${out}; sleep 0.5; echo done >> ${out}`,
        '--persistent-state-dir',
        state,
        repo,
      ],
      base,
    );
    await waitFor('the quick job to start', () => linesOf(out).includes('started'));
    quick.child.kill('SIGTERM');
    assert.equal(await quick.exited, 0, quick.stderr());
    assert.deepEqual(linesOf(out), ['started', 'done']);
    assert.equal(allRuns(state)[0]?.state, 'succeeded');
    assert.match(
      quick.stderr(),
      /stopping \(SIGTERM\): no more polls; waiting up to 10s for 1 running job\(s\)/,
    );

    // Beyond it: stopped, recorded interrupted, and the process group is gone.
    commitFile(repo, 'f', 'slow');
    const job = `if [ -f ${mark} ]; then echo again >> ${out}; exit 0; fi; touch ${mark}; echo slow >> ${out}; sleep 30; echo never >> ${out}`;
    const slow = startCli(
      ['--interval', '1h', '--grace-period', '300ms', '--run', job, '--persistent-state-dir', state, repo],
      base,
    );
    await waitFor('the slow job to start', () => linesOf(out).includes('slow'));
    const running = allRuns(state).find((r) => r.state === 'started') as RunRecord;
    const pid = Number(readFileSync(join(state, 'runs', running.id, 'attempt-1.pid'), 'utf8'));
    const stoppedAt = Date.now();
    slow.child.kill('SIGTERM');
    assert.equal(await slow.exited, 0, slow.stderr());
    assert.ok(Date.now() - stoppedAt < 8000, 'the stop waited for the grace period and the kill, no longer');
    assert.equal(processAlive(pid), false, "the job's process group was stopped");
    const interrupted = allRuns(state).find((r) => r.id === running.id) as RunRecord;
    assert.equal(interrupted.state, 'interrupted');
    assert.match(interrupted.error ?? '', /git-watch was stopped \(SIGTERM\) before the job finished/);
    assert.match(
      slow.stderr(),
      /task update id: \S+ text: job interrupted .*\(it runs again once\) .* phase: Interrupted$/m,
    );

    const restart = runCli(['git-watch', '--once', '--run', job, '--persistent-state-dir', state, repo], {
      cwd: base,
    });
    assert.equal(restart.code, 0, restart.stderr);
    const rerun = allRuns(state).find((r) => r.id === running.id) as RunRecord;
    assert.equal(rerun.state, 'succeeded');
    assert.equal(rerun.attempt, 2);
    assert.deepEqual(linesOf(out), ['started', 'done', 'slow', 'again']);
  });

  it('kill -9 during a job: the job goes on, and the restarted git-watch follows it to its end without running it again', {
    timeout: 60_000,
  }, async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'r'));
    const state = join(base, 'state');
    const out = join(base, 'out');
    const job = `echo begin >> ${out}; sleep 1.5; echo end >> ${out}`;
    const first = startCli(['--interval', '1h', '--run', job, '--persistent-state-dir', state, repo], base);
    await waitFor('the job to start', () => linesOf(out).includes('begin'));
    first.child.kill('SIGKILL');
    await first.exited;
    const second = startCli(['--once', '--run', job, '--persistent-state-dir', state, repo], base);
    assert.equal(await second.exited, 0, second.stderr());
    assert.match(second.stderr(), /text: still running after a restart: following it phase: Running/);
    assert.deepEqual(linesOf(out), ['begin', 'end']);
    const [run] = allRuns(state);
    assert.equal(run?.state, 'succeeded');
    assert.equal(run?.attempt, 1);
  });

  it('a restart resolves every state a crash can leave: finished unrecorded, lost, never started', {
    timeout: 60_000,
  }, async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'r'));
    const state = join(base, 'state');
    const out = join(base, 'out');
    const options = {
      repositories: [repo],
      stateDir: state,
      job: { kind: 'command' as const, command: `echo "$DUAT_COMMIT" >> ${out}` },
      env: watchEnv(),
    };
    const [first] = (await pollOnce(options)).runs;
    assert.ok(first);
    const id = first.id;
    const runDir = join(state, 'runs', id);

    // 1. The job ended (exit code recorded) but the watcher died before recording it.
    rewriteRecord(state, id, (r) => ({ ...r, state: 'started', finishedAt: undefined, exitCode: undefined }));
    let summary = await pollOnce(options);
    assert.deepEqual(
      summary.runs.map((r) => [r.state, r.attempt]),
      [['succeeded', 1]],
    );
    assert.equal(linesOf(out).length, 1, 'not run again');

    // 2. The job was lost: its claimant is dead and left no exit code. It runs again, once, as attempt 2.
    const dead = spawnSync('true');
    rewriteRecord(state, id, (r) => ({ ...r, state: 'started', finishedAt: undefined, exitCode: undefined }));
    unlinkSync(join(runDir, 'attempt-1.exit'));
    writeFileSync(join(runDir, 'attempt-1.pid'), `${dead.pid}\n`);
    summary = await pollOnce(options);
    assert.deepEqual(
      summary.runs.map((r) => [r.state, r.attempt]),
      [
        ['interrupted', 1],
        ['succeeded', 2],
      ],
    );
    assert.ok(summary.ok, 'the run interrupted then run again succeeded: the pass is a success');
    assert.equal(linesOf(out).length, 2);

    // 3. Lost again after its second attempt: recorded interrupted for good, not run a third time.
    rewriteRecord(state, id, (r) => ({ ...r, state: 'started', finishedAt: undefined, exitCode: undefined }));
    unlinkSync(join(runDir, 'attempt-2.exit'));
    writeFileSync(join(runDir, 'attempt-2.pid'), `${dead.pid}\n`);
    summary = await pollOnce(options);
    assert.deepEqual(
      summary.runs.map((r) => [r.state, r.attempt]),
      [['interrupted', 2]],
    );
    assert.equal(summary.ok, false);
    assert.equal(linesOf(out).length, 2);

    // 4. Recorded as started, but the job never began (no claim): it starts now, as that same attempt.
    commitFile(repo, 'f', 'next');
    const [next] = (await pollOnce(options)).runs;
    assert.ok(next);
    rewriteRecord(state, next.id, (r) => ({
      ...r,
      state: 'started',
      finishedAt: undefined,
      exitCode: undefined,
    }));
    for (const name of ['attempt-1.pid', 'attempt-1.exit']) unlinkSync(join(state, 'runs', next.id, name));
    summary = await pollOnce(options);
    assert.deepEqual(
      summary.runs.map((r) => [r.state, r.attempt]),
      [['succeeded', 1]],
    );
    assert.equal(linesOf(out).length, 4);
    assert.ok(!existsSync(join(state, 'workspaces', next.id)));
    await sleep(0);
  });
});
