/**
 * Semantic versions as the original duat read and bumped them (Masterminds/semver, which v1.5 and v3
 * agree on): a lenient parser that writes back the normal form (`v1.2` -> `1.2.0`), and bump rules
 * that differ from npm's `semver.inc` on pre-releases (`patch` of `1.2.3-pre` is `1.2.3`).
 */
import { DuatError } from '../core/errors.js';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated pre-release identifiers without the leading '-', '' when none. */
  readonly prerelease: string;
  /** Build metadata without the leading '+', '' when none. */
  readonly build: string;
}

export type BumpKind = 'major' | 'minor' | 'patch';

const VERSION_PATTERN =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Why `text` is not a version, or undefined when it is one. */
function invalidReason(text: string): string | undefined {
  if (text.trim() !== text) return 'it has surrounding white space';
  if (/^v?\d+\.\d+\.\d+\.\d+/.test(text)) return 'it has more than three numbers';
  return undefined;
}

/**
 * Parses a version the way Masterminds/semver's NewVersion does: an optional `v`, one to three
 * numbers (missing ones are 0; leading zeros allowed), then `-pre-release` and `+build`. Numeric
 * pre-release identifiers must not have leading zeros (semver 2.0).
 */
export function parseVersion(text: string): Version {
  const m = VERSION_PATTERN.exec(text);
  if (!m) {
    const reason = invalidReason(text);
    throw new DuatError(`"${text}" is not a valid semantic version${reason ? ` (${reason})` : ''}`, {
      hint: 'expected MAJOR.MINOR.PATCH with an optional -PRERELEASE and +BUILD, e.g. 1.2.3 or 1.2.3-rc.1',
    });
  }
  const num = (part: string | undefined, what: string): number => {
    if (part === undefined) return 0;
    const digits = part.startsWith('.') ? part.slice(1) : part;
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) {
      throw new DuatError(`"${text}" is not a valid semantic version (the ${what} number is too large)`);
    }
    return n;
  };
  const prerelease = m[4] ?? '';
  for (const id of prerelease ? prerelease.split('.') : []) {
    if (/^[0-9]+$/.test(id) && id.length > 1 && id.startsWith('0')) {
      throw new DuatError(
        `"${text}" is not a valid semantic version (the numeric pre-release identifier "${id}" has a leading zero)`,
      );
    }
  }
  return {
    major: num(m[1], 'major'),
    minor: num(m[2], 'minor'),
    patch: num(m[3], 'patch'),
    prerelease,
    build: m[5] ?? '',
  };
}

/** True when `text` parses as a version. */
export function isVersion(text: string): boolean {
  try {
    parseVersion(text);
    return true;
  } catch {
    return false;
  }
}

/** The normal form: `1.2.3`, `1.2.3-pre`, `1.2.3-pre+build`. */
export function formatVersion(v: Version): string {
  let out = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prerelease) out += `-${v.prerelease}`;
  if (v.build) out += `+${v.build}`;
  return out;
}

/** Normalises a version string (`v1.2` -> `1.2.0`). */
export function normalizeVersion(text: string): string {
  return formatVersion(parseVersion(text));
}

/**
 * Masterminds' IncMajor/IncMinor/IncPatch: build metadata and pre-release are cleared; `patch` of a
 * pre-release only clears it (1.2.3-rc.1 -> 1.2.3), which is how a release is cut from a pre-release.
 */
export function incrementVersion(v: Version, kind: BumpKind): Version {
  if (kind !== 'patch' || !v.prerelease) {
    if (!Number.isSafeInteger(v[kind] + 1)) {
      throw new DuatError(`cannot bump the ${kind} number of ${formatVersion(v)}: it would be too large`);
    }
  }
  switch (kind) {
    case 'major':
      return { major: v.major + 1, minor: 0, patch: 0, prerelease: '', build: '' };
    case 'minor':
      return { major: v.major, minor: v.minor + 1, patch: 0, prerelease: '', build: '' };
    case 'patch':
      return v.prerelease
        ? { ...v, prerelease: '', build: '' }
        : { major: v.major, minor: v.minor, patch: v.patch + 1, prerelease: '', build: '' };
  }
}

/** Replaces the pre-release (Masterminds' SetPrerelease: build metadata is kept). */
export function withPrerelease(v: Version, prerelease: string): Version {
  if (prerelease !== '' && !/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(prerelease)) {
    throw new DuatError(`"${prerelease}" is not a valid pre-release`, {
      hint: 'a pre-release holds dot-separated identifiers of [0-9A-Za-z-]',
    });
  }
  return { ...v, prerelease };
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    const d = BigInt(a) - BigInt(b);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver 2.0 precedence: -1, 0 or 1. Build metadata is ignored. */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (!a.prerelease) return 1;
  if (!b.prerelease) return -1;
  const as = a.prerelease.split('.');
  const bs = b.prerelease.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const c = compareIdentifiers(as[i] as string, bs[i] as string);
    if (c !== 0) return c;
  }
  return as.length === bs.length ? 0 : as.length < bs.length ? -1 : 1;
}
