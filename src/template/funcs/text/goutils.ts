/**
 * The parts of github.com/Masterminds/goutils v1.1.1 (the version sprig v3.3.0 pins) that sprig's
 * string functions call, ported with their byte-level quirks: Initials and DeleteWhiteSpace walk the
 * bytes of the string and write each kept byte back as a rune, so non-ASCII text is re-encoded as
 * Latin-1 characters when anything changes.
 */
import { isLower, isSpace, isTitle, isUpper, toLower, toTitle, toUpper } from './unicode.js';
import { ByteBuilder, fromBytes, fromRunes, runes, toBytes } from './utf8.js';

/** goutils.AbbreviateFull; errors are returned as [result, message]. */
export function abbreviateFull(str: string, offset0: number, maxWidth: number): [string, string | undefined] {
  if (str === '') return ['', undefined];
  if (maxWidth < 4) return ['', 'stringutils illegal argument: Minimum abbreviation width is 4'];
  const b = toBytes(str);
  const len = b.length;
  if (len <= maxWidth) return [str, undefined];
  let offset = offset0;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  const marker = '...';
  if (offset <= 4) return [fromBytes(b.subarray(0, maxWidth - 3)) + marker, undefined];
  if (maxWidth < 7) return ['', 'stringutils illegal argument: Minimum abbreviation width with offset is 7'];
  if (offset + maxWidth - 3 < len) {
    const [abbr] = abbreviateFull(fromBytes(b.subarray(offset)), 0, maxWidth - 3);
    return [marker + abbr, undefined];
  }
  return [marker + fromBytes(b.subarray(len - (maxWidth - 3))), undefined];
}

/** goutils.WrapCustom: wraps at spaces on byte columns. */
export function wrapCustom(
  str: string,
  wrapLength0: number,
  newLineStr0: string,
  wrapLongWords: boolean,
): string {
  if (str === '') return '';
  const newLine = toBytes(newLineStr0 === '' ? '\n' : newLineStr0);
  const wrapLength = Math.max(wrapLength0, 1);
  const s = toBytes(str);
  const inputLineLength = s.length;
  let offset = 0;
  const out = new ByteBuilder();
  const SPACE = 0x20;
  const lastIndexSpace = (from: number, to: number): number => {
    for (let i = to - 1; i >= from; i--) if (s[i] === SPACE) return i - from;
    return -1;
  };
  const indexSpace = (from: number): number => {
    for (let i = from; i < s.length; i++) if (s[i] === SPACE) return i - from;
    return -1;
  };
  while (inputLineLength - offset > wrapLength) {
    if (s[offset] === SPACE) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    let spaceToWrapAt = lastIndexSpace(offset, end) + offset;
    if (spaceToWrapAt >= offset) {
      out.writeBytes(s.subarray(offset, spaceToWrapAt));
      out.writeBytes(newLine);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out.writeBytes(s.subarray(offset, wrapLength + offset));
      out.writeBytes(newLine);
      offset += wrapLength;
    } else {
      const end2 = wrapLength + offset;
      const index = indexSpace(end2);
      if (index === -1) {
        out.writeBytes(s.subarray(offset));
        offset = inputLineLength;
      } else {
        spaceToWrapAt = index + end2;
        out.writeBytes(s.subarray(offset, spaceToWrapAt));
        out.writeBytes(newLine);
        offset = spaceToWrapAt + 1;
      }
    }
  }
  out.writeBytes(s.subarray(offset));
  return out.string();
}

/** goutils.Initials with whitespace delimiters: the first byte of every word, written as a rune. */
export function initials(str: string): string {
  if (str === '') return str;
  const out = new ByteBuilder();
  let lastWasGap = true;
  for (const ch of toBytes(str)) {
    if (isSpace(ch)) lastWasGap = true;
    else if (lastWasGap) {
      out.writeRune(ch);
      lastWasGap = false;
    }
  }
  return out.string();
}

/** goutils.DeleteWhiteSpace: drops bytes that are spaces as runes (including 0x85 and 0xA0). */
export function deleteWhiteSpace(str: string): string {
  if (str === '') return str;
  const b = toBytes(str);
  const out = new ByteBuilder();
  let count = 0;
  for (const ch of b) {
    if (!isSpace(ch)) {
      out.writeRune(ch);
      count++;
    }
  }
  if (count === b.length) return str;
  return out.string();
}

/** goutils.Uncapitalize with whitespace delimiters (works on runes). */
export function uncapitalize(str: string): string {
  if (str === '') return str;
  const rs = runes(str);
  let next = true;
  for (let i = 0; i < rs.length; i++) {
    const ch = rs[i] as number;
    if (isSpace(ch)) next = true;
    else if (next) {
      rs[i] = toLower(ch);
      next = false;
    }
  }
  return fromRunes(rs);
}

/** goutils.SwapCase: upper/title -> lower, lower -> title after whitespace, else upper. */
export function swapCase(str: string): string {
  if (str === '') return str;
  const rs = runes(str);
  let whitespace = true;
  for (let i = 0; i < rs.length; i++) {
    const ch = rs[i] as number;
    if (isUpper(ch) || isTitle(ch)) {
      rs[i] = toLower(ch);
      whitespace = false;
    } else if (isLower(ch)) {
      if (whitespace) {
        rs[i] = toTitle(ch);
        whitespace = false;
      } else {
        rs[i] = toUpper(ch);
      }
    } else {
      whitespace = isSpace(ch);
    }
  }
  return fromRunes(rs);
}
