/** Runs the built `duat` CLI as a user would, capturing its output and exit code. */
import { spawnSync } from 'node:child_process';
import { cliPath } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Run as this prefix command (e.g. setpriv to drop privileges). */
  wrapper?: string[];
}

/** A clean environment: no CI branch variables or DUAT_* settings from the machine running the tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'USER'])
    if (process.env[key]) env[key] = process.env[key];
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  return { ...env, ...extra };
}

export function runDuat(args: string[], options: CliOptions = {}): CliResult {
  const command = [...(options.wrapper ?? []), process.execPath, cliPath, ...args];
  const result = spawnSync(command[0] as string, command.slice(1), {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    input: options.input,
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
