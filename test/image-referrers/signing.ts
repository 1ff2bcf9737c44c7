/**
 * Signed test images made the real way: our client pushes a two-platform index, `cosign sign
 * --recursive` signs it and both platform manifests (cosign's .sig tags), `oras attach` adds an SBOM
 * (a referrer: the referrers API where there is one, else the referrers tag index), and cosign signs
 * the SBOM. verify and orasReferrers check results with those tools.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/client.js';
import { pushIndex, twoPlatformIndex } from '../image/fixtures.js';
import { type Registry, runTool } from './tools.js';

const PASSWORD = 'duat-test-cosign-password';
export const SBOM_TYPE = 'application/spdx+json';

export interface Signed {
  readonly ref: string;
  readonly digest: string;
  readonly children: readonly string[];
  readonly sbom: string;
}

/** A cosign key pair in a temporary directory (generate-key-pair, password from COSIGN_PASSWORD). */
export class Signer {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Signer> {
    const dir = mkdtempSync(join(tmpdir(), 'duat-cosign-'));
    await runTool('cosign', ['generate-key-pair'], { cwd: dir, env: { COSIGN_PASSWORD: PASSWORD } });
    return new Signer(dir);
  }

  sign(ref: string, extra: string[] = []): Promise<string> {
    return runTool(
      'cosign',
      [
        'sign',
        '--key',
        join(this.dir, 'cosign.key'),
        '--tlog-upload=false',
        '--allow-insecure-registry',
        '--yes',
        ...extra,
        ref,
      ],
      { env: { COSIGN_PASSWORD: PASSWORD } },
    );
  }

  verify(ref: string): Promise<string> {
    return runTool('cosign', [
      'verify',
      '--key',
      join(this.dir, 'cosign.pub'),
      '--insecure-ignore-tlog',
      '--allow-insecure-registry',
      ref,
    ]);
  }

  /** Pushes a two-platform index under `tag`, signs it and its children, attaches an SBOM and signs that. */
  async signedImage(reg: Registry, repository: string, tag: string, label: string): Promise<Signed> {
    const index = twoPlatformIndex(label);
    const client = new RegistryClient(reg.host);
    try {
      await pushIndex(client, repository, tag, index);
    } finally {
      client.close();
    }
    const at = `${reg.host}/${repository}@${index.manifest.digest}`;
    await this.sign(at, ['--recursive']);
    const dir = mkdtempSync(join(tmpdir(), 'duat-sbom-'));
    try {
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
      await this.sign(`${reg.host}/${repository}@${attached.digest}`);
      return {
        ref: `${reg.host}/${repository}:${tag}`,
        digest: index.manifest.digest,
        children: index.images.map((i) => i.manifest.digest),
        sbom: attached.digest,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What oras finds attached to `ref` (not filtered by artifactType: ggcr's registry lists the config
 * media type as the artifactType, so a filter would hide the SBOM there).
 */
export async function orasReferrers(ref: string): Promise<string[]> {
  const out = JSON.parse(await runTool('oras', ['discover', '--plain-http', '--format', 'json', ref])) as {
    referrers?: { digest: string }[];
    manifests?: { digest: string }[];
  };
  return (out.referrers ?? out.manifests ?? []).map((d) => d.digest);
}
