/**
 * Go strings are byte sequences; engine strings are JS (UTF-16) strings. Functions that work on bytes
 * (trunc, substr, abbrev, b64dec, ...) can produce bytes that are not valid UTF-8. So that such bytes
 * survive a round trip (`b64enc (b64dec x)`), a byte that is not part of a valid UTF-8 sequence is
 * held in a JS string as the lone low surrogate U+DC80..U+DCFF (U+DC00 + byte), like Python's
 * "surrogateescape". Writers that encode output as UTF-8 turn lone surrogates into U+FFFD; a writer
 * that wants Go's exact bytes can map them back with `toBytes`.
 *
 * Go's view of such a byte when it decodes runes is utf8.RuneError (U+FFFD) of width 1; `runes` and
 * `decodeRune` give the same view.
 */

const ESCAPE_BASE = 0xdc00;
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\ud800-\udfff]/u;

const NON_ASCII = /[^\0-\x7f]/;
const SURROGATE = /[\ud800-\udfff]/;

// Scans of whole strings are regular expressions rather than charCodeAt loops: a render runs mostly
// in V8's interpreter (it is over before most code is optimized), where a loop costs ~20x what the
// compiled regular expression does; optimized, they cost the same.

/** True when every UTF-16 unit of s is ASCII. */
export function isASCII(s: string): boolean {
  return !NON_ASCII.test(s);
}

