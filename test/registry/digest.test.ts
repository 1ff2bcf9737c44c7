/**
 * Digests are checked (digest.ts) before any use: the OCI grammar, sha256/sha512 only. A property
 * test feeds random and hostile strings through the check, the manifest parser and every client call
 * that puts a digest into a URL, against a recording server (a fake: see hostile-server.ts), and shows
 * that none of them reaches a request path.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { promoteImage } from '../../src/image/promote.js';
import { RegistryClient } from '../../src/registry/client.js';
import { digestProblem, isValidDigest } from '../../src/registry/digest.js';
import {
  MEDIA_TYPES,
  manifestContents,
  type RawManifest,
  sha256Digest,
} from '../../src/registry/manifest.js';
import { parseReference } from '../../src/registry/reference.js';
import { type HostileServer, openRegistry, startHostileServer } from './hostile-server.js';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;
const CANONICAL = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'sha256:',
  'sha512:',
  'md5:',
  'a',
  'f',
  '0',
  'A',
  '/',
  '..',
  '.',
  '%2F',
  '%2e',
  '?',
  '#',
  ':',
  '@',
  '\\',
  ' ',
  '\n',
  '\0',
  'é',
  '=',
  '_',
  '-',
  '+',
  'manifests',
  'blobs',
];

/** Strings built from hostile pieces, and valid digests with one character changed. */
function hostileStrings(count: number, seed = 14): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const out = [
    '',
    ':',
    'sha256:',
    `${SHA256}/`,
    `${SHA256}/../../other/manifests/y`,
    'sha256:x/../../other/manifests/y',
    SHA256.toUpperCase(),
    `SHA256:${SHA256.slice(7)}`,
    `sha256:${'a'.repeat(63)}`,
    `sha256:${'a'.repeat(65)}`,
    `sha384:${'a'.repeat(96)}`,
    `sha256+b64u:${'a'.repeat(43)}`,
    `${SHA256}%2F..`,
    `${SHA256}?x=1`,
  ];
  while (out.length < count) {
    if (next() < 0.5) {
      let s = '';
      const n = 1 + Math.floor(next() * 12);
      for (let i = 0; i < n; i++) s += pick(PIECES);
      out.push(s);
    } else {
      const base = next() < 0.5 ? SHA256 : SHA512;
      const at = Math.floor(next() * base.length);
      out.push(`${base.slice(0, at)}${pick(PIECES)}${base.slice(at + 1)}`);
    }
  }
  return out;
}

