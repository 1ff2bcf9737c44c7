/**
 * The `semver` tool as a library: read the version from its file (or the git tags), change it with one
 * command, write it back, and return what the command line prints.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DuatError, UsageError } from '../core/errors.js';
import { gitInfo, requireBranch } from '../git/info.js';
import { listTagRefs } from '../git/refs.js';
import { requireRepository } from '../git/repository.js';
import { prereleaseLabel, stampTime } from '../version/prerelease.js';
import {
  compareVersions,
  formatVersion,
  incrementVersion,
  parseVersion,
  type Version,
  withPrerelease,
} from '../version/semver.js';
import {
  applyVersion,
  loadVersionFile,
  readVersion,
  resolveVersionFile,
  updateVersionFile,
} from '../version/version-file.js';

export const SEMVER_COMMANDS = ['major', 'minor', 'patch', 'pre', 'rc', 'extract', 'apply', 'sort'] as const;
export type SemverCommand = (typeof SEMVER_COMMANDS)[number];

/** Command spellings the original accepted besides the canonical ones. */
export const SEMVER_ALIASES: Readonly<Record<string, SemverCommand>> = {
  prerelease: 'pre',
  releasecandidate: 'rc',
};

export interface SemverOptions {
  /** The version file, or a list of candidates of which the first existing one is used. */
  file?: string | readonly string[];
  /** Target files for `apply`. */
  targets?: readonly string[];
  /** A directory inside the git repository (default: the working directory). */
  gitDir?: string;
  /** Decorates the version written and printed (only `v` is allowed: it must read back). */
  prefix?: string;
  /** Take the version from the highest semver git tag instead of the file (`-g`). */
  useGitTags?: boolean;
  /** With `sort`, include pre-release tags (`-rc`). */
  includePrereleases?: boolean;
  /** Environment for SOURCE_DATE_EPOCH and CI branch variables. */
  env?: NodeJS.ProcessEnv;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export interface SemverResult {
  /** What the command prints, one entry a line. */
  readonly lines: readonly string[];
  /** The resulting version (normal form, with the prefix). */
  readonly version: string;
  /** Files rewritten. */
  readonly changed: readonly string[];
}

function checkPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  if (prefix !== 'v') {
    throw new UsageError(`the prefix must be "v", not "${prefix}"`, {
      hint: 'a version file must hold a version that reads back, and only a leading v does',
    });
  }
  return prefix;
}

interface VersionTag {
  name: string;
  version: Version;
}

function versionTags(gitDir: string | undefined): VersionTag[] {
  const repo = requireRepository(gitDir ?? process.cwd());
  return listTagRefs(repo)
    .flatMap((tag) => {
      try {
        return [{ name: tag.name, version: parseVersion(tag.name) }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => compareVersions(a.version, b.version) || (a.name < b.name ? -1 : 1));
}

/**
 * The next release candidate of `v` from the repository's `X.Y.Z-rc.N` tags (the original's IncRC).
 * N is counted as a big integer: SemVer allows numeric identifiers of any length, and one tag
 * `rc.99999999999999999999999` must give `rc.100000000000000000000000`, not `rc.1e+23`.
 */
export function nextReleaseCandidate(
  v: Version,
  tags: readonly { name: string; version: Version }[],
): Version {
  let parts = ['rc', '1'];
  let next = 1n;
  for (const { version } of tags) {
    if (version.major !== v.major || version.minor !== v.minor || version.patch !== v.patch) continue;
    if (!version.prerelease.startsWith('rc.')) continue;
    const found = version.prerelease.split('.');
    const counter = found[1] ?? '';
    if (!/^[0-9]+$/.test(counter)) continue;
    const n = BigInt(counter);
    if (n >= next) {
      next = n + 1n;
      parts = [...found];
      parts[1] = String(next);
    }
  }
  return { ...withPrerelease(v, parts.join('.')), build: '' };
}

function transform(command: SemverCommand, options: SemverOptions): (v: Version) => Version {
  const env = options.env ?? process.env;
  switch (command) {
    case 'major':
    case 'minor':
    case 'patch':
      return (v) => incrementVersion(v, command);
    case 'pre': {
      const branch = requireBranch(gitInfo({ dir: options.gitDir, env }));
      const label = prereleaseLabel(branch, stampTime(env, options.now));
      return (v) => withPrerelease(v, label);
    }
    case 'rc': {
      const tags = versionTags(options.gitDir);
      return (v) => nextReleaseCandidate(v, tags);
    }
    default:
      return (v) => v;
  }
}

/** Runs one semver command. */
export function runSemver(command: SemverCommand, options: SemverOptions = {}): SemverResult {
  const prefix = checkPrefix(options.prefix);
  if (command === 'sort') {
    if (!options.useGitTags) throw new UsageError('sort works on git tags: add -g');
    if (prefix) throw new UsageError('-p cannot be used with sort: tags are printed as they are named');
    const names = versionTags(options.gitDir)
      .filter((t) => options.includePrereleases || t.version.prerelease === '')
      .map((t) => t.name);
    return { lines: names, version: names[names.length - 1] ?? '', changed: [] };
  }
  if (command !== 'apply' && options.targets && options.targets.length > 0) {
    throw new UsageError(`-t names targets for apply, not for ${command}`);
  }

  if (options.useGitTags) {
    const tags = versionTags(options.gitDir);
    const latest = tags[tags.length - 1];
    if (!latest)
      throw new DuatError('no git tag holds a semantic version', {
        hint: 'tag a release (git tag 0.1.0) or drop -g',
      });
    const after = prefix + formatVersion(transform(command, options)(latest.version));
    const changed: string[] = [];
    if (command === 'apply') changed.push(...applyVersion(after, options.targets ?? []));
    else if (command !== 'extract' && after !== prefix + formatVersion(latest.version)) {
      const file = tryResolve(options.file);
      if (file) changed.push(...applyVersion(after, [file]));
    }
    return { lines: [after], version: after, changed };
  }

  const file = resolveVersionFile(options.file);
  if (command === 'extract') {
    const { version } = readVersion(file);
    return { lines: [prefix + version], version: prefix + version, changed: [] };
  }
  if (command === 'apply') {
    const version = prefix + formatVersion(loadVersionFile(file).version);
    const targets = (options.targets ?? []).map((t) => t.trim()).filter(Boolean);
    const same = targets.find((t) => resolve(t) === resolve(file));
    if (same)
      throw new UsageError(`${same} is the version file itself; apply copies its version to other files`);
    const changed = applyVersion(version, targets);
    return { lines: [version], version, changed };
  }
  const change = transform(command, options);
  const result = updateVersionFile(file, (v) => prefix + formatVersion(change(v)));
  return { lines: [result.after], version: result.after, changed: result.changed ? [file] : [] };
}

function tryResolve(file: string | readonly string[] | undefined): string | undefined {
  try {
    const path = resolveVersionFile(file);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bumps the version in its file and returns the new version: `major`, `minor`, `patch`, `pre`
 * (`X.Y.Z-<branch>-<stamp>`) or `rc` (next `-rc.N` from the git tags).
 */
export function bumpVersion(
  kind: 'major' | 'minor' | 'patch' | 'pre' | 'rc',
  options: SemverOptions = {},
): string {
  return runSemver(kind, options).version;
}
