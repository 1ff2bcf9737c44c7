/**
 * Building a list of commands: every Go command for every platform, every npm package once, up to
 * `jobs` at a time. Each build logs a line when it starts and when it ends (with its duration); the
 * compiler's output is written as one block when its build ends, so parallel builds do not interleave.
 * A failed build does not stop the others: when all have ended, a BuildError names every failure.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { DuatError, errorMessage, UsageError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { type Artifact, fileDigest, formatSize } from './artifact.js';
import { type BuildCommand, displayDir, type GoCommand, type NpmCommand } from './find-commands.js';
import { createStampChooser, goBuildInvocation, stampRootOf } from './go-build.js';
import { goEnv, goOutput, runGoCommand } from './go-tool.js';
import { npmTarballName, packNpm } from './npm-package.js';
import { prepareOutputDir } from './output-dir.js';
import { artifactName, type Platform, platformLabel, resolvePlatforms } from './platform.js';
import { runLimited } from './pool.js';
import { describeCommand, lastLine } from './process.js';
import { parseStampSpec, resolveStampValues, type StampSpec, type StampValues } from './stamp.js';

export interface BuildOptions {
  /** Folder that relative paths start from (default: the working directory). */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines (default: silent). */
  readonly log?: Logger;
  /** Where compiler and npm output goes, one block per build (default: process.stderr). */
  readonly output?: (text: string) => void;
  /** The output folder (default `bin`). */
  readonly outDir?: string;
  /** Platforms to build Go commands for (default: GOOS/GOARCH from the environment or go env). */
  readonly platforms?: readonly (string | Platform)[];
  /** Go build tags. */
  readonly tags?: readonly string[];
  /** `PKG.VAR=FIELD` stamps instead of the module's version package. */
  readonly stamp?: readonly (string | StampSpec)[];
  /** The values to stamp (default: resolveStampValues with version/versionFile). */
  readonly values?: StampValues;
  /** The version, instead of reading the version file. */
  readonly version?: string;
  /** The version file, or candidates (default README.md, README.adoc). */
  readonly versionFile?: string | readonly string[];
  /** `go build -trimpath` (default true). */
  readonly trimpath?: boolean;
  /** Builds at once (default: the number of cores). */
  readonly jobs?: number;
  /** More `go build` flags. */
  readonly goFlags?: readonly string[];
}

export interface BuildFailure {
  readonly command: string;
  readonly dir: string;
  readonly platform: string;
  /** One line: why it failed. */
  readonly message: string;
  /** The compiler's (or npm's) output. */
  readonly output: string;
}

/** Some builds failed; the others' artifacts are in `artifacts`. */
export class BuildError extends DuatError {
  readonly failures: readonly BuildFailure[];
  readonly artifacts: readonly Artifact[];

  constructor(failures: readonly BuildFailure[], artifacts: readonly Artifact[], cwd: string) {
    const total = failures.length + artifacts.length;
    const names = failures.map((f) => `${f.command} for ${f.platform} (${displayDir(f.dir, cwd)})`);
    super(`${failures.length} of ${total} build${total === 1 ? '' : 's'} failed: ${names.join(', ')}`, {
      hint: 'the output of each failed build is above',
    });
    this.name = 'BuildError';
    this.failures = failures;
    this.artifacts = artifacts;
  }
}

type Task =
  | { readonly kind: 'go'; readonly command: GoCommand; readonly platform: Platform; readonly file: string }
  | { readonly kind: 'npm'; readonly command: NpmCommand; readonly file: string };

type TaskOutcome =
  | { artifact: Artifact; failure?: undefined }
  | { artifact?: undefined; failure: BuildFailure };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Checks the platforms against `go tool dist list`, so a typo is one usage error, not N failures. */
async function checkPlatforms(platforms: readonly Platform[], cwd: string, env: NodeJS.ProcessEnv) {
  const known = new Set(
    (await goOutput(['tool', 'dist', 'list'], cwd, env)).split('\n').map((l) => l.trim()),
  );
  for (const p of platforms) {
    if (!known.has(`${p.goos}/${p.goarch}`)) {
      throw new UsageError(`go cannot build for ${p.goos}/${p.goarch}`, {
        hint: '`go tool dist list` shows the platforms it knows',
      });
    }
  }
}

function planTasks(
  commands: readonly BuildCommand[],
  platforms: readonly Platform[],
  version: string,
  outDir: string,
  cwd: string,
): Task[] {
  const tasks: Task[] = [];
  const owners = new Map<string, BuildCommand>();
  const claim = (file: string, command: BuildCommand) => {
    const other = owners.get(file);
    if (other) {
      throw new DuatError(
        `${displayDir(other.dir, cwd)} and ${displayDir(command.dir, cwd)} would both write ${relative(cwd, file)}`,
        {
          hint: 'artifacts are named after the folder: rename one, or build them separately with different -o',
        },
      );
    }
    owners.set(file, command);
  };
  for (const command of commands) {
    if (command.kind === 'go') {
      for (const platform of platforms) {
        const file = join(outDir, artifactName(command.name, version, platform));
        claim(file, command);
        tasks.push({ kind: 'go', command, platform, file });
      }
    } else {
      const file = join(outDir, npmTarballName(command.name, version));
      claim(file, command);
      tasks.push({ kind: 'npm', command, file });
    }
  }
  return tasks;
}

