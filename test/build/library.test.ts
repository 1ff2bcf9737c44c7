import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { type Artifact, BuildError, build, createLogger, findCommands, goTest } from '../../src/index.js';
import { git } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { buildEnv, demoRepository, EPOCH, hostSuffix } from './fixtures.js';

function repo(t: import('node:test').TestContext, extra: Record<string, string> = {}): string {
  return demoRepository(join(tempDir(t, 'duat-build-lib-'), 'demo'), extra);
}

function collectingLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger({ write: (line) => lines.push(line.trimEnd()) }) };
}

describe('build library API', () => {
  it('findCommands lists Go main packages (nested modules too) and npm packages, with their modules', async (t) => {
    const dir = repo(t, {
      'web/package.json': '{ "name": "web-cli", "version": "0.0.0", "bin": "cli.js" }\n',
    });
    const env = buildEnv();
    const underCmd = await findCommands(['cmd'], { recursive: true, cwd: dir, env });
    assert.deepEqual(
      underCmd.map((c) =>
        c.kind === 'go' ? [c.name, c.importPath, c.module?.path, relative(dir, c.dir)] : [],
      ),
      [
        ['a', 'example.com/demo/cmd/a', 'example.com/demo', 'cmd/a'],
        ['b', 'example.com/demo/cmd/b', 'example.com/demo', 'cmd/b'],
      ],
    );
    const all = await findCommands(['.'], { recursive: true, tags: ['extra'], cwd: dir, env });
    assert.deepEqual(
      all.map((c) => `${c.kind}:${relative(dir, c.dir)}`),
      ['go:cmd/a', 'go:cmd/b', 'go:cmd/extra', 'go:nested/cmd/c', 'go:plain', 'npm:web'],
    );
    const one = await findCommands(['nested/cmd/c'], { cwd: dir, env });
    assert.equal(one.length, 1);
    assert.equal(one[0]?.kind === 'go' && one[0].module?.path, 'example.com/nested');
  });

  it('build returns one record per artifact: path, command, platform, size and sha256', async (t) => {
    const dir = repo(t);
    const env = buildEnv({ SOURCE_DATE_EPOCH: EPOCH });
    const commands = await findCommands(['cmd'], { recursive: true, cwd: dir, env });
    const { lines, log } = collectingLogger();
    const artifacts = await build(commands, { cwd: dir, env, log, version: '3.0.0-rc.2', jobs: 1 });
    const host = hostSuffix();
    assert.deepEqual(
      artifacts.map((a) => [a.kind, a.command, a.platform, a.path]),
      [
        ['go', 'a', host.replace('-', '/'), `bin/a-3.0.0-rc.2-${host}`],
        ['go', 'b', host.replace('-', '/'), `bin/b-3.0.0-rc.2-${host}`],
      ],
    );
    for (const a of artifacts) {
      const file = join(dir, a.path);
      assert.equal(a.size, statSync(file).size);
      assert.equal(a.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
      assert.equal(execFileSync(file, { encoding: 'utf8' }).split('\n')[0], '3.0.0-rc.2');
    }
    // One build at a time with jobs: 1: each ends before the next starts.
    const progress = lines
      .filter((l) => /^(building|built) /.test(l))
      .map((l) => l.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(progress, [
      'building a',
      `built bin/a-3.0.0-rc.2-${host}`,
      'building b',
      `built bin/b-3.0.0-rc.2-${host}`,
    ]);
  });

  it('build rejects with a BuildError holding every failure and the artifacts that were built', async (t) => {
    const dir = repo(t, { 'cmd/broken/main.go': 'package main\n\nfunc main() { undefinedCall() }\n' });
    const env = buildEnv();
    const commands = await findCommands(['cmd'], { recursive: true, cwd: dir, env });
    const compiler: string[] = [];
    const absoluteOut = join(dir, 'out');
    await assert.rejects(
      build(commands, {
        cwd: dir,
        env,
        outDir: absoluteOut,
        platforms: ['linux/amd64'],
        output: (s) => compiler.push(s),
      }),
      (err: unknown) => {
        assert.ok(err instanceof BuildError);
        assert.equal(err.exitCode, 1);
        assert.deepEqual(
          err.failures.map((f) => [f.command, f.platform]),
          [['broken', 'linux/amd64']],
        );
        assert.match(err.failures[0]?.output ?? '', /undefined: undefinedCall/);
        assert.deepEqual(
          err.artifacts.map((a: Artifact) => a.path),
          [join(absoluteOut, 'a-1.2.3-linux-amd64'), join(absoluteOut, 'b-1.2.3-linux-amd64')],
        );
        return true;
      },
    );
    assert.match(compiler.join(''), /cmd\/broken\/main\.go:3:15: undefined: undefinedCall/);
  });

  it('goTest runs the tests with the stamps and rejects when they fail', async (t) => {
    const dir = repo(t, {
      'version/version_test.go':
        'package version\n\nimport "testing"\n\nfunc TestV(t *testing.T) {\n\tif SemVer != "4.5.6" {\n\t\tt.Fatal(SemVer)\n\t}\n}\n',
    });
    const out: string[] = [];
    const env = buildEnv();
    const quiet = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    await goTest({ cwd: dir, env, dirs: ['version'], version: '4.5.6', args: ['-count=1', '.'], ...quiet });
    assert.match(out.join(''), /^ok\s+example\.com\/demo\/version/m);
    await assert.rejects(
      goTest({ cwd: dir, env, dirs: ['version'], version: '4.5.7', ...quiet }),
      /go test failed in \.\/version/,
    );
    assert.equal(git(dir, 'status', '--porcelain'), '', 'testing changes nothing in the tree');
  });
});
