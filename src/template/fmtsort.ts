/**
 * The key order Go's internal/fmtsort gives map entries, which fmt (`map[a:1 b:2]`) and
 * text/template's `range` over maps both use.
 *
 * Map keys in the value model are strings; fmtsort orders strings with `<` on their bytes, which
 * for UTF-8 is code point order. JS compares UTF-16 code units, which differs for code points
 * above U+FFFF against U+E000..U+FFFF: compareStrings corrects that.
 */
import type { GoMap, Value } from './value.js';

/** cmp.Compare on the UTF-8 bytes of two strings: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Move surrogates (code points >= U+10000) above U+E000..U+FFFF to get code point order.
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The map's entries sorted by key as fmtsort.Sort does. */
export function sortedEntries(m: GoMap | ReadonlyMap<string, Value>): [string, Value][] {
  const entries = [...m.entries()];
  if (entries.length > 1) entries.sort((p, q) => compareStrings(p[0], q[0]));
  return entries;
}

/** The map's keys sorted as fmtsort.Sort does. */
export function sortedKeys(m: GoMap | ReadonlyMap<string, Value>): string[] {
  const keys = [...m.keys()];
  if (keys.length > 1) keys.sort(compareStrings);
  return keys;
}
