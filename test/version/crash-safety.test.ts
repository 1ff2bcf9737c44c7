import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDuat } from '../helpers/cli.js';
import { libraryPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

const PREFIX = '# Project\r\n\r\nVersion : <repo-version>';
const SUFFIX = '</repo-version>\r\nlast line without newline';

function writerScript(file: string, bumps: number): string {
  return `
    import { bumpVersion } from ${JSON.stringify(libraryPath)};
    const n = ${bumps};
    for (let i = 0; n < 0 || i < n; i++) bumpVersion('patch', { file: ${JSON.stringify(file)} });
  `;
}

function startWriter(file: string, bumps: number) {
  return spawn(process.execPath, ['--input-type=module', '-e', writerScript(file, bumps)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function patchOf(file: string): number {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith(PREFIX) && text.endsWith(SUFFIX), `file damaged: ${JSON.stringify(text)}`);
  const version = text.slice(PREFIX.length, text.length - SUFFIX.length);
  const m = /^0\.0\.(\d+)$/.exec(version);
  assert.ok(m, `not a version: ${version}`);
  return Number(m[1]);
}

describe('crash safety and concurrency', () => {
  it('a writer killed with SIGKILL at random moments never leaves a damaged file', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'README.md');
    writeFileSync(file, `${PREFIX}0.0.0${SUFFIX}`);
    let last = 0;
    let progressed = 0;
    for (let round = 0; round < 40; round++) {
      const before = readFileSync(file, 'utf8');
      const child = startWriter(file, -1);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Wait until this writer is bumping (start-up time varies with load), then kill it at a random moment.
      const startedAt = Date.now();
      while (readFileSync(file, 'utf8') === before && Date.now() - startedAt < 10_000) await sleep(2);
      await sleep(Math.random() * 25);
      child.kill('SIGKILL');
      await exited;
      const now = patchOf(file);
      assert.ok(now >= last, `version went back from ${last} to ${now}`);
      if (now > last) progressed++;
      last = now;
    }
    assert.ok(progressed > 30, `the writers made progress in only ${progressed} rounds`);
    // A stale lock left by a killed writer is broken, and its temporary files are cleaned.
    const r = runDuat(['semver', 'patch', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(patchOf(file), last + 1);
    assert.deepEqual(readdirSync(dir), ['README.md']);
  });

  it('concurrent bumps never lose an update', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'README.md');
    writeFileSync(file, `${PREFIX}0.0.0${SUFFIX}`);
    const writers = Array.from({ length: 6 }, () => startWriter(file, 15));
    const codes = await Promise.all(
      writers.map(
        (w) =>
          new Promise<number | null>((resolve) => {
            let err = '';
            w.stderr?.on('data', (d: Buffer) => {
              err += d.toString();
            });
            w.on('exit', (code) => {
              if (code !== 0) console.error(err);
              resolve(code);
            });
          }),
      ),
    );
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0]);
    assert.equal(patchOf(file), 90);
    assert.deepEqual(readdirSync(dir), ['README.md']);
  });

  it('concurrent CLI runs never lose an update', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'README.md');
    writeFileSync(file, `${PREFIX}0.0.0${SUFFIX}`);
    const { cliPath } = await import('../helpers/paths.js');
    const runs = Array.from(
      { length: 8 },
      () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, [cliPath, 'semver', 'patch', '-f', file], {
            stdio: 'ignore',
          });
          child.on('exit', resolve);
        }),
    );
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(patchOf(file), 8);
  });
});
