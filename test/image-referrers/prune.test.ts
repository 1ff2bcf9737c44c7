/**
 * `duat image prune` and what is attached to images, on the three registry implementations (see
 * tools.ts): a deleted pre-release takes its cosign signatures, its SBOM and the SBOM's signature
 * with it; the kept one keeps them (cosign verify and oras discover still pass); the plan lists the
 * attachments indented under their image. Checked with crane, oras and cosign.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { prerelease } from '../../src/version/prerelease.js';
import { runDuatAsync } from '../image/fixtures.js';
import { orasReferrers, Signer } from './signing.js';
import {
  missingTools,
  type Registry,
  runTool,
  startDistribution3,
  startDistribution28,
  startGgcr,
} from './tools.js';

const skip = missingTools();
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;
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

async function manifestExists(ref: string): Promise<boolean> {
  try {
    await runTool('crane', ['manifest', '--insecure', ref]);
    return true;
  } catch {
    return false;
  }
}

describe('prune takes attachments along', { skip }, () => {
  for (const kind of ['distribution-2.8', 'distribution-3', 'ggcr'] as const) {
    test(kind, async () => {
      const reg = registries.find((r) => r.kind === kind) as Registry;
      const repo = `${reg.host}/team/pruned`;
      const oldTag = prerelease('1.0.0', 'main', NOW - 10 * DAY);
      const newTag = prerelease('1.0.0', 'main', NOW - DAY);
      const old = await signer.signedImage(reg, 'team/pruned', oldTag, `old-${kind}`);
      const kept = await signer.signedImage(reg, 'team/pruned', newTag, `new-${kind}`);
      const hex = (d: string) => d.slice('sha256:'.length);

      const plan = await runDuatAsync(['image', 'prune', repo, '--keep', '1']);
      assert.equal(plan.code, 0, plan.stderr);
      const lines = plan.stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith(oldTag));
      assert.ok(at > 0, plan.stdout);
      assert.match(lines[at] as string, /delete/);
      // Under it: its signature, its children's, the SBOM and the SBOM's signature (all to delete).
      const rest = lines.slice(at + 1);
      const end = rest.findIndex((l) => !l.startsWith('  ↳'));
      const under = rest.slice(0, end === -1 ? rest.length : end);
      assert.ok(under.length >= 5, plan.stdout);
      assert.ok(
        under.every((l) => / delete /.test(l)),
        plan.stdout,
      );
      assert.ok(
        under.some((l) => l.includes(`sha256-${hex(old.digest)}.sig`)),
        plan.stdout,
      );
      assert.ok(
        under.some((l) => l.includes('application/spdx+json')),
        plan.stdout,
      );
      // Attachment tags are not rows of their own.
      assert.ok(!lines.some((l) => /^sha256-/.test(l)), plan.stdout);
      const keptAt = lines.findIndex((l) => l.startsWith(newTag));
      assert.match(lines[keptAt + 1] as string, /^ {2}↳ .* keep /);

      const res = await runDuatAsync(['image', 'prune', repo, '--keep', '1', '--yes']);
      assert.equal(res.code, 0, res.stderr + res.stdout);
      assert.match(res.stdout, new RegExp(`deleted ${oldTag}`));
      assert.match(res.stdout, new RegExp(`deleted sha256-${hex(old.digest)}\\.sig \\(with ${oldTag}\\)`));

      const tags = (await runTool('crane', ['ls', '--insecure', repo])).split('\n').filter(Boolean);
      for (const d of [old.digest, ...old.children, old.sbom]) {
        assert.ok(!tags.includes(`sha256-${hex(d)}.sig`), `${d}'s signature tag is gone: ${tags.join(' ')}`);
      }
      assert.ok(!tags.includes(`sha256-${hex(old.digest)}`), 'its referrers tag index is gone');
      assert.equal(await manifestExists(`${repo}@${old.sbom}`), false, 'the SBOM is gone');
      assert.ok(tags.includes(newTag));
      await signer.verify(`${repo}:${newTag}`);
      await signer.verify(`${repo}@${kept.sbom}`);
      assert.deepEqual(await orasReferrers(`${repo}@${kept.digest}`), [kept.sbom]);
    });
  }
});
