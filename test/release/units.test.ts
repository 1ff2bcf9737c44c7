/** The pieces of github-release that need no server: globs, file lists, checksums, plans, names, bars. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type DuatError, UsageError } from '../../src/core/errors.js';
import { FileBody, type GitHubAsset } from '../../src/release/assets.js';
import { formatChecksums, parseChecksums, sha256File, sha256OfDigest } from '../../src/release/checksums.js';
import { contentTypeFor } from '../../src/release/content-type.js';
import { expandFilePatterns, githubAssetName, parseFileList } from '../../src/release/files.js';
import { glob, globMatch } from '../../src/release/glob.js';
import { planAssets } from '../../src/release/plan.js';
import { createProgressBar, formatBytes, renderProgress } from '../../src/release/progress.js';
import { apiUrlFor, parseRepoSlug } from '../../src/release/target.js';
import { storedName } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';
import { sha256 } from './fixtures.js';

function tree(dir: string, names: string[]): string {
  for (const name of names) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    if (!name.endsWith('/')) writeFileSync(join(dir, name), name);
  }
  return dir;
}

describe('Go globs', () => {
  it('match as filepath.Match does', () => {
    const cases: [string, string, boolean][] = [
      ['*', 'abc', true],
      ['*', '.hidden', true], // Go has no special case for dot files
      ['*', 'a/b', false],
      ['a*/b', 'abc/b', true],
      ['a?c', 'abc', true],
      ['a?c', 'a/c', false],
      ['[a-c]x', 'bx', true],
      ['[^a-c]x', 'dx', true],
      ['[^a-c]x', 'ax', false],
      ['[\\]]', ']', true],
      ['\\*', '*', true],
      ['\\*', 'x', false],
      ['é?', 'éé', true],
      ['*.tar.gz', 'x.tar.gz', true],
      ['*.tar.gz', 'x.tgz', false],
    ];
    for (const [pattern, name, want] of cases)
      assert.equal(globMatch(pattern, name), want, `${pattern} ~ ${name}`);
  });

  it('reject bad patterns with a usage error', () => {
    for (const bad of ['[', 'a[b', '[]', 'x\\', '[z-a]']) {
      assert.throws(() => globMatch(bad, 'x'), UsageError, bad);
    }
  });

  it('expand over directories, sorted, without crossing slashes', (t) => {
    const dir = tree(tempDir(t), ['bin/b', 'bin/a', 'bin/.c', 'bin/sub/d', 'dist/x/e.zip', 'dist/y/f.zip']);
    assert.deepEqual(glob('bin/*', dir), ['bin/.c', 'bin/a', 'bin/b', 'bin/sub']);
    assert.deepEqual(glob('dist/*/*.zip', dir), ['dist/x/e.zip', 'dist/y/f.zip']);
    assert.deepEqual(glob('bin/a', dir), ['bin/a']);
    assert.deepEqual(glob('bin/none', dir), []);
    assert.deepEqual(glob(join(dir, 'bin', '[ab]'), '/'), [join(dir, 'bin', 'a'), join(dir, 'bin', 'b')]);
  });
});

