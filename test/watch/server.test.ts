/**
 * A long-running git-watch's HTTP side: /healthz, /metrics and push webhooks from GitHub, GitLab and
 * Gitea, signed right and wrong, triggering an immediate poll of the matching repository.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Watcher } from '../../src/watch/watcher.js';
import { createServedRepo, pushCommit } from '../helpers/git-server.js';
import { tempDir } from '../helpers/tmp.js';
import { captureLog, daemonRepo, finishedRunFor, runFor, waitFor, watchEnv } from './helpers.js';

const SECRET = 'webhook-secret-42';

function sign(body: string): string {
  return createHmac('sha256', SECRET).update(body).digest('hex');
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}/webhook`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, json: await res.json() };
}

describe('git-watch server', () => {
  it('serves /healthz and /metrics, and polls at once on a verified push webhook', async (t) => {
    const { work, url: repoUrl, state } = await daemonRepo(t);
    const a = pushCommit(work, 'f', '1');
    const { log, count } = captureLog();
    const watcher = await Watcher.start({
      repositories: [repoUrl],
      stateDir: state,
      intervalMs: 3_600_000, // an hour: after the first poll only webhooks make it poll
      listen: '127.0.0.1:0',
      webhookSecret: SECRET,
      job: { kind: 'command', command: 'true' },
      env: watchEnv(),
      log,
    });
    t.after(() => watcher.stop());
    const url = watcher.url as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor('the first commit', () => finishedRunFor(state, a));

    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(
      { ...((await health.json()) as object), uptimeSeconds: 0 },
      {
        status: 'ok',
        repositories: 1,
        unreachable: 0,
        activeRuns: 0,
        uptimeSeconds: 0,
      },
    );

    // GitHub: a wrong signature is refused and logged; nothing is polled.
    const b = pushCommit(work, 'f', '2');
    const github = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: repoUrl, full_name: 'x/app' },
    });
    const forged = await post(url, github, {
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    });
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.json, { error: 'bad X-Hub-Signature-256' });
    assert.equal(count(/webhook from 127\.0\.0\.1 refused: bad X-Hub-Signature-256 \(github\)/), 1);
    await sleep(400);
    assert.equal(runFor(state, b), undefined, 'a refused webhook triggers nothing');

    // The right signature: an immediate poll, and the run records how its commit was seen.
    const good = await post(url, github, {
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${sign(github)}`,
    });
    assert.equal(good.status, 202);
    assert.deepEqual(good.json, { triggered: [repoUrl] });
    const runB = await waitFor('the pushed commit', () => finishedRunFor(state, b), 10_000);
    assert.equal(runB.seenBy, 'webhook');

    // GitLab's token and Gitea's signature, with their payload shapes.
    const c = pushCommit(work, 'f', '3');
    const gitlab = JSON.stringify({
      ref: 'refs/heads/main',
      project: { git_http_url: `${repoUrl}/`, web_url: 'http://x' },
    });
    assert.equal(
      (await post(url, gitlab, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' })).status,
      401,
    );
    assert.equal(
      (await post(url, gitlab, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET })).status,
      202,
    );
    await waitFor('the GitLab-announced commit', () => finishedRunFor(state, c), 10_000);
    const d = pushCommit(work, 'f', '4');
    const gitea = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: repoUrl.replace(/\.git$/, '') },
    });
    assert.equal(
      (
        await post(url, gitea, {
          'x-gitea-event': 'push',
          'x-github-event': 'push',
          'x-gitea-signature': sign(`${gitea} `),
        })
      ).status,
      401,
    );
    assert.equal(
      (
        await post(url, gitea, {
          'x-gitea-event': 'push',
          'x-github-event': 'push',
          'x-gitea-signature': sign(gitea),
        })
      ).status,
      202,
    );
    await waitFor('the Gitea-announced commit', () => finishedRunFor(state, d), 10_000);

    // Pushes elsewhere, other branches and other events trigger nothing.
    const other = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { clone_url: 'https://example.com/o/other.git' },
    });
    assert.deepEqual(
      (await post(url, other, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(other)}` }))
        .json,
      { triggered: [] },
    );
    const branch = JSON.stringify({ ref: 'refs/heads/dev', repository: { clone_url: repoUrl } });
    assert.deepEqual(
      (await post(url, branch, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(branch)}` }))
        .json,
      { triggered: [] },
    );
    const ping = JSON.stringify({ zen: 'hi' });
    assert.equal(
      (await post(url, ping, { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${sign(ping)}` }))
        .status,
      200,
    );
    assert.equal((await post(url, github, { 'x-other': '1' })).status, 401);
    assert.equal((await fetch(`${url}/webhook`)).status, 405);
    assert.equal((await fetch(`${url}/nothing`)).status, 404);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^# TYPE duat_git_watch_polls_total counter$/m);
    assert.match(metrics, /^duat_git_watch_polls_total [4-9]$/m);
    assert.match(metrics, /^duat_git_watch_poll_errors_total 0$/m);
    assert.match(metrics, /^duat_git_watch_runs_total\{result="succeeded"\} 4$/m);
    assert.match(metrics, /^duat_git_watch_runs_total\{result="failed"\} 0$/m);
    assert.match(metrics, /^duat_git_watch_commit_to_start_seconds_count 4$/m);
    assert.match(metrics, /^duat_git_watch_poll_duration_seconds_bucket\{le="\+Inf"\} [4-9]$/m);
    assert.match(metrics, /^duat_git_watch_webhooks_total\{outcome="accepted"\} 3$/m);
    assert.match(metrics, /^duat_git_watch_webhooks_total\{outcome="refused"\} 4$/m);
    assert.match(metrics, /^duat_git_watch_repositories 1$/m);
    assert.ok(!metrics.includes(SECRET));
    await watcher.stop();
  });

  it('refuses webhooks when no secret is set', async (t) => {
    const base = tempDir(t);
    const work = createServedRepo(join(base, 'srv'), 'app.git', join(base, 'work'));
    pushCommit(work, 'f', '1');
    const watcher = await Watcher.start({
      repositories: [join(base, 'srv', 'app.git')],
      stateDir: join(base, 'state'),
      intervalMs: 3_600_000,
      listen: ':0',
      job: { kind: 'command', command: 'true' },
      env: watchEnv(),
    });
    t.after(() => watcher.stop());
    const res = await post(watcher.url as string, '{}', { 'x-github-event': 'push' });
    assert.equal(res.status, 403);
    await watcher.stop();
  });
});
