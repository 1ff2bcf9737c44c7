/**
 * git-watch against real git servers on 127.0.0.1 (git daemon, git http-backend behind basic auth,
 * file paths), through the library: first start, new commits, several commits between polls,
 * force-push, deleted branch, unreachable server and recovery, tokens, job limits.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pollOnce } from '../../src/watch/index.js';
import { Watcher } from '../../src/watch/watcher.js';
import { git } from '../helpers/git.js';
import { createServedRepo, pushCommit, startGitHttpServer } from '../helpers/git-server.js';
import { tempDir } from '../helpers/tmp.js';
import {
  allRuns,
  captureLog,
  daemonRepo,
  filesUnder,
  finishedRunFor,
  gitSpy,
  linesOf,
  runFor,
  waitFor,
  watchEnv,
} from './helpers.js';

/** A job that appends what it sees: the commit it was given, the commit checked out, where it runs. */
function recordingJob(out: string): { kind: 'command'; command: string } {
  return {
    kind: 'command',
    command: `echo "$DUAT_COMMIT $(git rev-parse HEAD) $DUAT_BRANCH $(pwd) $GIT_HOME $DUAT_RUN_ID" >> ${out}`,
  };
}

describe('git-watch scenarios', () => {
  it('first start and new commits over git://: one run each, in a workspace holding exactly that commit', async (t) => {
    const { work, url, state, out } = await daemonRepo(t);
    const a = pushCommit(work, 'a.txt', 'a');
    const { log, count } = captureLog();
    const watcher = await Watcher.start({
      repositories: [url],
      stateDir: state,
      intervalMs: 150,
      job: recordingJob(out),
      env: watchEnv(),
      log,
    });
    t.after(() => watcher.stop());
    const first = await waitFor('the first commit to run', () => finishedRunFor(state, a));
    assert.equal(first.state, 'succeeded');
    assert.equal(first.branch, 'main', 'the default branch comes from the remote HEAD');
    const b = pushCommit(work, 'b.txt', 'b');
    await waitFor('the second commit to run', () => finishedRunFor(state, b));
    await sleep(600); // several more polls: nothing runs again
    await watcher.stop('test over');
    const lines = linesOf(out).map((l) => l.split(' '));
    assert.deepEqual(
      lines.map((l) => l[0]),
      [a, b],
    );
    for (const [given, checkedOut, branch, cwd, gitHome, id] of lines) {
      assert.equal(checkedOut, given, 'the workspace holds exactly the commit');
      assert.equal(branch, 'main');
      assert.equal(cwd, gitHome, 'the job runs in GIT_HOME');
      assert.equal(cwd, join(state, 'workspaces', id as string));
    }
    assert.equal(count(/task update id: .* text: new commit .* phase: Queued$/), 2);
    assert.equal(count(/task completed id: .* text: job succeeded .* phase: Succeeded$/), 2);
    assert.deepEqual(
      allRuns(state).map((r) => r.state),
      ['succeeded', 'succeeded'],
    );
    assert.equal(filesUnder(join(state, 'workspaces')).length, 0, 'workspaces are removed after their runs');
  });

  it('several commits between polls run once, on the newest; nothing new runs nothing', async (t) => {
    const base = tempDir(t);
    const work = createServedRepo(join(base, 'srv'), 'app.git', join(base, 'work'));
    const url = join(base, 'srv', 'app.git');
    const out = join(base, 'out');
    const options = {
      repositories: [url],
      stateDir: join(base, 'state'),
      job: recordingJob(out),
      env: watchEnv(),
    };
    const a = pushCommit(work, 'f', '1');
    assert.equal((await pollOnce(options)).runs.length, 1);
    pushCommit(work, 'f', '2');
    pushCommit(work, 'f', '3');
    const d = pushCommit(work, 'f', '4');
    const second = await pollOnce(options);
    assert.deepEqual(
      second.runs.map((r) => r.commit),
      [d],
    );
    assert.ok(second.ok);
    const third = await pollOnce(options);
    assert.equal(third.runs.length, 0);
    assert.ok(third.ok, 'nothing new is a success');
    assert.deepEqual(
      linesOf(out).map((l) => l.split(' ')[0]),
      [a, d],
    );
  });

  it('a force-push back to a commit that ran runs nothing; to a new commit runs it', async (t) => {
    const { work, url, state, out } = await daemonRepo(t);
    const options = {
      repositories: [`${url}^main`],
      stateDir: state,
      job: recordingJob(out),
      env: watchEnv(),
    };
    const a = pushCommit(work, 'f', '1');
    await pollOnce(options);
    const b = pushCommit(work, 'f', '2');
    await pollOnce(options);
    git(work, 'reset', '-q', '--hard', a);
    git(work, 'push', '-q', '--force', 'origin', 'HEAD:refs/heads/main');
    assert.equal((await pollOnce(options)).runs.length, 0, 'the commit forced back to already ran');
    git(work, 'commit', '-q', '--amend', '-m', 'rewritten');
    const rewritten = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', '--force', 'origin', 'HEAD:refs/heads/main');
    const summary = await pollOnce(options);
    assert.deepEqual(
      summary.runs.map((r) => [r.commit, r.state]),
      [[rewritten, 'succeeded']],
    );
    const lines = linesOf(out).map((l) => l.split(' '));
    assert.deepEqual(
      lines.map((l) => l[0]),
      [a, b, rewritten],
    );
    assert.equal(lines[2]?.[1], rewritten, 'the mirror fetched the rewritten history');
  });

  it('a deleted branch is reported once and watched for; recreated, it runs again', async (t) => {
    const { work, url, state } = await daemonRepo(t);
    pushCommit(work, 'f', 'main');
    const f1 = pushCommit(work, 'f', 'feature 1', 'feature');
    const { log, count } = captureLog();
    const watcher = await Watcher.start({
      repositories: [`${url}^feature`],
      stateDir: state,
      intervalMs: 100,
      job: { kind: 'command', command: 'true' },
      env: watchEnv(),
      log,
    });
    t.after(() => watcher.stop());
    await waitFor('feature to run', () => finishedRunFor(state, f1));
    git(work, 'push', '-q', 'origin', ':refs/heads/feature');
    await waitFor('the deletion to be noticed', () => count(/branch feature does not exist/) > 0);
    await sleep(800);
    assert.equal(
      count(/branch feature does not exist \(deleted\?\): waiting for it/),
      1,
      'reported once, not every poll',
    );
    const f2 = pushCommit(work, 'f', 'feature 2', 'feature');
    await waitFor('the recreated branch to run', () => finishedRunFor(state, f2));
    assert.equal(count(/branch feature is at/), 1);
    await watcher.stop();
  });

  it('an unreachable server is reported once, polled with backoff, and picked up again when it returns', async (t) => {
    const { daemon, work, url, state } = await daemonRepo(t);
    const a = pushCommit(work, 'f', '1');
    await daemon.stop();
    const { log, count } = captureLog();
    const watcher = await Watcher.start({
      repositories: [url],
      stateDir: state,
      intervalMs: 100,
      maxBackoffMs: 400,
      job: { kind: 'command', command: 'true' },
      env: watchEnv(),
      log,
    });
    t.after(() => watcher.stop());
    await waitFor('five failed polls', () => watcher.metrics.pollErrors.get() >= 5);
    assert.equal(
      count(/cannot be polled: git ls-remote failed: .*polling it less often until it answers/),
      1,
    );
    assert.ok(count(/still cannot be polled/) >= 4, 'later failures are debug lines only');
    const status = JSON.parse(readFileSync(join(state, 'status.json'), 'utf8'));
    assert.equal(status.repositories[0].condition, 'unreachable');
    assert.ok(status.repositories[0].failures >= 1);
    await daemon.start();
    await waitFor('the run after recovery', () => finishedRunFor(state, a));
    assert.equal(count(/is reachable again/), 1);
    assert.equal(count(/cannot be polled:/), 1);
    await watcher.stop();
    const metrics = watcher.metrics.render();
    assert.match(metrics, /^duat_git_watch_poll_errors_total [5-9]|^duat_git_watch_poll_errors_total \d\d/m);
  });

  it('smart HTTP with a token: git gets it in its environment only; no argv, log or state file holds it', async (t) => {
    const base = tempDir(t);
    const served = join(base, 'srv');
    const token = 'tok-9f8e7d6c5b4a3210';
    const server = await startGitHttpServer(served, { password: token });
    t.after(() => server.stop());
    const work = createServedRepo(served, 'private.git', join(base, 'work'));
    const a = pushCommit(work, 'f', '1');
    const argvLog = join(base, 'git-argv.log');
    const spy = gitSpy(tempDir(t), argvLog);
    const state = join(base, 'state');
    const out = join(base, 'out');
    const { log, lines } = captureLog();
    const summary = await pollOnce({
      repositories: [server.url('private.git')],
      stateDir: state,
      token,
      tokenHosts: [new URL(server.url('x')).host],
      insecureHttpToken: true,
      job: { kind: 'command', command: `echo "$DUAT_COMMIT $DUAT_URL" >> ${out}` },
      env: watchEnv(spy),
      log,
    });
    assert.ok(summary.ok, lines.join(''));
    assert.equal(linesOf(out)[0], `${a} ${server.url('private.git')}`);
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    assert.ok(server.authorizations.length >= 2, 'ls-remote and the clone authenticated');
    assert.ok(server.authorizations.every((h) => h === `Basic ${basic}`));
    assert.equal(server.requests[0]?.authorization, undefined, 'only once the server asked (401)');
    const argv = readFileSync(argvLog, 'utf8');
    assert.match(argv, /^ls-remote --symref http:\/\/127\.0\.0\.1:\d+\/private\.git HEAD$/m);
    for (const secret of [token, basic]) {
      assert.ok(!argv.includes(secret), 'no git argument list holds the token');
      assert.ok(!lines.join('').includes(secret), 'no log line holds the token');
      for (const file of filesUnder(state))
        assert.ok(!readFileSync(file).includes(secret), `${file} holds the token`);
    }

    // Credentials written into the URL are taken out of it and used the same way.
    const state2 = join(base, 'state2');
    const inUrl = server.url('private.git').replace('http://', `http://bot:${token}@`);
    const second = await pollOnce({
      repositories: [inUrl],
      stateDir: state2,
      insecureHttpToken: true,
      job: { kind: 'command', command: 'true' },
      env: watchEnv(spy),
      log,
    });
    assert.ok(second.ok);
    assert.equal(second.runs[0]?.url, server.url('private.git'));
    assert.ok(!readFileSync(argvLog, 'utf8').includes(token));
    for (const file of filesUnder(state2))
      assert.ok(!readFileSync(file).includes(token), `${file} holds the token`);

    // Without the token the server refuses: the poll fails, and the error says so once.
    const denied = captureLog();
    const third = await pollOnce({
      repositories: [server.url('private.git')],
      stateDir: join(base, 'state3'),
      env: watchEnv(),
      log: denied.log,
    });
    assert.equal(third.ok, false);
    assert.equal(third.pollErrors, 1);
    assert.equal(
      denied.count(
        /cannot be polled: git ls-remote failed: .*(Authentication failed|could not read Username|401)/,
      ),
      1,
    );
  });

  it('file:// URLs and plain paths are watched too, each its own repository', async (t) => {
    const base = tempDir(t);
    const work = createServedRepo(join(base, 'srv'), 'app.git', join(base, 'work'));
    const a = pushCommit(work, 'f', '1');
    const bare = join(base, 'srv', 'app.git');
    const state = join(base, 'state');
    const summary = await pollOnce({
      repositories: [`file://${bare}`, bare, `${bare}^main`],
      stateDir: state,
      job: { kind: 'command', command: 'test "$(git rev-parse HEAD)" = "$DUAT_COMMIT"' },
      env: watchEnv(),
    });
    assert.ok(summary.ok, JSON.stringify(summary));
    // bare and bare^main are the same repository and branch: one run; file:// is another URL.
    assert.deepEqual(summary.runs.map((r) => r.url).sort(), [bare, `file://${bare}`].sort());
    assert.ok(summary.runs.every((r) => r.commit === a));
  });

  it('runs of one repository never overlap, and --max-jobs bounds all runs together', async (t) => {
    const base = tempDir(t);
    const served = join(base, 'srv');
    const works = ['r1', 'r2', 'r3'].map((name) => createServedRepo(served, `${name}.git`, join(base, name)));
    const firsts = works.map((work) => pushCommit(work, 'f', '1'));
    const out = join(base, 'spans');
    const state = join(base, 'state');
    const watcher = await Watcher.start({
      repositories: ['r1', 'r2', 'r3'].map((name) => join(served, `${name}.git`)),
      stateDir: state,
      intervalMs: 100,
      maxJobs: 2,
      job: {
        kind: 'command',
        command: `s=$(date +%s%N); sleep 0.5; echo "$DUAT_URL $s $(date +%s%N)" >> ${out}`,
      },
      env: watchEnv(),
    });
    t.after(() => watcher.stop());
    // A commit pushed while its repository's run is going queues behind that run.
    const running = await waitFor(
      'a first run to start',
      () => firsts.findIndex((c) => runFor(state, c)?.state === 'started') + 1,
    );
    const second = pushCommit(works[running - 1] as string, 'f', '2');
    await waitFor('the queued commit', () => runFor(state, second)?.state === 'queued', 5_000);
    await waitFor('the queued commit to run', () => finishedRunFor(state, second), 30_000);
    await waitFor('all first commits to run', () => firsts.every((c) => finishedRunFor(state, c)), 30_000);
    await watcher.stop();
    const spans = linesOf(out).map((l) => {
      const [url, start, end] = l.split(' ');
      return { url: url as string, start: Number(start) / 1e6, end: Number(end) / 1e6 };
    });
    assert.equal(spans.length, 4);
    // At every job start, count the jobs running then.
    for (const s of spans) {
      const running = spans.filter((o) => o.start <= s.start && s.start < o.end);
      assert.ok(running.length <= 2, `more than 2 jobs at once: ${JSON.stringify(running)}`);
      for (const o of running)
        if (o !== s) assert.notEqual(o.url, s.url, 'two runs of one repository overlapped');
    }
    assert.ok(allRuns(state).every((r) => r.state === 'succeeded'));
  });
});
