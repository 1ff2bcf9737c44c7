/** Shared pieces of the git-watch tests: a capturing logger, waiting, and reading the state directory. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { RunRecord } from '../../src/watch/runs.js';
import { readStatus } from '../../src/watch/status.js';
import { type CliResult, cleanEnv } from '../helpers/cli.js';
import { gitEnv } from '../helpers/git.js';
import { createServedRepo, type GitDaemon, startGitDaemon } from '../helpers/git-server.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

export interface CapturedLog {
  readonly log: Logger;
  readonly lines: string[];
  count(pattern: RegExp): number;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const log = createLogger({ verbose: true, write: (line) => lines.push(line.replace(/\n$/, '')) });
  return { log, lines, count: (pattern) => lines.filter((l) => pattern.test(l)).length };
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | null,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export function allRuns(stateDir: string): RunRecord[] {
  return [...readStatus(stateDir, { recentRuns: 100_000 }).runs];
}

export function runFor(stateDir: string, commit: string): RunRecord | undefined {
  return allRuns(stateDir).find((r) => r.commit === commit);
}

export function finishedRunFor(stateDir: string, commit: string): RunRecord | undefined {
  const run = runFor(stateDir, commit);
  return run && (run.state === 'succeeded' || run.state === 'failed') ? run : undefined;
}

/** Lines of a file that jobs append to ('' lines dropped; a missing file is empty). */
export function linesOf(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The environment for a watcher in tests: no CI variables or user git config of the machine. */
export function watchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...gitEnv, ...extra };
}

/**
 * A directory with a `git` that logs its arguments to ARGV_LOG and runs the real git: put it first on
 * PATH to see every git command line the watcher uses.
 */
export function gitSpy(dir: string, argvLog: string): NodeJS.ProcessEnv {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const script = join(dir, 'git');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> "$ARGV_LOG"\nexec ${realGit} "$@"\n`, {
    mode: 0o755,
  });
  return { PATH: `${dir}:${process.env.PATH ?? ''}`, ARGV_LOG: argvLog };
}

/** Every file under `dir` (skipping git object stores), for looking for leaked secrets. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        if (name !== 'objects') walk(path);
      } else out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** Runs the CLI like runDuat, but never for longer than `timeoutMs` (then it is killed and the test fails). */
export function runCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  if (result.error) throw new Error(`duat ${args.join(' ')}: ${result.error.message}\n${result.stderr}`);
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface DaemonRepo {
  readonly base: string;
  readonly daemon: GitDaemon;
  /** A clone to commit and push from (pushCommit). */
  readonly work: string;
  /** git://127.0.0.1:PORT/app.git */
  readonly url: string;
  /** Where the watcher keeps its state, and a file for jobs to write to. */
  readonly state: string;
  readonly out: string;
}

/** A repository served by `git daemon` on 127.0.0.1 for one test (stopped after it). */
export async function daemonRepo(t: TestContext): Promise<DaemonRepo> {
  const base = tempDir(t);
  const served = join(base, 'srv');
  const daemon = await startGitDaemon(served);
  t.after(() => daemon.stop());
  const work = createServedRepo(served, 'app.git', join(base, 'work'));
  return {
    base,
    daemon,
    work,
    url: daemon.url('app.git'),
    state: join(base, 'state'),
    out: join(base, 'out'),
  };
}
