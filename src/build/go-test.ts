/**
 * `duat build test`: `go test` with the same stamps as a build (the original's GoTest), so tests see
 * the version, commit and build time the binaries will carry. Output streams through as go writes it.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuatError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { displayDir } from './find-commands.js';
import { createStampChooser } from './go-build.js';
import type { GoModuleRef } from './go-list.js';
import { goEnv, insideModule, runGoCommand } from './go-tool.js';
import { describeCommand } from './process.js';
import { ldflagsFor, parseStampSpec, resolveStampValues, type StampSpec, type StampValues } from './stamp.js';

export interface GoTestOptions {
  /** Folders to test in (default `.`), each inside a Go module. */
  readonly dirs?: readonly string[];
  /** Test every package below each folder (`./...`) rather than the folder's own. */
  readonly recursive?: boolean;
  /** Packages and flags for `go test` (replacing `.` or `./...`), e.g. ['-run', 'TestX', './...']. */
  readonly args?: readonly string[];
  readonly tags?: readonly string[];
  readonly stamp?: readonly (string | StampSpec)[];
  readonly values?: StampValues;
  readonly version?: string;
  readonly versionFile?: string | readonly string[];
  /** `-trimpath` (default true, as for builds). */
  readonly trimpath?: boolean;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** Where go test's stdout goes (default process.stdout). */
  readonly stdout?: (text: string) => void;
  /** Where go test's stderr goes (default process.stderr). */
  readonly stderr?: (text: string) => void;
}

/** The module a go.mod declares: `module example.com/m` (quoted or not). */
export function moduleOfGoMod(goModPath: string): GoModuleRef | undefined {
  let text: string;
  try {
    text = readFileSync(goModPath, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^\s*module\s+("([^"]+)"|`([^`]+)`|(\S+))/m.exec(text);
  const path = match?.[2] ?? match?.[3] ?? match?.[4];
  return path ? { path, dir: dirname(goModPath) } : undefined;
}

/** Runs go test in each folder; rejects naming the folders whose tests failed. */
export async function goTest(options: GoTestOptions = {}): Promise<void> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const log = options.log ?? silentLogger;
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const explicit = (options.stamp ?? []).map((s) => (typeof s === 'string' ? parseStampSpec(s) : s));
  const values =
    options.values ??
    resolveStampValues({ cwd, env, log, version: options.version, versionFile: options.versionFile });
  const chooseStamps = createStampChooser(explicit, log);
  const failed: string[] = [];
  for (const given of options.dirs && options.dirs.length > 0 ? options.dirs : ['.']) {
    const dir = resolve(cwd, given);
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new DuatError('no such folder', { file: given });
    }
    const environment = await goEnv(dir, env);
    if (!insideModule(environment)) {
      throw new DuatError('is not inside a Go module (no go.mod here or above)', { file: given });
    }
    const module = moduleOfGoMod(environment.GOMOD);
    const { ldflags } = ldflagsFor(chooseStamps(module), values);
    const args = ['test'];
    if (options.tags && options.tags.length > 0) args.push(`-tags=${options.tags.join(',')}`);
    if (options.trimpath ?? true) args.push('-trimpath');
    if (ldflags !== '') args.push('-ldflags', ldflags);
    args.push(
      ...(options.args && options.args.length > 0 ? options.args : [options.recursive ? './...' : '.']),
    );
    log.debug(describeCommand('go', args, dir));
    const started = performance.now();
    const result = await runGoCommand(args, dir, env, { onStdout: stdout, onStderr: stderr });
    const took = `${((performance.now() - started) / 1000).toFixed(1)}s`;
    if (result.code === 0) log.info(`tests passed in ${displayDir(dir, cwd)} in ${took}`);
    else {
      log.error(`tests failed in ${displayDir(dir, cwd)} after ${took}`);
      failed.push(displayDir(dir, cwd));
    }
  }
  if (failed.length > 0) throw new DuatError(`go test failed in ${failed.join(', ')}`);
}
