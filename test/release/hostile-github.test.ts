/**
 * publishRelease against a hostile "GitHub": a Node server of the test (test/registry/hostile-server.ts)
 * whose answers have the wrong shape (missing fields, wrong types, a list for an object, HTML, text)
 * or name an upload URL elsewhere. A fake on purpose: the real GitHub does not misbehave on request,
 * and the OpenAPI-checked fake (test/helpers/github-server.ts) refuses to. Every failure must be one
 * line naming what was wrong, and the token must never reach another host.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DuatError } from '../../src/core/errors.js';
import { checkUploadUrl, normalizeApiUrl } from '../../src/release/github-client.js';
import { publishRelease } from '../../src/release/publish.js';
import { type HostileServer, startHostileServer, trickle } from '../registry/hostile-server.js';
import { FAST, releaseRepo, TOKEN, writeFiles } from './fixtures.js';

let api: HostileServer;
let elsewhere: HostileServer;

before(async () => {
  [api, elsewhere] = await Promise.all([startHostileServer('127.0.0.1'), startHostileServer('127.0.0.1')]);
});
after(() => Promise.all([api.stop(), elsewhere.stop()]));

type Answer = { status?: number; type?: string; body: unknown };
type Routes = Record<string, Answer>;

function release(extra: Record<string, unknown> = {}) {
  return {
    id: 7,
    tag_name: '1.0.0',
    name: '1.0.0',
    html_url: 'http://API_HOST/acme/widget/releases/tag/1.0.0',
    upload_url: 'http://API_HOST/repos/acme/widget/releases/7/assets{?name,label}',
    draft: false,
    prerelease: false,
    target_commitish: 'main',
    ...extra,
  };
}

/**
 * Answers by "METHOD /path" (query left out); a string body is sent as is, anything else as JSON, with
 * API_HOST standing for the server's host (the cases are written before it listens).
 */
function serve(routes: Routes): void {
  api.handle((req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    const answer = routes[key] ?? { status: 404, body: { message: 'Not Found' } };
    req.resume();
    req.on('end', () => {
      const text = (typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)).replaceAll(
        'API_HOST',
        api.host,
      );
      res.writeHead(answer.status ?? 200, {
        'Content-Type': answer.type ?? (typeof answer.body === 'string' ? 'text/html' : 'application/json'),
      });
      res.end(text);
    });
  });
}

const TAG = 'GET /repos/acme/widget/releases/tags/1.0.0';
const LIST = 'GET /repos/acme/widget/releases';
const CREATE = 'POST /repos/acme/widget/releases';
const ASSETS = 'GET /repos/acme/widget/releases/7/assets';
const UPLOAD = 'POST /repos/acme/widget/releases/7/assets';

async function publishFails(t: TestContext, routes: Routes, reason: RegExp, tuning = FAST) {
  serve(routes);
  const dir = releaseRepo(t, '1.0.0');
  writeFiles(dir, { 'bin/widget': 'bytes' });
  try {
    await publishRelease({
      files: ['bin/*'],
      token: TOKEN,
      cwd: dir,
      apiUrl: `http://${api.host}`,
      tuning,
    });
  } catch (err) {
    assert.ok(err instanceof DuatError, `not a DuatError: ${String(err)}`);
    const text = err.describe();
    assert.match(text, reason);
    assert.equal(text.split('\n').length, 1, text);
    assert.doesNotMatch(text, /Cannot read properties|undefined is not|TOKEN|ghp_/);
    return;
  }
  assert.fail('expected the publish to fail');
}

describe('hostile GitHub answers give one line naming what was wrong', () => {
  const cases: [string, Routes, RegExp][] = [
    [
      'an HTML page',
      { [TAG]: { body: '<!DOCTYPE html><html>Sign in</html>' } },
      /"find the release 1\.0\.0".*an HTML page, not JSON/,
    ],
    ['plain text', { [TAG]: { body: 'ok', type: 'text/plain' } }, /it is text, not JSON/],
    ['an empty object', { [TAG]: { body: {} } }, /: id is missing/],
    [
      'a string id',
      { [TAG]: { body: release({ id: '7' }) } },
      /: id is a string, not a positive whole number/,
    ],
    ['a list for a release', { [TAG]: { body: [release()] } }, /the answer is a list, not an object/],
    ['null', { [TAG]: { body: null } }, /the answer is null, not an object/],
    [
      'a release list that is an object',
      { [LIST]: { body: { message: 'hi' } } },
      /"list the releases".*an object, not a list/,
    ],
    [
      'a release in the list without a tag',
      { [LIST]: { body: [release(), { id: 9 }] } },
      /\[1\]\.tag_name is missing/,
    ],
    [
      'a created release without html_url',
      { [LIST]: { body: [] }, [CREATE]: { status: 201, body: { id: 1, tag_name: '1.0.0' } } },
      /"create the release 1\.0\.0".*html_url is missing/,
    ],
    [
      'a draft flag that is a string',
      { [TAG]: { body: release({ draft: 'no' }) } },
      /draft is a string, not true or false/,
    ],
    [
      'an asset list of strings',
      { [TAG]: { body: release() }, [ASSETS]: { body: ['a'] } },
      /"list the release assets".*\[0\] is a string, not an object/,
    ],
    [
      'an asset with a negative size',
      {
        [TAG]: { body: release() },
        [ASSETS]: {
          body: [
            { id: 1, name: 'x', size: -1, state: 'uploaded', content_type: 'a', browser_download_url: 'u' },
          ],
        },
      },
      /\[0\]\.size is a number, not a size in bytes/,
    ],
    [
      'an upload answered with HTML',
      { [TAG]: { body: release() }, [ASSETS]: { body: [] }, [UPLOAD]: { status: 201, body: '<html>' } },
      /"upload widget".*an HTML page/,
    ],
  ];
  for (const [name, routes, reason] of cases) {
    it(name, (t) => publishFails(t, routes, reason));
  }
});