/** The bytes of a Go string held in s (escaped bytes become the raw byte, other lone surrogates U+FFFD). */
export function toBytes(s: string): Uint8Array {
  if (!LONE_SURROGATE.test(s)) return new Uint8Array(Buffer.from(s, 'utf8'));
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0xdc80 && c <= 0xdcff) out.push(c - ESCAPE_BASE);
    else for (const b of Buffer.from(c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch, 'utf8')) out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * Decodes one rune from b at i as Go's utf8.DecodeRune: returns [rune, width]; an invalid or
 * truncated sequence gives [0xFFFD, 1].
 */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const n = b.length - i;
  if (n <= 0) return [0xfffd, 0];
  const b0 = b[i] as number;
  if (b0 < 0x80) return [b0, 1];
  const bad: [number, number] = [0xfffd, 1];
  if (b0 < 0xc2 || b0 > 0xf4) return bad;
  const size = b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
  if (n < size) {
    // A truncated sequence still decodes as one RuneError byte.
    return bad;
  }
  const b1 = b[i + 1] as number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 === 0xe0) lo = 0xa0;
  else if (b0 === 0xed) hi = 0x9f;
  else if (b0 === 0xf0) lo = 0x90;
  else if (b0 === 0xf4) hi = 0x8f;
  if (b1 < lo || b1 > hi) return bad;
  if (size === 2) return [((b0 & 0x1f) << 6) | (b1 & 0x3f), 2];
  const b2 = b[i + 2] as number;
  if (b2 < 0x80 || b2 > 0xbf) return bad;
  if (size === 3) return [((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f), 3];
  const b3 = b[i + 3] as number;
  if (b3 < 0x80 || b3 > 0xbf) return bad;
  return [((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f), 4];
}

/** The JS string holding the Go string with bytes b (invalid bytes escaped, see above). */
export function fromBytes(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if ((b[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  // Valid UTF-8 (the same definition in Go and WHATWG: no overlongs, surrogates or values past
  // U+10FFFF) decodes directly.
  try {
    return strictDecoder.decode(b);
  } catch {
    // Fall through to escape the invalid bytes.
  }
  let out = '';
  let i = 0;
  let start = 0;
  while (i < b.length) {
    const [r, w] = decodeRune(b, i);
    if (r === 0xfffd && w === 1) {
      out += Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('utf8');
      out += String.fromCharCode(ESCAPE_BASE + (b[i] as number));
      i++;
      start = i;
    } else {
      i += w;
    }
  }
  return out + Buffer.from(b.buffer, b.byteOffset + start, b.length - start).toString('utf8');
}

/** len(s) in Go: the number of bytes. */
export function byteLength(s: string): number {
  if (isASCII(s)) return s.length;
  if (!LONE_SURROGATE.test(s)) return Buffer.byteLength(s, 'utf8');
  return toBytes(s).length;
}

/** Go's s[start:end] on bytes. Callers check bounds (see sliceBoundsPanic). */
export function sliceBytes(s: string, start: number, end?: number): string {
  if (isASCII(s)) return s.slice(start, end);
  return fromBytes(toBytes(s).subarray(start, end));
}

/** The code point of one JS character as Go sees it when decoding: escaped bytes are RuneError. */
export function goRune(c: number): number {
  return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
}

/** []rune(s): the runes Go decodes from s (each invalid byte is U+FFFD). */
export function runes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(goRune(ch.codePointAt(0) as number));
  return out;
}

/** string(r) for one rune: surrogates and out-of-range values become U+FFFD, as in Go. */
export function runeString(r: number): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(r);
}

/** string(runes) in Go. */
export function fromRunes(rs: readonly number[]): string {
  let out = '';
  for (const r of rs) out += runeString(r);
  return out;
}

/** The characters of s as Go's `for range` yields them: [rune, the JS text of that character]. */
export function* chars(s: string): Generator<[number, string]> {
  for (const ch of s) yield [goRune(ch.codePointAt(0) as number), ch];
}

/** Go's panic text for a failed s[lo:hi]: `slice bounds out of range [:5] with length 3`... */
export function sliceBoundsError(
  lo: number | undefined,
  hi: number | undefined,
  length: number,
): Error | undefined {
  // Go checks the high bound against the length first, then lo against hi.
  if (hi !== undefined && hi < 0) return new Error(`runtime error: slice bounds out of range [:${hi}]`);
  if (hi !== undefined && hi > length) {
    return new Error(`runtime error: slice bounds out of range [:${hi}] with length ${length}`);
  }
  const h = hi ?? length;
  if (lo !== undefined && (lo < 0 || lo > h)) {
    return new Error(`runtime error: slice bounds out of range [${lo}:${h}]`);
  }
  return undefined;
}

/** Go's utf8.AppendRune: invalid runes (surrogates, out of range) are written as U+FFFD. */
export function appendRune(out: number[], r: number): void {
  let c = r;
  if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) c = 0xfffd;
  if (c < 0x80) out.push(c);
  else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
  else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
}

/** A bytes.Buffer / strings.Builder: collects bytes, `string()` gives the engine string. */
export class ByteBuilder {
  readonly bytes: number[] = [];
  writeRune(r: number): void {
    appendRune(this.bytes, r);
  }
  writeBytes(b: Uint8Array | readonly number[]): void {
    for (const x of b) this.bytes.push(x);
  }
  writeString(s: string): void {
    this.writeBytes(toBytes(s));
  }
  get length(): number {
    return this.bytes.length;
  }
  string(): string {
    return fromBytes(Uint8Array.from(this.bytes));
  }
}

/**
 * Go's string ordering: bytewise on UTF-8, so code point order, with an escaped invalid byte ordered
 * by its byte value. JS code unit order agrees except around surrogates (code points from U+10000,
 * and escaped bytes), which are compared as bytes. Returns -1, 0 or 1.
 */
export function compareGoStrings(a: string, b: string): number {
  // Without surrogates, UTF-16 order is code point order, which is UTF-8 byte order.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      if ((ca >= 0xd800 && ca <= 0xdfff) || (cb >= 0xd800 && cb <= 0xdfff)) {
        return compareByteArrays(toBytes(a), toBytes(b));
      }
      return ca < cb ? -1 : 1;
    }
  }
  return Math.sign(a.length - b.length);
}

function compareByteArrays(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return Math.sign(a.length - b.length);
}
