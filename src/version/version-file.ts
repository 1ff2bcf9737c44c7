/**
 * Reading and rewriting the version held in a file (README.md by default). Reading finds every spot of
 * the file's format; the first gives the version and all others must agree. Rewriting replaces the
 * spots' characters only, under a lock, with an atomic replace: every other byte stays.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { DuatError, errorMessage } from '../core/errors.js';
import { acquireFileLock } from '../core/lock.js';
import { readRegularFileBounded } from './bounded-read.js';
import { formatFor, type VersionFormat, type VersionSpot } from './formats/index.js';
import { formatVersion, parseVersion, type Version } from './semver.js';
import { decodeText, encodeText, type TextEncoding } from './text-codec.js';

/** The files tried, in order, when none is named (as the later original: README.md, then README.adoc). */
export const DEFAULT_VERSION_FILES = ['README.md', 'README.adoc'] as const;

export interface VersionFile {
  readonly path: string;
  readonly format: VersionFormat;
  readonly text: string;
  readonly encoding: TextEncoding;
  /** Every spot of the format, placeholders (empty) included. */
  readonly spots: readonly VersionSpot[];
  /** The parsed version of the first non-empty spot. */
  readonly version: Version;
  /** The version as written in the file (before normalisation). */
  readonly written: string;
  /** Line of the spot that gave the version. */
  readonly line: number;
}

export interface ReadVersionResult {
  /** The version in normal form (`v1.2` reads as `1.2.0`). */
  readonly version: string;
  readonly file: string;
  readonly line: number;
  readonly format: string;
}

/** Picks the first existing file of a list (`-f README.md,README.adoc`). */
export function resolveVersionFile(candidates: string | readonly string[] = DEFAULT_VERSION_FILES): string {
  const list = (typeof candidates === 'string' ? candidates.split(',') : [...candidates])
    .map((c) => c.trim())
    .filter(Boolean);
  if (list.length === 0) throw new DuatError('no version file given');
  const found = list.find((c) => existsSync(c));
  if (found !== undefined) return found;
  throw new DuatError(list.length === 1 ? 'no such file' : `none of ${list.join(', ')} exists`, {
    file: list.length === 1 ? list[0] : undefined,
    hint: 'name the file holding the version with -f FILE',
  });
}

/**
 * The first existing file of a candidate list (`-f README.md,README.adoc`) for tools that work from a
 * repository, as the original's stencil and release did: an absolute path as it is, a relative one at
 * the repository's top first, then in `cwd`. Undefined when none exists.
 */
export function findVersionFile(
  candidates: string | readonly string[],
  where: { top?: string; cwd?: string } = {},
): string | undefined {
  const list = (typeof candidates === 'string' ? candidates.split(',') : [...candidates])
    .map((c) => c.trim())
    .filter(Boolean);
  for (const candidate of list) {
    if (isAbsolute(candidate)) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    if (where.top !== undefined && existsSync(join(where.top, candidate))) return join(where.top, candidate);
    const here = resolve(where.cwd ?? '.', candidate);
    if (existsSync(here)) return here;
  }
  return undefined;
}

function findSpots(path: string, text: string): { format: VersionFormat; spots: VersionSpot[] } {
  const format = formatFor(path, text);
  try {
    return { format, spots: format.findSpots(text) };
  } catch (err) {
    throw new DuatError(`is not valid ${format.name.split(' ')[0]}: ${errorMessage(err)}`, {
      file: path,
      cause: err,
    });
  }
}

