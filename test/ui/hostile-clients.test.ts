/**
 * Clients of the status pages that misbehave on purpose, against the real server: a DNS-rebinding page
 * reaching a server bound to [::1], paths with broken %-encoding or names of Object's own properties,
 * a stranger guessing the UI token (who must not lock the operator out), and wrong bearer tokens
 * (counted and logged, never echoed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackAddress } from '../../src/watch/ui/security.js';
import { openSession, request, startUiWatch } from './helpers.js';

const TOKEN = 'ui-token-0123456789abcdef';

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return Number(line?.split(' ').pop() ?? Number.NaN);
}

describe('status pages and hostile clients', { timeout: 120_000 }, () => {
  it('bound to [::1], refuse a Host that is not a loopback name (DNS rebinding)', async (t) => {
    const w = await startUiWatch(t, { listen: '[::1]:0' });
    assert.match(w.base, /^http:\/\/\[::1\]:\d+$/);
    const port = new URL(w.base).port;
    for (const path of ['/', '/api/status', '/runs']) {
      const answer = await request(w.base, path, { headers: { host: `evil.example:${port}` } });
      assert.equal(answer.status, 421, path);
    }
    for (const host of [
      `[::1]:${port}`,
      `[0:0:0:0:0:0:0:1]:${port}`,
      `localhost:${port}`,
      `127.0.0.1:${port}`,
    ])
      assert.equal((await request(w.base, '/api/status', { headers: { host } })).status, 200, host);
  });

  it('treat every spelling of a loopback address alike', () => {
    for (const a of [
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '0000::0001',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '127.8.9.10',
    ])
      assert.equal(isLoopbackAddress(a), true, a);
    for (const a of [
      '::2',
      '::',
      '::ffff:10.0.0.1',
      '::ffff:a00:1',
      '128.0.0.1',
      '1::1',
      'fe80::1',
      'localhost',
      '',
    ])
      assert.equal(isLoopbackAddress(a), false, a);
  });

  it('answer a bad %-encoding with 400 and Object property names under /assets/ with 404, and keep serving', async (t) => {
    const w = await startUiWatch(t);
    const bad = ['/runs/%E0%A4%A', '/runs/%ff', '/runs/%ff/log', '/api/runs/%c0', '/api/runs/%/log', '/%zz'];
    for (const path of bad) assert.equal((await request(w.base, path)).status, 400, path);
    const posted = await request(w.base, '/repos/%ff/poll', { method: 'POST', body: 'csrf=x' });
    assert.equal(posted.status, 400);
    assert.equal((await request(w.base, '/api/repos/%ff/poll', { method: 'POST' })).status, 400);
    // Every %XX sequence: none is a server error.
    for (let byte = 0; byte < 256; byte++) {
      const path = `/runs/%${byte.toString(16).padStart(2, '0')}`;
      const { status } = await request(w.base, path);
      assert.ok(status === 400 || status === 404, `${path}: ${status}`);
    }
    for (const name of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
    ])
      assert.equal((await request(w.base, `/assets/${name}`)).status, 404, name);
    assert.equal((await request(w.base, '/assets/app.css')).status, 200);
    assert.equal((await request(w.base, '/healthz')).status, 200);
    assert.equal(w.log.count(/http .*: /), 0, 'no handler error was logged');
  });

  it('limit wrong sign-ins per client: a stranger guessing does not lock the operator out', async (t) => {
    const w = await startUiWatch(t, { uiToken: TOKEN });
    const origin = w.base;
    const stranger = { 'x-forwarded-for': '203.0.113.5' };
    const operator = { 'x-forwarded-for': '198.51.100.20' };
    const s = await openSession(w.base, stranger);
    const signIn = (headers: Record<string, string>, cookie: string, csrf: string, token: string) =>
      request(w.base, '/login', {
        method: 'POST',
        headers: { ...headers, cookie, origin },
        body: `csrf=${csrf}&token=${encodeURIComponent(token)}`,
      });
    for (let i = 0; i < 10; i++)
      assert.equal((await signIn(stranger, s.cookie, s.csrf, `guess-${i}`)).status, 403);
    assert.equal((await signIn(stranger, s.cookie, s.csrf, 'guess-11')).status, 429);
    assert.equal(
      (await signIn(stranger, s.cookie, s.csrf, TOKEN)).status,
      429,
      'blocked even with the token',
    );
    // The operator, from another address, signs in at once.
    const o = await openSession(w.base, operator);
    assert.equal((await signIn(operator, o.cookie, o.csrf, TOKEN)).status, 303);
    assert.equal(w.log.count(/sign-in with a wrong UI token from 203\.0\.113\.5/), 10);
    assert.equal(await metric(w.base, 'duat_git_watch_ui_wrong_tokens_total{via="login"}'), 10);
  });

  it('count and log wrong bearer tokens without the token, and limit them per client', async (t) => {
    const w = await startUiWatch(t, { uiToken: TOKEN });
    const key = (await openSession(w.base)).pollAction as string;
    const bearer = (token: string, from: string) =>
      request(w.base, `/api${key}`, {
        method: 'POST',
        headers: { 'x-forwarded-for': from, authorization: `Bearer ${token}` },
      });
    const guess = 'wrong-token-abcdef0123456789';
    const first = await bearer(guess, '203.0.113.9');
    assert.equal(first.status, 401);
    assert.doesNotMatch(first.body, new RegExp(guess));
    for (let i = 1; i < 10; i++) assert.equal((await bearer(`${guess}${i}`, '203.0.113.9')).status, 401);
    assert.equal((await bearer(TOKEN, '203.0.113.9')).status, 429);
    assert.equal((await bearer(TOKEN, '203.0.113.10')).status, 202);
    assert.equal(await metric(w.base, 'duat_git_watch_ui_wrong_tokens_total{via="bearer"}'), 10);
    assert.equal(w.log.count(/a wrong bearer token from 203\.0\.113\.9 \(1 in the last minute\)/), 1);
    assert.equal(
      w.log.lines.some((l) => l.includes(guess) || l.includes(TOKEN)),
      false,
      'no token in the log',
    );
  });
});
