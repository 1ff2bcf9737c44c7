/**
 * Running git asynchronously for the watcher: many repositories are polled at once, so the synchronous
 * runGit of src/git would stall everything. Each call has a time limit and can be aborted; a failure is
 * a DuatError with git's last line of complaint, secrets redacted.
 */
import { spawn } from 'node:child_process';
import { DuatError } from '../core/errors.js';
import { redact } from '../core/redact.js';

export interface GitExecOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill git after this long (ms). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Stop git when it prints more than this (bytes; default 64 MiB): a hostile remote cannot fill memory. */
  maxOutputBytes?: number;
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** git's complaint: from its last `fatal:`/`error:` line to the end, on one line. */
function complaintOf(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let from = lines.length - 1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^(fatal|error):/i.test(lines[i] as string)) {
      from = i;
      break;
    }
  }
  const text = lines
    .slice(Math.max(from, 0))
    .join(' ')
    .replace(/^(fatal|error):\s*/i, '');
  if (text === '') return signal ? `killed by ${signal}` : `exit ${code}`;
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** The git subcommand of an argument list (`fetch` in `-c a=b --git-dir M fetch ...`), for messages. */
function commandName(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-c' || arg === '-C' || arg === '--git-dir' || arg === '--work-tree') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return args[0] ?? 'git';
}

/**
 * Runs git and resolves with its stdout; rejects with a one-line DuatError. git runs in its own process
 * group, and a timeout or an abort kills the whole group (git's helpers, index-pack, remote-https, too)
 * and settles only once git has exited: when this rejects, nothing of that git is still writing.
 */
export function gitExec(args: readonly string[], options: GitExecOptions): Promise<string> {
  const name = commandName(args);
  return new Promise((resolvePromise, reject) => {
    if (options.signal?.aborted) {
      reject(new DuatError(`git ${name} was stopped`));
      return;
    }
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errBytes = 0;
    let outBytes = 0;
    const maxOut = options.maxOutputBytes ?? MAX_OUTPUT_BYTES;
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOut) killGroup('too much');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the end of stderr matters for the message; keep it bounded.
      if (errBytes < 64 * 1024) {
        err.push(chunk);
        errBytes += chunk.length;
      }
    });
    let stopped: 'timeout' | 'abort' | 'too much' | undefined;
    const killGroup = (why: 'timeout' | 'abort' | 'too much') => {
      stopped ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => killGroup('timeout'), options.timeoutMs);
    const onAbort = () => killGroup('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      settled();
      if (error.code === 'ENOENT')
        reject(new DuatError('git is not installed (or not on PATH)', { hint: 'install git' }));
      else reject(new DuatError(`git ${name} failed: ${redact(error.message)}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      settled();
      if (code === 0 && stopped === undefined) {
        resolvePromise(Buffer.concat(out).toString('utf8'));
        return;
      }
      if (stopped === 'abort') {
        reject(new DuatError(`git ${name} was stopped`));
        return;
      }
      if (stopped === 'too much') {
        reject(new DuatError(`git ${name} printed more than ${maxOut} bytes and was stopped`));
        return;
      }
      if (stopped === 'timeout') {
        reject(
          new DuatError(
            `git ${name} took longer than ${Math.round(options.timeoutMs / 1000)}s and was stopped`,
          ),
        );
        return;
      }
      reject(
        new DuatError(
          `git ${name} failed: ${redact(complaintOf(Buffer.concat(err).toString('utf8'), code, signal))}`,
        ),
      );
    });
  });
}
