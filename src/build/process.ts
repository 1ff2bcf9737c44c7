/**
 * Running the tools a build needs (go, npm) asynchronously, so several builds can run at once. Output is
 * captured (and optionally streamed as it comes); a missing program is one clear error.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { DuatError, errorCode } from '../core/errors.js';

// child_process costs milliseconds to load; load it on first use, as src/git/command.ts does.
const require = createRequire(import.meta.url);
let childProcess: typeof import('node:child_process') | undefined;
function spawnChild(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  childProcess ??= require('node:child_process') as typeof import('node:child_process');
  return childProcess.spawn(command, args, options);
}

export interface ProcessResult {
  /** Exit code; -1 when killed by a signal. */
  readonly code: number;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Called with each chunk of stdout as it arrives (it is captured as well). */
  readonly onStdout?: (text: string) => void;
  /** Called with each chunk of stderr as it arrives (it is captured as well). */
  readonly onStderr?: (text: string) => void;
  /** What to install when the program is missing, for the error's hint. */
  readonly installHint?: string;
}

/** Runs `command args` in `cwd` and resolves when it exits, whatever its exit code. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      options.onStdout?.(chunk.toString('utf8'));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.onStderr?.(chunk.toString('utf8'));
    });
    child.on('error', (error) => {
      if (errorCode(error) === 'ENOENT') {
        reject(
          new DuatError(`${command} is not installed (or not on PATH)`, {
            hint: options.installHint ?? `install ${command}`,
            cause: error,
          }),
        );
      } else reject(new DuatError(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? -1,
        signal: signal ?? undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The last non-empty line of a tool's error output, for one-line error messages. */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command as one could paste it into a shell: `(cd DIR && GOOS=linux go build ...)`, for -v. */
export function describeCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  envOverrides: Readonly<Record<string, string>> = {},
): string {
  const assignments = Object.entries(envOverrides).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const line = [...assignments, command, ...args.map(shellQuote)].join(' ');
  return `(cd ${shellQuote(cwd)} && ${line})`;
}
