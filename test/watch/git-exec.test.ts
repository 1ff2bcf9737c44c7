/**
 * gitExec, which every git command of the watcher goes through: when it settles, nothing of that git
 * is still running (a stop or a timeout kills git's whole process group and waits for it), and a git
 * that prints without end is stopped at a bound.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitExec } from '../../src/watch/git-exec.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor, watchEnv } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead too.
  return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

describe('gitExec', { timeout: 60_000 }, () => {
  it('settles on a stop only once git and what it started have ended', async (t) => {
    const dir = tempDir(t);
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const slow = gitExec(['-c', `alias.slow=!sh -c 'echo $$ > ${pidFile}; exec sleep 60'`, 'slow'], {
      env: watchEnv(),
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const pid = Number(
      await waitFor('the grandchild', () => readFileSync(pidFile, { flag: 'a+' }).toString().trim()),
    );
    controller.abort();
    const error = await slow.then(
      () => undefined,
      (err: Error) => err,
    );
    assert.equal(alive(pid), false, 'the sleep git started was killed with it');
    assert.match(String(error?.message), /^git slow was stopped$/);
  });

  it('stops a git that prints more than its bound', async () => {
    await assert.rejects(
      gitExec(['help', '-a'], { env: watchEnv(), timeoutMs: 30_000, maxOutputBytes: 100 }),
      /git help printed more than 100 bytes and was stopped/,
    );
    assert.match(await gitExec(['--version'], { env: watchEnv(), timeoutMs: 30_000 }), /^git version/);
  });
});
