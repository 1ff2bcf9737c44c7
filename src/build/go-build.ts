/**
 * One `go build` of one command for one platform: the arguments, the environment and the stamps. The
 * build runs in the command's module root with the package as `./path`, so compiler messages name files
 * relative to the module.
 */
import { relative } from 'node:path';
import type { Logger } from '../core/log.js';
import type { GoCommand } from './find-commands.js';
import type { GoModuleRef } from './go-list.js';
import type { Platform } from './platform.js';
import { ldflagsFor, type StampSpec, type StampValues, versionPackageStamps } from './stamp.js';
import { findVersionPackage, gopathProjectOf, VERSION_VARIABLES } from './version-package.js';

export interface GoBuildSettings {
  readonly tags: readonly string[];
  readonly trimpath: boolean;
  /** Stamps for this command (see stampsFor). */
  readonly stamps: readonly StampSpec[];
  readonly values: StampValues;
  /** The caller's environment; GOOS/GOARCH/GOARM/CGO_ENABLED are set over it. */
  readonly env: NodeJS.ProcessEnv;
  /** More `go build` flags, before the package. */
  readonly goFlags: readonly string[];
}

export interface GoInvocation {
  readonly cwd: string;
  readonly args: readonly string[];
  /** The variables set over the caller's environment (shown with -v). */
  readonly envOverrides: Readonly<Record<string, string>>;
  readonly env: NodeJS.ProcessEnv;
  /** Stamps left out because their value is unknown (no git, say). */
  readonly unset: readonly StampSpec[];
}

/** Where `go` runs and what it is given: the module root and `./rel/path`, or the folder and `.`. */
export function goTarget(command: GoCommand): { cwd: string; target: string } {
  if (!command.module) return { cwd: command.dir, target: '.' };
  const rel = relative(command.module.dir, command.dir);
  return { cwd: command.module.dir, target: rel === '' ? '.' : `./${rel.split('\\').join('/')}` };
}

/** The environment variables a build for `platform` sets: CGO_ENABLED=0 unless the caller set it. */
export function platformEnv(platform: Platform, env: NodeJS.ProcessEnv): Record<string, string> {
  const overrides: Record<string, string> = { GOOS: platform.goos, GOARCH: platform.goarch };
  if (platform.goarm) overrides.GOARM = platform.goarm;
  if (env.CGO_ENABLED === undefined || env.CGO_ENABLED === '') overrides.CGO_ENABLED = '0';
  return overrides;
}

/** `go build` for `command` on `platform`, writing `output` (absolute). */
export function goBuildInvocation(
  command: GoCommand,
  platform: Platform,
  output: string,
  settings: GoBuildSettings,
): GoInvocation {
  const { cwd, target } = goTarget(command);
  const { ldflags, unset } = ldflagsFor(settings.stamps, settings.values);
  const args = ['build'];
  if (settings.tags.length > 0) args.push(`-tags=${settings.tags.join(',')}`);
  if (settings.trimpath) args.push('-trimpath');
  if (ldflags !== '') args.push('-ldflags', ldflags);
  args.push(...settings.goFlags, '-o', output, target);
  const envOverrides = platformEnv(platform, settings.env);
  if (command.gopath) envOverrides.GO111MODULE = 'off';
  return { cwd, args, envOverrides, env: { ...settings.env, ...envOverrides }, unset };
}

/** Where a command's stamps go: its module, or in GOPATH mode the project holding a version package. */
export function stampRootOf(command: GoCommand): GoModuleRef | undefined {
  return command.module ?? (command.gopath ? gopathProjectOf(command.dir, command.importPath) : undefined);
}

/**
 * Chooses the stamps of each module: the `--stamp` list when given, else the module's own `version`
 * package; warns once per module when that package is missing or lacks a variable.
 */
export function createStampChooser(
  explicit: readonly StampSpec[],
  log: Logger,
): (module: GoModuleRef | undefined) => StampSpec[] {
  const cache = new Map<string, StampSpec[]>();
  return (module) => {
    if (explicit.length > 0) return [...explicit];
    if (!module) return [];
    const known = cache.get(module.dir);
    if (known) return known;
    const pkg = findVersionPackage(module);
    let stamps: StampSpec[] = [];
    if (!pkg) {
      log.warn(
        `module ${module.path} has no version package (${module.path}/version): nothing is stamped; ` +
          'name variables with --stamp PKG.VAR=FIELD, e.g. --stamp main.version=version',
      );
    } else {
      stamps = versionPackageStamps(pkg.importPath);
      const missing = VERSION_VARIABLES.filter((v) => !pkg.declares.includes(v));
      if (missing.length > 0) {
        log.warn(
          `${pkg.importPath} does not declare ${missing.join(', ')}: the linker ignores those stamps ` +
            '(declare them as string variables, or use --stamp)',
        );
      }
    }
    cache.set(module.dir, stamps);
    return stamps;
  };
}
