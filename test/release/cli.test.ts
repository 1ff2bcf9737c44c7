/**
 * `duat github-release` as a user runs it, against the fake GitHub on 127.0.0.1 (its requests and
 * answers are checked against GitHub's OpenAPI description; see test/helpers/github-server.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/cli.js';
import { git } from '../helpers/git.js';
import {
  assertNoViolations,
  cliEnv,
  fakeGitHub,
  releaseRepo,
  runDuatAsync,
  sha256,
  TOKEN,
  writeFiles,
} from './fixtures.js';

describe('duat github-release', () => {
  it('releases a list read from stdin and prints only the release URL', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t, '0.3.0');
    writeFiles(dir, { 'bin/a': 'aaa', 'bin/b': 'bbbb' });
    const r = await runDuatAsync(['github-release', '-'], {
      cwd: dir,
      env: cliEnv(gh),
      input: 'bin/a\n\nbin/b\r\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${gh.apiUrl.replace(/\/api$/, '')}/acme/widget/releases/tag/0.3.0\n`);
    assert.match(r.stderr, /created the release 0\.3\.0 of acme\/widget/);
    assert.match(r.stderr, /uploaded a \(3 B/);
    const assets = gh.assetsOf(gh.releases[0]?.id ?? 0);
    assert.deepEqual([...assets.keys()], ['a', 'b', 'SHA256SUMS']);
    assert.equal(assets.get('b')?.sha256, sha256('bbbb'));
    assertNoViolations(gh);
  });

  it('takes Go globs and names, the token from GH_TOKEN and the API from --api-url', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t, '0.3.0');
    writeFiles(dir, {
      'dist/x.tar.gz': 'x',
      'dist/y.tar.gz': 'y',
      'dist/notes.txt': 'n',
      'dist/sub/z.tar.gz': 'z',
    });
    const env = cleanEnv({ GH_TOKEN: TOKEN });
    const r = await runDuatAsync(
      ['github-release', '--api-url', gh.apiUrl, 'dist/*.tar.gz', 'dist/notes.txt'],
      {
        cwd: dir,
        env,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      [...gh.assetsOf(gh.releases[0]?.id ?? 0).keys()].sort(),
      ['SHA256SUMS', 'notes.txt', 'x.tar.gz', 'y.tar.gz'],
      '* does not cross a slash, as in Go',
    );
    assertNoViolations(gh);
  });

  it('reads the version file and the repository from the -module directory', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t, '5.6.7');
    const elsewhere = join(dir, '..', 'artifacts');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'tool'), 'tool');
    mkdirSync(join(dir, 'cmd', 'tool'), { recursive: true });
    const r = await runDuatAsync(
      ['github-release', '-module', join(dir, 'cmd', 'tool'), 'tool', '--no-checksums'],
      {
        cwd: elsewhere,
        env: cliEnv(gh),
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(gh.releases[0]?.tag_name, '5.6.7');
    assert.equal(gh.releases[0]?.target_commitish, git(dir, 'rev-parse', 'HEAD'));
    assert.deepEqual([...gh.assetsOf(gh.releases[0]?.id ?? 0).keys()], ['tool']);
    assertNoViolations(gh);
  });

  it('waits out a rate limit and retries a 5xx in a real run', async (t) => {
    const gh = await fakeGitHub(t, {
      failures: [
        { operation: 'repos/get-release-by-tag', rateLimit: 'secondary', retryAfter: 1 },
        { operation: 'repos/upload-release-asset', status: 503 },
      ],
    });
    const dir = releaseRepo(t);
    writeFiles(dir, { 'bin/a': 'aaa' });
    const r = await runDuatAsync(['github-release', 'bin/a'], { cwd: dir, env: cliEnv(gh) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /warning: a secondary rate limit was reached on GET \S+\/releases\/tags\/0\.1\.0: waiting 1 s/,
    );
    assert.match(r.stderr, /warning: uploading a failed \(503 Server Error\); try 2 of 5 in 1 s/);
    assertNoViolations(gh);
  });

  it('fails in one line with exit code 1 or 2, never showing the token or a stack', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    writeFiles(dir, { 'bin/a': 'aaa' });
    const secret = 'ghp_secretThatMustNeverBePrinted7';

    const bad = await runDuatAsync(['github-release', 'bin/a'], {
      cwd: dir,
      env: cliEnv(gh, { GITHUB_TOKEN: secret }),
    });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.match(
      bad.stderr,
      /^duat github-release: GitHub rejected the token \(401 Bad credentials\); set GITHUB_TOKEN/m,
    );
    assert.ok(!bad.stderr.includes(secret));
    assert.ok(!bad.stderr.includes('    at '), 'no stack trace');

    const onArgv = await runDuatAsync(['github-release', '-v', '-github-token', secret, 'bin/a'], {
      cwd: dir,
      env: cleanEnv({ GITHUB_API_URL: gh.apiUrl }),
    });
    assert.equal(onArgv.code, 1);
    assert.match(onArgv.stderr, /a token on the command line is visible to other users/);
    assert.ok(!onArgv.stderr.includes(secret), 'not even with -v');

    const none = await runDuatAsync(['github-release', 'bin/a'], {
      cwd: dir,
      env: cleanEnv({ GITHUB_API_URL: gh.apiUrl }),
    });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^duat github-release: no GitHub token; set GITHUB_TOKEN \(or GH_TOKEN\)/);

    const unmatched = await runDuatAsync(['github-release', 'bin/*.zip', 'bin/a'], {
      cwd: dir,
      env: cliEnv(gh),
    });
    assert.equal(unmatched.code, 1);
    assert.equal(
      unmatched.stderr.split('\n')[0],
      'duat github-release: no file matches "bin/*.zip"; paths are relative to ' +
        dir +
        "; globs use Go's syntax (*, ?, [a-z])",
    );

    const empty = await runDuatAsync(['github-release', '-'], { cwd: dir, env: cliEnv(gh), input: '\n' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /the list of files read from stdin is empty/);

    const noArgs = await runDuatAsync(['github-release'], { cwd: dir, env: cliEnv(gh) });
    assert.equal(noArgs.code, 2);
    assert.match(noArgs.stderr, /no files to release/);

    const flag = await runDuatAsync(['github-release', '--replcae', 'bin/a'], { cwd: dir, env: cliEnv(gh) });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown flag --replcae; did you mean --replace\?/);

    const repo = await runDuatAsync(['github-release', '--repo', 'not a repo', 'bin/a'], {
      cwd: dir,
      env: cliEnv(gh),
    });
    assert.equal(repo.code, 2);
    assert.match(repo.stderr, /"not a repo" is not a repository name; give it as owner\/name/);
    assertNoViolations(gh);
  });

  it('without a GitHub remote asks for --repo', async (t) => {
    const gh = await fakeGitHub(t);
    const dir = releaseRepo(t);
    git(dir, 'remote', 'set-url', 'origin', '/srv/git/widget.git');
    writeFiles(dir, { 'bin/a': 'aaa' });
    const r = await runDuatAsync(['github-release', 'bin/a'], { cwd: dir, env: cliEnv(gh) });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /cannot tell the GitHub repository from the remote \/srv\/git\/widget\.git; name it with --repo/,
    );
    const ok = await runDuatAsync(['github-release', '--repo', 'acme/widget', 'bin/a'], {
      cwd: dir,
      env: cliEnv(gh),
    });
    assert.equal(ok.code, 0, ok.stderr);
    assertNoViolations(gh);
  });

  it('documents itself', async (t) => {
    const dir = releaseRepo(t);
    const r = await runDuatAsync(['github-release', '--help'], { cwd: dir });
    assert.equal(r.code, 0);
    for (const text of [
      '-github-token',
      'GITHUB_TOKEN, GH_TOKEN',
      'GITHUB_API_URL',
      '--no-checksums',
      'duat build -r cmd | duat github-release -',
    ]) {
      assert.ok(r.stdout.includes(text), `help mentions ${text}`);
    }
  });
});
