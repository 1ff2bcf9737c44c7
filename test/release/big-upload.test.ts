/**
 * A 1 GiB file (sparse: it takes no disk) is hashed and uploaded streaming, with memory that stays flat:
 * the upload runs in a child process whose resident set is measured before and during it, and must not
 * grow by more than 150 MB. The fake GitHub (in this process) hashes what arrives without keeping it and
 * checks the request against GitHub's OpenAPI description.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { cleanEnv } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { assertNoViolations, fakeGitHub, releaseRepo, TOKEN } from './fixtures.js';

const GIB = 2 ** 30;
/** sha256 of 1 GiB of zero bytes (`head -c 1073741824 /dev/zero | sha256sum`). */
const ZEROS_SHA256 = '49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14';
const LIMIT = 150 * 1000 * 1000;

interface ChildReport {
  rssBefore: number;
  rssPeakSampled: number;
  rssHighWater: number;
  totalMs: number;
  uploadMs: number;
  result: { assets: { name: string; sha256: string; size: number }[] };
}

function runChild(
  cwd: string,
  file: string,
  apiUrl: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist', 'test', 'release', 'fixtures', 'big-upload-child.js'), file],
      {
        cwd,
        env: cleanEnv({ DUAT_TEST_API_URL: apiUrl, DUAT_TEST_TOKEN: TOKEN }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

it('uploads a 1 GiB file streaming, its memory growing by less than 150 MB', {
  timeout: 300_000,
}, async (t) => {
  const gh = await fakeGitHub(t);
  const dir = releaseRepo(t, '9.9.9');
  const file = join(dir, 'big.img');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, GIB);
  closeSync(fd);

  const run = await runChild(dir, file, gh.apiUrl);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as ChildReport;
  const peak = Math.max(report.rssPeakSampled, report.rssHighWater);
  const growth = peak - report.rssBefore;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  t.diagnostic(
    `rss before ${mb(report.rssBefore)}, peak ${mb(peak)} (sampled ${mb(report.rssPeakSampled)}, high-water ${mb(report.rssHighWater)}), growth ${mb(growth)}; hash and upload of 1 GiB in ${(report.totalMs / 1000).toFixed(1)} s`,
  );
  assert.ok(growth < LIMIT, `resident memory grew by ${mb(growth)}, more than ${mb(LIMIT)}`);

  const asset = gh.assetsOf(gh.releases[0]?.id ?? 0).get('big.img');
  assert.ok(asset);
  assert.equal(asset.size, GIB);
  assert.equal(asset.sha256, ZEROS_SHA256, 'every byte arrived');
  assert.equal(asset.content, undefined, 'the fake kept no copy');
  assert.equal(report.result.assets[0]?.sha256, ZEROS_SHA256);
  const upload = gh.requests.find(
    (r) => r.operation === 'repos/upload-release-asset' && r.url.includes('big.img'),
  );
  assert.equal(upload?.headers['content-length'], String(GIB));
  assert.equal(upload?.headers['transfer-encoding'], undefined);
  assertNoViolations(gh);
});
