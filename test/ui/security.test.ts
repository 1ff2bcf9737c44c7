/**
 * Who may act on the status pages, checked with plain HTTP requests carrying exactly the headers a
 * browser (or an attacker's page, or a proxy) sends: every action needs this server's Origin and the
 * session's CSRF token; from another machine it also needs the --ui-token. A request relayed by a proxy
 * (X-Forwarded-For) is how a browser on another machine arrives at a loopback-bound git-watch, so that
 * is how "another machine" is made here; `isLocalRequest` itself is tested on the peer address too.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/core/log.js';
import { createUi, isLocalRequest, isLoopbackAddress } from '../../src/watch/ui/index.js';
import { CONTENT_SECURITY_POLICY, hostAllowed, isLoopbackHost } from '../../src/watch/ui/security.js';
import { pushCommit } from '../helpers/git-server.js';
import { finishedRunFor, runCli, runFor, waitFor } from '../watch/helpers.js';
import { openSession, pollsMade, request, startUiWatch } from './helpers.js';

const TOKEN = 'ui-token-0123456789abcdef';

function fakeRequest(remoteAddress: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('status page actions', { timeout: 120_000 }, () => {
  it('need the Origin of this server and the session CSRF token', async (t) => {
    let first = '';
    const w = await startUiWatch(t, {}, (repo) => {
      first = pushCommit(repo.work, 'f', '1');
    });
    await waitFor('the first run', () => finishedRunFor(w.state, first));
    const port = new URL(w.base).port;
    const origin = w.base;

    const page = await request(w.base, '/', { headers: { host: `127.0.0.1:${port}` } });
    assert.equal(page.status, 200);
    const csp = String(page.headers['content-security-policy']);
    assert.equal(csp, CONTENT_SECURITY_POLICY);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(page.body, /<script>|<style>| style=| on[a-z]+=/, 'no inline script or style');
    const cookie = (page.headers['set-cookie'] ?? [])[0] ?? '';
    assert.match(
      cookie,
      new RegExp(`^duat_sid_${port}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`),
    );

    const s = await openSession(w.base);
    const other = await openSession(w.base);
    const action = s.pollAction as string;
    assert.match(action, /^\/repos\/[0-9a-f]{12}\/poll$/);
    const second = pushCommit(w.work, 'f', '2');
    const polls = await pollsMade(w.base);

    const post = (headers: Record<string, string>, csrf: string | null = s.csrf) =>
      request(w.base, action, {
        method: 'POST',
        headers,
        body: csrf === null ? '' : `csrf=${encodeURIComponent(csrf)}`,
      });
    const refusals: [string, Promise<{ status: number; body: string }>][] = [
      ['another origin', post({ cookie: s.cookie, origin: 'http://127.0.0.1:1' })],
      [
        'another port of the same host',
        post({ cookie: s.cookie, origin: `http://127.0.0.1:${Number(port) + 1}` }),
      ],
      ['Origin: null', post({ cookie: s.cookie, origin: 'null' })],
      ['no Origin and no Referer', post({ cookie: s.cookie })],
      ['a Referer of another origin', post({ cookie: s.cookie, referer: 'http://evil.example/page' })],
      ['no CSRF token', post({ cookie: s.cookie, origin }, null)],
      ['a wrong CSRF token', post({ cookie: s.cookie, origin }, 'x'.repeat(43))],
      ["another session's CSRF token", post({ cookie: s.cookie, origin }, other.csrf)],
      ['no session cookie', post({ origin })],
    ];
    for (const [what, answer] of refusals) {
      const { status, body } = await answer;
      assert.equal(status, 403, what);
      assert.match(body, /refused: /, what);
    }
    const api = await request(w.base, `/api${action}`, {
      method: 'POST',
      headers: { cookie: s.cookie, origin: 'http://127.0.0.1:1', 'x-csrf-token': s.csrf },
    });
    assert.equal(api.status, 403);
    assert.match(api.body, /"error": "refused: the request does not come from this page/);
    assert.equal((await request(w.base, `/api${action}`)).status, 405);
    await sleep(400);
    assert.equal(await pollsMade(w.base), polls, 'nothing was polled');
    assert.equal(runFor(w.state, second), undefined);
    assert.equal(w.log.count(/poll now refused/), refusals.length + 1);

    // The page's own form: same Origin, the session's token.
    const ok = await post({ cookie: s.cookie, origin });
    assert.equal(ok.status, 303);
    assert.match(String(ok.headers.location), /^\/\?polled=[0-9a-f]{12}$/);
    await waitFor('the commit "poll now" found', () => runFor(w.state, second));
    // Without an Origin header, a Referer of this server does (older browsers); a script sends the token as a header.
    assert.equal((await post({ cookie: s.cookie, referer: `${origin}/` })).status, 303);
    const viaApi = await request(w.base, `/api${action}`, {
      method: 'POST',
      headers: { cookie: s.cookie, origin, 'x-csrf-token': s.csrf },
    });
    assert.equal(viaApi.status, 202);
    assert.match(viaApi.body, /"polling": "git:\/\/127\.0\.0\.1:\d+\/app\.git"/);
    assert.equal(w.log.count(/poll now: git:\/\/.* \(asked from 127\.0\.0\.1, this machine\)/), 3);
  });

  it('are refused to a page that reaches this server under another host name (DNS rebinding)', async (t) => {
    const w = await startUiWatch(t);
    const port = new URL(w.base).port;
    for (const path of ['/', '/api/status', '/runs']) {
      const answer = await request(w.base, path, { headers: { host: `evil.example:${port}` } });
      assert.equal(answer.status, 421, path);
    }
    assert.equal((await request(w.base, '/', { headers: { host: `localhost:${port}` } })).status, 200);
    assert.equal((await request(w.base, '/', { headers: { host: `[::1]:${port}` } })).status, 200);
    // /healthz and /metrics are not pages: they answer as before.
    assert.equal(
      (await request(w.base, '/healthz', { headers: { host: `evil.example:${port}` } })).status,
      200,
    );
  });

  it('from another machine need the --ui-token: signed in, or as a bearer token; the pages are read-only otherwise', async (t) => {
    let first = '';
    const w = await startUiWatch(t, { uiToken: TOKEN }, (repo) => {
      first = pushCommit(repo.work, 'f', '1');
    });
    await waitFor('the first run', () => finishedRunFor(w.state, first));
    const origin = w.base;
    const remote = { 'x-forwarded-for': '203.0.113.7' };

    // Read-only: the page shows no action, and a well-formed action is refused.
    const s = await openSession(w.base, remote);
    assert.equal(s.pollAction, undefined, 'no "poll now" button');
    assert.match(s.html, /<span>Read-only<\/span><a href="\/login">Sign in<\/a>/);
    const key = (await openSession(w.base)).pollAction as string;
    const refused = await request(w.base, key, {
      method: 'POST',
      headers: { ...remote, cookie: s.cookie, origin },
      body: `csrf=${s.csrf}`,
    });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /refused: actions from another machine need signing in with the UI token/);

    // A script with the token (no cookie, no Origin: not a browser); a wrong token or another origin is refused.
    const bearer = (token: string, extra: Record<string, string> = {}) =>
      request(w.base, `/api${key}`, {
        method: 'POST',
        headers: { ...remote, authorization: `Bearer ${token}`, ...extra },
      });
    assert.equal((await bearer(`${TOKEN}x`)).status, 401);
    assert.equal((await bearer(TOKEN, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await bearer(TOKEN)).status, 202);

    // Signing in: a wrong token is refused and logged, the right one marks the session.
    const login = await request(w.base, '/login', { headers: { ...remote, cookie: s.cookie } });
    assert.match(login.body, /<input id="token" name="token" type="password"/);
    const wrong = await request(w.base, '/login', {
      method: 'POST',
      headers: { ...remote, cookie: s.cookie, origin },
      body: `csrf=${s.csrf}&token=not-the-token`,
    });
    assert.equal(wrong.status, 403);
    assert.match(wrong.body, /That is not the token\./);
    assert.equal(
      w.log.count(/sign-in with a wrong UI token from 203\.0\.113\.7 \(2 in the last minute\)/),
      1,
    );
    const forged = await request(w.base, '/login', {
      method: 'POST',
      headers: { ...remote, cookie: s.cookie, origin: 'http://evil.example' },
      body: `csrf=${s.csrf}&token=${TOKEN}`,
    });
    assert.equal(forged.status, 403, 'a sign-in from another origin is refused');
    const right = await request(w.base, '/login', {
      method: 'POST',
      headers: { ...remote, cookie: s.cookie, origin },
      body: `csrf=${s.csrf}&token=${TOKEN}`,
    });
    assert.equal(right.status, 303);
    const auth = ((right.headers['set-cookie'] ?? [])[0] ?? '').split(';')[0] as string;
    assert.match(auth, /^duat_auth_\d+=[A-Za-z0-9_-]{43}$/);
    const cookie = `${s.cookie}; ${auth}`;
    const signedIn = await openSession(w.base, { ...remote, cookie });
    assert.match(signedIn.html, /<span>Signed in<\/span>/);
    assert.equal(signedIn.pollAction, key);
    const acted = await request(w.base, key, {
      method: 'POST',
      headers: { ...remote, cookie, origin },
      body: `csrf=${s.csrf}`,
    });
    assert.equal(acted.status, 303);
    // The sign-in mark is bound to its session: with another session id it is worth nothing.
    const stranger = await openSession(w.base, remote);
    const stolen = await request(w.base, key, {
      method: 'POST',
      headers: { ...remote, cookie: `${stranger.cookie}; ${auth}`, origin },
      body: `csrf=${stranger.csrf}`,
    });
    assert.equal(stolen.status, 403);
    // Signing out.
    const out = await request(w.base, '/logout', {
      method: 'POST',
      headers: { ...remote, cookie, origin },
      body: `csrf=${s.csrf}`,
    });
    assert.equal(out.status, 303);
    assert.match(
      String(out.headers['set-cookie']),
      /^duat_auth_\d+=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/,
    );

    // The token is never shown: not in a page, not in the log.
    for (const path of ['/', '/login', '/runs', '/api/status']) {
      const answer = await request(w.base, path, { headers: { cookie } });
      assert.doesNotMatch(answer.body, new RegExp(TOKEN), path);
    }
    assert.equal(
      w.log.lines.some((l) => l.includes(TOKEN)),
      false,
    );
  });

  it('without --ui-token are allowed only from this machine', async (t) => {
    const w = await startUiWatch(t);
    const remote = { 'x-forwarded-for': '203.0.113.7' };
    const s = await openSession(w.base, remote);
    assert.match(s.html, /<div class="who"><span>Read-only<\/span><\/div>/);
    const key = (await openSession(w.base)).pollAction as string;
    const answer = await request(w.base, key, {
      method: 'POST',
      headers: { ...remote, cookie: s.cookie, origin: w.base },
      body: `csrf=${s.csrf}`,
    });
    assert.equal(answer.status, 403);
    assert.match(answer.body, /actions are allowed only from this machine \(start git-watch with --ui-token/);
    const login = await request(w.base, '/login', { headers: remote });
    assert.match(login.body, /This git-watch has no <code>--ui-token<\/code>/);
  });

  it('tell this machine from others by the peer address, the Host and proxy headers', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '[::1]'])
      assert.equal(isLoopbackAddress(a), true, a);
    for (const a of ['192.0.2.2', '::ffff:192.0.2.2', '10.0.0.1', '::', '0.0.0.0', 'fe80::1', '', undefined])
      assert.equal(isLoopbackAddress(a), false, String(a));
    const host = { host: '127.0.0.1:8080' };
    assert.equal(isLocalRequest(fakeRequest('127.0.0.1', host)), true);
    assert.equal(isLocalRequest(fakeRequest('::ffff:127.0.0.1', { host: 'localhost:8080' })), true);
    assert.equal(isLocalRequest(fakeRequest('::1', { host: '[::1]:8080' })), true);
    assert.equal(isLocalRequest(fakeRequest('192.0.2.2', host)), false, 'a peer on the network');
    assert.equal(
      isLocalRequest(fakeRequest('127.0.0.1', { ...host, 'x-forwarded-for': '192.0.2.9' })),
      false,
    );
    assert.equal(isLocalRequest(fakeRequest('127.0.0.1', { ...host, forwarded: 'for=192.0.2.9' })), false);
    assert.equal(
      isLocalRequest(fakeRequest('127.0.0.1', { host: 'ci.example.com' })),
      false,
      'named as another host',
    );
    assert.equal(isLocalRequest(fakeRequest('127.0.0.1', {})), false);
    assert.equal(isLoopbackHost('app.localhost:3000'), true);
    assert.equal(isLoopbackHost('127.0.0.1.evil.example'), false);
    assert.equal(hostAllowed(fakeRequest('127.0.0.1', { host: 'ci.example.com' }), true), false);
    assert.equal(hostAllowed(fakeRequest('192.0.2.2', { host: 'ci.example.com' }), false), true);
  });

  it('refuse a UI token that is too short', () => {
    const source = {
      stateDir: '/nonexistent',
      snapshot: () => undefined,
      runs: () => [],
      run: () => undefined,
      forRepo: () => [],
    };
    assert.throws(
      () =>
        createUi({
          source,
          pollNow: () => false,
          token: 'short',
          log: createLogger({ write: () => {} }),
          listenHost: '127.0.0.1',
        }),
      /--ui-token must be at least 16 characters/,
    );
    const cli = runCli(['git-watch', '--listen', '0', '--ui-token', 'short', '.'], { timeoutMs: 20_000 });
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /--ui-token must be at least 16 characters/);
    const alone = runCli(['git-watch', '--ui-token', TOKEN, '.'], { timeoutMs: 20_000 });
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--ui-token goes with --listen/);
    assert.doesNotMatch(alone.stderr, new RegExp(TOKEN));
  });
});
