/**
 * Go's fmt package (Sprint, Sprintln, Sprintf) over template values, byte-exact with Go 1.26.
 *
 * This is a port of fmt/print.go (pp: argument handling, verbs per kind, errors such as
 * `%!d(string=x)`) and fmt/format.go (fmt: padding, integers, floats, quoting) working on the value
 * model of value.ts instead of reflect. Go's printArg/printValue structure is kept, including the
 * depth that decides `&{...}` for pointers and the nil interface slots of []interface {} and
 * map[string]interface {} (`<nil>` whatever the verb).
 *
 * Where the model lacks what Go would print:
 * - Addresses (%p, funcs, nested pointers without String()) print as address 0, i.e. `0x0`; Go
 *   prints a run-dependent address such as `0xc000012345` that no template can rely on.
 * - A GoObject prints its `format()` result where Go calls String() (%v %s %q %x %X, not %#v);
 *   otherwise it prints as a struct of its fields in insertion order (`{a b}`, `{A:a B:b}`,
 *   `pkg.T{A:"a"}`), and a pointer type as `&{...}` at top level.
 */
import { sortedEntries } from './fmtsort.js';
import {
  canBackquote,
  canBackquoteRunes,
  decodeBytes,
  type FloatFormat,
  formatFloat,
  isPrint,
  MAX_RUNE,
  quote,
  quoteRune,
  quoteRunesWith,
  quoteRuneToASCII,
  quoteToASCII,
  RUNE_ERROR,
  runeCount,
  runesToString,
  utf8Bytes,
  validRune,
} from './strconv.js';
import {
  elemType,
  GO_TYPE,
  GoComplex,
  GoFloat32,
  GoInt,
  type GoMap,
  GoNil,
  GoObject,
  type GoSlice,
  goTypeName,
  isGoFunc,
  kindOfType,
  type Value,
} from './value.js';

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';

/** fmt's tooLarge: widths and precisions beyond 1e6 are rejected. */
function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

function isNil(v: Value): v is null | undefined {
  return v === null || v === undefined;
}

/** Whether a slot of this Go type holds an interface (so a nil there prints `<nil>`). */
function isInterfaceType(t: string): boolean {
  return t === 'interface {}' || t === 'any' || kindOfType(t) === 'interface';
}

/** The element type of a slice or map value's Go type ('interface {}' when untagged). */
function elemTypeOf(v: GoSlice | GoMap): string {
  const tag = v[GO_TYPE];
  return tag === undefined ? 'interface {}' : elemType(tag);
}

/** Element kind uint8: the slices fmt prints as bytes for %s %q %x %X. */
function isByteSliceType(t: string): boolean {
  return t === '[]uint8' || t === '[]byte';
}

function sliceToBytes(v: GoSlice): Uint8Array {
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    out[i] = e instanceof GoInt ? Number(e.value) & 0xff : 0;
  }
  return out;
}

/** fmt's parsenum over format[start:end]: [num, isnum, newi]; on overflow it consumes to end. */
function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (c - 0x30);
    isnum = true;
  }
  return [num, isnum, i];
}

