/** Referrer tags, descriptors and platform selection, without a registry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPlatform, narrowIndex, parsePlatform, platformMatches } from '../../src/image/platform.js';
import { MEDIA_TYPES, sha256Digest } from '../../src/registry/manifest.js';
import {
  attachmentTagSubject,
  cosignTags,
  indexDescriptors,
  referrerDescriptor,
  referrersTag,
  subjectOf,
} from '../../src/registry/referrers.js';
import { twoPlatformIndex } from '../image/fixtures.js';

const D = `sha256:${'ab'.repeat(32)}`;

test('tags of the referrers schema and of cosign name the digest', () => {
  assert.equal(referrersTag(D), `sha256-${'ab'.repeat(32)}`);
  assert.deepEqual(
    cosignTags(D).map((t) => t.slice(71)),
    ['.sig', '.att', '.sbom'],
  );
  assert.deepEqual(attachmentTagSubject(`sha256-${'ab'.repeat(32)}.att`), { digest: D, kind: 'att' });
  assert.deepEqual(attachmentTagSubject(`sha256-${'ab'.repeat(32)}`), { digest: D, kind: 'referrers' });
  assert.equal(attachmentTagSubject('1.0.0'), undefined);
  assert.equal(attachmentTagSubject(`sha256-${'ab'.repeat(31)}.sig`), undefined);
  assert.throws(() => referrersTag('sha256:xyz'), /not a sha256 or sha512 digest/);
});

test('a referrers index is validated before use', () => {
  const ok = Buffer.from(
    JSON.stringify({
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: D, size: 3, artifactType: 'x' }],
    }),
  );
  assert.equal(indexDescriptors(ok, 'list')[0]?.artifactType, 'x');
  for (const bad of [
    '[]',
    '{"manifests":{}}',
    `{"manifests":[{"mediaType":"a","digest":"sha256:../../etc","size":1}]}`,
    `{"manifests":[{"mediaType":"a","digest":"${D}","size":-1}]}`,
    'not json',
  ]) {
    assert.throws(
      () => indexDescriptors(Buffer.from(bad), 'list'),
      /list is not|list has an invalid descriptor/,
      bad,
    );
  }
});

test("a referrer's descriptor carries its artifactType (else its config's type) and subject", () => {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: D, size: 2 },
      artifactType: 'application/spdx+json',
      subject: { mediaType: MEDIA_TYPES.ociIndex, digest: D, size: 9 },
      annotations: { a: 'b' },
    }),
  );
  const raw = { mediaType: MEDIA_TYPES.ociManifest, bytes, digest: sha256Digest(bytes) };
  assert.deepEqual(referrerDescriptor(raw), {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: raw.digest,
    size: bytes.length,
    artifactType: 'application/spdx+json',
    annotations: { a: 'b' },
  });
  assert.equal(subjectOf(raw), D);
});

test('platforms: parse, match (a variant left out matches any), narrow an index', () => {
  assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.equal(formatPlatform(parsePlatform('Linux/AMD64')), 'linux/amd64');
  for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/am d64'])
    assert.throws(() => parsePlatform(bad), /is not a platform/);
  assert.ok(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, parsePlatform('linux/arm')));
  assert.ok(
    !platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parsePlatform('linux/arm/v7')),
  );
  assert.ok(!platformMatches(undefined, parsePlatform('linux/amd64')));

  const index = twoPlatformIndex('narrow');
  const one = narrowIndex(index.manifest, [parsePlatform('linux/arm64')]);
  assert.notEqual(one.digest, index.manifest.digest);
  assert.equal(one.digest, sha256Digest(one.bytes));
  const json = JSON.parse(one.bytes.toString('utf8')) as {
    manifests: { digest: string }[];
    mediaType: string;
  };
  assert.deepEqual(
    json.manifests.map((m) => m.digest),
    [index.images[1]?.manifest.digest],
  );
  assert.equal(json.mediaType, MEDIA_TYPES.ociIndex);
  assert.throws(
    () => narrowIndex(index.manifest, [parsePlatform('windows/amd64')]),
    /has no windows\/amd64 image/,
  );
});
