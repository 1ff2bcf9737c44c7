/**
 * The key order Go's internal/fmtsort gives map entries, which fmt (`map[a:1 b:2]`) and
 * text/template's `range` over maps both use.
 *
 * Map keys in the value model are strings; fmtsort orders strings with `<` on their bytes, which
 * for UTF-8 is code point order. JS compares UTF-16 code units, which differs for code points
 * above U+FFFF against U+E000..U+FFFF: compareStrings corrects that.
 */

import { compareGoStrings } from './utf8.js';
import type { GoMap, Value } from './value.js';

/** Go's string order, as fmtsort compares string keys (see utf8.ts). */
export const compareStrings = compareGoStrings;

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
