/**
 * `duat image exists` against hostile registries (a Node server of the test, see hostile-server.ts):
 * exit 1 ("not there") only for a clear 404 (MANIFEST_UNKNOWN or NAME_UNKNOWN, or a bodiless JSON 404
 * to a HEAD); every other answer is exit 2 with one line saying why, in bounded time. The real
 * registry's own 404s are covered in test/image/registry.test.ts.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { cleanEnv } from '../helpers/cli.js';
import { runDuatAsync } from '../image/fixtures.js';
import { type HostileServer, openRegistry, startHostileServer, trickle } from './hostile-server.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: DIGEST, size: 2 },
  layers: [],
});

let server: HostileServer;
before(async () => {
  server = await startHostileServer();
});
after(() => server.stop());

/** HEAD answers 200 without a digest, so duat GETs the manifest: `get` writes that answer. */
function headWithoutDigest(get: (req: IncomingMessage, res: ServerResponse) => void) {
  return openRegistry((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end();
      return;
    }
    get(req, res);
  });
}

async function exists(extra: string[] = []) {
  const started = Date.now();
  const result = await runDuatAsync(
    ['image', 'exists', `${server.host}/team/app:1.0.0`, '--timeout', '2s', ...extra],
    { env: cleanEnv({ DOCKER_CONFIG: '/nonexistent-docker-config' }), timeoutMs: 60_000 },
  );
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

function assertError(result: Awaited<ReturnType<typeof exists>>, reason: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] as string, reason);
  assert.doesNotMatch(result.stderr, /unexpected error|at .*\.js:\d+/);
}

test('a clear 404 is "not there" (exit 1): HEAD with a JSON type, MANIFEST_UNKNOWN and NAME_UNKNOWN', async () => {
  server.handle(
    openRegistry((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' }).end(),
    ),
  );
  assert.equal((await exists()).code, 1);
  // go-containerregistry's registry: JSON written without a Content-Type, sniffed by Go as text/plain.
  server.handle(
    openRegistry((_req, res) => res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end()),
  );
  assert.equal((await exists()).code, 1);
  for (const code of ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']) {
    server.handle(
      headWithoutDigest((_req, res) =>
        res
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code, message: 'unknown' }] })),
      ),
    );
    const result = await exists();
    assert.equal(result.code, 1, `${code}: ${result.stderr}`);
    assert.match(result.stderr, /does not exist/);
  }
});

test("a 404 that is not a registry's (an HTML page, other codes) is exit 2", async () => {
  server.handle(openRegistry((_req, res) => res.writeHead(404, { 'Content-Type': 'text/html' }).end()));
  assertError(await exists(), /answered 404 with a text\/html answer, not a registry's MANIFEST_UNKNOWN/);
  server.handle(
    headWithoutDigest((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>Not Found</body></html>'),
    ),
  );
  assertError(await exists(), /answered 404 with "<html><body>Not Found/);
  server.handle(
    headWithoutDigest((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n'),
    ),
  );
  assertError(await exists(), /answered 404 with "404 page not found"/);
  server.handle(
    headWithoutDigest((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNSUPPORTED"}]}'),
    ),
  );
  assertError(await exists(), /answered 404 with "UNSUPPORTED"/);
});

test('5xx, 401 and 403 are exit 2 with the reason', async () => {
  server.handle(openRegistry((_req, res) => res.writeHead(503).end()));
  assertError(await exists(), /answered HTTP 503/);
  server.handle(openRegistry((_req, res) => res.writeHead(403).end()));
  assertError(await exists(), /denied look up team\/app:1\.0\.0/);
  server.handle(openRegistry((_req, res) => res.writeHead(401).end()));
  assertError(await exists(), /requires authentication/);
});

test('an oversized manifest is exit 2, whether its size is announced or not', async () => {
  server.handle(
    openRegistry((_req, res) =>
      res
        .writeHead(200, {
          'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
          'Docker-Content-Digest': DIGEST,
          'Content-Length': String(5 * 1024 * 1024),
        })
        .end(),
    ),
  );
  assertError(await exists(), /the manifest is 5242880 bytes, more than the 4 MiB/);
  server.handle(
    headWithoutDigest((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 5; i++) res.write(chunk);
      res.end();
    }),
  );
  assertError(await exists(), /the answer is larger, more than the 4 MiB allowed/);
});

test('a stalled body and a trickling body are cut in bounded time: exit 2', async () => {
  server.handle(
    headWithoutDigest((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
        'Content-Length': '500',
      });
      res.write(MANIFEST.slice(0, 20));
    }),
  );
  const stalled = await exists();
  // The inactivity timeout and the deadline are both 2 s here: either may cut it first.
  assertError(stalled, /broke off after 20 bytes: (nothing arrived for|no complete answer within) 2 s/);
  // One byte every 100 ms: no pause reaches the 2 s inactivity timeout; only the total deadline ends it.
  server.handle(
    headWithoutDigest((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      trickle(res, 100);
    }),
  );
  const trickled = await exists();
  assertError(trickled, /broke off after \d+ bytes: no complete answer within 2 s/);
  assert.ok(trickled.seconds < 30, `took ${trickled.seconds} s`);
});

test('a hostile Docker-Content-Digest is exit 2', async () => {
  server.handle(
    openRegistry((_req, res) =>
      res
        .writeHead(200, {
          'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
          'Docker-Content-Digest': 'sha256:x/../../other/manifests/y',
        })
        .end(),
    ),
  );
  assertError(
    await exists(),
    /Docker-Content-Digest that: "sha256:x\/\.\.\/\.\.\/other\/manifests\/y" is not a digest/,
  );
});

test('a blob that trickles is cut by a deadline that grows with its size, not left to run', async () => {
  server.handle(
    openRegistry((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      trickle(res, 50);
    }),
  );
  const client = new RegistryClient(server.host, { timeoutMs: 1000, dockerConfig: false });
  try {
    const { stream } = await client.openBlob('team/app', DIGEST, 10);
    const started = Date.now();
    await assert.rejects(
      (async () => {
        for await (const _ of stream) {
          // read until cut
        }
      })(),
      /no complete answer within 1 s/,
    );
    assert.ok(Date.now() - started < 20_000);
  } finally {
    client.close();
  }
});
