/**
 * Which files a release gets: file names and Go-style globs as arguments, or a newline-separated list
 * (what `duat build` prints) read from stdin for `-`. Each becomes an asset named after the file's base
 * name.
 */
import { statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { DuatError, describeFsError, UsageError } from '../core/errors.js';
import { glob, hasGlobMeta } from './glob.js';

export interface AssetFile {
  /** Absolute path of the file. */
  readonly path: string;
  /** The path as the pattern spelled it, for messages. */
  readonly shown: string;
  /** The asset name: the file's base name. */
  readonly name: string;
  readonly size: number;
}

export interface ExpandedFiles {
  readonly files: readonly AssetFile[];
  /** Things worth telling the user (directories skipped, names GitHub will change). */
  readonly warnings: readonly string[];
}

/** The file names or patterns of a newline-separated list; blank lines are ignored, `\r\n` accepted. */
export function parseFileList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The name GitHub stores an asset under. Its upload API replaces characters outside `A-Za-z0-9._-`
 * (spaces, `~`, `:`, `+`, brackets...) with `.` and drops leading and trailing periods; what it does is
 * not documented beyond that, so this is used to recognise an asset on a re-run and to warn.
 */
export function githubAssetName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

function fileSize(path: string, shown: string): { size: number; directory: boolean } {
  try {
    const stat = statSync(path);
    return { size: stat.size, directory: stat.isDirectory() };
  } catch (err) {
    throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: shown, cause: err });
  }
}

/**
 * The files named by `patterns` (paths or globs, relative to `cwd`). Every pattern must match a file;
 * two files may not share a base name (they would be the same asset); directories matched by a glob
 * are skipped, a directory named outright is an error.
 */
export function expandFilePatterns(patterns: readonly string[], cwd: string = process.cwd()): ExpandedFiles {
  if (patterns.length === 0) {
    throw new UsageError('no files to release', {
      hint: 'name the files or globs as arguments, or "-" to read a list from stdin',
    });
  }
  const files: AssetFile[] = [];
  const warnings: string[] = [];
  const seenPaths = new Set<string>();
  const byName = new Map<string, AssetFile>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    let matched = 0;
    for (const shown of glob(pattern, cwd)) {
      const path = isAbsolute(shown) ? shown : resolve(cwd, shown);
      const { size, directory } = fileSize(path, shown);
      if (directory) {
        if (!hasGlobMeta(pattern)) {
          throw new DuatError(`${shown} is a directory`, {
            hint: `name the files in it, e.g. "${shown.replace(/\/$/, '')}/*"`,
          });
        }
        warnings.push(`skipped the directory ${shown} (matched by ${pattern})`);
        continue;
      }
      matched++;
      if (seenPaths.has(path)) continue;
      seenPaths.add(path);
      const file: AssetFile = { path, shown, name: basename(path), size };
      const other = byName.get(file.name);
      if (other) {
        throw new DuatError(`${other.shown} and ${shown} would both be the release asset "${file.name}"`, {
          hint: 'rename one of them: an asset is named after the file',
        });
      }
      byName.set(file.name, file);
      const stored = githubAssetName(file.name);
      if (stored !== file.name) {
        warnings.push(`GitHub will store ${file.name} as "${stored}" (it renames special characters)`);
      }
      files.push(file);
    }
    if (matched === 0) unmatched.push(pattern);
  }
  if (unmatched.length > 0) {
    const list = unmatched.map((p) => `"${p}"`).join(', ');
    throw new DuatError(`no file matches ${list}`, {
      hint: `paths are relative to ${cwd}; globs use Go's syntax (*, ?, [a-z])`,
    });
  }
  return { files, warnings };
}
