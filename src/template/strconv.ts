/**
 * Go's strconv formatting and quoting, byte-exact with Go 1.26 (`internal/strconv/ftoa.go`,
 * `strconv/quote.go`).
 *
 * Go strings are bytes, JS strings are UTF-16. Throughout, a JS string stands for its UTF-8
 * encoding; a lone surrogate (which no valid UTF-8 can encode) stands for U+FFFD, which is what
 * Go's decoders (encoding/json, utf8.DecodeRune) turn the bytes of one into. Byte slices that hold
 * invalid UTF-8 are decoded as Go does: one U+FFFD (utf8.RuneError) per invalid byte.
 */
import { GRAPHIC_RANGES, PRINT_RANGES } from './unicode-tables.js';
import { byteLength, toBytes } from './utf8.js';

export type FloatFormat = 'b' | 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X';

// ---- Unicode classes ------------------------------------------------------------------------------

/** utf8.MaxRune */
export const MAX_RUNE = 0x10ffff;
/** utf8.RuneError */
export const RUNE_ERROR = 0xfffd;

function inRanges(table: readonly number[], r: number): boolean {
  // Binary search over the flat [first, last, first, last...] list for the last first <= r.
  let lo = 0;
  let hi = table.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((table[mid * 2] as number) <= r) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && r <= (table[lo * 2 - 1] as number);
}

/** strconv.IsPrint (= unicode.IsPrint): letters, marks, numbers, punctuation, symbols, ASCII space. */
export function isPrint(r: number): boolean {
  if (r <= 0xff) {
    // Latin-1 fast path, as strconv.IsPrint.
    if (r >= 0x20 && r <= 0x7e) return true;
    if (r >= 0xa1 && r <= 0xff) return r !== 0xad;
    return false;
  }
  return inRanges(PRINT_RANGES, r);
}

/** strconv.IsGraphic (= unicode.IsGraphic): IsPrint plus the Zs spaces. */
export function isGraphic(r: number): boolean {
  return isPrint(r) || inRanges(GRAPHIC_RANGES, r);
}

/** utf8.ValidRune: a Unicode scalar value. */
export function validRune(r: number): boolean {
  return (r >= 0 && r < 0xd800) || (r > 0xdfff && r <= MAX_RUNE);
}

// ---- UTF-8 helpers --------------------------------------------------------------------------------

const SURROGATE = /[\ud800-\udfff]/;

/** The UTF-8 bytes of a string (lone surrogates become U+FFFD, EF BF BD). */
export function utf8Bytes(s: string): Uint8Array {
  return toBytes(s);
}

/** Number of runes (code points) in a string; a lone surrogate counts as one (it is U+FFFD). */
export function runeCount(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Number of UTF-8 bytes of a string (Go's len); an escaped invalid byte counts one (utf8.ts). */
export function utf8Length(s: string): number {
  return byteLength(s);
}

/**
 * The runes of a string, as `for _, r := range s` yields them (a lone surrogate is U+FFFD).
 */
export function stringRunes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
          i++;
          continue;
        }
      }
      out.push(RUNE_ERROR);
    } else out.push(c);
  }
  return out;
}

/**
 * Decodes bytes as Go's utf8.DecodeRune does, one rune at a time. An invalid byte (bad lead byte,
 * bad continuation, overlong form, surrogate, > U+10FFFF) decodes as one rune of width 1; it is
 * returned as `-1 - byte` so that quoting can print it as `\xNN` as Go does.
 */