/** Reads and checks the version of one file. */
export function loadVersionFile(path: string): VersionFile {
  const { text, encoding } = decodeText(readRegularFileBounded(path));
  const { format, spots } = findSpots(path, text);
  const filled = spots.filter((s) => s.value !== '');
  const first = filled[0];
  if (!first) {
    throw new DuatError(`no version found (looked for a ${format.name})`, {
      file: path,
      hint: format.missingHint,
    });
  }
  let version: Version;
  try {
    version = parseVersion(first.value);
  } catch (err) {
    throw new DuatError(errorMessage(err), { file: path, line: first.line, hint: (err as DuatError).hint });
  }
  const normal = formatVersion(version);
  for (const other of filled.slice(1)) {
    let same = false;
    try {
      same = formatVersion(parseVersion(other.value)) === normal;
    } catch {
      same = false;
    }
    if (!same) {
      throw new DuatError(
        `the version "${other.value}" disagrees with "${first.value}" on line ${first.line}: all repo-version tags must have the same version string`,
        { file: path, line: other.line, hint: 'make every version tag in the file hold the same version' },
      );
    }
  }
  return { path, format, text, encoding, spots, version, written: first.value, line: first.line };
}

/** The version held in a file (default README.md, else README.adoc), in normal form. */
export function readVersion(file?: string | readonly string[]): ReadVersionResult {
  const vf = loadVersionFile(resolveVersionFile(file));
  return { version: formatVersion(vf.version), file: vf.path, line: vf.line, format: vf.format.name };
}

/** `text` with every spot replaced by `replacement`. */
export function replaceSpots(text: string, spots: readonly VersionSpot[], replacement: string): string {
  let out = '';
  let at = 0;
  for (const spot of spots) {
    out += text.slice(at, spot.start) + (spot.before ?? '') + replacement;
    at = spot.end;
  }
  return out + text.slice(at);
}

function checkWritable(path: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (err) {
    throw new DuatError('is not writable (permission denied)', {
      file: path,
      cause: err,
      hint: 'make the file writable (chmod u+w) or run as its owner',
    });
  }
}

function writeSpots(
  vf: { path: string; text: string; encoding: TextEncoding; spots: readonly VersionSpot[] },
  version: string,
): boolean {
  const updated = replaceSpots(vf.text, vf.spots, version);
  if (updated === vf.text) return false;
  writeFileAtomic(vf.path, encodeText(updated, vf.encoding));
  return true;
}

export interface UpdateResult {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly changed: boolean;
}

/**
 * Updates the version of a file under its lock: `change` gets the current version and returns the new
 * one (or a string written as given, e.g. with a `v` prefix). The file is rewritten only when the text
 * changes.
 */
export function updateVersionFile(
  path: string,
  change: (current: Version) => Version | string,
): UpdateResult {
  loadVersionFile(path); // report a missing file or version before anything else
  checkWritable(path);
  const release = acquireFileLock(path);
  try {
    const vf = loadVersionFile(path);
    const next = change(vf.version);
    const after = typeof next === 'string' ? next : formatVersion(next);
    const before = formatVersion(vf.version);
    const changed = writeSpots(vf, after);
    return { file: path, before, after, changed };
  } finally {
    release();
  }
}

/**
 * Writes `version` into every target file's version spots (the original's `apply`). All targets are
 * checked first — each must exist and have a place for the version — so that a bad target changes
 * nothing. Returns the files that changed.
 */
export function applyVersion(version: string, targets: readonly string[]): string[] {
  if (targets.length === 0) {
    throw new DuatError('apply needs target files', { hint: 'name them with -t FILE[,FILE...]' });
  }
  const checked = targets.map((path) => {
    const { text, encoding } = decodeText(readRegularFileBounded(path));
    const { format, spots } = findSpots(path, text);
    if (spots.length === 0) {
      throw new DuatError(`has no place for the version (looked for a ${format.name})`, {
        file: path,
        hint: format.missingHint,
      });
    }
    return { path, text, encoding, spots };
  });
  for (const target of checked) checkWritable(target.path);
  const changed: string[] = [];
  for (const target of checked) {
    const release = acquireFileLock(target.path);
    try {
      // Re-read under the lock: another process may have changed the file since the check.
      const { text, encoding } = decodeText(readRegularFileBounded(target.path));
      const { spots } = findSpots(target.path, text);
      if (writeSpots({ path: target.path, text, encoding, spots }, version)) changed.push(target.path);
    } finally {
      release();
    }
  }
  return changed;
}
