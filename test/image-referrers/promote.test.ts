/**
 * `duat image promote` brings signatures, SBOMs and their signatures along, on three registry
 * implementations (distribution 2.8 and v3 without the referrers API, go-containerregistry's with it;
 * see tools.ts). The attachments are made the real way (cosign sign --recursive, oras attach, cosign
 * sign of the SBOM) and the results are checked with cosign verify, oras discover, regctl and crane.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { tempDir } from '../helpers/tmp.js';
import { pushIndex, runDuatAsync, twoPlatformIndex } from '../image/fixtures.js';
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
const PASSWORD = 'duat-test-cosign-password';
const SBOM_TYPE = 'application/spdx+json';

let registries: Registry[] = [];
let keyDir = '';

before(async () => {
  if (skip) return;
  registries = await Promise.all([startDistribution28(), startDistribution3(), startGgcr()]);
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  keyDir = mkdtempSync(join(tmpdir(), 'duat-cosign-'));
  await runTool('cosign', ['generate-key-pair'], { cwd: keyDir, env: { COSIGN_PASSWORD: PASSWORD } });
});

after(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  if (keyDir) (await import('node:fs')).rmSync(keyDir, { recursive: true, force: true });
});

interface Signed {
  readonly ref: string;
  readonly digest: string;
  readonly children: readonly string[];
  readonly sbom: string;
}

/** Pushes a two-platform index, signs it and its children, attaches an SBOM and signs that too. */
async function signedImage(
  t: import('node:test').TestContext,
  reg: Registry,
  repository: string,
  label: string,
) {
  const index = twoPlatformIndex(label);
  const client = new RegistryClient(reg.host);
  try {
    await pushIndex(client, repository, '1.0.0-rc', index);
  } finally {
    client.close();
  }
  const at = `${reg.host}/${repository}@${index.manifest.digest}`;
  const signEnv = { COSIGN_PASSWORD: PASSWORD };
  const sign = (ref: string, extra: string[] = []) =>
    runTool(
      'cosign',
      [
        'sign',
        '--key',
        join(keyDir, 'cosign.key'),
        '--tlog-upload=false',
        '--allow-insecure-registry',
        '--yes',
        ...extra,
        ref,
      ],
      { env: signEnv },
    );
  await sign(at, ['--recursive']);
  const dir = tempDir(t);
  writeFileSync(join(dir, 'sbom.spdx.json'), JSON.stringify({ spdxVersion: 'SPDX-2.3', name: label }));
  const attached = JSON.parse(
    await runTool(
      'oras',
      [
        'attach',
        '--plain-http',
        '--artifact-type',
        SBOM_TYPE,
        '--format',
        'json',
        at,
        `sbom.spdx.json:${SBOM_TYPE}`,
      ],
      { cwd: dir },
    ),
  ) as { digest: string };
  await sign(`${reg.host}/${repository}@${attached.digest}`);
  return {
    ref: `${reg.host}/${repository}:1.0.0-rc`,
    digest: index.manifest.digest,
    children: index.images.map((i) => i.manifest.digest),
    sbom: attached.digest,
  } satisfies Signed;
}

function verify(ref: string): Promise<string> {
  return runTool('cosign', [
    'verify',
    '--key',
    join(keyDir, 'cosign.pub'),
    '--insecure-ignore-tlog',
    '--allow-insecure-registry',
    ref,
  ]);
}

/**
 * What oras finds attached to `ref` (not filtered by artifactType: ggcr's registry lists the config
 * media type as the artifactType, so a filter would hide the SBOM there).
 */
async function orasReferrers(ref: string): Promise<string[]> {
  const out = JSON.parse(
    await runTool('oras', [
      'discover',
      '--plain-http',
      '--format',
      'json',
      ref,
    ]),
  ) as { referrers?: { digest: string }[]; manifests?: { digest: string }[] };
  return (out.referrers ?? out.manifests ?? []).map((d) => d.digest);
}

/** Each verification the promoted release must pass, checked with cosign, oras, regctl and crane. */
async function checkPromoted(dst: string, hosts: string[], s: Signed) {
  const repo = dst.slice(0, dst.lastIndexOf(':'));
  assert.equal(
    (await runTool('crane', ['digest', '--insecure', dst])).trim(),
    s.digest,
    'crane: same digest',
  );
  await verify(`${repo}@${s.digest}`);
  for (const child of s.children) await verify(`${repo}@${child}`);
  await verify(`${repo}@${s.sbom}`);
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
    test(`${from}: to another repository, and to ${to}`, async (t) => {
      const src = find(from);
      const dst = find(to);
      const s = await signedImage(t, src, 'team/app', `${from}-${to}`);
      const hosts = [src.host, dst.host];

      const sameRegistry = await runDuatAsync(['image', 'promote', s.ref, `${src.host}/release/app:1.0.0`]);
      assert.equal(sameRegistry.code, 0, sameRegistry.stderr);
      assert.match(sameRegistry.stderr, /5 attached \(signatures, SBOMs, attestations: 5 copied, 0 present/);
      await checkPromoted(`${src.host}/release/app:1.0.0`, hosts, s);

      const across = await runDuatAsync(['image', 'promote', s.ref, `${dst.host}/team/app:1.0.0`]);
      assert.equal(across.code, 0, across.stderr);
      assert.equal(across.stdout, `${dst.host}/team/app:1.0.0@${s.digest}\n`);
      await checkPromoted(`${dst.host}/team/app:1.0.0`, hosts, s);

      // Again: everything is there.
      const again = await runDuatAsync(['image', 'promote', s.ref, `${dst.host}/team/app:1.0.0`]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(
        again.stderr,
        /already is .*5 attached \(signatures, SBOMs, attestations: 0 copied, 5 present/,
      );

      // In place: the same digest, so everything attached still applies.
      const inPlace = await runDuatAsync(['image', 'promote', s.ref, `${src.host}/team/app:1.0.0`]);
      assert.equal(inPlace.code, 0, inPlace.stderr);
      await verify(`${src.host}/team/app:1.0.0`);
    });
  }

  test('--no-referrers leaves them behind (and cosign verify then fails)', async (t) => {
    const reg = find('distribution-3');
    const s = await signedImage(t, reg, 'team/bare', 'bare');
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
      verify(`${reg.host}/release/bare@${s.digest}`),
      /no signatures found|no matching signatures/i,
    );
    assert.deepEqual(await orasReferrers(`${reg.host}/release/bare@${s.digest}`), []);
  });
});
