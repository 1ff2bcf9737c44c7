/**
 * Exactly once under crashes: git-watch (the CLI, polling every 200 ms) is killed with SIGKILL at random
 * moments — during start-up, polls, checkouts, jobs and state writes — and started again, more than 50
 * times, while commits are pushed to a git daemon. Each job appends its commit to a file. Afterwards:
 * every commit that got a run record (every commit a poll saw as the newest) ran exactly once to
 * completion, none twice, none lost, in the order they were pushed, and the last one ran.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEMP_SUFFIX } from '../../src/core/atomic-write.js';
import { runId } from '../../src/watch/runs.js';
import { cleanEnv } from '../helpers/cli.js';
import { pushCommit } from '../helpers/git-server.js';
import { cliPath } from '../helpers/paths.js';
import { allRuns, daemonRepo, filesUnder, linesOf, waitFor } from './helpers.js';

const RESTARTS = 55;

function startWatcher(args: string[]): { child: ChildProcess; exited: Promise<void>; stderr: () => string } {
  const child = spawn(process.execPath, [cliPath, 'git-watch', ...args], {
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited, stderr: () => err };
}

describe('git-watch crash loop', () => {
  it(`runs every seen commit exactly once across ${RESTARTS} kill -9 restarts`, {
    timeout: 180_000,
  }, async (t) => {
    const { work, url, state, out } = await daemonRepo(t);
    // Short jobs, so that kills land before, during and after them.
    const job = `sleep 0.1; echo "$DUAT_COMMIT $DUAT_RUN_ID" >> ${out}`;
    const args = [
      '--interval',
      '200ms',
      '--max-backoff',
      '1s',
      '--grace-period',
      '5s',
      '--run',
      job,
      '--persistent-state-dir',
      state,
      url,
    ];
    const pushed: string[] = [pushCommit(work, 'n', '0')];
    const kills: number[] = [];
    let logs = '';
    for (let round = 0; round < RESTARTS; round++) {
      const watcher = startWatcher(args);
      t.after(() => watcher.child.kill('SIGKILL'));
      // Push while it runs, in about two rounds of three.
      const pushAt = Math.random() * 500;
      const killAt = Math.random() < 0.2 ? Math.random() * 120 : Math.random() * 900;
      const started = Date.now();
      if (Math.random() < 0.66) {
        await sleep(Math.min(pushAt, killAt));
        pushed.push(pushCommit(work, 'n', String(round + 1)));
      }
      await sleep(Math.max(0, killAt - (Date.now() - started)));
      watcher.child.kill('SIGKILL');
      await watcher.exited;
      kills.push(Date.now() - started);
      logs += watcher.stderr();
    }
    // Settle: one more watcher, not killed, until the last commit ran and nothing is left to do.
    const last = pushCommit(work, 'n', 'last');
    pushed.push(last);
    const final = startWatcher(args);
    await waitFor(
      'the last commit to run and every run to end',
      () => {
        const runs = allRuns(state);
        return (
          runs.some((r) => r.commit === last && r.state === 'succeeded') &&
          runs.every((r) => r.state === 'succeeded' || r.state === 'failed' || r.state === 'interrupted')
        );
      },
      60_000,
    );
    final.child.kill('SIGTERM');
    await final.exited;
    logs += final.stderr();

    const runs = allRuns(state);
    const ranLines = linesOf(out).map((line) => line.split(' '));
    const ran = ranLines.map(([commit]) => commit as string);
    const counts = new Map<string, number>();
    for (const commit of ran) counts.set(commit, (counts.get(commit) ?? 0) + 1);
    const doubled = [...counts].filter(([, n]) => n > 1);
    assert.deepEqual(doubled, [], 'no commit ran twice');
    for (const run of runs) {
      assert.equal(
        run.state,
        'succeeded',
        `run ${run.id} of ${run.commit} ended ${run.state}: ${run.error ?? ''}`,
      );
      assert.equal(run.attempt, 1, `run ${run.id} needed ${run.attempt} attempts`);
      assert.equal(counts.get(run.commit), 1, `the run of ${run.commit} left no trace of its job`);
    }
    assert.equal(ran.length, runs.length, 'every job that ran has its run record');
    for (const [commit, id] of ranLines)
      assert.equal(id, runId(url, 'main', commit as string), 'the job ran under its derived id');
    // Runs of a repository start in the order their commits were seen, which is the order they were pushed.
    const order = ran.map((commit) => pushed.indexOf(commit));
    assert.ok(
      order.every((index) => index >= 0),
      'only pushed commits ran',
    );
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
      'runs happened in push order',
    );
    assert.ok(counts.has(last), 'the last commit ran');
    assert.ok(
      ran.length >= 10,
      `only ${ran.length} of ${pushed.length} commits ran: the loop made too little progress`,
    );
    assert.deepEqual(
      filesUnder(state).filter((f) => f.endsWith(TEMP_SUFFIX)),
      [],
      'no temporary file is left once a watcher has started and stopped',
    );
    assert.deepEqual(readdirSync(join(state, 'workspaces')), [], 'every workspace was cleaned up');
    // The restarts met jobs in every condition a kill can leave them in.
    const followed = logs.split('still running after a restart: following it').length - 1;
    const endedMeanwhile = logs.split('while git-watch was not running').length - 1;
    assert.ok(followed + endedMeanwhile > 0, 'no kill landed while a job ran');
    t.diagnostic(
      `${RESTARTS} kills at ${Math.min(...kills)}-${Math.max(...kills)} ms after start; ${pushed.length} commits pushed, ` +
        `${ran.length} seen and run once each; restarts followed ${followed} running jobs and recorded ${endedMeanwhile} that ended meanwhile`,
    );
  });
});
