/**
 * What a build stamps into a binary and how: the version (from the version file), the git commit and
 * the build time, written with `-ldflags -X importpath.Var=value`. By default into the module's own
 * `version` package (`<module>/version.SemVer`, `.GitHash`, `.BuildTime`); `--stamp PKG.VAR=FIELD`
 * names other variables instead.
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { type GitInfo, gitInfo } from '../git/info.js';
import { stampTime } from '../version/prerelease.js';
import { DEFAULT_VERSION_FILES, readVersion } from '../version/version-file.js';

/** The values a build can stamp. */
export interface StampValues {
  /** The version in normal form (`1.2.3-main-aaaahfravza`). */
  readonly version: string;
  /** The full commit hash; undefined outside git or before the first commit. */
  readonly hash: string | undefined;
  readonly shortHash: string | undefined;
  readonly branch: string | undefined;
  /** A tag pointing at HEAD. */
  readonly tag: string | undefined;
  /** The build time in the original's format, in UTC: `2019-04-04_00:19:40+0000`. */
  readonly buildTime: string;
}

/** Names accepted as FIELD in `--stamp PKG.VAR=FIELD`, and the value each gives. */
export const STAMP_FIELDS = {
  version: 'version',
  semver: 'version',
  hash: 'hash',
  githash: 'hash',
  commit: 'hash',
  'short-hash': 'shortHash',
  shorthash: 'shortHash',
  branch: 'branch',
  tag: 'tag',
  time: 'buildTime',
  buildtime: 'buildTime',
} as const satisfies Record<string, keyof StampValues>;

export type StampField = keyof typeof STAMP_FIELDS;

export interface StampSpec {
  /** The import path of the variable's package (`main`, `example.com/m/internal/build`). */
  readonly pkg: string;
  readonly variable: string;
  readonly field: keyof StampValues;
}

/** Parses `PKG.VAR=FIELD` (e.g. `main.version=version`, `example.com/m/build.Commit=hash`). */
export function parseStampSpec(text: string): StampSpec {
  const match = /^(.+)\.([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z-]+)$/.exec(text.trim());
  const field = match ? STAMP_FIELDS[(match[3] ?? '').toLowerCase() as StampField] : undefined;
  if (!match || field === undefined) {
    throw new UsageError(`"${text}" is not a stamp`, {
      hint: `write PKG.VAR=FIELD, e.g. main.version=version; FIELD is one of ${Object.keys(STAMP_FIELDS).join(', ')}`,
    });
  }
  return { pkg: match[1] as string, variable: match[2] as string, field };
}

/** The stamps into a module's `version` package, as the original made them (with the module fixed). */
export function versionPackageStamps(versionImportPath: string): StampSpec[] {
  return [
    { pkg: versionImportPath, variable: 'SemVer', field: 'version' },
    { pkg: versionImportPath, variable: 'GitHash', field: 'hash' },
    { pkg: versionImportPath, variable: 'BuildTime', field: 'buildTime' },
  ];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * The build time as the original formatted it (Go layout `2006-01-02_15:04:05-0700`), in UTC. The
 * original's layout said `15:04:04`, printing the minutes twice and no seconds: fixed here.
 */
export function formatBuildTime(unixSeconds: number | bigint): string {
  const ms = Number(unixSeconds) * 1000;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`${unixSeconds} seconds is not a time a build can have`);
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}+0000`
  );
}

export interface StampValuesOptions {
  /** Where to look for the version file and the git repository (default: the working directory). */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The version file, or candidates tried in order (default README.md, README.adoc). */
  readonly versionFile?: string | readonly string[];
  /** The version to use instead of reading a file. */
  readonly version?: string;
  readonly log?: Logger;
}

function readVersionNear(cwd: string, files: readonly string[], repoTop: string | undefined): string {
  try {
    return readVersion(files.map((f) => resolve(cwd, f))).version;
  } catch (err) {
    // As the original, which read README.md at the top of the git repository.
    if (repoTop === undefined || repoTop === resolve(cwd)) throw err;
    try {
      return readVersion(files.map((f) => resolve(repoTop, f))).version;
    } catch {
      throw err;
    }
  }
}

/**
 * The values to stamp: the version from the version file (looked up in `cwd`, then at the top of
 * the git repository), git's commit, branch and tag, and the build time (SOURCE_DATE_EPOCH or now).
 */
export function resolveStampValues(options: StampValuesOptions = {}): StampValues {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const log = options.log ?? silentLogger;
  let git: GitInfo | undefined;
  try {
    git = gitInfo({ dir: cwd, env });
  } catch {
    log.warn(`${cwd} is not in a git repository: no git hash is stamped`);
  }
  const files =
    typeof options.versionFile === 'string'
      ? options.versionFile.split(',').map((f) => f.trim())
      : [...(options.versionFile ?? DEFAULT_VERSION_FILES)];
  const version = options.version ?? readVersionNear(cwd, files.filter(Boolean), git?.dir);
  return {
    version,
    hash: git?.hash,
    shortHash: git?.shortHash,
    branch: git?.branch,
    tag: git?.tag,
    buildTime: formatBuildTime(stampTime(env)),
  };
}

/** Quotes one `-X` argument for go's -ldflags splitting (quotes only where needed). */
function quoteLdflag(word: string): string {
  if (!/[\s'"]/.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  if (!word.includes('"')) return `"${word}"`;
  throw new UsageError(`cannot pass a value holding both kinds of quotes to -ldflags: ${word}`);
}

/**
 * The `-X` flags for `stamps`, as one -ldflags value, and the fields that had no value (not stamped).
 */
export function ldflagsFor(
  stamps: readonly StampSpec[],
  values: StampValues,
): { ldflags: string; unset: StampSpec[] } {
  const parts: string[] = [];
  const unset: StampSpec[] = [];
  for (const stamp of stamps) {
    const value = values[stamp.field];
    if (value === undefined) {
      unset.push(stamp);
      continue;
    }
    parts.push('-X', quoteLdflag(`${stamp.pkg}.${stamp.variable}=${value}`));
  }
  return { ldflags: parts.join(' '), unset };
}
