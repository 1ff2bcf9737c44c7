import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { runDuat } from '../helpers/cli.js';
import { initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { buildEnv, hostSuffix, pathWithoutGo } from './fixtures.js';

/** The files of a .tgz: name -> content. */
function untar(path: string): Map<string, string> {
  const data = gunzipSync(readFileSync(path));
  const files = new Map<string, string>();
  for (let at = 0; at + 512 <= data.length; ) {
    const name = data
      .subarray(at, at + 100)
      .toString('utf8')
      .replace(/\0.*$/s, '');
    if (name === '') break;
    const size = Number.parseInt(
      data
        .subarray(at + 124, at + 136)
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim(),
      8,
    );
    files.set(name, data.subarray(at + 512, at + 512 + size).toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// Tabs and a trailing field: the version is applied without reformatting the file.
const MANIFEST =
  '{\n\t"name": "@demo/hello",\n\t"version": "0.0.0",\n\t"bin": { "hello": "cli.js" },\n\t"license": "MIT"\n}\n';

function npmRepo(t: import('node:test').TestContext, extra: Record<string, string> = {}): string {
  return initRepo(join(tempDir(t, 'duat-build-npm-'), 'repo'), {
    files: {
      'README.md': 'Version: <repo-version>1.2.3-rc.1</repo-version>\n',
      'tools/hello/package.json': MANIFEST,
      'tools/hello/cli.js': '#!/usr/bin/env node\nconsole.log("hello");\n',
      'tools/lib/package.json': '{ "name": "lib-only", "version": "1.0.0" }\n',
      'node_modules/dep/package.json': '{ "name": "dep", "version": "1.0.0", "bin": "x.js" }\n',
      ...extra,
    },
  });
}

describe('duat build: npm packages', () => {
  it('packs a package with a bin at the build version, leaving its package.json as it was', (t) => {
    const dir = npmRepo(t);
    const r = runDuat(['build', 'tools/hello'], { cwd: dir, env: buildEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'bin/demo-hello-1.2.3-rc.1.tgz\n');
    assert.match(r.stderr, /built bin\/demo-hello-1\.2\.3-rc\.1\.tgz \([0-9.]+ (B|KiB)\) in [0-9.]+s/);
    const files = untar(join(dir, 'bin', 'demo-hello-1.2.3-rc.1.tgz'));
    assert.equal(files.get('package/package.json'), MANIFEST.replace('0.0.0', '1.2.3-rc.1'));
    assert.equal(files.get('package/cli.js'), '#!/usr/bin/env node\nconsole.log("hello");\n');
    assert.equal(readFileSync(join(dir, 'tools', 'hello', 'package.json'), 'utf8'), MANIFEST);
  });

  it('with -r finds packages with a bin, not those without one nor those in node_modules; needs no Go', (t) => {
    const dir = npmRepo(t);
    const r = runDuat(['build', '-r', '.', '-o', 'dist'], {
      cwd: dir,
      env: buildEnv({ PATH: pathWithoutGo() }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'dist/demo-hello-1.2.3-rc.1.tgz\n');
  });

  it('packs a package whose own bin/ is the output folder without packing earlier tarballs', (t) => {
    const dir = npmRepo(t, {
      'pkg/package.json': '{ "name": "tool", "version": "0.0.0", "bin": { "tool": "bin/tool.js" } }\n',
      'pkg/bin/tool.js': '#!/usr/bin/env node\n',
    });
    const pkg = join(dir, 'pkg');
    for (const round of [1, 2]) {
      const r = runDuat(['build', '.'], { cwd: pkg, env: buildEnv() });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'bin/tool-1.2.3-rc.1.tgz\n', `round ${round}`);
      const names = [...untar(join(pkg, 'bin', 'tool-1.2.3-rc.1.tgz')).keys()].sort();
      assert.deepEqual(names, ['package/bin/tool.js', 'package/package.json'], `round ${round}`);
    }
  });

  it('a repository that is both a Go module and an npm package packs none of the binaries', (t) => {
    const dir = npmRepo(t, {
      'package.json': '{ "name": "both", "version": "0.0.0", "bin": "cli.js" }\n',
      'cli.js': '',
      'go.mod': 'module example.com/both\n\ngo 1.21\n',
      'cmd/a/main.go': 'package main\n\nfunc main() {}\n',
    });
    for (const round of [1, 2]) {
      const r = runDuat(['build', '-r', '.', '--stamp', 'main.v=version'], { cwd: dir, env: buildEnv() });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        `bin/a-1.2.3-rc.1-${hostSuffix()}\nbin/both-1.2.3-rc.1.tgz\nbin/demo-hello-1.2.3-rc.1.tgz\n`,
      );
      const names = [...untar(join(dir, 'bin', 'both-1.2.3-rc.1.tgz')).keys()];
      assert.ok(!names.some((n) => n.startsWith('package/bin/')), `round ${round}: ${names.join(' ')}`);
    }
  });

  it('a failing pack fails the build, naming it', (t) => {
    const dir = npmRepo(t, {
      'tools/broken/package.json':
        '{ "name": "broken", "version": "1.0.0", "bin": "x.js", "scripts": { "prepack": "echo cannot prepack >&2; exit 3" } }\n',
      'tools/broken/x.js': '',
    });
    const r = runDuat(['build', '-r', 'tools'], { cwd: dir, env: buildEnv() });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cannot prepack/);
    assert.match(r.stderr, /duat build: 1 of 2 builds failed: broken for npm \(\.\/tools\/broken\)/);
    assert.ok(!/\n\s+at /.test(r.stderr));
  });
});