test('the digest grammar: sha256 and sha512 in canonical form only, each refusal says why', () => {
  assert.equal(digestProblem(SHA256), undefined);
  assert.equal(digestProblem(SHA512), undefined);
  assert.match(
    digestProblem('sha256:x/../../other/manifests/y') ?? '',
    /is not a digest \(ALGORITHM:ENCODED\)/,
  );
  assert.match(digestProblem(`md5:${'a'.repeat(32)}`) ?? '', /algorithm md5, which duat cannot verify/);
  assert.match(digestProblem(`sha256:${'A'.repeat(64)}`) ?? '', /is not a sha256 digest \(64 lower-case hex/);
  assert.match(digestProblem(`sha512:${'a'.repeat(64)}`) ?? '', /is not a sha512 digest \(128/);
  assert.match(digestProblem(42) ?? '', /a number is not a digest/);
  assert.match(digestProblem(undefined) ?? '', /nothing is not a digest/);
  // References: the same check, with the reason.
  assert.throws(() => parseReference(`reg.io/a@md5:${'a'.repeat(32)}`), /invalid digest format: .*md5/);
  assert.equal(parseReference(`reg.io/a@${SHA256}`).digest, SHA256);
});

test('property: a string is accepted exactly when it is a canonical sha256/sha512 digest', () => {
  const strings = hostileStrings(5000);
  let accepted = 0;
  for (const s of strings) {
    assert.equal(isValidDigest(s), CANONICAL.test(s), JSON.stringify(s));
    if (isValidDigest(s)) accepted++;
  }
  // The mutations keep some valid digests (a hex digit replaced by another), so both sides are exercised.
  assert.ok(accepted > 0 && accepted < strings.length, `${accepted} accepted`);
});

function manifestOf(value: unknown, mediaType: string = MEDIA_TYPES.ociManifest): RawManifest {
  const bytes = Buffer.from(JSON.stringify(value));
  return { mediaType, bytes, digest: sha256Digest(bytes) };
}

test('property: a manifest naming a hostile digest anywhere is refused, naming where', () => {
  const good = { mediaType: MEDIA_TYPES.ociLayerGzip, digest: SHA256, size: 1 };
  for (const bad of hostileStrings(400, 7).filter((s) => !isValidDigest(s))) {
    const desc = { ...good, digest: bad };
    const cases: [RawManifest, RegExp][] = [
      [manifestOf({ schemaVersion: 2, config: desc, layers: [good] }), /, config digest: /],
      [manifestOf({ schemaVersion: 2, config: good, layers: [good, desc] }), /, layers\[1\] digest: /],
      [manifestOf({ schemaVersion: 2, config: good, layers: [], subject: desc }), /, subject digest: /],
      [
        manifestOf({ schemaVersion: 2, manifests: [desc] }, MEDIA_TYPES.ociIndex),
        /, manifests\[0\] digest: /,
      ],
    ];
    for (const [raw, where] of cases) assert.throws(() => manifestContents(raw), where, JSON.stringify(bad));
  }
  assert.throws(
    () => manifestContents(manifestOf({ schemaVersion: 2, config: good, layers: [{ ...good, size: -1 }] })),
    /layers\[0\] has no valid size/,
  );
  assert.throws(
    () => manifestContents(manifestOf({ schemaVersion: 2, layers: 'x' })),
    /layers is not a list/,
  );
});

let server: HostileServer;
before(async () => {
  server = await startHostileServer();
});
after(() => server.stop());

test('property: no hostile digest, tag or repository reaches a request path of the client', async () => {
  server.handle(
    openRegistry((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end()),
  );
  const client = new RegistryClient(server.host, { dockerConfig: false, retries: 0 });
  try {
    await client.ping();
    server.seen.length = 0;
    const bad = hostileStrings(300, 3).filter((s) => !isValidDigest(s));
    for (const s of bad) {
      const calls: [string, () => Promise<unknown>][] = [
        ['getManifest digest', () => client.getManifest('team/app', s.includes(':') ? s : `x:${s}`)],
        ['getManifest tag', () => client.getManifest('team/app', s)],
        ['headManifest', () => client.headManifest('team/app', s)],
        ['deleteManifest', () => client.deleteManifest('team/app', s.includes(':') ? s : `x:${s}`)],
        ['blobExists', () => client.blobExists('team/app', s)],
        ['openBlob', () => client.openBlob('team/app', s)],
        ['mountBlob digest', () => client.mountBlob('team/app', s, 'team/other')],
        ['mountBlob from', () => client.mountBlob('team/app', SHA256, s)],
        ['blobExists repository', () => client.blobExists(s, SHA256)],
        ['listTags repository', () => client.listTags(s)],
      ];
      for (const [name, call] of calls) {
        // A tag that is valid (e.g. "a") may be asked for; everything else must be refused unsent.
        if (name.endsWith('tag') || name === 'headManifest') {
          if (/^[\w][\w.-]{0,127}$/.test(s)) continue;
        }
        if (name.endsWith('repository') || name === 'mountBlob from') {
          if (/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(s))
            continue;
        }
        await assert.rejects(call(), Error, `${name} ${JSON.stringify(s)}`);
      }
    }
    assert.deepEqual(server.seen, [], JSON.stringify(server.seen.slice(0, 5)));
  } finally {
    client.close();
  }
});

test('a manifest whose layer digest climbs into another repository does not send duat there', async () => {
  const hostile = 'sha256:x/../../other/manifests/y';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: SHA256, size: 2 },
      layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: hostile, size: 1 }],
    }),
  );
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  server.handle(
    openRegistry((req, res) => {
      if (req.url === '/v2/team/app/manifests/1.0.0' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': MEDIA_TYPES.ociManifest, 'Docker-Content-Digest': digest });
        res.end(manifest);
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' }).end();
    }),
  );
  server.seen.length = 0;
  await assert.rejects(
    promoteImage({
      source: `${server.host}/team/app:1.0.0`,
      destination: `${server.host}/team/release:1.0.0`,
      dockerConfig: false,
      retries: 0,
    }),
    /layers\[0\] digest: "sha256:x\/\.\.\/\.\.\/other\/manifests\/y" is not a digest/,
  );
  for (const r of server.seen) {
    assert.ok(!r.path.includes('other') && !r.path.includes('..'), `${r.method} ${r.path}`);
  }
});
