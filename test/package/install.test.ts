// What users run is the packed package, not this checkout: `npm pack` of it must hold a duat that
// works from the tarball alone (the bundle needs no node_modules for these commands), and
// `npm i -g` of the tarball must give a `duat` command that runs, V8's code cache included. npm runs
// offline (its cache holds the dependencies after `npm ci`): no network.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/cli.js';
import { initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const root = new URL('../../../', import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** The tarball `npm pack` makes of this checkout (already built: prepare is not run again). */
function pack(t: import('node:test').TestContext): string {
  const dir = tempDir(t, 'duat-pack-');
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
    cwd: root,
    env: cleanEnv({ npm_config_update_notifier: 'false' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const [tarball] = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `npm pack wrote no tarball into ${dir}`);
  return join(dir, tarball);
}

/** Runs `bin` with this Node: stdout, and the exit code checked. */
function run(bin: string, args: string[], options: { cwd: string; home: string; input?: string }): string {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: cleanEnv({ HOME: options.home, XDG_CACHE_HOME: join(options.home, '.cache') }),
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `duat ${args.join(' ')}: ${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

/** The one-shot commands of the start-up bench, each with its output checked. */
function checkCommands(bin: string, t: import('node:test').TestContext): void {
  const home = tempDir(t);
  const repo = initRepo(join(tempDir(t), 'repo'), {
    files: { 'README.md': 'Version : <repo-version>1.2.3</repo-version>\n', 'v.yaml': 'a: {x: [1, 2]}\n' },
  });
  const options = { cwd: repo, home };
  assert.equal(run(bin, ['--version'], options), `${version}\n`);
  assert.match(run(bin, ['--help'], options), /^duat — /);
  for (let i = 0; i < 2; i++) assert.equal(run(bin, ['semver', 'extract'], options), '1.2.3\n');
  const stencil = ['stencil', '--values-file', 'v.yaml', '--ignore-aws-errors'];
  assert.equal(
    run(bin, stencil, { ...options, input: '{{ toYaml .a }}|{{ "x" | upper }}' }),
    'x:\n- 1\n- 2\n|X',
  );
  const cache = readdirSync(join(home, '.cache', 'duat', 'node-compile-cache'), { recursive: true });
  assert.ok(
    cache.some((f) => String(f).endsWith('.v8')),
    `no compiled code was kept: ${cache.join(', ')}`,
  );
}

describe('the packed package', () => {
  it('runs from the tarball alone, with no node_modules', (t) => {
    const tarball = pack(t);
    const dir = tempDir(t);
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    assert.throws(() => readdirSync(join(dir, 'package', 'node_modules')), /ENOENT/);
    checkCommands(join(dir, 'package', 'dist', 'bin', 'duat.js'), t);
  });

  it('npm i -g of the tarball gives a duat command that runs', (t) => {
    const tarball = pack(t);
    const prefix = tempDir(t);
    const r = spawnSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        tarball,
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
      ],
      {
        env: cleanEnv({ npm_config_update_notifier: 'false' }),
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    assert.equal(r.status, 0, `npm install -g failed: ${r.stderr}`);
    // The command npm links, followed as a shell would (the bundle finds its chunks by its real path).
    checkCommands(join(prefix, 'bin', 'duat'), t);
  });
});