/**
 * Builds `commands` (from findCommands) into the output folder and returns one record per artifact,
 * in the order of the commands and platforms. Rejects with a BuildError when any build failed.
 */
export async function build(
  commands: readonly BuildCommand[],
  options: BuildOptions = {},
): Promise<Artifact[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const log = options.log ?? silentLogger;
  const output = options.output ?? ((text: string) => void process.stderr.write(text));
  if (commands.length === 0) throw new DuatError('nothing to build');
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`jobs must be 1 or more, not ${jobs}`);
  const explicitStamps = (options.stamp ?? []).map((s) => (typeof s === 'string' ? parseStampSpec(s) : s));
  const values =
    options.values ??
    resolveStampValues({ cwd, env, log, version: options.version, versionFile: options.versionFile });

  const hasGo = commands.some((c) => c.kind === 'go');
  let platforms: Platform[] = [];
  if (hasGo) {
    const given = options.platforms && options.platforms.length > 0 ? options.platforms : undefined;
    const host = given ? { GOOS: '', GOARCH: '' } : await goEnv(cwd, env);
    platforms = resolvePlatforms(given, { GOOS: host.GOOS, GOARCH: host.GOARCH, GOARM: env.GOARM ?? '' });
    if (given) await checkPlatforms(platforms, cwd, env);
  }

  const outGiven = options.outDir ?? 'bin';
  const outDir = resolve(cwd, outGiven);
  const tasks = planTasks(commands, platforms, values.version, outDir, cwd);
  prepareOutputDir(outDir, outGiven, log);
  const artifactFiles = new Set(tasks.map((task) => task.file));
  const shownPath = (file: string) => (isAbsolute(outGiven) ? file : relative(cwd, file));

  const chooseStamps = createStampChooser(explicitStamps, log);
  const settings = {
    tags: options.tags ?? [],
    trimpath: options.trimpath ?? true,
    values,
    env,
    goFlags: options.goFlags ?? [],
  };
  const unsetWarned = new Set<string>();

  const runTask = async (task: Task): Promise<TaskOutcome> => {
    const label = task.kind === 'go' ? platformLabel(task.platform) : 'npm';
    const what = `${task.command.name} for ${label} (${displayDir(task.command.dir, cwd)})`;
    log.info(`building ${what}`);
    const started = performance.now();
    let result: { code: number; stdout: string; stderr: string };
    if (task.kind === 'go') {
      const invocation = goBuildInvocation(task.command, task.platform, task.file, {
        ...settings,
        stamps: chooseStamps(stampRootOf(task.command)),
      });
      for (const stamp of invocation.unset) {
        const key = `${stamp.pkg}.${stamp.variable}`;
        if (!unsetWarned.has(key)) log.warn(`${key} is not stamped: there is no ${stamp.field} to give it`);
        unsetWarned.add(key);
      }
      log.debug(describeCommand('go', invocation.args, invocation.cwd, invocation.envOverrides));
      result = await runGoCommand(invocation.args, invocation.cwd, invocation.env);
    } else {
      const packed = await packNpm({
        dir: task.command.dir,
        version: values.version,
        outDir,
        env,
        artifacts: artifactFiles,
      });
      log.debug(describeCommand('npm', packed.args, packed.cwd));
      result = packed.process;
      // npm's notices are noise on success; shown with -v.
      if (result.code === 0 && !log.verbose) result = { ...result, stderr: '' };
    }
    const took = seconds(performance.now() - started);
    const text = result.stderr + (task.kind === 'go' ? result.stdout : '');
    if (text.trim() !== '') output(text.endsWith('\n') ? text : `${text}\n`);
    if (result.code !== 0) {
      log.error(`build of ${what} failed after ${took}`);
      return {
        failure: {
          command: task.command.name,
          dir: task.command.dir,
          platform: label,
          message: lastLine(result.stderr) || `exit ${result.code}`,
          output: text,
        },
      };
    }
    const digest = await fileDigest(task.file);
    log.info(`built ${shownPath(task.file)} (${formatSize(digest.size)}) in ${took}`);
    return {
      artifact: {
        kind: task.kind,
        command: task.command.name,
        dir: task.command.dir,
        platform: task.kind === 'go' ? label : 'any',
        path: shownPath(task.file),
        ...digest,
      },
    };
  };

  const settled = await runLimited(tasks, jobs, runTask);
  const artifacts: Artifact[] = [];
  const failures: BuildFailure[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled' && outcome.value.artifact) artifacts.push(outcome.value.artifact);
    else if (outcome.status === 'fulfilled' && outcome.value.failure) failures.push(outcome.value.failure);
    else if (outcome.status === 'rejected') {
      // Not the compiler's verdict but a failure to run it (no npm, a file that cannot be read...).
      const task = tasks[i] as Task;
      const message =
        outcome.reason instanceof DuatError ? outcome.reason.describe() : errorMessage(outcome.reason);
      log.error(`build of ${task.command.name} failed: ${message}`);
      failures.push({
        command: task.command.name,
        dir: task.command.dir,
        platform: task.kind === 'go' ? platformLabel(task.platform) : 'npm',
        message,
        output: '',
      });
    }
  });
  if (failures.length > 0) throw new BuildError(failures, artifacts, cwd);
  return artifacts;
}