export function decodeBytes(b: Uint8Array): number[] {
  const out: number[] = [];
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c0 = b[i] as number;
    if (c0 < 0x80) {
      out.push(c0);
      i++;
      continue;
    }
    let size = 0;
    let r = -1;
    const c1 = i + 1 < n ? (b[i + 1] as number) : -1;
    const c2 = i + 2 < n ? (b[i + 2] as number) : -1;
    const c3 = i + 3 < n ? (b[i + 3] as number) : -1;
    const cont = (c: number): boolean => c >= 0x80 && c <= 0xbf;
    if (c0 >= 0xc2 && c0 <= 0xdf) {
      if (cont(c1)) {
        r = ((c0 & 0x1f) << 6) | (c1 & 0x3f);
        size = 2;
      }
    } else if (c0 >= 0xe0 && c0 <= 0xef) {
      // Second byte ranges exclude overlongs (E0) and surrogates (ED), as utf8.acceptRanges.
      const lo = c0 === 0xe0 ? 0xa0 : 0x80;
      const hi = c0 === 0xed ? 0x9f : 0xbf;
      if (c1 >= lo && c1 <= hi && cont(c2)) {
        r = ((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
        size = 3;
      }
    } else if (c0 >= 0xf0 && c0 <= 0xf4) {
      const lo = c0 === 0xf0 ? 0x90 : 0x80;
      const hi = c0 === 0xf4 ? 0x8f : 0xbf;
      if (c1 >= lo && c1 <= hi && cont(c2) && cont(c3)) {
        r = ((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
        size = 4;
      }
    }
    if (size === 0) {
      out.push(-1 - c0);
      i++;
    } else {
      out.push(r);
      i += size;
    }
  }
  return out;
}

/** A JS string from runes; invalid bytes (negative entries) and invalid runes become U+FFFD. */
export function runesToString(runes: readonly number[]): string {
  let s = '';
  for (const r of runes) {
    // An invalid byte from decodeBytes (-1 - byte) stays that byte, escaped as utf8.ts does.
    if (r < 0) s += String.fromCharCode(0xdc00 + (-1 - r));
    else s += String.fromCodePoint(validRune(r) ? r : RUNE_ERROR);
  }
  return s;
}

/** string(b) for a byte slice: invalid bytes are kept, escaped as utf8.ts does. */
export function bytesToString(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if ((b[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return String.fromCharCode(...b);
  return runesToString(decodeBytes(b));
}

// ---- Quoting --------------------------------------------------------------------------------------

const LOWER_HEX = '0123456789abcdef';

function hex2(b: number): string {
  return (LOWER_HEX[b >> 4] as string) + (LOWER_HEX[b & 0xf] as string);
}

/** strconv.appendEscapedRune */
function escapedRune(r: number, quote: number, asciiOnly: boolean, graphicOnly: boolean): string {
  if (r === quote || r === 0x5c) return `\\${String.fromCharCode(r)}`;
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r) || (graphicOnly && isGraphic(r))) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
    default:
      break;
  }
  if (r < 0x20 || r === 0x7f) return `\\x${hex2(r)}`;
  let v = r;
  if (!validRune(v)) v = RUNE_ERROR;
  if (v < 0x10000) return `\\u${v.toString(16).padStart(4, '0')}`;
  return `\\U${v.toString(16).padStart(8, '0')}`;
}

/** strconv.appendQuotedWith over runes (negative entries are invalid bytes, printed `\xNN`). */
export function quoteRunesWith(
  runes: readonly number[],
  quote: number,
  asciiOnly: boolean,
  graphicOnly: boolean,
): string {
  const q = String.fromCharCode(quote);
  let out = q;
  for (const r of runes) {
    if (r < 0) out += `\\x${hex2(-1 - r)}`;
    else if (r >= 0x20 && r < 0x7f && r !== quote && r !== 0x5c) out += String.fromCharCode(r);
    else out += escapedRune(r, quote, asciiOnly, graphicOnly);
  }
  return out + q;
}

const NOT_PLAIN_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/**
 * True when every char is printable ASCII other than `"` and `\`: such strings quote as is. A
 * regular expression, not a loop: cold code runs in V8's interpreter, where loops cost most.
 */
function plainASCII(s: string): boolean {
  return !NOT_PLAIN_ASCII.test(s);
}

/** strconv.Quote: a double-quoted Go string literal; non-printable runes are escaped. */
export function quote(s: string): string {
  if (plainASCII(s)) return `"${s}"`;
  return quoteRunesWith(quotedRunes(s), 0x22, false, false);
}

/**
 * The runes of s for quoting: like stringRunes, but an escaped invalid byte (U+DC80..U+DCFF, see
 * utf8.ts) is `-1 - byte`, so that it prints as `\xNN` as Go quotes invalid UTF-8.
 */
function quotedRunes(s: string): number[] {
  const runes = stringRunes(s);
  if (!/[\udc80-\udcff]/.test(s)) return runes;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < s.length; i++, j++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(runes[j] as number);
        i++;
        continue;
      }
    }
    out.push(c >= 0xdc80 && c <= 0xdcff ? -1 - (c - 0xdc00) : (runes[j] as number));
  }
  return out;
}

