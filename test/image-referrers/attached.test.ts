/**
 * How promote treats a cosign tag that already exists at the destination, against Debian's
 * docker-registry (distribution 2.8) on 127.0.0.1: one holding a signature the source lacks (made at
 * the destination) is left alone and reported; one holding only what the source has is replaced by
 * the source's (which has a signature more). cosign appends signatures as layers of that manifest,
 * so these manifests are built here the same way.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { MEDIA_TYPES, sha256Digest } from '../../src/registry/manifest.js';
import { haveRegistryTools } from '../helpers/registry.js';
import { buildImage, pushImage, runDuatAsync } from '../image/fixtures.js';
import { type Registry, startDistribution28 } from './tools.js';

const skip = haveRegistryTools() ? false : 'docker-registry is needed (scripts/test-all.sh installs it)';
let reg: Registry;
let client: RegistryClient;

before(async () => {
  if (skip) return;
  reg = await startDistribution28();
  client = new RegistryClient(reg.host);
});

after(async () => {
  client?.close();
  await reg?.stop();
});

/** A cosign-style signature manifest: one simple-signing layer per signature. */
async function pushSignatures(repository: string, subject: string, names: string[]): Promise<string> {
  const config = Buffer.from('{}');
  const layers = [];
  for (const blob of [
    config,
    ...names.map((n) => Buffer.from(JSON.stringify({ critical: { image: subject }, n }))),
  ]) {
    await client.uploadBlob(
      repository,
      { digest: sha256Digest(blob), size: blob.length },
      Readable.from([blob]),
    );
    if (blob !== config) {
      layers.push({
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        digest: sha256Digest(blob),
        size: blob.length,
      });
    }
  }
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest(config), size: config.length },
      layers,
    }),
  );
  const tag = `sha256-${subject.slice('sha256:'.length)}.sig`;
  return client.putManifest(repository, tag, {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: sha256Digest(bytes),
    bytes,
  });
}

test('a cosign tag at the destination: kept when it has signatures the source lacks, else updated', {
  skip,
}, async () => {
  const image = buildImage({ layers: [{ f: 'x' }], label: 'sig-merge' });
  const subject = image.manifest.digest;
  const tag = `sha256-${subject.slice('sha256:'.length)}.sig`;
  for (const repo of ['src/app', 'theirs/app', 'older/app']) await pushImage(client, repo, '1.0.0-rc', image);
  const ours = await pushSignatures('src/app', subject, ['ci', 'release']);
  const theirs = await pushSignatures('theirs/app', subject, ['made-at-destination']);
  await pushSignatures('older/app', subject, ['ci']);

  const kept = await runDuatAsync([
    'image',
    'promote',
    `${reg.host}/src/app:1.0.0-rc`,
    `${reg.host}/theirs/app:1.0.0`,
  ]);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(
    kept.stderr,
    /theirs\/app:sha256-[0-9a-f]{64}\.sig holds content the source's does not .*left it alone/,
  );
  assert.equal((await client.headManifest('theirs/app', tag))?.digest, theirs);

  const updated = await runDuatAsync([
    'image',
    'promote',
    `${reg.host}/src/app:1.0.0-rc`,
    `${reg.host}/older/app:1.0.0`,
  ]);
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stderr, /1 attached \(signatures, SBOMs, attestations: 1 copied, 0 present/);
  assert.equal((await client.headManifest('older/app', tag))?.digest, ours);
});
