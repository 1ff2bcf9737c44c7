/**
 * File patterns as the original took them: Go's `filepath.Glob` and `filepath.Match`. `*` matches any
 * run of characters but `/`, `?` one character but `/`, `[a-z]` / `[^a-z]` a class, `\` escapes the
 * next character. No `**`, no braces, and a leading `.` is matched like any other character (as Go
 * does). A pattern without those characters names a file, which must exist to match.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';

/** True when `pattern` has a character Go's Glob treats specially. */
export function hasGlobMeta(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

/** A component of a pattern (between slashes) as an anchored regular expression. */
export function componentRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '\\') {
      const next = pattern[++i];
      if (next === undefined) throw new UsageError(`bad pattern "${pattern}": it ends with a backslash`);
      source += escapeRegExp(next);
    } else if (ch === '[') {
      const end = classEnd(pattern, i);
      if (end === -1) throw new UsageError(`bad pattern "${pattern}": "[" without a closing "]"`);
      source += classRegExp(pattern.slice(i + 1, end), pattern);
      i = end;
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClassChar(ch: string): string {
  return /[\]\\^-]/.test(ch) ? `\\${ch}` : ch;
}

/** Index of the `]` closing the class that opens at `start`, or -1. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  for (let first = true; i < pattern.length; i++, first = false) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === ']' && !first) return i;
  }
  return -1;
}

function classRegExp(text: string, pattern: string): string {
  const body = Array.from(text); // code points: `[é]` is one character, as a Go rune
  let negate = false;
  let i = 0;
  if (body[0] === '^') {
    negate = true;
    i = 1;
  }
  if (i >= body.length) throw new UsageError(`bad pattern "${pattern}": an empty class`);
  const char = (): string => {
    let ch = body[i++];
    if (ch === '\\') ch = body[i++];
    if (ch === undefined) throw new UsageError(`bad pattern "${pattern}": an incomplete class`);
    return ch;
  };
  let out = '';
  while (i < body.length) {
    const low = char();
    if (body[i] === '-' && i + 1 < body.length) {
      i++;
      const high = char();
      if ((high.codePointAt(0) ?? 0) < (low.codePointAt(0) ?? 0)) {
        throw new UsageError(`bad pattern "${pattern}": the range ${low}-${high} is reversed`);
      }
      out += `${escapeClassChar(low)}-${escapeClassChar(high)}`;
    } else out += escapeClassChar(low);
  }
  return negate ? `[^/${out}]` : `[${out}]`;
}

/** Go's filepath.Match for one path (separators must line up). */
export function globMatch(pattern: string, name: string): boolean {
  const parts = pattern.split('/');
  const names = name.split('/');
  if (parts.length !== names.length) return false;
  return parts.every((p, i) => componentRegExp(p).test(names[i] as string));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Go's filepath.Glob: the paths (as the pattern spells them, relative or absolute) matching `pattern`,
 * sorted per directory as Go does. Relative patterns are resolved against `cwd`.
 */
export function glob(pattern: string, cwd: string = process.cwd()): string[] {
  if (pattern === '') return [];
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  if (!hasGlobMeta(pattern)) return exists(absolute(pattern)) ? [pattern] : [];
  // Validate every component up front so a bad pattern is an error even when nothing is there.
  for (const part of pattern.split('/')) if (hasGlobMeta(part)) componentRegExp(part);
  const rooted = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let current: string[] = [rooted ? '/' : ''];
  if (rooted) parts.shift();
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    const next: string[] = [];
    for (const base of current) {
      const dir = base === '' ? '.' : base;
      if (!hasGlobMeta(part)) {
        const candidate = base === '' ? part : join(base, part);
        if (last ? exists(absolute(candidate)) : isDirectory(absolute(candidate))) next.push(candidate);
        continue;
      }
      if (!isDirectory(absolute(dir))) continue;
      const re = componentRegExp(part);
      let entries: string[];
      try {
        entries = readdirSync(absolute(dir)).sort();
      } catch {
        continue; // unreadable directories are skipped, as Go's Glob does
      }
      for (const entry of entries) {
        if (!re.test(entry)) continue;
        const candidate = base === '' ? entry : base === '/' ? `/${entry}` : `${base}${sep}${entry}`;
        if (last || isDirectory(absolute(candidate))) next.push(candidate);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