describe('release files', () => {
  it('parse a list from stdin, one a line, blank lines and \\r ignored', () => {
    assert.deepEqual(parseFileList('bin/a\r\n\n  bin/b  \n\n'), ['bin/a', 'bin/b']);
  });

  it('expand patterns, skipping directories matched by a glob and refusing clashing names', (t) => {
    const dir = tree(tempDir(t), ['bin/a', 'bin/sub/a', 'bin/b', 'other/a']);
    const { files, warnings } = expandFilePatterns(['bin/*', 'bin/a'], dir);
    assert.deepEqual(
      files.map((f) => [f.shown, f.name, f.size]),
      [
        ['bin/a', 'a', 5],
        ['bin/b', 'b', 5],
      ],
    );
    assert.deepEqual(warnings, ['skipped the directory bin/sub (matched by bin/*)']);
    assert.throws(
      () => expandFilePatterns(['bin/a', 'other/a'], dir),
      /bin\/a and other\/a would both be the release asset "a"/,
    );
    assert.throws(
      () => expandFilePatterns(['bin'], dir),
      (e: DuatError) => /bin is a directory/.test(e.message) && /bin\/\*/.test(e.hint ?? ''),
    );
    assert.throws(
      () => expandFilePatterns(['nope*', 'bin/a', 'gone'], dir),
      /^DuatError: no file matches "nope\*", "gone"$/,
    );
    assert.throws(() => expandFilePatterns([], dir), UsageError);
  });

  it('predict the name GitHub stores an asset under, as the fake does', () => {
    const cases: [string, string][] = [
      ['widget-linux-amd64', 'widget-linux-amd64'],
      ['my tool.exe', 'my.tool.exe'],
      ['pkg-1.0-1~buster_amd64.deb', 'pkg-1.0-1.buster_amd64.deb'],
      ['app (15-5).apk', 'app.15-5.apk'],
      ['.hidden.', 'hidden'],
      ['café.txt', 'cafe.txt'],
    ];
    for (const [name, stored] of cases) {
      assert.equal(githubAssetName(name), stored, name);
      assert.equal(storedName(name), stored, name);
    }
  });

  it('get content types from their names', () => {
    assert.equal(contentTypeFor('widget-linux-amd64'), 'application/octet-stream');
    assert.equal(contentTypeFor('w.TAR.GZ'), 'application/gzip');
    assert.equal(contentTypeFor('w.zip'), 'application/zip');
    assert.equal(contentTypeFor('w.deb'), 'application/vnd.debian.binary-package');
    assert.equal(contentTypeFor('SHA256SUMS'), 'text/plain');
    assert.equal(contentTypeFor('index.json'), 'application/json');
  });
});

describe('checksums', () => {
  it('hash files as sha256sum does and write and read SHA256SUMS', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'f'), 'hello\n');
    assert.equal(await sha256File(join(dir, 'f')), sha256('hello\n'));
    const text = formatChecksums(
      new Map([
        ['b', 'b'.repeat(64)],
        ['a', 'a'.repeat(64)],
      ]),
    );
    assert.equal(text, `${'a'.repeat(64)}  a\n${'b'.repeat(64)}  b\n`);
    assert.deepEqual(
      parseChecksums(`${text}junk\n${'C'.repeat(64)} *c d\n`),
      new Map([
        ['a', 'a'.repeat(64)],
        ['b', 'b'.repeat(64)],
        ['c d', 'c'.repeat(64)],
      ]),
    );
    assert.equal(sha256OfDigest(`sha256:${'A'.repeat(64)}`), 'a'.repeat(64));
    assert.equal(sha256OfDigest('sha512:abc'), undefined);
    assert.equal(sha256OfDigest(null), undefined);
    await assert.rejects(sha256File(join(dir, 'missing')), /cannot read: no such file or directory/);
  });
});

describe('upload bodies', () => {
  it('can be read again from the start, report progress, and notice a file that changed', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'f');
    writeFileSync(path, 'x'.repeat(3 << 20));
    const seen: number[] = [];
    const body = new FileBody(path, 'f', 3 << 20, (p) =>
      seen.push(p.attempt * 10 + Math.round((p.sent / p.total) * 3)),
    );
    const read = async () => {
      let n = 0;
      for await (const chunk of body) n += chunk.length;
      return n;
    };
    assert.equal(await read(), 3 << 20);
    assert.equal(await read(), 3 << 20, 'a retry sends the whole file again');
    assert.deepEqual(seen, [10, 11, 12, 13, 20, 21, 22, 23]);
    const shrunk = new FileBody(path, 'f', 5);
    await assert.rejects(async () => {
      for await (const _ of shrunk);
    }, /changed while it was being uploaded \(it had 5 bytes\)/);
  });
});