/** strconv.QuoteToASCII: like quote, but every non-ASCII rune is escaped too. */
export function quoteToASCII(s: string): string {
  if (plainASCII(s)) return `"${s}"`;
  return quoteRunesWith(quotedRunes(s), 0x22, true, false);
}

/** strconv.QuoteToGraphic: like quote, but graphic spaces (Zs) stay unescaped. */
export function quoteToGraphic(s: string): string {
  if (plainASCII(s)) return `"${s}"`;
  return quoteRunesWith(quotedRunes(s), 0x22, false, true);
}

/** strconv.Quote(string(b)) for a byte slice: invalid bytes print as `\xNN`. */
export function quoteBytes(b: Uint8Array, asciiOnly = false): string {
  return quoteRunesWith(decodeBytes(b), 0x22, asciiOnly, false);
}

function quoteRuneWith(r: number, asciiOnly: boolean, graphicOnly: boolean): string {
  const v = validRune(r) ? r : RUNE_ERROR;
  return `'${escapedRune(v, 0x27, asciiOnly, graphicOnly)}'`;
}

/** strconv.QuoteRune: a single-quoted Go character literal; invalid runes are U+FFFD. */
export function quoteRune(r: number): string {
  return quoteRuneWith(r, false, false);
}

/** strconv.QuoteRuneToASCII */
export function quoteRuneToASCII(r: number): string {
  return quoteRuneWith(r, true, false);
}

/** strconv.QuoteRuneToGraphic */
export function quoteRuneToGraphic(r: number): string {
  return quoteRuneWith(r, false, true);
}

