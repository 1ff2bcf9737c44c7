/**
 * Where a token goes: only over https (plain http only to a loopback host with --insecure-http-token),
 * only to the host it is for, only when the server asks (401). Against a real `git http-backend`
 * behind node:http on 127.0.0.1 that records every request's Authorization header, and with git's own
 * `git credential fill` for the helper itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { credentialPlan, gitEnvFor, TOKEN_USERNAME, tokenHostsOf } from '../../src/watch/git-auth.js';
import { parseRepoSpec } from '../../src/watch/repo-spec.js';
import { Watcher, type WatchOptions } from '../../src/watch/watcher.js';
import {
  createServedRepo,
  type GitHttpServer,
  pushCommit,
  startGitHttpServer,
} from '../helpers/git-server.js';
import { tempDir } from '../helpers/tmp.js';
import { captureLog, watchEnv } from './helpers.js';

const TOKEN = 'tok-5e4d3c2b1a09f8e7';
const BASIC = `Basic ${Buffer.from(`${TOKEN_USERNAME}:${TOKEN}`).toString('base64')}`;

async function privateRepo(t: TestContext): Promise<{ base: string; server: GitHttpServer; url: string }> {
  const base = tempDir(t);
  const server = await startGitHttpServer(join(base, 'srv'), { password: TOKEN });
  t.after(() => server.stop());
  const work = createServedRepo(join(base, 'srv'), 'private.git', join(base, 'work'));
  pushCommit(work, 'f', '1');
  return { base, server, url: server.url('private.git') };
}

async function once(base: string, options: Partial<WatchOptions> & { repositories: string[] }) {
  const log = captureLog();
  const watcher = await Watcher.start({
    stateDir: join(base, `state-${Math.random().toString(36).slice(2)}`),
    once: true,
    job: { kind: 'command', command: 'true' },
    env: watchEnv(),
    log: log.log,
    ...options,
  });
  return { summary: await watcher.done, log };
}

function hostOf(url: string): string {
  return new URL(url).host;
}

describe('git-watch tokens', { timeout: 120_000 }, () => {
  it('go only when the server asks (401), to the host they are for', async (t) => {
    const { base, server, url } = await privateRepo(t);
    const { summary, log } = await once(base, {
      repositories: [url],
      token: TOKEN,
      tokenHosts: [hostOf(url)],
      insecureHttpToken: true,
    });
    assert.equal(summary.ok, true, log.lines.join('\n'));
    const first = server.requests[0];
    assert.equal(first?.authorization, undefined, 'the first request carries no token');
    assert.equal(first?.status, 401);
    assert.ok(server.requests.some((r) => r.authorization === BASIC && r.status === 200));
    assert.ok(server.requests.every((r) => r.authorization === undefined || r.authorization === BASIC));
  });

  it('never go over plain http without --insecure-http-token, nor to another host', async (t) => {
    const { base, server, url } = await privateRepo(t);
    const plain = await once(base, { repositories: [url], token: TOKEN, tokenHosts: [hostOf(url)] });
    assert.equal(plain.summary.ok, false);
    assert.equal(
      plain.log.count(/the token is not sent over plain http \(--insecure-http-token allows it/),
      1,
    );
    const other = await once(base, {
      repositories: [url],
      token: TOKEN,
      tokenHosts: ['git.example.com'],
      insecureHttpToken: true,
    });
    assert.equal(other.summary.ok, false);
    assert.equal(other.log.count(/127\.0\.0\.1:\d+ is not a host the token is for/), 1);
    assert.ok(server.requests.length >= 2, 'git did ask');
    assert.deepEqual(
      server.requests.filter((r) => r.authorization !== undefined),
      [],
      'no request carried a token',
    );
  });

  it('never follow a redirect to another host', async (t) => {
    const { base, server } = await privateRepo(t);
    const redirector = await startGitHttpServer(join(base, 'none'), {
      redirectTo: `http://127.0.0.1:${server.port}`,
    });
    t.after(() => redirector.stop());
    const { summary } = await once(base, {
      repositories: [redirector.url('private.git')],
      token: TOKEN,
      tokenHosts: [hostOf(redirector.url('x'))],
      insecureHttpToken: true,
    });
    assert.equal(summary.ok, false);
    assert.ok(server.requests.length >= 1, 'git followed the redirect');
    assert.deepEqual(
      [...server.requests, ...redirector.requests].filter((r) => r.authorization !== undefined),
      [],
    );
  });

  it('in a URL over plain http are refused at start, unless to a loopback host with the flag', async (t) => {
    const { base, server, url } = await privateRepo(t);
    const inUrl = url.replace('http://', `http://bot:${TOKEN}@`);
    await assert.rejects(
      once(base, { repositories: [inUrl] }),
      /the credentials in http:\/\/127\.0\.0\.1:\d+\/private\.git would go over plain http \(--insecure-http-token/,
    );
    await assert.rejects(
      once(base, { repositories: ['http://bot:secret-pw@git.example.com/r.git'], insecureHttpToken: true }),
      /would go over plain http, where anyone on the way can read it/,
    );
    assert.equal(server.requests.length, 0);
    const ok = await once(base, { repositories: [inUrl], insecureHttpToken: true });
    assert.equal(ok.summary.ok, true);
    assert.equal(server.requests[0]?.authorization, undefined);
    assert.ok(
      server.requests.some(
        (r) => r.authorization === `Basic ${Buffer.from(`bot:${TOKEN}`).toString('base64')}`,
      ),
    );
  });

  it('are for github.com, GH_HOST, GITHUB_SERVER_URL and --token-hosts over https only', () => {
    const plan = (url: string, env: NodeJS.ProcessEnv = {}, tokenHosts?: string[]) =>
      credentialPlan(parseRepoSpec(url), { token: TOKEN, tokenHosts }, env);
    assert.equal(plan('https://github.com/o/r.git').send, true);
    assert.equal(plan('https://GitHub.com:443/o/r.git').send, true);
    assert.equal(plan('http://github.com/o/r.git').send, false);
    assert.equal(plan('https://github.com.evil.example/o/r.git').send, false);
    assert.equal(plan('https://gitlab.com/o/r.git').send, false);
    assert.equal(plan('https://gitlab.com/o/r.git', {}, ['gitlab.com']).send, true);
    assert.equal(plan('https://ghe.corp/o/r.git', { GH_HOST: 'ghe.corp' }).send, true);
    assert.equal(
      plan('https://ghe.corp:8443/o/r.git', { GITHUB_SERVER_URL: 'https://ghe.corp:8443' }).send,
      true,
    );
    assert.equal(plan('https://ghe.corp:8443/o/r.git', { GH_HOST: 'ghe.corp' }).send, false, 'another port');
    assert.equal(plan('git@github.com:o/r.git').send, false);
    assert.deepEqual(tokenHostsOf(['a.example', 'b.example:8443'], {}), [
      'github.com',
      'a.example',
      'b.example:8443',
    ]);
    assert.throws(() => tokenHostsOf(['bad host'], {}), /"bad host" is not a host name/);
    // The environment never holds a header for every request, only the helper and its secret.
    const env = gitEnvFor(parseRepoSpec('https://github.com/o/r.git'), { token: TOKEN }, {});
    assert.equal(
      Object.values(env).some((v) => v?.includes('extraHeader') || v?.includes('Authorization')),
      false,
    );
    assert.equal(env.DUAT_GIT_PASSWORD, TOKEN);
    assert.equal(env.DUAT_GIT_CREDENTIAL_FOR, 'https://github.com');
  });

  it('are given by the credential helper for exactly their protocol and host', () => {
    const env = gitEnvFor(parseRepoSpec('https://github.com/o/r.git'), { token: TOKEN }, watchEnv());
    const fill = (input: string) =>
      spawnSync('git', ['credential', 'fill'], { input, env, encoding: 'utf8', timeout: 20_000 });
    const right = fill('protocol=https\nhost=github.com\n\n');
    assert.equal(right.status, 0, right.stderr);
    assert.match(right.stdout, new RegExp(`^username=${TOKEN_USERNAME}$`, 'm'));
    assert.match(right.stdout, new RegExp(`^password=${TOKEN}$`, 'm'));
    for (const wrong of [
      'protocol=https\nhost=evil.example\n\n',
      'protocol=http\nhost=github.com\n\n',
      'protocol=https\nhost=github.com:8443\n\n',
      'protocol=https\nhost=github.com.evil.example\n\n',
    ]) {
      const answer = fill(wrong);
      assert.doesNotMatch(answer.stdout, new RegExp(TOKEN), wrong);
    }
  });
});
