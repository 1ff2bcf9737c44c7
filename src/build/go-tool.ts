/**
 * The go command: running it, and what `go env` says about the platform and module of a directory.
 */
import { DuatError } from '../core/errors.js';
import { lastLine, type ProcessResult, runProcess } from './process.js';

const GO_INSTALL_HINT = 'install Go from https://go.dev/dl/ and put its bin directory on PATH';

/** Runs `go args` in `cwd`; resolves with the result whatever the exit code. */
export function runGoCommand(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  stream: { onStdout?: (text: string) => void; onStderr?: (text: string) => void } = {},
): Promise<ProcessResult> {
  return runProcess('go', args, { cwd, env, installHint: GO_INSTALL_HINT, ...stream });
}

/** Runs `go args` and returns its stdout; a failure is an error carrying go's last line. */
export async function goOutput(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const result = await runGoCommand(args, cwd, env);
  if (result.code !== 0) {
    throw new DuatError(
      `go ${args[0]} failed in ${cwd}: ${lastLine(result.stderr) || `exit ${result.code}`}`,
    );
  }
  return result.stdout;
}

export interface GoEnvironment {
  readonly GOOS: string;
  readonly GOARCH: string;
  /** The go.mod of the module holding the directory; '' or /dev/null outside a module. */
  readonly GOMOD: string;
}

/** `go env` for a directory, honouring GOOS/GOARCH from `env` and the user's go env settings. */
export async function goEnv(cwd: string, env: NodeJS.ProcessEnv): Promise<GoEnvironment> {
  const text = await goOutput(['env', '-json', 'GOOS', 'GOARCH', 'GOMOD'], cwd, env);
  const values = JSON.parse(text) as Record<string, string | undefined>;
  return {
    GOOS: values.GOOS ?? '',
    GOARCH: values.GOARCH ?? '',
    GOMOD: values.GOMOD ?? '',
  };
}

/** True when `go env GOMOD` names a real go.mod (not /dev/null or NUL outside a module). */
export function insideModule(goEnvironment: GoEnvironment): boolean {
  const gomod = goEnvironment.GOMOD;
  return gomod !== '' && gomod !== '/dev/null' && gomod !== 'NUL';
}
