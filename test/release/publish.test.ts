/**
 * publishRelease against a fake GitHub on 127.0.0.1 (test/helpers/github-server.ts). The fake checks
 * every request it handles and every answer it gives against GitHub's published OpenAPI description
 * (@octokit/openapi), and each test asserts it saw no violation, so these tests cannot pass against an
 * API shape GitHub does not have.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuatError } from '../../src/core/errors.js';
import { parseChecksums } from '../../src/release/checksums.js';
import { publishRelease } from '../../src/release/publish.js';
import { git } from '../helpers/git.js';
import {
  assertNoViolations,
  FAST,
  fakeGitHub,
  memoryLogger,
  releaseRepo,
  sha256,
  TOKEN,
  writeFiles,
} from './fixtures.js';

const FILES = { 'bin/widget-linux-amd64': 'ELF binary bytes', 'bin/widget.tar.gz': 'gzip bytes\n' };

function options(dir: string, apiUrl: string, extra: Partial<Parameters<typeof publishRelease>[0]> = {}) {
  return { files: ['bin/*'], token: TOKEN, cwd: dir, apiUrl, tuning: FAST, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<DuatError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DuatError, `expected a DuatError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the publish to fail');
}

describe('publishRelease', () => {
  it('makes the first release on the current commit and uploads every file and SHA256SUMS', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t, '1.4.0');
    writeFiles(dir, FILES);
    const result = await publishRelease(options(dir, gh.apiUrl));

    assert.equal(gh.releases.length, 1);
    const release = gh.releases[0];
    assert.ok(release);
    assert.equal(release.tag_name, '1.4.0');
    assert.equal(release.name, '1.4.0');
    assert.equal(release.target_commitish, git(dir, 'rev-parse', 'HEAD'));
    assert.equal(release.prerelease, false);
    assert.equal(release.draft, false);
    assert.equal(result.url, `${gh.apiUrl.replace(/\/api$/, '')}/acme/widget/releases/tag/1.4.0`);
    assert.equal(result.created, true);
    assert.deepEqual(
      result.assets.map((a) => [a.name, a.action]),
      [
        ['widget-linux-amd64', 'uploaded'],
        ['widget.tar.gz', 'uploaded'],
      ],
    );

    const assets = gh.assetsOf(release.id);
    assert.deepEqual([...assets.keys()].sort(), ['SHA256SUMS', 'widget-linux-amd64', 'widget.tar.gz']);
    assert.equal(assets.get('widget-linux-amd64')?.sha256, sha256(FILES['bin/widget-linux-amd64']));
    assert.equal(assets.get('widget-linux-amd64')?.content_type, 'application/octet-stream');
    assert.equal(assets.get('widget.tar.gz')?.content_type, 'application/gzip');
    assert.equal(
      assets.get('SHA256SUMS')?.content?.toString(),
      `${sha256(FILES['bin/widget-linux-amd64'])}  widget-linux-amd64\n${sha256(FILES['bin/widget.tar.gz'])}  widget.tar.gz\n`,
    );
    assert.equal(result.checksums, 'uploaded');

    const uploads = gh.requests.filter((r) => r.operation === 'repos/upload-release-asset');
    assert.equal(uploads.length, 3);
    for (const upload of uploads) {
      assert.equal(upload.host, 'uploads', 'uploads go to the host upload_url names');
      assert.ok(upload.headers['content-length'], 'an upload has a Content-Length');
      assert.equal(upload.headers['transfer-encoding'], undefined, 'an upload is not chunked');
      assert.equal(upload.authorized, true);
    }
    assertNoViolations(gh);
  });

  it('marks a pre-release version as such and puts --tag-prefix before the version', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t, 'v2.0.0-rc.1');
    writeFiles(dir, FILES);
    const result = await publishRelease(options(dir, gh.apiUrl, { tagPrefix: 'v' }));
    assert.equal(result.tag, 'v2.0.0-rc.1');
    assert.equal(gh.releases[0]?.prerelease, true);
    assert.equal(gh.releases[0]?.tag_name, 'v2.0.0-rc.1');
    assertNoViolations(gh);
  });

  it('skips identical assets on a re-run, by their digest, and leaves SHA256SUMS alone', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    await publishRelease(options(dir, gh.apiUrl));
    const before = gh.requests.length;
    const log = memoryLogger();
    const again = await publishRelease(options(dir, gh.apiUrl, { log }));
    assert.equal(again.created, false);
    assert.deepEqual(
      again.assets.map((a) => [a.action, a.basis]),
      [
        ['skipped', 'digest'],
        ['skipped', 'digest'],
      ],
    );
    assert.equal(again.checksums, 'unchanged');
    const writes = gh.requests.slice(before).filter((r) => r.method !== 'GET');
    assert.deepEqual(writes, [], 'a re-run with nothing new writes nothing');
    assert.match(log.text(), /widget\.tar\.gz is already there \(same size and sha256 digest\): skipped/);
    assertNoViolations(gh);
  });

  it('refuses an existing asset that differs, naming it, and replaces it with replace', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    await publishRelease(options(dir, gh.apiUrl));
    writeFiles(dir, { 'bin/widget.tar.gz': 'gzip BYTES\n' }); // same size, other digest
    const before = gh.requests.length;
    const err = await rejection(publishRelease(options(dir, gh.apiUrl)));
    assert.match(err.message, /an asset differs from the release 0\.1\.0: widget\.tar\.gz \(sha256 /);
    assert.match(err.hint ?? '', /--replace/);
    assert.deepEqual(
      gh.requests.slice(before).filter((r) => r.method !== 'GET'),
      [],
      'nothing is uploaded when an asset conflicts',
    );

    const replaced = await publishRelease(options(dir, gh.apiUrl, { replace: true }));
    assert.deepEqual(
      replaced.assets.map((a) => [a.name, a.action]),
      [
        ['widget-linux-amd64', 'skipped'],
        ['widget.tar.gz', 'replaced'],
      ],
    );
    const assets = gh.assetsOf(gh.releases[0]?.id ?? 0);
    assert.equal(assets.get('widget.tar.gz')?.sha256, sha256('gzip BYTES\n'));
    assert.equal(replaced.checksums, 'replaced');
    assert.match(
      assets.get('SHA256SUMS')?.content?.toString() ?? '',
      new RegExp(`${sha256('gzip BYTES\n')}  widget.tar.gz`),
    );
    assertNoViolations(gh);
  });

  it('keeps SHA256SUMS covering assets of earlier runs when a later run adds files', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, { 'bin/a': 'first', 'later/b': 'second' });
    await publishRelease(options(dir, gh.apiUrl, { files: ['bin/a'] }));
    const result = await publishRelease(options(dir, gh.apiUrl, { files: ['later/b'] }));
    assert.equal(result.checksums, 'replaced');
    const sums = gh
      .assetsOf(gh.releases[0]?.id ?? 0)
      .get('SHA256SUMS')
      ?.content?.toString();
    assert.equal(sums, `${sha256('first')}  a\n${sha256('second')}  b\n`);
    assertNoViolations(gh);
  });

  it('without GitHub digests compares with the SHA256SUMS asset, else by size, and says which', async (t) => {
    const gh = await fakeGitHub(t, { digests: false });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    await publishRelease(options(dir, gh.apiUrl));
    const log = memoryLogger();
    const again = await publishRelease(options(dir, gh.apiUrl, { log }));
    assert.deepEqual(
      again.assets.map((a) => a.basis),
      ['checksums', 'checksums'],
    );
    assert.match(log.text(), /same size and SHA256SUMS entry; GitHub gave no digest/);
    const download = gh.requests.find((r) => r.operation === 'download');
    assert.ok(download, 'SHA256SUMS was downloaded from the storage host');
    assert.equal(
      download.headers.authorization,
      undefined,
      'the token does not follow the redirect to storage',
    );

    writeFiles(dir, { 'bin/widget.tar.gz': 'gzip BYTES\n' });
    const err = await rejection(publishRelease(options(dir, gh.apiUrl)));
    assert.match(err.message, /widget\.tar\.gz \(SHA256SUMS lists /);

    // A release without SHA256SUMS and without digests: only the size can tell.
    const bare = releaseRepo(t, '0.2.0');
    writeFiles(bare, FILES);
    await publishRelease(options(bare, gh.apiUrl, { checksums: false }));
    const sizeLog = memoryLogger();
    const sized = await publishRelease(options(bare, gh.apiUrl, { log: sizeLog, checksums: false }));
    assert.deepEqual(
      sized.assets.map((a) => a.basis),
      ['size', 'size'],
    );
    assert.match(sizeLog.text(), /compared by size only/);
    assert.equal(sized.checksums, 'off');
    assertNoViolations(gh);
  });

  it('follows GitHub renaming an asset with special characters, on the first run and the next', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, { 'dist/my tool~1.txt': 'tool' });
    const log = memoryLogger();
    const first = await publishRelease(options(dir, gh.apiUrl, { files: ['dist/*'], log }));
    assert.match(log.text(), /warning: GitHub will store my tool~1\.txt as "my\.tool\.1\.txt"/);
    assert.deepEqual(
      first.assets.map((a) => a.name),
      ['my.tool.1.txt'],
    );
    const assets = gh.assetsOf(gh.releases[0]?.id ?? 0);
    assert.equal(assets.get('SHA256SUMS')?.content?.toString(), `${sha256('tool')}  my.tool.1.txt\n`);
    const again = await publishRelease(options(dir, gh.apiUrl, { files: ['dist/*'] }));
    assert.deepEqual(
      again.assets.map((a) => [a.name, a.action]),
      [['my.tool.1.txt', 'skipped']],
    );
    assert.equal(again.checksums, 'unchanged');
    assertNoViolations(gh);
  });

  it('completes on a re-run what a failed run left: keeps what arrived, replaces the half-made asset', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [
        // The second upload dies after 4 bytes every time, leaving an `open` asset as GitHub can.
        {
          operation: 'repos/upload-release-asset',
          nth: 2,
          times: 3,
          reset: true,
          afterBytes: 4,
          leavePartial: true,
        },
      ],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const log = memoryLogger();
    const err = await rejection(publishRelease(options(dir, gh.apiUrl, { log })));
    assert.match(
      err.message,
      /could not upload widget\.tar\.gz: no answer from 127\.0\.0\.1:\d+ .*\(after 3 tries\)/,
    );
    assert.match(err.hint ?? '', /run again/);
    assert.match(log.text(), /uploading widget\.tar\.gz failed \(connection failed: .*\); try 2 of 3 in 1 s/);
    const release = gh.releases[0];
    assert.ok(release);
    assert.equal(gh.assetsOf(release.id).get('widget-linux-amd64')?.state, 'uploaded');
    assert.equal(gh.assetsOf(release.id).get('widget.tar.gz')?.state, 'open', 'a half-made asset is left');
    assert.equal(gh.assetsOf(release.id).has('SHA256SUMS'), false);

    const again = await publishRelease(options(dir, gh.apiUrl));
    assert.deepEqual(
      again.assets.map((a) => [a.name, a.action]),
      [
        ['widget-linux-amd64', 'skipped'],
        ['widget.tar.gz', 'replaced'],
      ],
    );
    const assets = gh.assetsOf(release.id);
    assert.equal(assets.get('widget.tar.gz')?.state, 'uploaded');
    assert.equal(assets.get('widget.tar.gz')?.sha256, sha256(FILES['bin/widget.tar.gz']));
    assert.equal(parseChecksums(assets.get('SHA256SUMS')?.content?.toString() ?? '').size, 2);
    assertNoViolations(gh);
  });

  it('retries an upload after a 5xx, honouring Retry-After, and after a dropped connection', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [
        {
          operation: 'repos/upload-release-asset',
          nth: 1,
          status: 502,
          retryAfter: 0,
          headers: { 'retry-after': '3' },
        },
        { operation: 'repos/upload-release-asset', nth: 3, reset: true, afterBytes: 2, leavePartial: true },
      ],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const log = memoryLogger();
    const result = await publishRelease(options(dir, gh.apiUrl, { log }));
    assert.deepEqual(
      result.assets.map((a) => a.action),
      ['uploaded', 'uploaded'],
    );
    assert.match(log.text(), /uploading widget-linux-amd64 failed \(502 Server Error\); try 2 of 3 in 3 s/);
    assert.match(log.text(), /uploading widget\.tar\.gz failed \(connection failed/);
    const assets = gh.assetsOf(gh.releases[0]?.id ?? 0);
    assert.deepEqual(
      [...assets.values()].map((a) => a.state),
      ['uploaded', 'uploaded', 'uploaded'],
    );
    assertNoViolations(gh);
  });

  it('keeps an upload whose answer was lost instead of uploading it twice', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [{ operation: 'repos/upload-release-asset', nth: 1, afterStoring: true, reset: true }],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const log = memoryLogger();
    await publishRelease(options(dir, gh.apiUrl, { log }));
    assert.match(log.text(), /widget-linux-amd64 had arrived after all/);
    const uploads = gh.requests.filter((r) => r.operation === 'repos/upload-release-asset');
    assert.equal(uploads.length, 3, 'two files and SHA256SUMS, none twice');
    assertNoViolations(gh);
  });

  it('waits out primary and secondary rate limits as the headers say', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [
        { operation: 'repos/get-release-by-tag', rateLimit: 'primary', retryAfter: 1 },
        { operation: 'repos/upload-release-asset', nth: 2, rateLimit: 'secondary', retryAfter: 2 },
        { operation: 'repos/list-release-assets', rateLimit: 'secondary', status: 429, retryAfter: 1 },
      ],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const log = memoryLogger();
    const result = await publishRelease(options(dir, gh.apiUrl, { log }));
    assert.equal(result.assets.length, 2);
    assert.match(
      log.text(),
      /the API rate limit was reached on GET .*releases\/tags\/0\.1\.0: waiting [23] s/,
    );
    assert.match(log.text(), /a secondary rate limit was reached on POST .*assets: waiting 2 s/);
    assert.match(log.text(), /a secondary rate limit was reached on GET .*assets: waiting 1 s/);
    const statuses = gh.requests.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 403).length, 2);
    assert.equal(statuses.filter((s) => s === 429).length, 1);
    const assets = gh.assetsOf(gh.releases[0]?.id ?? 0);
    assert.equal(
      assets.get('widget.tar.gz')?.sha256,
      sha256(FILES['bin/widget.tar.gz']),
      'the retried body is whole',
    );
    assertNoViolations(gh);
  });

  it('gives up on a rate limit that resets too late, saying when it resets', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [{ operation: 'repos/get-release-by-tag', rateLimit: 'primary', retryAfter: 3600 }],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const err = await rejection(
      publishRelease(options(dir, gh.apiUrl, { tuning: { ...FAST, maxRateLimitWaitSeconds: 60 } })),
    );
    assert.match(
      err.message,
      /GitHub's rate limit stopped the attempt to find the release 0\.1\.0 \(403 API rate limit/,
    );
    assert.match(err.hint ?? '', /resets at \d{4}-\d\d-\d\dT/);
    assertNoViolations(gh);
  });

  it('retries API requests that fail with a 5xx or a dropped connection', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [
        { operation: 'repos/list-release-assets', status: 503, times: 2 },
        { operation: 'repos/create-release', reset: true },
      ],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const result = await publishRelease(options(dir, gh.apiUrl));
    assert.equal(result.assets.length, 2);
    assert.equal(gh.releases.length, 1);
    assert.equal(
      gh.requests.filter((r) => r.operation === 'repos/list-release-assets' && r.status === 503).length,
      2,
    );
    assertNoViolations(gh);
  });

  it('finds the release another run created between its look and its create', async (t) => {
    const gh = await fakeGitHub(t, {
      // The first look says "no release" (as it did for the loser of a race); the create then clashes.
      failures: [{ operation: 'repos/get-release-by-tag', status: 404 }],
    });
    const existing = gh.addRelease({ tag_name: '0.1.0' });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const result = await publishRelease(options(dir, gh.apiUrl));
    assert.equal(result.releaseId, existing.id);
    assert.equal(result.created, false);
    assert.equal(gh.releases.length, 1);
    assert.ok(gh.requests.some((r) => r.operation === 'repos/create-release' && r.status === 422));
    assertNoViolations(gh);
  });

  it('creates drafts, finds them again on a re-run, and passes notes and generated notes', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const first = await publishRelease(
      options(dir, gh.apiUrl, { draft: true, notes: 'Fixes the widget.', generateNotes: true }),
    );
    assert.equal(first.draft, true);
    const release = gh.releases[0];
    assert.equal(release?.draft, true);
    assert.equal(release?.generated_notes, true);
    assert.match(release?.body ?? '', /^Fixes the widget\./);
    const again = await publishRelease(options(dir, gh.apiUrl, { draft: true }));
    assert.equal(again.releaseId, release?.id, 'the draft is found through the list of releases');
    assert.equal(gh.releases.length, 1);
    assertNoViolations(gh);
  });

  it('says in one line that the token was rejected, without showing it', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const wrong = 'ghp_wrongTokenThatMustNotLeak42';
    const log = memoryLogger(true);
    const err = await rejection(publishRelease(options(dir, gh.apiUrl, { token: wrong, log })));
    assert.match(err.describe(), /^GitHub rejected the token \(401 Bad credentials\); set GITHUB_TOKEN/);
    assert.ok(!err.describe().includes(wrong));
    assert.ok(!log.text().includes(wrong), 'not in the debug log either');
    assert.equal(err.describe().split('\n').length, 1);
    assertNoViolations(gh);
  });

  it('names the repository when it is missing or the token may not write it', async (t) => {
    const gh = await fakeGitHub(t, { repos: ['acme/widget', 'acme/locked'], readOnlyRepos: ['acme/locked'] });
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const missing = await rejection(publishRelease(options(dir, gh.apiUrl, { repo: 'acme/nothing' })));
    assert.match(
      missing.message,
      /could not list the releases: acme\/nothing was not found at http:\/\/127\.0\.0\.1:\d+\/api, or the token cannot see it \(404\)/,
    );
    const locked = await rejection(publishRelease(options(dir, gh.apiUrl, { repo: 'acme/locked' })));
    assert.match(
      locked.message,
      /the token may not create the release 0\.1\.0 in acme\/locked \(403 Resource not accessible by personal access token\)/,
    );
    assert.match(locked.hint ?? '', /Contents: Read and write/);
    assertNoViolations(gh);
  });

  it('checks its input before talking to GitHub', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, FILES);
    const noToken = await rejection(publishRelease(options(dir, gh.apiUrl, { token: '' })));
    assert.equal(noToken.exitCode, 2);
    const unmatched = await rejection(
      publishRelease(options(dir, gh.apiUrl, { files: ['bin/*', 'dist/*.zip', 'nope'] })),
    );
    assert.equal(unmatched.message, 'no file matches "dist/*.zip", "nope"');
    writeFiles(dir, { 'bin/SHA256SUMS': 'x' });
    const reserved = await rejection(publishRelease(options(dir, gh.apiUrl)));
    assert.match(reserved.message, /SHA256SUMS is the checksum asset duat writes/);
    assert.equal(gh.requests.length, 0);
  });
});
