/**
 * Finding what to build. A Go command is a folder holding a `main` package (found with `go list`,
 * honouring build tags); an npm command is a folder whose package.json has a `bin`. With `recursive`,
 * every such folder below the given ones, nested Go modules included; otherwise the given folders.
 * Go code with no go.mod at or above it (a GOPATH project, as the original 0.13.0 itself) is listed and
 * built in GOPATH mode (GO111MODULE=off), unless GO111MODULE=on forbids it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DuatError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { type GoModuleRef, type GoPackage, listGoPackages } from './go-list.js';
import { readNpmPackage } from './npm-package.js';
import { walkProjectTree } from './walk.js';

export interface GoCommand {
  readonly kind: 'go';
  /** The folder's name, which names the artifact. */
  readonly name: string;
  /** Absolute folder of the main package. */
  readonly dir: string;
  readonly importPath: string;
  /** The module holding it (undefined outside module mode). */
  readonly module: GoModuleRef | undefined;
  /** No go.mod at or above it: listed and built with GO111MODULE=off. */
  readonly gopath: boolean;
}

export interface NpmCommand {
  readonly kind: 'npm';
  /** The package name, which names the tarball. */
  readonly name: string;
  /** Absolute folder holding package.json. */
  readonly dir: string;
}

export type BuildCommand = GoCommand | NpmCommand;

export interface FindCommandsOptions {
  /** Search every folder below the given ones (the original's -r). */
  readonly recursive?: boolean;
  /** Go build tags: a package only built with a tag is found only with it. */
  readonly tags?: readonly string[];
  /** Folders are relative to this (default: the working directory). */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
}

function requireFolder(dir: string, shown: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new DuatError('no such folder', {
      file: shown,
      hint: 'name folders that exist with -dirs or as arguments',
    });
  }
  if (!isDir) throw new DuatError('is not a folder', { file: shown });
}

/** True when a go.mod is in `dir` or a parent (go decides for sure; this only avoids running it). */
function underGoModule(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'go.mod')) || existsSync(join(d, 'go.work'))) return true;
    if (dirname(d) === d) return false;
  }
}

function holdsGoFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith('.go'));
  } catch {
    return false;
  }
}

function goCommandOf(pkg: GoPackage, gopath: boolean): GoCommand {
  return {
    kind: 'go',
    name: basename(pkg.dir),
    dir: pkg.dir,
    importPath: pkg.importPath,
    module: gopath ? undefined : pkg.module,
    gopath,
  };
}

/** The environment that makes go work in GOPATH mode. */
function gopathEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, GO111MODULE: 'off' };
}

/** GOPATH mode for Go code outside any module; refused, naming the real reason, with GO111MODULE=on. */
function enterGopathMode(shown: string, env: NodeJS.ProcessEnv, log: Logger): NodeJS.ProcessEnv {
  if (env.GO111MODULE?.trim().toLowerCase() === 'on') {
    throw new DuatError(
      'holds Go code but no go.mod at or above it, and GO111MODULE=on forbids GOPATH mode',
      {
        file: shown,
        hint: 'create the module with `go mod init MODULE-PATH`, or unset GO111MODULE to build it in GOPATH mode',
      },
    );
  }
  log.warn(`${shown}: no go.mod at or above it: building its Go code in GOPATH mode (GO111MODULE=off)`);
  return gopathEnv(env);
}

function npmCommandOf(dir: string): NpmCommand | undefined {
  const info = readNpmPackage(dir);
  if (!info?.hasBin) return undefined;
  if (info.name === '') {
    throw new DuatError('has a bin but no name, so npm cannot pack it', {
      file: join(dir, 'package.json'),
      hint: 'add a "name"',
    });
  }
  return { kind: 'npm', name: info.name, dir };
}

async function findBelow(
  root: string,
  shown: string,
  options: FindCommandsOptions,
  env: NodeJS.ProcessEnv,
  log: Logger,
) {
  const found: BuildCommand[] = [];
  const tree = walkProjectTree(root);
  const inModule = underGoModule(root);
  const searches = [...(inModule ? [root] : []), ...tree.moduleRoots.filter((d) => d !== root)].map(
    (dir) => ({ dir, gopath: false, env }),
  );
  if (!inModule && tree.goOutsideModules) {
    searches.push({ dir: root, gopath: true, env: enterGopathMode(shown, env, log) });
  }
  for (const search of searches) {
    const packages = await listGoPackages(search.dir, ['./...'], { tags: options.tags, env: search.env });
    for (const pkg of packages) {
      // In GOPATH mode go.mod files are ignored: the nested modules' packages were listed already.
      if (search.gopath && underGoModule(pkg.dir)) continue;
      if (pkg.name === 'main') found.push(goCommandOf(pkg, search.gopath));
      else if (pkg.error !== undefined) log.warn(`skipping ${pkg.dir || pkg.importPath}: ${pkg.error}`);
    }
  }
  for (const dir of tree.packageJsonDirs) {
    const npm = npmCommandOf(dir);
    if (npm) found.push(npm);
  }
  return found;
}

async function findIn(
  dir: string,
  shown: string,
  options: FindCommandsOptions,
  env: NodeJS.ProcessEnv,
  log: Logger,
) {
  const found: BuildCommand[] = [];
  let why = '';
  let hint = '-r searches the folders below it';
  if (holdsGoFiles(dir)) {
    const gopath = !underGoModule(dir);
    const goEnv = gopath ? enterGopathMode(shown, env, log) : env;
    const [pkg] = await listGoPackages(dir, ['.'], { tags: options.tags, env: goEnv });
    if (pkg?.name === 'main') found.push(goCommandOf(pkg, gopath));
    else if (pkg?.error !== undefined) {
      why = `: ${pkg.error}`;
      if (pkg.error.includes('build constraints')) hint = 'files behind a //go:build constraint need --tags';
    } else if (pkg) why = `: its Go package is ${pkg.name}, not main`;
  }
  const npm = npmCommandOf(dir);
  if (npm) found.push(npm);
  if (found.length === 0) {
    throw new DuatError(`holds no Go main package and no package.json with a bin${why}`, {
      file: shown,
      hint,
    });
  }
  return found;
}

/** The commands under (or, without `recursive`, in) each folder, each folder once, in a stable order. */
export async function findCommands(
  dirs: readonly string[],
  options: FindCommandsOptions = {},
): Promise<BuildCommand[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const log = options.log ?? silentLogger;
  const roots = dirs.length > 0 ? dirs : ['.'];
  const all: BuildCommand[] = [];
  for (const given of roots) {
    const dir = resolve(cwd, given);
    requireFolder(dir, given);
    const found = options.recursive
      ? await findBelow(dir, given, options, env, log)
      : await findIn(dir, given, options, env, log);
    if (found.length === 0) {
      throw new DuatError('holds no Go main package and no package.json with a bin in any folder below it', {
        file: given,
        hint: options.tags?.length ? undefined : 'commands behind a build constraint need --tags',
      });
    }
    all.push(...found);
  }
  const seen = new Set<string>();
  return all.filter((c) => {
    const key = `${c.kind}:${c.dir}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A folder shown relative to `cwd` (`./cmd/a`, or `.`). */
export function displayDir(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  if (rel === '') return '.';
  return rel.startsWith('..') ? dir : `./${rel}`;
}
