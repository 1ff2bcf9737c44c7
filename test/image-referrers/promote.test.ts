/**
 * `duat image promote` brings signatures, SBOMs and their signatures along, on three registry
 * implementations (distribution 2.8 and v3 without the referrers API, go-containerregistry's with it;
 * see tools.ts). The attachments are made the real way (cosign sign --recursive, oras attach, cosign
 * sign of the SBOM) and the results are checked with cosign verify, oras discover, regctl and crane.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runDuatAsync } from '../image/fixtures.js';
import { orasReferrers, type Signed, Signer } from './signing.js';
import {
  missingTools,
  type Registry,
  regctl,
  runTool,
  startDistribution3,
  startDistribution28,
  startGgcr,
} from './tools.js';

const skip = missingTools();
let registries: Registry[] = [];
let signer: Signer;

before(async () => {
  if (skip) return;
  [registries, signer] = await Promise.all([
    Promise.all([startDistribution28(), startDistribution3(), startGgcr()]),
    Signer.create(),
  ]);
});

after(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  signer?.remove();
});

/** Each verification the promoted release must pass, checked with cosign, oras, regctl and crane. */
async function checkPromoted(dst: string, hosts: string[], s: Signed) {
  const repo = dst.slice(0, dst.lastIndexOf(':'));
  assert.equal(
    (await runTool('crane', ['digest', '--insecure', dst])).trim(),
    s.digest,
    'crane: same digest',
  );
  await signer.verify(`${repo}@${s.digest}`);
  for (const child of s.children) await signer.verify(`${repo}@${child}`);
  await signer.verify(`${repo}@${s.sbom}`);
  assert.deepEqual(await orasReferrers(`${repo}@${s.digest}`), [s.sbom], 'oras discover sees the SBOM only');
  const listed = await regctl(hosts, ['artifact', 'list', '--format', '{{json .}}', `${repo}@${s.digest}`]);
  assert.ok(listed.includes(s.sbom), `regctl artifact list sees the SBOM: ${listed}`);
  const tags = (await runTool('crane', ['ls', '--insecure', repo])).split('\n');
  const sig = `sha256-${s.digest.slice('sha256:'.length)}.sig`;
  assert.ok(tags.includes(sig), `crane ls shows cosign's ${sig}: ${tags.join(' ')}`);
}

describe('promote brings signatures and SBOMs', { skip }, () => {
  // Source registry -> other registry: each kind is a source and a destination once.
  const pairs = [
    ['distribution-2.8', 'ggcr'],
    ['ggcr', 'distribution-3'],
    ['distribution-3', 'distribution-2.8'],
  ] as const;
  const find = (kind: string) => registries.find((r) => r.kind === kind) as Registry;

  for (const [from, to] of pairs) {
    test(`${from}: to another repository, and to ${to}`, async () => {
      const src = find(from);
      const dst = find(to);
      const s = await signer.signedImage(src, 'team/app', '1.0.0-rc', `${from}-${to}`);
      const hosts = [src.host, dst.host];

      const sameRegistry = await runDuatAsync(['image', 'promote', s.ref, `${src.host}/release/app:1.0.0`]);
      assert.equal(sameRegistry.code, 0, sameRegistry.stderr);
      assert.match(sameRegistry.stderr, /5 attached \(signatures, SBOMs, attestations: 5 copied, 0 present/);
      await checkPromoted(`${src.host}/release/app:1.0.0`, hosts, s);

      const across = await runDuatAsync(['image', 'promote', s.ref, `${dst.host}/from-${from}/app:1.0.0`]);
      assert.equal(across.code, 0, across.stderr);
      assert.equal(across.stdout, `${dst.host}/from-${from}/app:1.0.0@${s.digest}\n`);
      await checkPromoted(`${dst.host}/from-${from}/app:1.0.0`, hosts, s);

      // Again: everything is there.
      const again = await runDuatAsync(['image', 'promote', s.ref, `${dst.host}/from-${from}/app:1.0.0`]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(
        again.stderr,
        /already is .*5 attached \(signatures, SBOMs, attestations: 0 copied, 5 present/,
      );

      // In place: the same digest, so everything attached still applies.
      const inPlace = await runDuatAsync(['image', 'promote', s.ref, `${src.host}/team/app:1.0.0`]);
      assert.equal(inPlace.code, 0, inPlace.stderr);
      await signer.verify(`${src.host}/team/app:1.0.0`);
    });
  }

  test('--platform: the narrowed index is new (unsigned); its platform manifest keeps its signature', async () => {
    const src = find('ggcr');
    const dst = find('distribution-2.8');
    const s = await signer.signedImage(src, 'team/narrow', '1.0.0-rc', 'narrow');
    const res = await runDuatAsync([
      'image',
      'promote',
      s.ref,
      `${dst.host}/narrow/app:1.0.0`,
      '--platform',
      'linux/arm64',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /the platforms chosen make a new index/);
    // The arm64 manifest's signature: 1 attached; the index's own (and its SBOM) name the old digest.
    assert.match(res.stderr, /1 attached \(signatures, SBOMs, attestations: 1 copied/);
    const digest = res.stdout.trim().split('@')[1] as string;
    assert.notEqual(digest, s.digest);
    await signer.verify(`${dst.host}/narrow/app@${s.children[1]}`);
    await assert.rejects(
      signer.verify(`${dst.host}/narrow/app@${digest}`),
      /no signatures found|no matching signatures/i,
    );
  });

  test('--no-referrers leaves them behind (and cosign verify then fails)', async () => {
    const reg = find('distribution-3');
    const s = await signer.signedImage(reg, 'team/bare', '1.0.0-rc', 'bare');
    const res = await runDuatAsync([
      'image',
      'promote',
      '--no-referrers',
      s.ref,
      `${reg.host}/release/bare:1.0.0`,
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stderr, /attached/);
    await assert.rejects(
      signer.verify(`${reg.host}/release/bare@${s.digest}`),
      /no signatures found|no matching signatures/i,
    );
    assert.deepEqual(await orasReferrers(`${reg.host}/release/bare@${s.digest}`), []);
  });
});