/** fmt's intFromArg: a `*` width or precision must be an integer of any int type. */
function intFromArg(a: readonly Value[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    if (v instanceof GoInt) {
      // Signed values always fit Go's 64-bit int; unsigned ones must be below 2^63.
      if (v.signed || v.value < 1n << 63n) {
        num = Number(v.value);
        isInt = true;
      }
    }
    newArgNum = argNum + 1;
    if (tooLarge(num)) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

/** The rune of the verb at format[i] and its width in UTF-16 units (lone surrogate: U+FFFD). */
function verbAt(format: string, i: number): [string, number] {
  const c = format.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return [format[i] as string, 1];
  const cp = format.codePointAt(i) as number;
  if (cp > 0xffff) return [String.fromCodePoint(cp), 2];
  return [String.fromCharCode(RUNE_ERROR), 1];
}

/** Go's pp and fmt structs in one: the output buffer, the flags of the current verb, the state. */
class Printer {
  buf = '';

  // fmt.fmtFlags
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;

  /** The value being printed (Go's p.arg / p.value), named in `%!verb(type=value)`. */
  cur: Value = undefined;
  reordered = false;
  goodArgNum = true;
  erroring = false;
  panicking = false;

  clearflags(): void {
    this.widPresent = false;
    this.precPresent = false;
    this.minus = false;
    this.plus = false;
    this.sharp = false;
    this.space = false;
    this.zero = false;
    this.plusV = false;
    this.sharpV = false;
    this.wid = 0;
    this.prec = 0;
  }

  // ---- fmt/format.go ----------------------------------------------------------------------------

  /** fmt.writePadding: n bytes of padding, zeros only when padding on the left. */
  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? '0' : ' ').repeat(n);
  }

  /** fmt.pad / padString: s padded to the width, counted in runes. */
  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  /** fmt.fmtUnicode: "U+0078", or with # "U+0078 'x'". */
  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let tail = '';
    if (this.sharp && u <= BigInt(MAX_RUNE) && isPrint(Number(u))) {
      tail = ` '${String.fromCodePoint(Number(u))}'`;
    }
    let hex = u.toString(16).toUpperCase();
    if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(`U+${hex}${tail}`);
    this.zero = oldZero;
  }

  /** fmt.fmtInteger: v is the (possibly negative) integer value. */
  fmtInteger(v: bigint, base: number, verb: string, digits: string): void {
    const negative = v < 0n;
    const u = negative ? -v : v;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      // Precision of 0 and value of 0 means "print nothing" but padding.
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--; // leave room for sign
    }
    let s = u < 0x20000000000000n ? Number(u).toString(base) : u.toString(base);
    if (digits === UDIGITS) s = s.toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8) {
        if (s[0] !== '0') s = `0${s}`;
      } else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === 'O') s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (this.plus) s = `+${s}`;
    else if (this.space) s = ` ${s}`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  /** fmt.truncateString: at most prec runes. */
  truncateString(s: string): string {
    if (!this.precPresent) return s;
    let n = this.prec;
    for (let i = 0; i < s.length; i++) {
      n--;
      if (n < 0) return s.slice(0, i);
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  /** fmt.fmtBs: a byte slice as a string; invalid bytes count (and print) as one U+FFFD each. */
  fmtBs(b: Uint8Array | null): void {
    let runes = b === null ? [] : decodeBytes(b);
    if (this.precPresent && runes.length > this.prec) runes = runes.slice(0, this.prec);
    this.pad(runesToString(runes));
  }

  /** fmt.fmtSbx: hexadecimal encoding of the bytes of a string or byte slice. */
  fmtSbx(b: Uint8Array, digits: string): void {
    let length = b.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) {
        width += 2;
      }
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = '';
    const x = digits[16] as string;
    if (this.sharp) out += `0${x}`;
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += `0${x}`;
      }
      const c = b[i] as number;
      out += (digits[c >> 4] as string) + (digits[c & 0xf] as string);
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  /** fmt.fmtQ: a double-quoted Go string, or with # a raw string when strconv.CanBackquote. */
  fmtQ(str: string): void {
    const s = this.truncateString(str);
    if (this.sharp && canBackquote(s)) {
      this.pad(`\`${s}\``);
      return;
    }
    this.pad(this.plus ? quoteToASCII(s) : quote(s));
  }

  /** fmt.fmtQ(string(b)) for a byte slice: invalid bytes quote as `\xNN`. */
  fmtQBytes(b: Uint8Array | null): void {
    let runes = b === null ? [] : decodeBytes(b);
    if (this.precPresent && runes.length > this.prec) runes = runes.slice(0, this.prec);
    if (this.sharp && canBackquoteRunes(runes)) {
      this.pad(`\`${runesToString(runes)}\``);
      return;
    }
    this.pad(quoteRunesWith(runes, 0x22, this.plus, false));
  }

  /** fmt.fmtC: the rune; invalid code points print U+FFFD. */
  fmtC(c: bigint): void {
    let r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    if (!validRune(r)) r = RUNE_ERROR; // utf8.AppendRune writes RuneError for surrogates
    this.pad(String.fromCodePoint(r));
  }

  /** fmt.fmtQc: a single-quoted Go character literal. */
  fmtQc(c: bigint): void {
    const r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    this.pad(this.plus ? quoteRuneToASCII(r) : quoteRune(r));
  }

  /** fmt.fmtFloat: strconv formatting plus sign, padding and the # flag. */
  fmtFloatRaw(v: number, size: 32 | 64, verb: FloatFormat, defaultPrec: number): void {
    const prec = this.precPresent ? this.prec : defaultPrec;
    let num = formatFloat(v, verb, prec, size);
    if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
    // The space flag means a leading space instead of "+" unless the sign is asked for.
    if (this.space && num[0] === '+' && !this.plus) num = ` ${num.slice(1)}`;
    // Infinities and NaN don't look like numbers and are not zero padded.
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    // The sharp flag forces a decimal point and keeps trailing zeros.
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i] as string;
        if (c === '.') {
          hasDecimalPoint = true;
          continue;
        }
        if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if (c !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === '0') digits--;
        num += '.';
      }
      if (digits > 0) num += '0'.repeat(digits);
      num += tail;
    }
    if (this.plus || num[0] !== '+') {
      // Zero padding goes between the sign and the digits.
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ---- fmt/print.go -----------------------------------------------------------------------------

  /** pp.badVerb: `%!verb(type=value)` or `%!verb(<nil>)`. */
  badVerb(verb: string): void {
    this.erroring = true;
    const cur = this.cur;
    this.buf += `%!${verb}(`;
    if (isNil(cur)) {
      this.buf += '<nil>';
    } else {
      this.buf += `${goTypeName(cur)}=`;
      this.printArg(cur, 'v');
    }
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  /** pp.fmt0x64: hexadecimal with or without 0x, whatever the # flag. */
  fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.sharp;
    this.sharp = leading0x;
    this.fmtInteger(v, 16, 'v', LDIGITS);
    this.sharp = sharp;
  }

  /** pp.fmtInteger */
  fmtIntegerVerb(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV && !isSigned) this.fmt0x64(v, true);
        else this.fmtInteger(v, 10, verb, LDIGITS);
        return;
      case 'd':
        this.fmtInteger(v, 10, verb, LDIGITS);
        return;
      case 'b':
        this.fmtInteger(v, 2, verb, LDIGITS);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(v, 8, verb, LDIGITS);
        return;
      case 'x':
        this.fmtInteger(v, 16, verb, LDIGITS);
        return;
      case 'X':
        this.fmtInteger(v, 16, verb, UDIGITS);
        return;
      case 'c':
        this.fmtC(BigInt.asUintN(64, v));
        return;
      case 'q':
        this.fmtQc(BigInt.asUintN(64, v));
        return;
      case 'U':
        this.fmtUnicode(BigInt.asUintN(64, v));
        return;
      default:
        this.badVerb(verb);
    }
  }

  /** pp.fmtFloat: the default precision of each verb. */
  fmtFloat(v: number, size: 32 | 64, verb: string): void {
    switch (verb) {
      case 'v':
        if (
          size === 64 &&
          !this.widPresent &&
          !this.precPresent &&
          !this.plus &&
          !this.space &&
          !this.sharp
        ) {
          this.buf += formatFloat64V(v); // fast path: no flag changes the %g shortest form
          return;
        }
        this.fmtFloatRaw(v, size, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloatRaw(v, size, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloatRaw(v, size, verb, 6);
        return;
      case 'F':
        this.fmtFloatRaw(v, size, 'f', 6);
        return;
      default:
        this.badVerb(verb);
    }
  }

  /** pp.fmtComplex: (r+ji), each part formatted as a float. */
  fmtComplex(v: GoComplex, verb: string): void {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        const oldPlus = this.plus;
        this.buf += '(';
        this.fmtFloat(v.re, 64, verb);
        // Imaginary part always has a sign.
        this.plus = true;
        this.fmtFloat(v.im, 64, verb);
        this.buf += 'i)';
        this.plus = oldPlus;
        return;
      }
      default:
        this.badVerb(verb);
    }
  }

  /** pp.fmtString */
  fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's':
        this.fmtS(v);
        return;
      case 'x':
        this.fmtSbx(utf8Bytes(v), LDIGITS);
        return;
      case 'X':
        this.fmtSbx(utf8Bytes(v), UDIGITS);
        return;
      case 'q':
        this.fmtQ(v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  /** pp.fmtBytes: a []byte (nil when b is null); typeString is its Go type for %#v. */
  fmtBytes(b: Uint8Array | null, verb: string, typeString: string, depth: number): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.sharpV) {
          this.buf += typeString;
          if (b === null) {
            this.buf += '(nil)';
            return;
          }
          this.buf += '{';
          for (let i = 0; i < b.length; i++) {
            if (i > 0) this.buf += ', ';
            this.fmt0x64(BigInt(b[i] as number), true);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          if (b !== null) {
            for (let i = 0; i < b.length; i++) {
              if (i > 0) this.buf += ' ';
              this.fmtInteger(BigInt(b[i] as number), 10, verb, LDIGITS);
            }
          }
          this.buf += ']';
        }
        return;
      case 's':
        this.fmtBs(b);
        return;
      case 'x':
        this.fmtSbx(b ?? new Uint8Array(0), LDIGITS);
        return;
      case 'X':
        this.fmtSbx(b ?? new Uint8Array(0), UDIGITS);
        return;
      case 'q':
        this.fmtQBytes(b);
        return;
      default:
        // printValue(reflect.ValueOf(v), verb, 0): a slice of uint8 elements.
        this.printByteElements(b ?? new Uint8Array(0), typeString, verb, depth);
    }
  }

  /** The generic slice path of printValue for a []uint8 (verbs other than s q x X). */
  printByteElements(b: Uint8Array, typeString: string, verb: string, depth: number): void {
    if (this.sharpV) {
      this.buf += `${typeString}{`;
      for (let i = 0; i < b.length; i++) {
        if (i > 0) this.buf += ', ';
        this.printValue(new GoInt('uint8', BigInt(b[i] as number)), verb, depth + 1);
      }
      this.buf += '}';
      return;
    }
    this.buf += '[';
    for (let i = 0; i < b.length; i++) {
      if (i > 0) this.buf += ' ';
      this.printValue(new GoInt('uint8', BigInt(b[i] as number)), verb, depth + 1);
    }
    this.buf += ']';
  }

  /**
   * pp.fmtPointer for the kinds Go prints as addresses. The model has no addresses: a non-nil
   * pointer, map, slice or func is printed as address 0 (`0x0`).
   */
  fmtPointer(nil: boolean, typeName: string, verb: string): void {
    const u = 0n;
    switch (verb) {
      case 'v':
        if (this.sharpV) {
          this.buf += `(${typeName})(`;
          if (nil) this.buf += 'nil';
          else this.fmt0x64(u, true);
          this.buf += ')';
        } else if (nil) {
          this.pad('<nil>');
        } else {
          this.fmt0x64(u, !this.sharp);
        }
        return;
      case 'p':
        this.fmt0x64(u, !this.sharp);
        return;
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        this.fmtIntegerVerb(u, false, verb);
        return;
      default:
        this.badVerb(verb);
    }
  }

  /** %p of any argument: addresses for pointer-like kinds, an error otherwise. */
  fmtPointerArg(arg: Value): void {
    if (Array.isArray(arg) || arg instanceof Map || arg instanceof Uint8Array || isGoFunc(arg)) {
      this.fmtPointer(false, goTypeName(arg), 'p');
      return;
    }
    if (arg instanceof GoNil) {
      const k = kindOfType(arg.type);
      if (k === 'ptr' || k === 'map' || k === 'slice' || k === 'func') {
        this.fmtPointer(true, arg.type, 'p');
        return;
      }
    }
    if (arg instanceof GoObject && arg.type.startsWith('*')) {
      this.fmtPointer(false, arg.type, 'p');
      return;
    }
    this.badVerb('p');
  }

  /** pp.catchPanic for a String method that threw: `%!v(PANIC=String method: msg)`. */
  catchPanic(verb: string, method: string, err: unknown): void {
    if (this.panicking) throw err;
    const saved = this.saveFlags();
    this.clearflags();
    this.buf += `%!${verb}(PANIC=${method} method: `;
    this.panicking = true;
    this.printArg(err instanceof Error ? err.message : String(err), 'v');
    this.panicking = false;
    this.buf += ')';
    this.restoreFlags(saved);
  }

  saveFlags(): readonly [
    boolean,
    boolean,
    boolean,
    boolean,
    boolean,
    boolean,
    boolean,
    boolean,
    boolean,
    number,
    number,
  ] {
    return [
      this.widPresent,
      this.precPresent,
      this.minus,
      this.plus,
      this.sharp,
      this.space,
      this.zero,
      this.plusV,
      this.sharpV,
      this.wid,
      this.prec,
    ];
  }

  restoreFlags(f: ReturnType<Printer['saveFlags']>): void {
    [
      this.widPresent,
      this.precPresent,
      this.minus,
      this.plus,
      this.sharp,
      this.space,
      this.zero,
      this.plusV,
      this.sharpV,
      this.wid,
      this.prec,
    ] = f;
  }

  /** pp.handleMethods: Stringers print through String() for %v %s %x %X %q (not %#v). */
  handleMethods(v: Value, verb: string): boolean {
    if (this.erroring) return false;
    if (verb === 'w') {
      // %w outside fmt.Errorf, or with a non-error argument (the model has no error values).
      this.badVerb(verb);
      return true;
    }
    if (!(v instanceof GoObject) || v.format === undefined || this.sharpV) return false;
    switch (verb) {
      case 'v':
      case 's':
      case 'x':
      case 'X':
      case 'q': {
        let s: string;
        try {
          s = v.format();
        } catch (err) {
          this.catchPanic(verb, 'String', err);
          return true;
        }
        this.fmtString(s, verb);
        return true;
      }
      default:
        return false;
    }
  }

  /** pp.printArg: one operand at top level. */
  printArg(arg: Value, verb: string): void {
    this.cur = arg;
    if (isNil(arg)) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    // %T (the value's type) and %p (its address) are special; we always do them first.
    if (verb === 'T') {
      this.fmtS(goTypeName(arg));
      return;
    }
    if (verb === 'p') {
      this.fmtPointerArg(arg);
      return;
    }
    switch (typeof arg) {
      case 'string':
        this.fmtString(arg, verb);
        return;
      case 'boolean':
        this.fmtBool(arg, verb);
        return;
      case 'number':
        this.fmtFloat(arg, 64, verb);
        return;
      default:
        break;
    }
    if (arg instanceof GoInt) {
      this.fmtIntegerVerb(arg.value, arg.signed, verb);
    } else if (arg instanceof GoFloat32) {
      this.fmtFloat(arg.value, 32, verb);
    } else if (arg instanceof GoComplex) {
      this.fmtComplex(arg, verb);
    } else if (arg instanceof Uint8Array) {
      this.fmtBytes(arg, verb, '[]byte', 0);
    } else if (arg instanceof GoNil && isByteSliceType(arg.type)) {
      // A nil []byte still takes printArg's `case []byte`.
      this.fmtBytes(null, verb, '[]byte', 0);
    } else if (!this.handleMethods(arg, verb)) {
      this.printValue(arg, verb, 0);
    }
  }

  /** pp.printValue: a value reached through a container (depth > 0) or a composite at top. */
  printValue(v: Value, verb: string, depth: number): void {
    if (depth > 0 && !isNil(v)) {
      this.cur = v;
      if (this.handleMethods(v, verb)) return;
    }
    this.cur = v;
    if (isNil(v)) {
      // reflect.Invalid
      if (depth === 0) this.buf += '<invalid reflect.Value>';
      else if (verb === 'v') this.buf += '<nil>';
      else this.badVerb(verb);
      return;
    }
    switch (typeof v) {
      case 'string':
        this.fmtString(v, verb);
        return;
      case 'boolean':
        this.fmtBool(v, verb);
        return;
      case 'number':
        this.fmtFloat(v, 64, verb);
        return;
      default:
        break;
    }
    if (v instanceof GoInt) this.fmtIntegerVerb(v.value, v.signed, verb);
    else if (v instanceof GoFloat32) this.fmtFloat(v.value, 32, verb);
    else if (v instanceof GoComplex) this.fmtComplex(v, verb);
    else if (v instanceof Uint8Array) {
      if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')
        this.fmtBytes(v, verb, '[]uint8', depth);
      else this.printByteElements(v, '[]uint8', verb, depth);
    } else if (Array.isArray(v)) this.printSlice(v as GoSlice, verb, depth);
    else if (v instanceof Map) this.printMap(v as GoMap, verb, depth);
    else if (v instanceof GoObject && v.underlying !== undefined) this.printValue(v.underlying, verb, depth);
    else if (v instanceof GoObject) this.printObject(v, verb, depth);
    else if (v instanceof GoNil) this.printNil(v, verb, depth);
    else if (isGoFunc(v)) this.fmtPointer(false, goTypeName(v), verb);
    else this.buf += `?${goTypeName(v)}?`;
  }

  /**
   * An element of a slice, map or struct. In an interface slot (the elements of []interface {}) a
   * nil prints `<nil>` whatever the verb (`interface {}(nil)` with %#v), as reflect.Interface does.
   */
  printElem(v: Value, slotType: string, verb: string, depth: number): void {
    if (isNil(v)) {
      if (verb === 'w' && !this.erroring) {
        this.badVerb(verb);
        return;
      }
      if (this.sharpV) this.buf += `${isInterfaceType(slotType) ? slotType : 'interface {}'}(nil)`;
      else this.buf += '<nil>';
      return;
    }
    this.printValue(v, verb, isInterfaceType(slotType) ? depth + 1 : depth);
  }

  /**
   * Maps and slices being printed on the way down. A value that contains itself (set and merge can
   * make one) makes Go's fmt recurse until the process dies of stack overflow; we stop with an error.
   */
  private readonly printing = new Set<object>();

  private enter(container: object): void {
    if (this.printing.has(container))
      throw new Error('fmt: the value contains itself (Go overflows its stack here)');
    this.printing.add(container);
  }

  printSlice(v: GoSlice, verb: string, depth: number): void {
    this.enter(v);
    try {
      this.printSliceElements(v, verb, depth);
    } finally {
      this.printing.delete(v);
    }
  }

  private printSliceElements(v: GoSlice, verb: string, depth: number): void {
    const typeName = goTypeName(v);
    if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && isByteSliceType(typeName)) {
      this.fmtBytes(sliceToBytes(v), verb, typeName, depth);
      return;
    }
    const et = elemTypeOf(v);
    if (this.sharpV) {
      this.buf += `${typeName}{`;
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.buf += ', ';
        this.printElem(v[i], et, verb, depth + 1);
      }
      this.buf += '}';
      return;
    }
    this.buf += '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) this.buf += ' ';
      this.printElem(v[i], et, verb, depth + 1);
    }
    this.buf += ']';
  }

  /** Maps print sorted by key (internal/fmtsort): `map[a:1 b:2]`, `map[string]int{"a":1}`. */
  printMap(m: GoMap, verb: string, depth: number): void {
    this.enter(m);
    try {
      this.printMapEntries(m, verb, depth);
    } finally {
      this.printing.delete(m);
    }
  }

  private printMapEntries(m: GoMap, verb: string, depth: number): void {
    const et = elemTypeOf(m);
    if (this.sharpV) this.buf += `${goTypeName(m)}{`;
    else this.buf += 'map[';
    let first = true;
    for (const [k, val] of sortedEntries(m)) {
      if (!first) this.buf += this.sharpV ? ', ' : ' ';
      first = false;
      this.printValue(k, verb, depth + 1);
      this.buf += ':';
      this.printElem(val, et, verb, depth + 1);
    }
    this.buf += this.sharpV ? '}' : ']';
  }

  printObject(o: GoObject, verb: string, depth: number): void {
    if (o.type.startsWith('*')) {
      // A pointer to a struct prints as &{...} at top level, as an address below it.
      if (depth === 0) {
        this.buf += '&';
        this.printStruct(o, o.type.slice(1), verb, depth + 1);
        return;
      }
      this.fmtPointer(false, o.type, verb);
      return;
    }
    this.printStruct(o, o.type, verb, depth);
  }

  /** reflect.Struct: `{a b}`, `{A:a B:b}` with %+v, `pkg.T{A:"a", B:"b"}` with %#v. */
  printStruct(o: GoObject, typeName: string, verb: string, depth: number): void {
    if (this.sharpV) this.buf += typeName;
    this.buf += '{';
    let first = true;
    for (const [name, val] of o.fields) {
      if (!first) this.buf += this.sharpV ? ', ' : ' ';
      first = false;
      if (this.plusV || this.sharpV) this.buf += `${name}:`;
      this.printElem(val, 'interface {}', verb, depth + 1);
    }
    this.buf += '}';
  }

  /** A typed nil: `map[]`, `[]`, `<nil>`, or `T(nil)` / `(*T)(nil)` with %#v. */
  printNil(n: GoNil, verb: string, depth: number): void {
    const kind = kindOfType(n.type);
    switch (kind) {
      case 'map':
        this.buf += this.sharpV ? `${n.type}(nil)` : 'map[]';
        return;
      case 'slice':
        if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && isByteSliceType(n.type)) {
          this.fmtBytes(null, verb, n.type, depth);
          return;
        }
        this.buf += this.sharpV ? `${n.type}(nil)` : '[]';
        return;
      case 'ptr':
      case 'func':
        this.fmtPointer(true, n.type, verb);
        return;
      default:
        if (verb === 'v') this.buf += this.sharpV ? `${n.type}(nil)` : '<nil>';
        else this.badVerb(verb);
    }
  }

  // ---- argument processing ----------------------------------------------------------------------

  /** pp.argNumber: an explicit `[n]` argument index at format[i]. */
  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format.charCodeAt(i) !== 0x5b) return [argNum, i, false];
    this.reordered = true;
    // parseArgNumber: there must be at least 3 bytes: [n].
    let index = 0;
    let wid = 1;
    let ok = false;
    if (format.length - i >= 3) {
      for (let j = i + 1; j < format.length; j++) {
        if (format.charCodeAt(j) === 0x5d) {
          const [width, isnum, newi] = parsenum(format, i + 1, j);
          if (!isnum || newi !== j) {
            wid = j - i + 1;
          } else {
            index = width - 1;
            wid = j - i + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }

  /** pp.doPrintf */
  doPrintf(format: string, a: readonly Value[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      let next = format.indexOf('%', i);
      if (next < 0) next = end;
      if (next > i) this.buf += format.slice(i, next);
      i = next;
      if (i >= end) break;
      i++; // skip %
      this.clearflags();
      simpleFormat: for (; i < end; i++) {
        const c = format.charCodeAt(i);
        switch (c) {
          case 0x23: // #
            this.sharp = true;
            break;
          case 0x30: // 0
            this.zero = true;
            break;
          case 0x2b: // +
            this.plus = true;
            break;
          case 0x2d: // -
            this.minus = true;
            break;
          case 0x20: // space
            this.space = true;
            break;
          default:
            // Fast path for common case of ascii lower case simple verbs.
            if (c >= 0x61 && c <= 0x7a && argNum < a.length) {
              if (c === 0x76 || c === 0x77) {
                this.sharpV = this.sharp;
                this.sharp = false;
                this.plusV = this.plus;
                this.plus = false;
              }
              this.printArg(a[argNum], format[i] as string);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }

      // Do we have an explicit argument index?
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      // Do we have width?
      if (i < end && format.charCodeAt(i) === 0x2a) {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        // A negative width means the minus flag.
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.widPresent) this.goodArgNum = false; // "%[3]2d"
      }

      // Do we have precision?
      if (i + 1 < end && format.charCodeAt(i) === 0x2e) {
        i++;
        if (afterIndex) this.goodArgNum = false; // "%[3].2d"
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format.charCodeAt(i) === 0x2a) {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }

      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }

      const [verb, size] = verbAt(format, i);
      i += size;
      if (verb === '%') {
        this.buf += '%'; // Percent does not absorb operands and ignores width and precision.
      } else if (!this.goodArgNum) {
        this.buf += `%!${verb}(BADINDEX)`;
      } else if (argNum >= a.length) {
        this.buf += `%!${verb}(MISSING)`;
      } else {
        if (verb === 'v' || verb === 'w') {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }

    // Extra arguments, unless the format used explicit indexes.
    if (!this.reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k];
        if (isNil(arg)) {
          this.buf += '<nil>';
        } else {
          this.buf += `${goTypeName(arg)}=`;
          this.printArg(arg, 'v');
        }
      }
      this.buf += ')';
    }
  }
}

/** reflect Kind String of an operand, for Sprint's "is it a string" test. */
function isStringOperand(v: Value): boolean {
  return typeof v === 'string' || (v instanceof GoObject && kindOfType(v.type) === 'string');
}

/**
 * %v of a float64 without flags. Between 1e-4 and 1e6 Go's shortest %g is plain notation with the
 * shortest round-tripping digits, which is exactly JS's Number-to-String there.
 */
function formatFloat64V(f: number): string {
  const a = f < 0 ? -f : f;
  if (a >= 1e-4 && a < 1e6) return String(f);
  return formatFloat(f, 'g', -1, 64);
}

/** fmt.Sprint(v) for one operand: the %v form. */
export function formatValue(v: Value): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatFloat64V(v);
    case 'undefined':
      return '<nil>';
    default:
      break;
  }
  if (v === null) return '<nil>';
  if (v instanceof GoInt) return v.value.toString();
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}

