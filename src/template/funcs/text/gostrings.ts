/**
 * Go's strings package functions that sprig exposes, with Go's semantics on engine strings: case
 * mapping per rune with Go's Unicode tables, white space as unicode.IsSpace, empty separators
 * splitting between UTF-8 sequences, and byte-wise ordering.
 */
import { isDigit, isLetter, isSpace, toLower, toTitle, toUpper } from './unicode.js';
import { chars, fromRunes, goRune, isASCII, runes, toBytes } from './utf8.js';

/** strings.Map with a rune mapping (invalid bytes become U+FFFD, as Map writes them). */
export function mapRunes(s: string, mapping: (r: number) => number): string {
  return fromRunes(runes(s).map(mapping));
}

/** strings.ToUpper. */
export function upper(s: string): string {
  // On ASCII, JavaScript's case mapping is Go's (a-z and A-Z only).
  if (isASCII(s)) return s.toUpperCase();
  return mapRunes(s, toUpper);
}

/** strings.ToLower. */
export function lower(s: string): string {
  if (isASCII(s)) return s.toLowerCase();
  return mapRunes(s, toLower);
}

/** strings.isSeparator, the word rule of the deprecated strings.Title. */
function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if ((r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || r === 0x5f)
      return false;
    return true;
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

/** strings.Title: title-cases the first letter of each word (words separated per isSeparator). */
export function title(s: string): string {
  let prev = 0x20;
  return mapRunes(s, (r) => {
    const out = isSeparator(prev) ? toTitle(r) : r;
    prev = r;
    return out;
  });
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const cs = [...chars(s)];
  let start = 0;
  let end = cs.length;
  while (start < end && isSpace((cs[start] as [number, string])[0])) start++;
  while (end > start && isSpace((cs[end - 1] as [number, string])[0])) end--;
  return cs
    .slice(start, end)
    .map(([, t]) => t)
    .join('');
}

/** strings.Trim(s, cutset): drops leading and trailing runes that are in cutset. */
export function trim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(runes(cutset));
  const cs = [...chars(s)];
  let start = 0;
  let end = cs.length;
  while (start < end && set.has((cs[start] as [number, string])[0])) start++;
  while (end > start && set.has((cs[end - 1] as [number, string])[0])) end--;
  return cs
    .slice(start, end)
    .map(([, t]) => t)
    .join('');
}

/** strings.Repeat; panics like Go on a negative count. */
export function repeat(s: string, count: number): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  if (count === 0 || s === '') return '';
  const len = isASCII(s) ? s.length : toBytes(s).length;
  if (len * count > 2 ** 53 || !Number.isSafeInteger(len * count)) {
    throw new Error('strings: Repeat output length overflow');
  }
  return s.repeat(count);
}

/** The characters of s split as Go splits between UTF-8 sequences (astral characters stay whole). */
function explode(s: string, n: number): string[] {
  const cs = [...s];
  if (n < 0 || n > cs.length) return cs;
  const out = cs.slice(0, n - 1);
  out.push(cs.slice(n - 1).join(''));
  return out;
}

/** strings.SplitN (n < 0: all; n == 0: nil, given as undefined). */
export function splitN(s: string, sep: string, n: number): string[] | undefined {
  if (n === 0) return undefined;
  if (sep === '') return explode(s, n);
  if (n < 0) return s.split(sep);
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** strings.Replace(s, old, new, -1): an empty old matches at the start and after each UTF-8 sequence. */
export function replaceAll(s: string, old: string, replacement: string): string {
  if (old === replacement) return s;
  if (old !== '') {
    if (!s.includes(old)) return s;
    // Without `$`, a replacement string has no special patterns: replaceAll is then literal.
    return replacement.includes('$') ? s.split(old).join(replacement) : s.replaceAll(old, replacement);
  }
  return replacement + [...s].map((c) => c + replacement).join('');
}

/** Go's string comparison (byte-wise, so code point order; invalid bytes by their byte value). */
export { compareGoStrings as compareStrings } from '../../utf8.js';

export { goRune };
