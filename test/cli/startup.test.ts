/**
 * Start-up of the shipped bundle: a one-shot command loads only what it uses. Timing is the bench's
 * job (bench/startup.ts); this checks the causes, which do not vary with the machine's load: which
 * of Node's own modules a command loads beyond what every Node process has, and how much of
 * duat's code. Node's ES module loader, its streams (process.stdout) and crypto each cost several
 * per cent of `node -e 0`; the yaml and TOML packages a third of `stencil`'s code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cleanEnv, runDuat } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

interface Loaded {
  /** Node's modules loaded, as in process.moduleLoadList ("NativeModule crypto"). */
  node: string[];
  /** Code files loaded (through require, or read by duat's chunk loader), absolute paths. */
  files: string[];
}

/**
 * Runs duat with a preload that records, at exit, what was loaded: Node's modules, the files in
 * require's cache and the .js files read (duat.js reads and compiles its chunks itself).
 */
function loadedBy(
  t: import('node:test').TestContext,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Loaded {
  const dir = tempDir(t);
  const report = join(dir, 'loaded.json');
  const preload = join(dir, 'record-loads.cjs');
  writeFileSync(
    preload,
    `const fs = require('fs');
    const read = new Set();
    const readFileSync = fs.readFileSync;
    fs.readFileSync = function (path, ...rest) {
      if (typeof path === 'string' && path.endsWith('.js')) read.add(path);
      return readFileSync.call(this, path, ...rest);
    };
    process.on('exit', () => fs.writeFileSync(${JSON.stringify(report)}, JSON.stringify({
      node: process.moduleLoadList, files: [...new Set([...Object.keys(require.cache), ...read])] })));\n`,
  );
  const r = runDuat(args, { cwd, env: { ...env, NODE_OPTIONS: `--require ${preload}` } });
  assert.equal(r.code, 0, `duat ${args.join(' ')} failed: ${r.stderr}`);
  const loaded = JSON.parse(readFileSync(report, 'utf8')) as Loaded;
  return { node: loaded.node, files: loaded.files.filter((f) => f !== preload) };
}

const HEAVY_NODE_MODULES = [
  'NativeModule internal/modules/esm/loader',
  'NativeModule stream',
  'NativeModule crypto',
  'NativeModule child_process',
  'NativeModule worker_threads',
  'NativeModule http',
];

/**
 * Node's modules that every process of this Node loads (`node -e 0` with the same preload): Node 22+
 * sets up its ES module loader for every program, so there it is no cost of duat's.
 */
let baseline: Set<string> | undefined;
function loadedByEveryProcess(t: import('node:test').TestContext): Set<string> {
  if (baseline) return baseline;
  const dir = tempDir(t);
  const report = join(dir, 'loaded.json');
  const preload = join(dir, 'record-loads.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`,
  );
  execFileSync(process.execPath, ['--require', preload, '-e', '0'], { env: cleanEnv() });
  baseline = new Set(JSON.parse(readFileSync(report, 'utf8')) as string[]);
  return baseline;
}

/**
 * `what` loads none of the heavy Node modules, at most `maxBytes` of code and at most `maxFiles` files
 * (each costs a read and a compile: duat.js, the CLI's chunk file and one file per command is the
 * floor scripts/bundle-cli.mjs builds for); with `onlyNodeModules`, no Node module beyond those and
 * what every process loads.
 */
function assertLight(
  loaded: Loaded,
  limits: { maxBytes: number; maxFiles: number; onlyNodeModules?: readonly string[] },
  what: string,
): void {
  for (const name of HEAVY_NODE_MODULES)
    assert.ok(!loaded.node.includes(name) || baseline?.has(name), `${what} loads ${name}`);
  const bytes = loaded.files.reduce((sum, f) => sum + statSync(f).size, 0);
  const files = `${loaded.files.length} files: ${loaded.files.join(', ')}`;
  assert.ok(bytes <= limits.maxBytes, `${what} loads ${bytes} bytes of code (${files})`);
  assert.ok(loaded.files.length <= limits.maxFiles, `${what} loads ${files}`);
  for (const f of loaded.files) assert.ok(!f.includes('node_modules'), `${what} loads ${f}`);
  if (limits.onlyNodeModules) {
    const extra = loaded.node.filter((m) => !baseline?.has(m) && !limits.onlyNodeModules?.includes(m));
    assert.deepEqual(extra, [], `${what} loads Node modules beyond node -e 0's`);
  }
}

describe('start-up of one-shot commands', () => {
  it('--help, semver extract, image name and git-watch status load one file of duat each and no Node module node -e 0 does not', (t) => {
    loadedByEveryProcess(t);
    const repo = initRepo(join(tempDir(t), 'repo'), {
      files: { 'README.md': 'Version : <repo-version>1.2.3</repo-version>\n' },
    });
    git(repo, 'remote', 'add', 'origin', 'https://github.com/acme/web.git');
    const env = cleanEnv({ XDG_STATE_HOME: tempDir(t) });
    // vm compiles the chunks with V8's cached data (scripts/chunk-loader.cjs).
    const onlyNodeModules = ['NativeModule vm'];
    assertLight(
      loadedBy(t, ['--help'], repo),
      { maxBytes: 40_000, maxFiles: 2, onlyNodeModules },
      'duat --help',
    );
    assertLight(
      loadedBy(t, ['semver', 'extract'], repo),
      { maxBytes: 150_000, maxFiles: 3, onlyNodeModules },
      'duat semver extract',
    );
    assertLight(
      loadedBy(t, ['image', 'name', '--help'], repo),
      { maxBytes: 150_000, maxFiles: 3, onlyNodeModules },
      'duat image name --help',
    );
    // image name runs the naming code, a module of its own beside the command's.
    assertLight(
      loadedBy(t, ['image', 'name', '--registry', 'registry.example.com'], repo),
      { maxBytes: 200_000, maxFiles: 4, onlyNodeModules },
      'duat image name',
    );
    assertLight(
      loadedBy(t, ['git-watch', 'status'], repo, env),
      { maxBytes: 250_000, maxFiles: 3, onlyNodeModules },
      'duat git-watch status',
    );
  });

  it('stencil of a small template loads neither yaml nor TOML support', (t) => {
    loadedByEveryProcess(t);
    const repo = initRepo(join(tempDir(t), 'repo'), { files: { 'a.tpl': '{{ "x" | upper }}\n' } });
    const loaded = loadedBy(t, ['stencil', '-input', 'a.tpl'], repo);
    assertLight(loaded, { maxBytes: 800_000, maxFiles: 3 }, 'duat stencil');
    assert.ok(!loaded.files.some((f) => /vendor-(yaml|smol-toml)\.js$/.test(f)), loaded.files.join('\n'));
  });

  it('stencil loads yaml and TOML support when a values file needs them', (t) => {
    const repo = initRepo(join(tempDir(t), 'repo'), {
      files: { 'a.tpl': '{{ toYaml .a }}{{ .b }}\n', 'v.yaml': 'a: {x: [1, 2]}\n', 't.toml': 'b = 3\n' },
    });
    const args = ['stencil', '-input', 'a.tpl', '--values-file', 'v.yaml', '--values-file', 't.toml'];
    const r = runDuat(args, { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'x:\n- 1\n- 2\n3\n');
    const loaded = loadedBy(t, args, repo);
    for (const name of ['yaml', 'smol-toml'])
      assert.ok(
        loaded.files.some((f) => f.endsWith(`/vendor-${name}.js`)),
        loaded.files.join('\n'),
      );
  });

  it('writes output larger than a pipe holds, whole and in order', (t) => {
    const repo = initRepo(join(tempDir(t), 'repo'), {
      files: { 'a.tpl': '{{ range until 40000 }}{{ . }}\n{{ end }}' },
    });
    const r = runDuat(['stencil', '-input', 'a.tpl'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, Array.from({ length: 40000 }, (_, i) => `${i}\n`).join(''));
  });

  it('reads a template from stdin', (t) => {
    const r = runDuat(['stencil'], { cwd: tempDir(t), input: `{{ "${'y'.repeat(200_000)}" | len }}` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '200000');
  });

  it("keeps V8's compiled code per user, rejects stale data and works without a cache", (t) => {
    const repo = initRepo(join(tempDir(t), 'repo'), { files: { 'a.tpl': '{{ "x" | upper }}\n' } });
    const cache = join(tempDir(t), 'cache');
    const run = (extra: NodeJS.ProcessEnv = {}) => {
      const r = runDuat(['stencil', '-input', 'a.tpl'], {
        cwd: repo,
        env: cleanEnv({ XDG_CACHE_HOME: cache, ...extra }),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'X\n');
    };
    const cached = () => {
      const byDir = readdirSync(join(cache, 'duat', 'node-compile-cache'), {
        recursive: true,
        withFileTypes: true,
      });
      return byDir.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    };
    run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.throws(() => cached(), /ENOENT/);
    run();
    const files = cached();
    assert.ok(files.length > 0, 'no compiled code was kept');
    const stamps = files.map((f) => statSync(f).mtimeMs);
    run();
    assert.deepEqual(
      files.map((f) => statSync(f).mtimeMs),
      stamps,
      'a second run compiled again',
    );
    // Data V8 does not accept (here: garbage) is replaced; the command runs as before.
    for (const f of files) writeFileSync(f, 'not V8 data');
    run();
    assert.ok(
      files.every((f) => readFileSync(f, 'utf8') !== 'not V8 data'),
      'stale data was kept',
    );
    // A cache that cannot be written (its directory is a file) is no error.
    const notADirectory = join(cache, 'file');
    writeFileSync(notADirectory, '');
    run({ XDG_CACHE_HOME: notADirectory });
  });
});