/** strconv.CanBackquote over runes (negative entries are invalid bytes). */
export function canBackquoteRunes(runes: readonly number[]): boolean {
  for (const r of runes) {
    if (r < 0) return false; // utf8.RuneError of width 1
    if (r >= 0x80) {
      if (r === 0xfeff) return false; // BOMs are invisible and should not be quoted.
      continue;
    }
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

/** strconv.CanBackquote: s can be a single-line raw string literal without control chars but tab. */
export function canBackquote(s: string): boolean {
  return canBackquoteRunes(quotedRunes(s));
}

/** strconv.CanBackquote(string(b)) for a byte slice. */
export function canBackquoteBytes(b: Uint8Array): boolean {
  return canBackquoteRunes(decodeBytes(b));
}

/** strconv.ErrSyntax as thrown by unquote. */
export class UnquoteError extends Error {
  override readonly name = 'UnquoteError';
  constructor() {
    super('invalid syntax');
  }
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Appends the UTF-8 encoding of rune r to bytes. */
function pushRune(bytes: number[], r: number): void {
  if (r < 0x80) bytes.push(r);
  else if (r < 0x800) bytes.push(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  else if (r < 0x10000) bytes.push(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  else bytes.push(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
}

/**
 * strconv.UnquoteChar over the runes of a literal: decodes one character or escape at runes[i].
 * Pushes its bytes (a `\x` or octal escape gives one raw byte) and returns the next index.
 * Throws UnquoteError as Go returns ErrSyntax.
 */
function unquoteChar(runes: readonly number[], i: number, quoteChar: number, bytes: number[]): number {
  if (i >= runes.length) throw new UnquoteError();
  const c = runes[i] as number;
  if (c === quoteChar && (quoteChar === 0x27 || quoteChar === 0x22)) throw new UnquoteError();
  if (c !== 0x5c) {
    pushRune(bytes, c);
    return i + 1;
  }
  if (i + 1 >= runes.length) throw new UnquoteError();
  const e = runes[i + 1] as number;
  let j = i + 2;
  switch (e) {
    case 0x61: // a
      bytes.push(0x07);
      return j;
    case 0x62: // b
      bytes.push(0x08);
      return j;
    case 0x66: // f
      bytes.push(0x0c);
      return j;
    case 0x6e: // n
      bytes.push(0x0a);
      return j;
    case 0x72: // r
      bytes.push(0x0d);
      return j;
    case 0x74: // t
      bytes.push(0x09);
      return j;
    case 0x76: // v
      bytes.push(0x0b);
      return j;
    case 0x78: // x
    case 0x75: // u
    case 0x55: {
      // U
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (runes.length - j < n) throw new UnquoteError();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const x = unhex(runes[j + k] as number);
        if (x < 0) throw new UnquoteError();
        v = v * 16 + x;
      }
      j += n;
      if (e === 0x78) {
        bytes.push(v); // single byte, possibly not UTF-8
        return j;
      }
      if (!validRune(v)) throw new UnquoteError();
      pushRune(bytes, v);
      return j;
    }
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37: {
      let v = e - 0x30;
      if (runes.length - j < 2) throw new UnquoteError();
      for (let k = 0; k < 2; k++) {
        const x = (runes[j + k] as number) - 0x30;
        if (x < 0 || x > 7) throw new UnquoteError();
        v = (v << 3) | x;
      }
      j += 2;
      if (v > 255) throw new UnquoteError();
      bytes.push(v);
      return j;
    }
    case 0x5c:
      bytes.push(0x5c);
      return j;
    case 0x27:
    case 0x22:
      if (e !== quoteChar) throw new UnquoteError();
      bytes.push(e);
      return j;
    default:
      throw new UnquoteError();
  }
}

/**
 * strconv.Unquote: interprets s as a single-quoted, double-quoted or backquoted Go literal and
 * returns the string it quotes. Throws UnquoteError ("invalid syntax") otherwise. Escapes that
 * produce invalid UTF-8 (`"\xff"`) give U+FFFD per invalid byte.
 */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new UnquoteError();
  const q = s.charCodeAt(0);
  const end = s.indexOf(String.fromCharCode(q), 1);
  if (end < 0) throw new UnquoteError();
  if (q === 0x60) {
    // Raw string: must end at the first backquote; carriage returns are discarded.
    if (end !== n - 1) throw new UnquoteError();
    const body = s.slice(1, end);
    return body.includes('\r') ? body.replaceAll('\r', '') : body;
  }
  if (q !== 0x22 && q !== 0x27) throw new UnquoteError();
  const runes = stringRunes(s);
  // Simple case: no escapes and no newline before the first closing quote.
  const head = s.slice(0, end + 1);
  if (!head.includes('\\') && !head.includes('\n')) {
    if (q === 0x22) {
      if (end !== n - 1) throw new UnquoteError();
      return s.slice(1, end);
    }
    const inner = stringRunes(s.slice(1, end));
    if (inner.length <= 1 && end === n - 1) return s.slice(1, end);
  }
  const bytes: number[] = [];
  let i = 1;
  while (i < runes.length && runes[i] !== q) {
    if (runes[i] === 0x0a) throw new UnquoteError();
    i = unquoteChar(runes, i, q, bytes);
    if (q === 0x27) break; // a character literal holds one character
  }
  if (!(i < runes.length && runes[i] === q)) throw new UnquoteError();
  if (i + 1 !== runes.length) throw new UnquoteError();
  return runesToString(decodeBytes(Uint8Array.from(bytes)));
}

// ---- Integers -------------------------------------------------------------------------------------

/** strconv.FormatInt / FormatUint for a bigint in base 2..36 (lower-case digits). */
export function formatInt(v: bigint, base = 10): string {
  return v.toString(base);
}

// ---- Floats ---------------------------------------------------------------------------------------

/**
 * A decimal number 0.d[0]d[1]...d[nd-1] * 10^dp, with no trailing zeros, as Go's decimalSlice and
 * decimal. Zero has nd = 0.
 */
interface Decimal {
  d: string;
  nd: number;
  dp: number;
}

const pow5Cache: bigint[] = [1n];

function pow5(k: number): bigint {
  let p = pow5Cache[k];
  if (p !== undefined) return p;
  let i = pow5Cache.length - 1;
  p = pow5Cache[i] as bigint;
  while (i < k) {
    p *= 5n;
    i++;
    pow5Cache[i] = p;
  }
  return p;
}

function trimmed(d: string, dp: number): Decimal {
  let nd = d.length;
  while (nd > 0 && d.charCodeAt(nd - 1) === 0x30) nd--;
  if (nd === 0) return { d: '', nd: 0, dp: 0 };
  return { d: nd === d.length ? d : d.slice(0, nd), nd, dp };
}

/**
 * The exact decimal expansion of mant * 2^exp (mant an integer below 2^54), like Go's
 * decimal.Assign(mant) + Shift(exp), which never truncates for float32/float64 values.
 */
function exactDecimal(mant: number, exp: number): Decimal {
  if (mant === 0) return { d: '', nd: 0, dp: 0 };
  let m = mant;
  let e = exp;
  while (m % 2 === 0) {
    m /= 2;
    e++;
  }
  if (e >= 0) {
    if (e < 53) {
      const v = m * 2 ** e;
      if (Number.isSafeInteger(v)) {
        const s = String(v);
        return trimmed(s, s.length);
      }
    }
    const s = (BigInt(m) << BigInt(e)).toString();
    return trimmed(s, s.length);
  }
  // m * 2^e = m * 5^-e / 10^-e: the digits of m * 5^-e with the point -e places from the right.
  const f = -e;
  let s: string;
  if (f <= 22 && Number.isSafeInteger(m * 5 ** f)) s = String(m * 5 ** f);
  else s = (BigInt(m) * pow5(f)).toString();
  return trimmed(s, s.length - f);
}

/** decimal.shouldRoundUp: round half to even on the exact digits. */
function shouldRoundUp(a: Decimal, nd: number): boolean {
  const c = a.d.charCodeAt(nd);
  if (c === 0x35 && nd + 1 === a.nd) {
    // Exactly halfway: round to even.
    return nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 === 1;
  }
  return c >= 0x35;
}

/** decimal.RoundDown */
function roundDown(a: Decimal, nd: number): void {
  if (nd < 0 || nd >= a.nd) return;
  const t = trimmed(a.d.slice(0, nd), a.dp);
  a.d = t.d;
  a.nd = t.nd;
  a.dp = t.dp;
}

/** decimal.RoundUp */
function roundUp(a: Decimal, nd: number): void {
  if (nd < 0 || nd >= a.nd) return;
  for (let i = nd - 1; i >= 0; i--) {
    const c = a.d.charCodeAt(i);
    if (c < 0x39) {
      a.d = a.d.slice(0, i) + String.fromCharCode(c + 1);
      a.nd = i + 1;
      return;
    }
  }
  // All nines: a single 1 with the point moved.
  a.d = '1';
  a.nd = 1;
  a.dp++;
}

/** decimal.Round: round to nd digits, half to even (half up when tiesUp). */
function round(a: Decimal, nd: number, tiesUp = false): void {
  if (nd < 0 || nd >= a.nd) return;
  const half = a.d.charCodeAt(nd) === 0x35 && nd + 1 === a.nd;
  if ((tiesUp && half) || shouldRoundUp(a, nd)) roundUp(a, nd);
  else roundDown(a, nd);
}

interface FloatInfo {
  mantbits: number;
  expbits: number;
  bias: number;
}

const FLOAT32: FloatInfo = { mantbits: 23, expbits: 8, bias: -127 };
const FLOAT64: FloatInfo = { mantbits: 52, expbits: 11, bias: -1023 };

/**
 * strconv's roundShortest (ftoa.go): rounds d = mant * 2^(exp-mantbits) to the shortest digits
 * that still read back as the same float; among those, the closest.
 *
 * Go 1.26 computes shortest digits with Dragonbox (ftoadbox.go), which agrees with roundShortest
 * except on an exact tie between two shortest candidates for a power of two (mant = 2^mantbits,
 * Algorithm 5.6): there it rounds half up, not to even (unless the Dragonbox exponent is -77).
 * float32(2^-12) = 0.000244140625 prints 0.00024414063.
 */
function roundShortest(d: Decimal, mant: number, exp: number, flt: FloatInfo): void {
  if (mant === 0) {
    d.nd = 0;
    return;
  }
  const minexp = flt.bias + 1;
  if (exp > minexp && 332 * (d.dp - d.nd) >= 100 * (exp - flt.mantbits)) return;
  const upper = exactDecimal(mant * 2 + 1, exp - flt.mantbits - 1);
  let mantlo: number;
  let explo: number;
  if (mant > 2 ** flt.mantbits || exp === minexp) {
    mantlo = mant - 1;
    explo = exp;
  } else {
    mantlo = mant * 2 - 1;
    explo = exp - 1;
  }
  const lower = exactDecimal(mantlo * 2 + 1, explo - flt.mantbits - 1);
  const inclusive = mant % 2 === 0;
  let upperdelta = 0;
  for (let ui = 0; ; ui++) {
    const mi = ui - upper.dp + d.dp;
    if (mi >= d.nd) break;
    const li = ui - upper.dp + lower.dp;
    const l = li >= 0 && li < lower.nd ? lower.d.charCodeAt(li) : 0x30;
    const m = mi >= 0 ? d.d.charCodeAt(mi) : 0x30;
    const u = ui < upper.nd ? upper.d.charCodeAt(ui) : 0x30;
    const okdown = l !== m || (inclusive && li + 1 === lower.nd);
    if (upperdelta === 0 && m + 1 < u) upperdelta = 2;
    else if (upperdelta === 0 && m !== u) upperdelta = 1;
    else if (upperdelta === 1 && (m !== 0x39 || u !== 0x30)) upperdelta = 2;
    const okup = upperdelta > 0 && (inclusive || upperdelta > 1 || ui + 1 < upper.nd);
    if (okdown && okup) {
      round(d, mi + 1, mant === 2 ** flt.mantbits && exp - flt.mantbits !== -77);
      return;
    }
    if (okdown) {
      roundDown(d, mi + 1);
      return;
    }
    if (okup) {
      roundUp(d, mi + 1);
      return;
    }
  }
}

/**
 * Shortest digits of a float64 from JS's Number-to-String, which (like Go's Dragonbox and
 * roundShortest) gives the fewest digits that read back exactly, the closest such.
 */
function shortest64(abs: number): Decimal {
  const s = String(abs);
  const e = s.indexOf('e');
  const mant = e < 0 ? s : s.slice(0, e);
  const exp10 = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const intLen = dot < 0 ? mant.length : dot;
  const all = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  let lead = 0;
  while (lead < all.length && all.charCodeAt(lead) === 0x30) lead++;
  return trimmed(all.slice(lead), intLen + exp10 - lead);
}

const f64 = new Float64Array(1);
const f64u = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface FloatBits {
  neg: boolean;
  exp: number;
  mant: number;
}

function floatBits(val: number, bitSize: 32 | 64): FloatBits {
  if (bitSize === 32) {
    f32[0] = val;
    const b = f32u[0] as number;
    return { neg: b >>> 31 === 1, exp: (b >>> 23) & 0xff, mant: b & 0x7fffff };
  }
  f64[0] = val;
  const hi = f64u[LITTLE_ENDIAN ? 1 : 0] as number;
  const lo = f64u[LITTLE_ENDIAN ? 0 : 1] as number;
  return { neg: hi >>> 31 === 1, exp: (hi >>> 20) & 0x7ff, mant: (hi & 0xfffff) * 0x100000000 + lo };
}

/**
 * strconv.FormatFloat: formats f with format fmt and precision prec (-1: the fewest digits that
 * read back exactly), assuming f came from a float of bitSize bits.
 */
export function formatFloat(f: number, fmt: FloatFormat, prec: number, bitSize: 32 | 64): string {
  const flt = bitSize === 32 ? FLOAT32 : FLOAT64;
  const bits = floatBits(f, bitSize);
  const { neg } = bits;
  let { exp, mant } = bits;
  if (exp === 2 ** flt.expbits - 1) {
    if (mant !== 0) return 'NaN';
    return neg ? '-Inf' : '+Inf';
  }
  if (exp === 0) {
    exp++; // denormalized
  } else {
    mant += 2 ** flt.mantbits; // add implicit top bit
  }
  exp += flt.bias;

  if (fmt === 'b') return fmtB(neg, mant, exp, flt);
  if (fmt === 'x' || fmt === 'X') return fmtX(prec, fmt, neg, mant, exp, flt);

  const shortest = prec < 0;
  let digs: Decimal;
  let p = prec;
  if (mant === 0) {
    digs = { d: '', nd: 0, dp: 0 };
  } else if (shortest) {
    if (bitSize === 64) {
      digs = shortest64(Math.abs(f));
    } else {
      digs = exactDecimal(mant, exp - flt.mantbits);
      roundShortest(digs, mant, exp, flt);
    }
    switch (fmt) {
      case 'e':
      case 'E':
        p = Math.max(digs.nd - 1, 0);
        break;
      case 'f':
        p = Math.max(digs.nd - digs.dp, 0);
        break;
      default:
        p = digs.nd;
        break;
    }
  } else {
    const x = bitSize === 32 ? Math.fround(f) : f;
    switch (fmt) {
      case 'e':
      case 'E':
        digs = roundedSignificant(x, mant, exp - flt.mantbits, p + 1);
        break;
      case 'f': {
        const fixed = toFixedGo(x, mant, exp - flt.mantbits, p);
        if (fixed !== undefined) return fixed;
        digs = exactDecimal(mant, exp - flt.mantbits);
        round(digs, digs.dp + p);
        break;
      }
      default:
        if (p === 0) p = 1;
        digs = roundedSignificant(x, mant, exp - flt.mantbits, p);
        break;
    }
  }
  return formatDigits(shortest, neg, digs, p, fmt);
}

const LOG10_5 = Math.log10(5);

/**
 * The binary exponent of a nonzero mant * 2^exp once mant is odd: for a negative one e, the exact
 * decimal expansion has exactly -e fractional digits and its last digit is a 5.
 */
function oddExponent(mant: number, exp: number): [number, number] {
  let m = mant;
  let e = exp;
  while (m % 2 === 0) {
    m /= 2;
    e++;
  }
  return [m, e];
}

/**
 * %.Nf through JS's toFixed when that is exact: toFixed rounds the exact binary value correctly
 * but breaks ties away from zero where Go rounds half to even. A tie needs the expansion to end
 * exactly one digit past the precision, so those (and values toFixed cannot do) return undefined.
 */
function toFixedGo(x: number, mant: number, exp: number, prec: number): string | undefined {
  if (prec > 100 || !(Math.abs(x) < 1e21)) return undefined;
  const [, e] = oddExponent(mant, exp);
  if (e < 0 && -e === prec + 1) return undefined;
  return x.toFixed(prec);
}

/**
 * The digits of nonzero x (= mant * 2^exp) rounded to nd significant digits, as Go's
 * decimal.Round(nd) on the exact value (half to even). toExponential is correctly rounded except
 * that it breaks ties upward, and a tie needs an expansion of exactly nd+1 significant digits:
 * those, and anything toExponential cannot do, take the exact BigInt path.
 */
function roundedSignificant(x: number, mant: number, exp: number, nd: number): Decimal {
  if (nd <= 101) {
    const [m, e] = oddExponent(mant, exp);
    let sig = -1; // significant digits of the exact expansion, -1 when unsure
    if (e >= 0) {
      const a = Math.abs(x);
      if (a <= Number.MAX_SAFE_INTEGER) sig = trimmed(String(a), 0).nd;
    } else {
      const l = Math.log10(m) + -e * LOG10_5;
      const frac = l - Math.floor(l);
      if (frac > 1e-6 && frac < 1 - 1e-6) sig = Math.floor(l) + 1;
    }
    if (sig >= 0 && sig !== nd + 1) {
      const s = Math.abs(x).toExponential(nd - 1);
      const ePos = s.indexOf('e');
      const digits = nd > 1 ? (s[0] as string) + s.slice(2, ePos) : s.slice(0, ePos);
      return trimmed(digits, Number(s.slice(ePos + 1)) + 1);
    }
  }
  const digs = exactDecimal(mant, exp);
  round(digs, nd);
  return digs;
}

/** strconv's formatDigits */
function formatDigits(
  shortest: boolean,
  neg: boolean,
  digs: Decimal,
  prec: number,
  fmt: FloatFormat,
): string {
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > digs.nd && digs.nd >= digs.dp) eprec = digs.nd;
      // %e is used if the exponent from the conversion is less than -4 or greater than or equal
      // to the precision. If precision was the shortest possible, use precision 6 for this decision.
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        let p = prec;
        if (p > digs.nd) p = digs.nd;
        return fmtE(neg, digs, p - 1, fmt === 'g' ? 'e' : 'E');
      }
      let p = prec;
      if (p > digs.dp) p = digs.nd;
      return fmtF(neg, digs, Math.max(p - digs.dp, 0));
    }
    default:
      return `%${fmt}`;
  }
}