describe('plans', () => {
  const file = (name: string, content: string) => ({
    path: `/x/${name}`,
    shown: name,
    name,
    size: content.length,
    sha256: sha256(content),
  });
  const asset = (name: string, content: string, extra: Partial<GitHubAsset> = {}): GitHubAsset => ({
    id: 1,
    name,
    size: content.length,
    state: 'uploaded',
    content_type: 'application/octet-stream',
    digest: `sha256:${sha256(content)}`,
    browser_download_url: 'https://example.invalid',
    ...extra,
  });

  it('upload new files, skip same ones, refuse or replace different ones, replace half-made ones', () => {
    const files = [
      file('new', 'n'),
      file('same', 's'),
      file('diff', 'd'),
      file('open', 'o'),
      file('nodigest', 'x'),
    ];
    const existing = [
      asset('same', 's'),
      asset('diff', 'D'),
      asset('open', 'o', { state: 'open' }),
      asset('nodigest', 'x', { digest: null }),
    ];
    const plan = planAssets(files, existing, undefined, false);
    assert.deepEqual(
      plan.map((s) => s.action),
      ['upload', 'skip', 'conflict', 'replace', 'skip'],
    );
    assert.deepEqual(
      plan.map((s) => ('basis' in s ? s.basis : undefined)),
      [undefined, 'digest', undefined, undefined, 'size'],
    );
    assert.equal(planAssets(files, existing, undefined, true)[2]?.action, 'replace');
    const sums = new Map([['nodigest', sha256('y')]]);
    assert.equal(planAssets(files, existing, sums, false)[4]?.action, 'conflict');
  });
});

describe('target', () => {
  it('parses owner/name and picks the API base', () => {
    assert.deepEqual(parseRepoSlug('acme/widget.git'), { owner: 'acme', repo: 'widget' });
    assert.throws(() => parseRepoSlug('acme'), UsageError);
    assert.throws(() => parseRepoSlug('a/b/c'), UsageError);
    assert.equal(apiUrlFor(undefined, {}, 'github.com'), 'https://api.github.com');
    assert.equal(
      apiUrlFor(undefined, { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, 'github.com'),
      'https://ghe.example.com/api/v3',
    );
    assert.equal(apiUrlFor(undefined, {}, 'ghe.example.com'), 'https://ghe.example.com/api/v3');
    assert.equal(
      apiUrlFor('http://127.0.0.1:9/api', { GITHUB_API_URL: 'https://x.example' }, undefined),
      'http://127.0.0.1:9/api',
    );
    assert.throws(() => apiUrlFor('ftp://x', {}, undefined), UsageError);
    assert.throws(() => apiUrlFor('https://user:pw@x.example', {}, undefined), /must not hold credentials/);
  });
});

describe('progress bar', () => {
  it('draws name, bar, percent, bytes and rate within the width, at most ten times a second', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(2 ** 30), '1.0 GiB');
    const line = renderProgress(
      { name: 'widget.tar.gz', sent: 2 ** 29, total: 2 ** 30, attempt: 1 },
      2000,
      80,
    );
    assert.ok(line.length <= 80, line);
    assert.match(line, /^widget\.tar\.gz \[#+-+\] {2}50% 512\.0 MiB\/1\.0 GiB 256\.0 MiB\/s$/);
    const written: string[] = [];
    let clock = 0;
    const bar = createProgressBar({ columns: 60, write: (s) => written.push(s) }, () => clock);
    for (let sent = 0; sent <= 100; sent += 10) {
      bar.update({ name: 'x', sent, total: 100, attempt: 1 });
      clock += 30;
    }
    assert.ok(written.length < 11 && written.length >= 3, `${written.length} redraws`);
    assert.match(written.at(-1) ?? '', /100%/, 'the end is always drawn');
    bar.clear();
    assert.equal(written.at(-1), '\r\x1b[K');
  });
});
