/**
 * `duat image exists --platform` and `promote --platform` against Debian's docker-registry
 * (distribution 2.8) on 127.0.0.1, with a two-platform index and a single-platform image pushed by
 * our client; results checked with crane.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { haveRegistryTools } from '../helpers/registry.js';
import { buildImage, pushImage, pushIndex, runDuatAsync, twoPlatformIndex } from '../image/fixtures.js';
import { type Registry, runTool, startDistribution28, toolPath } from './tools.js';

const skip =
  !haveRegistryTools() || toolPath('crane') === undefined
    ? 'docker-registry and crane are needed (scripts/test-all.sh installs and builds them)'
    : false;
let reg: Registry;
const index = twoPlatformIndex('platforms');
const single = buildImage({ layers: [{ a: 'arm' }], platform: { os: 'linux', architecture: 'arm64' } });

before(async () => {
  if (skip) return;
  reg = await startDistribution28();
  const client = new RegistryClient(reg.host);
  try {
    await pushIndex(client, 'team/multi', '1.0.0-rc', index);
    await pushImage(client, 'team/single', '1.0.0', single);
  } finally {
    client.close();
  }
});

after(async () => {
  await reg?.stop();
});

describe('platforms', { skip }, () => {
  test('exists --platform answers for one platform (0/1/2) and --digest prints its digest', async () => {
    const ref = `${reg.host}/team/multi:1.0.0-rc`;
    const arm = await runDuatAsync(['image', 'exists', ref, '--platform', 'linux/arm64', '--digest']);
    assert.equal(arm.code, 0, arm.stderr);
    assert.equal(arm.stdout, `${index.images[1]?.manifest.digest}\n`);
    const whole = await runDuatAsync(['image', 'exists', ref, '--digest']);
    assert.equal(whole.stdout, `${index.manifest.digest}\n`);
    const missing = await runDuatAsync(['image', 'exists', ref, '--platform', 'linux/s390x']);
    assert.equal(missing.code, 1, missing.stderr);
    const noTag = await runDuatAsync([
      'image',
      'exists',
      `${reg.host}/team/multi:nope`,
      '--platform',
      'linux/arm64',
    ]);
    assert.equal(noTag.code, 1, noTag.stderr);
    const bad = await runDuatAsync(['image', 'exists', ref, '--platform', 'linux']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"linux" is not a platform/);
    assert.equal(bad.stderr.trim().split('\n').length <= 2, true, bad.stderr);

    const one = `${reg.host}/team/single:1.0.0`;
    const yes = await runDuatAsync(['image', 'exists', one, '--platform', 'linux/arm64', '--digest']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.stdout, `${single.manifest.digest}\n`);
    assert.equal((await runDuatAsync(['image', 'exists', one, '--platform', 'linux/amd64'])).code, 1);
  });

  test('promote --platform copies only the named platforms into a new index', async () => {
    const dst = `${reg.host}/release/multi:1.0.0`;
    const res = await runDuatAsync([
      'image',
      'promote',
      `${reg.host}/team/multi:1.0.0-rc`,
      dst,
      '--platform',
      'linux/arm64',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /the platforms chosen make a new index: sha256:[0-9a-f]{64}, not the source's/);
    const digest = (await runTool('crane', ['digest', '--insecure', dst])).trim();
    assert.notEqual(digest, index.manifest.digest);
    assert.equal(res.stdout, `${dst}@${digest}\n`);
    const manifest = JSON.parse(await runTool('crane', ['manifest', '--insecure', dst])) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    assert.deepEqual(
      manifest.manifests.map((m) => [m.digest, m.platform.architecture]),
      [[index.images[1]?.manifest.digest, 'arm64']],
    );
    // The platform manifest itself is there, byte for byte.
    const child = await runTool('crane', [
      'digest',
      '--insecure',
      `${reg.host}/release/multi@${index.images[1]?.manifest.digest}`,
    ]);
    assert.equal(child.trim(), index.images[1]?.manifest.digest);

    const all = await runDuatAsync([
      'image',
      'promote',
      `${reg.host}/team/multi:1.0.0-rc`,
      `${reg.host}/release/all:1.0.0`,
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, `${reg.host}/release/all:1.0.0@${index.manifest.digest}\n`);

    const missing = await runDuatAsync([
      'image',
      'promote',
      `${reg.host}/team/multi:1.0.0-rc`,
      `${reg.host}/release/none:1.0.0`,
      '--platform',
      'windows/amd64',
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /has no windows\/amd64 image/);
  });
});
