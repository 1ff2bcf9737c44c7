/**
 * Running the git command, for what the files alone do not tell (reftable refs, tag objects inside
 * packs) and for operations. Output is returned trimmed; failures become DuatErrors with git's own
 * message (secrets redacted by the logger when printed).
 */
import { createRequire } from 'node:module';
import { DuatError, errorCode } from '../core/errors.js';

// child_process costs milliseconds to load; most commands never run git, so load it on first use.
const require = createRequire(import.meta.url);
let childProcess: typeof import('node:child_process') | undefined;
function execFileSync(...args: Parameters<typeof import('node:child_process').execFileSync>) {
  childProcess ??= require('node:child_process') as typeof import('node:child_process');
  return childProcess.execFileSync(...args) as string;
}

export interface GitCommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Input written to git's stdin. */
  input?: string;
}

export function runGit(args: readonly string[], options: GitCommandOptions): string {
  try {
    return execFileSync('git', args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      input: options.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    }).trim();
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      throw new DuatError('git is not installed (or not on PATH)', { hint: 'install git' });
    }
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    const lastLine = stderr.split('\n').filter(Boolean).pop() ?? String(err);
    throw new DuatError(`git ${args[0]} failed: ${lastLine}`, { cause: err });
  }
}
