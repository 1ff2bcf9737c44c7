/**
 * The referrers API's paging (`Link: <...>; rel="next"`) and artifactType filtering, against a small
 * HTTP server in this test: a fake, because none of the registries that run here pages its referrers
 * lists (go-containerregistry answers one page; distribution has no referrers API). It also answers
 * an oversized page, which must be refused, not read whole.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { MEDIA_TYPES } from '../../src/registry/manifest.js';
import { referrersFromApi } from '../../src/registry/referrers.js';

const SUBJECT = `sha256:${'1'.repeat(64)}`;
const BIG = `sha256:${'2'.repeat(64)}`;
const desc = (n: number, artifactType: string) => ({
  mediaType: MEDIA_TYPES.ociManifest,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 100 + n,
  artifactType,
});
let server: Server;
let host = '';
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url.pathname + url.search);
    if (url.pathname === '/v2/') return res.writeHead(200).end('{}');
    const index = (manifests: unknown[], link?: string) => {
      res.writeHead(200, {
        'Content-Type': MEDIA_TYPES.ociIndex,
        ...(link ? { Link: `<${link}>; rel="next"` } : {}),
      });
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
    };
    if (url.pathname === `/v2/team/app/referrers/${SUBJECT}`) {
      if (url.searchParams.get('page') === '2') return index([desc(3, 'application/spdx+json')]);
      return index(
        [desc(4, 'application/spdx+json'), desc(5, 'application/vnd.dev.sigstore')],
        `/v2/team/app/referrers/${SUBJECT}?page=2`,
      );
    }
    if (url.pathname === `/v2/team/app/referrers/${BIG}`) {
      res.writeHead(200, { 'Content-Type': MEDIA_TYPES.ociIndex });
      res.end(Buffer.alloc(5 * 1024 * 1024, 0x20));
      return;
    }
    res.writeHead(404).end('404 page not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('every page is read, the filter is applied (also when the registry ignores it), a registry without the API is told apart', async () => {
  const client = new RegistryClient(host);
  try {
    const all = await referrersFromApi(client, 'team/app', SUBJECT);
    assert.deepEqual(
      all?.map((d) => d.size),
      [104, 105, 103],
    );
    const sboms = await referrersFromApi(client, 'team/app', SUBJECT, 'application/spdx+json');
    assert.deepEqual(
      sboms?.map((d) => d.size),
      [104, 103],
    );
    assert.ok(
      seen.some((s) => s.includes('artifactType=application%2Fspdx%2Bjson')),
      seen.join(' '),
    );
    assert.equal(
      await referrersFromApi(client, 'other/app', SUBJECT),
      undefined,
      'a 404 route: no referrers API',
    );
    await assert.rejects(referrersFromApi(client, 'team/app', BIG), /larger|exceed|limit|too large/i);
  } finally {
    client.close();
  }
});