/** fmt.Sprint: operands in %v form, with spaces between operands when neither is a string. */
export function sprint(args: readonly Value[]): string {
  let out = '';
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const isString = isStringOperand(arg);
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatValue(arg);
    prevString = isString;
  }
  return out;
}

/** fmt.Sprintln: operands in %v form, always separated by spaces, and a newline. */
export function sprintln(args: readonly Value[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) out += ' ';
    out += formatValue(args[i]);
  }
  return `${out}\n`;
}

/** fmt.Sprintf */
export function sprintf(format: string, args: readonly Value[]): string {
  const simple = simpleSprintf(format, args);
  if (simple !== undefined) return simple;
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** A format of literal text, %%, and %s, %d or %v without flags, width or precision. */
const SIMPLE_FORMAT = /^(?:[^%]|%[%sdv])*$/;
const SIMPLE_VERB = /%[%sdv]/g;

/**
 * The common printf of templates ("%s-%s", "port-%d") without the Printer: each %s or %v of a string
 * is the string, each %d or %v of an integer its decimal digits, as fmt prints them. Anything else
 * (another verb, flags, a value of another type, a missing or extra argument) is undefined: the
 * Printer answers, with Go's %!verb(type=value) texts. The Printer's way costs most in cold code.
 */
function simpleSprintf(format: string, args: readonly Value[]): string | undefined {
  if (!SIMPLE_FORMAT.test(format)) return undefined;
  let out = '';
  let last = 0;
  let next = 0;
  SIMPLE_VERB.lastIndex = 0;
  for (let m = SIMPLE_VERB.exec(format); m !== null; m = SIMPLE_VERB.exec(format)) {
    out += format.slice(last, m.index);
    last = m.index + 2;
    const verb = format.charCodeAt(m.index + 1);
    if (verb === 0x25) {
      out += '%';
      continue;
    }
    if (next >= args.length) return undefined;
    const a = args[next++];
    if (typeof a === 'string' && verb !== 0x64) out += a;
    else if (a instanceof GoInt && verb !== 0x73) out += a.value.toString();
    else return undefined;
  }
  if (next !== args.length) return undefined;
  return out + format.slice(last);
}
