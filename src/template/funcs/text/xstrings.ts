/**
 * github.com/huandu/xstrings v1.5.0 (the version sprig v3.3.0 pins): ToSnakeCase, ToKebabCase,
 * ToPascalCase (sprig's camelcase) and Shuffle, ported over the bytes of the Go string so that
 * invalid UTF-8 is kept or replaced exactly where xstrings keeps or replaces it.
 */
import { isLetter, isNumber, isPunct, isSpace, isUpper, toLower, toUpper } from './unicode.js';
import { ByteBuilder, decodeRune, fromRunes, runes, toBytes } from './utf8.js';

const RUNE_ERROR = 0xfffd;

function decode(b: Uint8Array, at: number): [number, number] {
  if (at >= b.length) return [RUNE_ERROR, 0];
  return decodeRune(b, at);
}

function isConnector(r: number): boolean {
  return r === 0x2d || r === 0x5f || isSpace(r);
}

/** xstrings.isAlphabet: a letter that is not a CJK ideograph. */
function isAlphabet(r: number): boolean {
  if (!isLetter(r)) return false;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** xstrings.toCamelCase(str, isBig). */
function toCamelCase(str: string, isBig: boolean): string {
  const s = toBytes(str);
  if (s.length === 0) return '';
  const buf = new ByteBuilder();
  let isFirstRuneUpper = false;
  let r0 = 0;
  let r1 = 0;
  let size = 0;
  let at = 0;
  while (at < s.length) {
    [r0, size] = decode(s, at);
    at += size;
    if (!isConnector(r0)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = isBig ? toUpper(r0) : toLower(r0);
      break;
    }
    buf.writeRune(r0);
  }
  if (at >= s.length) {
    // A special case for a string that contains only one rune.
    if (size !== 0) buf.writeRune(r0);
    return buf.string();
  }
  while (at < s.length) {
    r1 = r0;
    [r0, size] = decode(s, at);
    at += size;
    if (isConnector(r0) && isConnector(r1)) {
      buf.writeRune(r1);
      continue;
    }
    if (isConnector(r1)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (isFirstRuneUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else isFirstRuneUpper = false;
      }
      buf.writeRune(r1);
    }
  }
  if (isFirstRuneUpper && !isBig) r0 = toLower(r0);
  buf.writeRune(r0);
  return buf.string();
}

export const toPascalCase = (s: string): string => toCamelCase(s, true);
export const toCamelCaseLower = (s: string): string => toCamelCase(s, false);

enum WordType {
  Invalid = 0,
  Number = 1,
  UpperCase = 2,
  Alphabet = 3,
  Connector = 4,
  Punct = 5,
  Other = 6,
}

interface Word {
  wt: WordType;
  /** [start, end) of the word in the byte string. */
  start: number;
  end: number;
  /** Start of the remaining bytes. */
  rest: number;
}

/** xstrings.nextValidRune: skips invalid runes; at the end returns prev. */
function nextValidRune(s: Uint8Array, at: number, prev: number): [number, number] {
  let size = 0;
  let i = at;
  while (i < s.length) {
    const [r, sz] = decodeRune(s, i);
    size += sz;
    if (r !== RUNE_ERROR) return [r, size];
    i += sz;
  }
  return [prev, size];
}

/** xstrings.nextWord over s[from:]. */
function nextWord(s: Uint8Array, from: number): Word {
  const word: Word = { wt: WordType.Invalid, start: from, end: from, rest: from };
  if (from >= s.length) return word;
  let offset = 0;
  let remaining = from;
  let [r, size] = nextValidRune(s, remaining, RUNE_ERROR);
  offset += size;
  if (r === RUNE_ERROR) {
    word.end = from + offset;
    word.rest = from + offset;
    return word;
  }
  const len = s.length;
  if (isConnector(r)) {
    word.wt = WordType.Connector;
    remaining += size;
    while (remaining < len) {
      [r, size] = nextValidRune(s, remaining, r);
      if (!isConnector(r)) break;
      offset += size;
      remaining += size;
    }
  } else if (isPunct(r)) {
    word.wt = WordType.Punct;
    remaining += size;
    while (remaining < len) {
      [r, size] = nextValidRune(s, remaining, r);
      if (!isPunct(r)) break;
      offset += size;
      remaining += size;
    }
  } else if (isUpper(r)) {
    word.wt = WordType.UpperCase;
    remaining += size;
    if (remaining < len) {
      [r, size] = nextValidRune(s, remaining, r);
      if (isUpper(r)) {
        let prevSize = size;
        offset += size;
        remaining += size;
        while (remaining < len) {
          [r, size] = nextValidRune(s, remaining, r);
          if (!isUpper(r)) break;
          prevSize = size;
          offset += size;
          remaining += size;
        }
        // "HTTPStatus" splits into "HTTP" and "Status": the "S" stays in the remaining text.
        if (remaining < len && isAlphabet(r)) {
          offset -= prevSize;
          remaining = from + offset;
        }
      } else if (isAlphabet(r)) {
        offset += size;
        remaining += size;
        while (remaining < len) {
          [r, size] = nextValidRune(s, remaining, r);
          if (!isAlphabet(r) || isUpper(r)) break;
          offset += size;
          remaining += size;
        }
      }
    }
  } else if (isAlphabet(r)) {
    word.wt = WordType.Alphabet;
    remaining += size;
    while (remaining < len) {
      [r, size] = nextValidRune(s, remaining, r);
      if (!isAlphabet(r) || isUpper(r)) break;
      offset += size;
      remaining += size;
    }
  } else if (isNumber(r)) {
    word.wt = WordType.Number;
    remaining += size;
    while (remaining < len) {
      [r, size] = nextValidRune(s, remaining, r);
      if (!isNumber(r)) break;
      offset += size;
      remaining += size;
    }
  } else {
    word.wt = WordType.Other;
    remaining += size;
    while (remaining < len) {
      [r, size] = nextValidRune(s, remaining, r);
      if (size === 0 || isConnector(r) || isAlphabet(r) || isNumber(r) || isPunct(r)) break;
      offset += size;
      remaining += size;
    }
  }
  word.end = from + offset;
  word.rest = remaining;
  return word;
}

/** xstrings.toLower: lower-cases upper-case and connector words, writing connectors as `connector`. */
function writeLower(
  buf: ByteBuilder,
  s: Uint8Array,
  w: { wt: WordType; start: number; end: number },
  connector: number,
): void {
  if (w.wt !== WordType.UpperCase && w.wt !== WordType.Connector) {
    buf.writeBytes(s.subarray(w.start, w.end));
    return;
  }
  let at = w.start;
  while (at < w.end) {
    const [r, size] = decodeRune(s.subarray(0, w.end), at);
    at += size;
    if (isConnector(r)) buf.writeRune(connector);
    else if (isUpper(r)) buf.writeRune(toLower(r));
    else buf.writeRune(r);
  }
}

/** xstrings.camelCaseToLowerCase: the body of ToSnakeCase and ToKebabCase. */
function camelCaseToLowerCase(str: string, connector: number): string {
  const s = toBytes(str);
  if (s.length === 0) return '';
  const buf = new ByteBuilder();
  let w = nextWord(s, 0);
  const more = (): boolean => w.rest < s.length;
  while (more()) {
    if (w.wt !== WordType.Connector) writeLower(buf, s, w, connector);
    const prev = w.wt;
    const last = w;
    w = nextWord(s, w.rest);
    switch (prev) {
      case WordType.Number:
        while (w.wt === WordType.Alphabet || w.wt === WordType.Number) {
          writeLower(buf, s, w, connector);
          w = nextWord(s, w.rest);
        }
        if (w.wt !== WordType.Invalid && w.wt !== WordType.Punct && w.wt !== WordType.Connector) {
          buf.writeRune(connector);
        }
        break;
      case WordType.Connector:
        writeLower(buf, s, last, connector);
        break;
      case WordType.Punct:
        break;
      default: {
        if (w.wt !== WordType.Number) {
          if (w.wt !== WordType.Connector && w.wt !== WordType.Punct) buf.writeRune(connector);
          break;
        }
        if (!more()) break;
        const lastNumber = w;
        w = nextWord(s, w.rest);
        // Consider a number part of the previous word: "Bld4Floor" => "bld4_floor".
        if (w.wt !== WordType.Alphabet) {
          writeLower(buf, s, { ...lastNumber, wt: WordType.Number }, connector);
          if (w.wt !== WordType.Connector && w.wt !== WordType.Punct) buf.writeRune(connector);
          break;
        }
        // Lower-case letters after a number: the connector goes before the number ("HTTP2xx").
        buf.writeRune(connector);
        writeLower(buf, s, { ...lastNumber, wt: WordType.Number }, connector);
        while (w.wt === WordType.Alphabet || w.wt === WordType.Number) {
          writeLower(buf, s, w, connector);
          w = nextWord(s, w.rest);
        }
        if (w.wt !== WordType.Invalid && w.wt !== WordType.Connector && w.wt !== WordType.Punct) {
          buf.writeRune(connector);
        }
      }
    }
  }
  writeLower(buf, s, w, connector);
  return buf.string();
}

export const toSnakeCase = (s: string): string => camelCaseToLowerCase(s, 0x5f);
export const toKebabCase = (s: string): string => camelCaseToLowerCase(s, 0x2d);

/** xstrings.Shuffle: Fisher-Yates over the runes with rand.Intn(i + 1). */
export function shuffle(str: string, intn: (n: number) => number): string {
  if (str === '') return str;
  const rs = runes(str);
  for (let i = rs.length - 1; i > 0; i--) {
    const index = intn(i + 1);
    if (i !== index) [rs[i], rs[index]] = [rs[index] as number, rs[i] as number];
  }
  return fromRunes(rs);
}
