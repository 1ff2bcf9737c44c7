/**
 * Pre-release versions made from the git branch and a time stamp, exactly as the original `semver pre`:
 * `X.Y.Z-<branch>-<stamp>`. Every character of the branch outside [0-9A-Za-z] becomes '-' (a
 * multi-byte character becomes one '-', as Go iterates runes); the case is kept. The stamp is
 * encodeStamp(unix seconds), so versions of one branch sort in time order.
 */
import { DuatError, UsageError } from '../core/errors.js';
import { formatVersion, parseVersion, type Version, withPrerelease } from './semver.js';
import { decodeStamp, encodeStamp } from './stamp.js';

/** The branch as the original put it into a pre-release: [0-9A-Za-z] kept, anything else '-'. */
export function sanitizeBranch(branch: string): string {
  let out = '';
  for (const ch of branch) out += /^[0-9A-Za-z]$/.test(ch) ? ch : '-';
  return out;
}

/** `<branch>-<stamp>` for a branch and a time in Unix seconds. */
export function prereleaseLabel(branch: string, unixSeconds: number | bigint): string {
  if (branch === '') throw new DuatError('a pre-release needs a branch name, and the branch is empty');
  return `${sanitizeBranch(branch)}-${encodeStamp(unixSeconds)}`;
}

/**
 * The version with its pre-release replaced by `<branch>-<stamp>`; build metadata is kept
 * (`1.2.3+b` -> `1.2.3-main-aaaahfravza+b`).
 */
export function prerelease(version: string | Version, branch: string, unixSeconds: number | bigint): string {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  return formatVersion(withPrerelease(v, prereleaseLabel(branch, unixSeconds)));
}

/**
 * The time to stamp: SOURCE_DATE_EPOCH when set (reproducible builds), else the clock.
 */
export function stampTime(env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): bigint {
  const fixed = env.SOURCE_DATE_EPOCH;
  if (fixed !== undefined && fixed !== '') {
    if (!/^[0-9]+$/.test(fixed)) {
      throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not "${fixed}"`);
    }
    return BigInt(fixed);
  }
  return BigInt(Math.floor(now() / 1000));
}

export interface ParsedPrerelease {
  /** The version without pre-release and build (`1.2.3`). */
  readonly release: string;
  /** The sanitized branch as it appears in the pre-release. */
  readonly branch: string;
  /** The stamp's time in Unix seconds. */
  readonly unixSeconds: bigint;
  readonly stamp: string;
}

/**
 * Reads a version of our pre-release form back (`0.1.0-feature-x-aaaagjecpnf`), or undefined when the
 * version is a release, not a version, or its last identifier is not a decodable stamp.
 */
export function parsePrerelease(text: string): ParsedPrerelease | undefined {
  let v: Version;
  try {
    v = parseVersion(text);
  } catch {
    return undefined;
  }
  const dash = v.prerelease.lastIndexOf('-');
  if (dash <= 0 || v.prerelease.includes('.')) return undefined;
  const stamp = v.prerelease.slice(dash + 1);
  const seconds = decodeStamp(stamp);
  if (seconds === undefined) return undefined;
  return {
    release: `${v.major}.${v.minor}.${v.patch}`,
    branch: v.prerelease.slice(0, dash),
    unixSeconds: seconds,
    stamp,
  };
}
