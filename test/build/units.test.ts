import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseGoListJson } from '../../src/build/go-list.js';
import { moduleOfGoMod } from '../../src/build/go-test.js';
import { npmTarballName, withPackageVersion } from '../../src/build/npm-package.js';
import { artifactName, parsePlatform, resolvePlatforms, scrubCommandName } from '../../src/build/platform.js';
import { runLimited } from '../../src/build/pool.js';
import { formatBuildTime, ldflagsFor, parseStampSpec, type StampValues } from '../../src/build/stamp.js';
import { findVersionPackage } from '../../src/build/version-package.js';
import { tempDir } from '../helpers/tmp.js';

const VALUES: StampValues = {
  version: '1.2.3',
  hash: 'a'.repeat(40),
  shortHash: 'aaaaaaa',
  branch: 'main',
  tag: undefined,
  buildTime: '2019-04-04_00:19:40+0000',
};

describe('build units', () => {
  it('parses the stream of JSON objects go list -json writes', () => {
    const text =
      '{\n\t"Dir": "/m/cmd/a",\n\t"ImportPath": "m/cmd/a",\n\t"Name": "main",\n\t"Module": {\n\t\t"Path": "m",\n\t\t"Dir": "/m"\n\t}\n}\n' +
      '{\n\t"Dir": "/m/bad",\n\t"ImportPath": "m/bad",\n\t"Error": {\n\t\t"Err": "no Go files in /m/bad"\n\t}\n}\n{}\n';
    assert.deepEqual(parseGoListJson(text), [
      {
        dir: '/m/cmd/a',
        importPath: 'm/cmd/a',
        name: 'main',
        module: { path: 'm', dir: '/m' },
        error: undefined,
      },
      { dir: '/m/bad', importPath: 'm/bad', name: '', module: undefined, error: 'no Go files in /m/bad' },
    ]);
    assert.throws(() => parseGoListJson('{\n\t"Dir": "/x"\n'));
  });

  it('parses platforms and names artifacts as the original did', () => {
    assert.deepEqual(parsePlatform('linux/amd64'), { goos: 'linux', goarch: 'amd64', goarm: '' });
    assert.deepEqual(parsePlatform(' linux/arm/v7 '), { goos: 'linux', goarch: 'arm', goarm: '7' });
    for (const bad of ['linux', 'Linux/amd64', 'linux/amd64/7', 'linux/arm/8', 'a/b/c/d']) {
      assert.throws(() => parsePlatform(bad), { exitCode: 2 }, bad);
    }
    assert.equal(artifactName('a', '1.2.3', parsePlatform('linux/amd64')), 'a-1.2.3-linux-amd64');
    assert.equal(
      artifactName('Foo_Bar', '0.1.0-main-aaaahfravza', parsePlatform('darwin/arm64')),
      'foo_bar-0.1.0-main-aaaahfravza-darwin-arm64',
    );
    assert.equal(artifactName('tool', '1.2.3', parsePlatform('linux/arm/7')), 'tool-1.2.3-linux-arm7');
    assert.equal(
      artifactName('tool', '1.2.3', parsePlatform('windows/amd64')),
      'tool-1.2.3-windows-amd64.exe',
    );
    assert.equal(scrubCommandName('my tool+ü.v2'), 'my-tool--.v2');
    assert.deepEqual(
      resolvePlatforms(['linux/amd64', 'linux/amd64', 'linux/arm64'], {
        GOOS: 'x',
        GOARCH: 'y',
        GOARM: '',
      }).map((p) => `${p.goos}/${p.goarch}`),
      ['linux/amd64', 'linux/arm64'],
    );
    assert.deepEqual(resolvePlatforms([], { GOOS: 'linux', GOARCH: 'arm', GOARM: '6' }), [
      { goos: 'linux', goarch: 'arm', goarm: '6' },
    ]);
    assert.deepEqual(resolvePlatforms(undefined, { GOOS: 'linux', GOARCH: 'amd64', GOARM: '7' }), [
      { goos: 'linux', goarch: 'amd64', goarm: '' },
    ]);
    assert.deepEqual(
      resolvePlatforms(['linux/arm', 'linux/arm/5'], { GOOS: '', GOARCH: '', GOARM: '6' }).map(
        (p) => p.goarm,
      ),
      ['6', '5'],
    );
  });

  it('formats the build time as the original, in UTC, with seconds', () => {
    assert.equal(formatBuildTime(0), '1970-01-01_00:00:00+0000');
    assert.equal(formatBuildTime(1554337180n), '2019-04-04_00:19:40+0000');
    assert.equal(formatBuildTime(1764075601), '2025-11-25_13:00:01+0000');
  });

  it('parses --stamp and writes -X flags, quoting only where go needs it', () => {
    assert.deepEqual(parseStampSpec('main.version=version'), {
      pkg: 'main',
      variable: 'version',
      field: 'version',
    });
    assert.deepEqual(parseStampSpec('example.com/m/internal/build.Commit=GitHash'), {
      pkg: 'example.com/m/internal/build',
      variable: 'Commit',
      field: 'hash',
    });
    assert.equal(parseStampSpec('main.When=buildtime').field, 'buildTime');
    for (const bad of ['version', 'main=version', 'main.1x=version', 'main.v=colour', 'main.v=']) {
      assert.throws(() => parseStampSpec(bad), { exitCode: 2 }, bad);
    }
    const stamps = ['main.v=version', 'main.h=hash', 'main.t=tag', 'main.b=branch'].map(parseStampSpec);
    assert.deepEqual(ldflagsFor(stamps, { ...VALUES, branch: "it's main" }), {
      ldflags: `-X main.v=1.2.3 -X main.h=${'a'.repeat(40)} -X "main.b=it's main"`,
      unset: [{ pkg: 'main', variable: 't', field: 'tag' }],
    });
    assert.equal(
      ldflagsFor([parseStampSpec('main.b=branch')], { ...VALUES, branch: 'a b' }).ldflags,
      "-X 'main.b=a b'",
    );
  });

  it('names tarballs as npm does and applies the version without reformatting package.json', () => {
    assert.equal(npmTarballName('@scope/tool', '1.0.0-rc.1'), 'scope-tool-1.0.0-rc.1.tgz');
    assert.equal(npmTarballName('tool', '2.0.0'), 'tool-2.0.0.tgz');
    const text = '{\n\t"name": "x",\n\t"dependencies": { "version": "1.0.0" },\n\t"version":"0.0.1"\n}\n';
    assert.equal(withPackageVersion(text, '9.9.9'), text.replace('0.0.1', '9.9.9'));
    assert.equal(withPackageVersion('{"name":"x"}', '1.0.0'), '{\n  "name": "x",\n  "version": "1.0.0"\n}\n');
  });

  it('runs at most the given number of tasks at once, keeping results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await runLimited([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      if (i === 3) throw new Error('four');
      return ms * 2;
    });
    assert.equal(most, 2);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [60, 20, 40, 'four', 30],
    );
  });

  it('reads the module of a go.mod and finds its version package', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'go.mod'), '// comment\nmodule "example.com/quoted" // trailing\n\ngo 1.21\n');
    assert.deepEqual(moduleOfGoMod(join(dir, 'go.mod')), { path: 'example.com/quoted', dir });
    assert.equal(moduleOfGoMod(join(dir, 'missing.mod')), undefined);
    const module = { path: 'example.com/quoted', dir };
    assert.equal(findVersionPackage(module), undefined);
    mkdirSync(join(dir, 'version'));
    writeFileSync(join(dir, 'version', 'v_test.go'), 'package version\n\nvar SemVer = "x"\n');
    assert.equal(findVersionPackage(module), undefined, 'tests alone are not a package');
    writeFileSync(
      join(dir, 'version', 'v.go'),
      'package version\n\nvar (\n\tSemVer = "unknown"\n\tBuildTime string\n)\n',
    );
    assert.deepEqual(findVersionPackage(module), {
      importPath: 'example.com/quoted/version',
      dir: join(dir, 'version'),
      declares: ['SemVer', 'BuildTime'],
    });
  });
});
