/**
 * The release pipeline end to end, as the README's "Performing a release" runs it:
 * `duat build -r cmd | duat github-release -`, real Go builds published to the local GitHub server
 * (whose requests and answers are checked against GitHub's OpenAPI description).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildEnv, demoRepository, EPOCH, hostSuffix } from '../build/fixtures.js';
import { git } from '../helpers/git.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { assertNoViolations, fakeGitHub, sha256, TOKEN } from '../release/fixtures.js';

function pipeline(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const build = spawn(process.execPath, [cliPath, 'build', '-r', 'cmd'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const release = spawn(process.execPath, [cliPath, 'github-release', '-'], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    build.stdout.pipe(release.stdin);
    let stdout = '';
    let stderr = '';
    build.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    release.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    release.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let buildCode = -1;
    build.on('exit', (code) => {
      buildCode = code ?? -1;
    });
    release.on('exit', (code) =>
      resolve({ code: buildCode !== 0 ? buildCode : (code ?? -1), stdout, stderr }),
    );
  });
}

describe('duat build -r cmd | duat github-release -', () => {
  it('publishes every stamped binary and their checksums to the release of the version', async (t) => {
    const gh = await fakeGitHub(t, { repos: ['acme/demo'] });
    const dir = demoRepository(join(tempDir(t, 'duat-pipeline-'), 'demo'));
    git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/demo.git');
    const env = buildEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.apiUrl, SOURCE_DATE_EPOCH: EPOCH });
    const r = await pipeline(dir, env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${gh.apiUrl.replace(/\/api$/, '')}/acme/demo/releases/tag/1.2.3\n`);
    const release = gh.releases[0];
    assert.ok(release, 'a release was created');
    assert.equal(release.tag_name, '1.2.3');
    const host = hostSuffix();
    const names = [`a-1.2.3-${host}`, `b-1.2.3-${host}`];
    const assets = gh.assetsOf(release.id);
    assert.deepEqual([...assets.keys()].sort(), [...names, 'SHA256SUMS'].sort());
    for (const name of names) {
      assert.equal(
        assets.get(name)?.sha256,
        sha256(readFileSync(join(dir, 'bin', name))),
        `${name} uploaded intact`,
      );
    }
    assert.ok(!r.stderr.includes(TOKEN), 'the token never shows');
    assertNoViolations(gh);
  });

  it('publishes nothing when a build fails', async (t) => {
    const gh = await fakeGitHub(t, { repos: ['acme/demo'] });
    const dir = demoRepository(join(tempDir(t, 'duat-pipeline-'), 'demo'), {
      'cmd/broken/main.go': 'package main\n\nfunc main() { undefined() }\n',
    });
    git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/demo.git');
    const r = await pipeline(dir, buildEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.apiUrl }));
    assert.notEqual(r.code, 0);
    assert.equal(gh.releases.length, 0);
    assert.match(r.stderr, /builds failed/);
    assert.match(r.stderr, /the list of files read from stdin is empty/);
  });
});