/** %e: -d.ddddde±dd */
function fmtE(neg: boolean, d: Decimal, prec: number, fmt: 'e' | 'E'): string {
  let out = neg ? '-' : '';
  out += d.nd !== 0 ? d.d[0] : '0';
  if (prec > 0) {
    out += '.';
    const m = Math.min(d.nd, prec + 1);
    if (m > 1) out += d.d.slice(1, m);
    const have = Math.max(m, 1);
    if (prec + 1 > have) out += '0'.repeat(prec + 1 - have);
  }
  out += fmt;
  let exp = d.dp - 1;
  if (d.nd === 0) exp = 0; // special case: 0 has exponent 0
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  return out + (exp < 10 ? `0${exp}` : String(exp));
}

/** %f: -ddddddd.ddddd */
function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) {
    const m = Math.min(d.nd, d.dp);
    out += d.d.slice(0, m);
    if (m < d.dp) out += '0'.repeat(d.dp - m);
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    // Digits d.dp .. d.dp+prec-1 of the expansion, zero outside [0, nd).
    const start = d.dp;
    const lead = Math.min(Math.max(-start, 0), prec);
    if (lead > 0) out += '0'.repeat(lead);
    const from = start + lead;
    const to = Math.min(d.nd, start + prec);
    if (to > from) out += d.d.slice(from, to);
    const written = lead + Math.max(to - from, 0);
    if (written < prec) out += '0'.repeat(prec - written);
  }
  return out;
}

/** %b: -ddddddddp±ddd */
function fmtB(neg: boolean, mant: number, exp: number, flt: FloatInfo): string {
  const e = exp - flt.mantbits;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** %x: -0x1.yyyyyyyyp±ddd or -0x0p+00 (strconv's fmtX, with uint64 arithmetic). */
function fmtX(
  prec: number,
  fmt: 'x' | 'X',
  neg: boolean,
  mantNum: number,
  expIn: number,
  flt: FloatInfo,
): string {
  let exp = expIn;
  let mant = BigInt(mantNum);
  if (mant === 0n) exp = 0;
  // Shift digits so leading 1 (if any) is at bit 1<<60.
  mant <<= BigInt(60 - flt.mantbits);
  const bit60 = 1n << 60n;
  while (mant !== 0n && (mant & bit60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (bit60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : LOWER_HEX;
  let out = neg ? '-' : '';
  out += `0${fmt}${(mant >> 60n) & 1n}`;
  mant = U64(mant << 4n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = U64(mant << 4n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = U64(mant << 4n);
    }
  }
  out += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  return out + (exp < 10 ? `0${exp}` : String(exp));
}
