/**
 * Secrets git-watch knows (a token, credentials in a URL, the UI token...) never reach a job's log
 * file, `git-watch logs` (a process that does not know them) or git-watch's own argument list as `ps`
 * shows it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Watcher } from '../../src/watch/watcher.js';
import { cleanEnv } from '../helpers/cli.js';
import { initRepo } from '../helpers/git.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { allRuns, captureLog, runCli, waitFor, watchEnv } from './helpers.js';

const TOKEN = 'ghp_0a1b2c3d4e5f6a7b8c9d';

describe('git-watch secrets', { timeout: 120_000 }, () => {
  it('a job that prints a known secret: its log file and git-watch logs show a mask', async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'repo'));
    const state = join(base, 'state');
    // Whole, split across two writes with a pause between, and at the very end without a newline.
    const command =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions
      'echo "token: $SECRET"; printf "split: %s" "${SECRET%????????}"; sleep 0.3; ' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions
      'echo "${SECRET#????????????????}."; echo "to stderr $SECRET" >&2; printf "%s" "$SECRET"';
    const watcher = await Watcher.start({
      repositories: [repo],
      stateDir: state,
      once: true,
      token: TOKEN,
      job: { kind: 'command', command },
      env: watchEnv({ SECRET: TOKEN }),
      log: captureLog().log,
    });
    const summary = await watcher.done;
    assert.equal(summary.ok, true);
    const [run] = allRuns(state);
    const onDisk = readFileSync(join(state, 'runs', run?.id as string, 'log'), 'utf8');
    assert.doesNotMatch(onDisk, new RegExp(TOKEN.slice(0, 8)));
    assert.match(onDisk, /^token: \*\*\*$/m);
    assert.match(onDisk, /^split: \*\*\*\.$/m);
    assert.match(onDisk, /^to stderr \*\*\*$/m);
    assert.match(onDisk, /\*\*\*$/);
    const logs = runCli(['git-watch', 'logs', run?.id as string, '--persistent-state-dir', state]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.doesNotMatch(logs.stdout, new RegExp(TOKEN.slice(0, 8)));
    assert.match(logs.stdout, /^token: \*\*\*$/m);
  });

  it('the log mask does not hold up a run whose job leaves a process behind, and keeps its output', async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'repo'));
    const state = join(base, 'state');
    const began = Date.now();
    const watcher = await Watcher.start({
      repositories: [repo],
      stateDir: state,
      once: true,
      job: { kind: 'command', command: '(sleep 1; echo "later $SECRET") & echo "now $SECRET"; exit 7' },
      token: TOKEN,
      env: watchEnv({ SECRET: TOKEN }),
      log: captureLog().log,
    });
    await watcher.done;
    assert.ok(Date.now() - began < 30_000, 'the run ended while the background process ran');
    const [run] = allRuns(state);
    assert.equal(run?.exitCode, 7);
    const path = join(state, 'runs', run?.id as string, 'log');
    await waitFor('the background output', () => readFileSync(path, 'utf8').includes('later ***'));
    assert.match(readFileSync(path, 'utf8'), /^now \*\*\*$/m);
    assert.doesNotMatch(readFileSync(path, 'utf8'), new RegExp(TOKEN));
  });

  it('credentials in a URL or --github-token are hidden from ps once read', async (t) => {
    const base = tempDir(t);
    const repo = initRepo(join(base, 'repo'));
    const password = 'pw-7c6b5a4f3e2d1c0b';
    const child = spawn(
      process.execPath,
      [
        cliPath,
        'git-watch',
        '--github-token',
        TOKEN,
        '--ui-token=ui-token-0123456789abcdef',
        '--listen',
        '127.0.0.1:0',
        '--interval',
        '1h',
        '--run',
        'true',
        '--persistent-state-dir',
        join(base, 'state'),
        repo,
        `https://bot:${password}@git.example.invalid/o/r.git`,
      ],
      { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    t.after(() => child.kill('SIGKILL'));
    await waitFor('git-watch to be serving', () => /serving the status pages/.test(stderr), 30_000);
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    for (const secret of [TOKEN, password, 'ui-token-0123456789abcdef'])
      assert.equal(cmdline.includes(secret), false, `${secret} in ${JSON.stringify(cmdline)}`);
    assert.match(cmdline, /git-watch/);
    assert.match(cmdline, /https:\/\/\*\*\*@git\.example\.invalid\/o\/r\.git/);
    assert.equal(stderr.includes(TOKEN) || stderr.includes(password), false);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
});