describe('API answers are bounded in time and size', () => {
  const tuning = { ...FAST, retries: 0, requestTimeoutMs: 1500 };
  it('a trickling answer is cut by the deadline, not left to run', async (t) => {
    const started = Date.now();
    api.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      trickle(res, 100);
    });
    const dir = releaseRepo(t, '1.0.0');
    writeFiles(dir, { 'bin/widget': 'bytes' });
    await assert.rejects(
      publishRelease({ files: ['bin/*'], token: TOKEN, cwd: dir, apiUrl: `http://${api.host}`, tuning }),
      (err: Error) =>
        err instanceof DuatError && /no complete answer from 127\.0\.0\.1:\d+ within 2 s/.test(err.message),
    );
    assert.ok(Date.now() - started < 20_000);
  });
  it('an oversized answer is refused', (t) =>
    publishFails(
      t,
      { [TAG]: { body: `[${'1,'.repeat(17 * 1024 * 1024)}1]`, type: 'application/json' } },
      /larger than 32 MiB/,
      tuning,
    ));
});

describe('the token goes only to the API host and its upload host', () => {
  it('an upload_url on another host is refused before anything is sent there', async (t) => {
    elsewhere.seen.length = 0;
    elsewhere.handle((_req, res) => res.writeHead(201).end('{}'));
    const otherUpload = `http://localhost:${elsewhere.port}/repos/acme/widget/releases/7/assets{?name,label}`;
    await publishFails(
      t,
      { [TAG]: { body: release({ upload_url: otherUpload }) }, [ASSETS]: { body: [] } },
      /upload URL http:\/\/localhost:\d+, and duat does not send the token there: it is on another host/,
    );
    assert.deepEqual(elsewhere.seen, []);
    await publishFails(
      t,
      {
        [TAG]: { body: release({ upload_url: 'https://uploads.evil.example/x{?name,label}' }) },
        [ASSETS]: { body: [] },
      },
      /does not send the token there: it is on another host/,
    );
  });

  it('the rule: https, on the API host or its uploads. host; http only on this machine', () => {
    const ok = (upload: string, apiUrl: string) => assert.equal(checkUploadUrl(upload, apiUrl), upload);
    const refused = (upload: string, apiUrl: string, why: RegExp) =>
      assert.throws(() => checkUploadUrl(upload, apiUrl), why);
    ok('https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}', 'https://api.github.com');
    ok('https://uploads.acme.ghe.com/repos/o/r/releases/1/assets', 'https://api.acme.ghe.com');
    ok('https://ghe.example/api/uploads/repos/o/r/releases/1/assets', 'https://ghe.example/api/v3');
    ok('http://127.0.0.1:9/upload', 'http://127.0.0.1:8/api');
    refused('http://uploads.github.com/x', 'https://api.github.com', /plain http/);
    refused('https://uploads.evil.com/x', 'https://api.github.com', /another host/);
    refused('https://api.github.com.evil/x', 'https://api.github.com', /another host/);
    refused('http://127.0.0.1:9/upload', 'https://127.0.0.1:8/api', /plain http/);
    refused('http://localhost:9/upload', 'http://127.0.0.1:8/api', /another host/);
    refused('file:///etc/passwd', 'https://api.github.com', /another host|not an http/);
    refused('not a url', 'https://api.github.com', /which is not a URL/);
    assert.throws(
      () => normalizeApiUrl('http://ghe.example/api/v3'),
      /plain http: the token would travel in clear/,
    );
    assert.equal(normalizeApiUrl('http://[::1]:8/api/'), 'http://[::1]:8/api');
  });
});
