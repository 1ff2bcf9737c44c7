/**
 * sprig's conversion functions (atoi, int, int64, float64, toString, toStrings, toDecimal) and the
 * helpers every data family shares: spf13/cast v1.7.0's ToInt64/ToInt/ToFloat64 rules, sprig's
 * strval/strslice/empty, reflect-style slice access, and ports of Go's strconv.ParseInt/ParseUint/
 * ParseFloat/Atoi (internal/strconv/atoi.go, atof.go) that those rules rely on.
 */

import { formatValue, sprint } from '../gofmt.js';
import { GoNamedInt } from '../gotime.js';
import { underscoreOK } from '../lex.js';
import {
  defineFunc,
  GO_TYPE,
  GoComplex,
  GoFloat32,
  type GoFunc,
  GoInt,
  GoNil,
  GoObject,
  type GoSlice,
  goInt,
  goTypeName,
  kindOfType,
  typedSlice,
  type Value,
} from '../value.js';
import type { FuncContext } from './context.js';

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

// ---- strconv ports ------------------------------------------------------------------------------

/** The outcome of a strconv parse: the value Go returns and whether it came with an error. */
export interface ParseResult<T> {
  value: T;
  /** Go's err.Err: ErrSyntax or ErrRange; undefined when err == nil. */
  err?: 'syntax' | 'range';
}

/** ASCII-only lower-casing, as strconv's lower() and commonPrefixLenIgnoreCase do. */
const lower = (c: string): string => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** strconv.ParseUint(s, base, bitSize) for base 0 or 2..36; bitSize 0 means 64. */
export function goParseUint(str: string, base0: number, bitSize = 64): ParseResult<bigint> {
  if (str === '') return { value: 0n, err: 'syntax' };
  let s = str;
  let base = base0;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? lower(s[1] as string) : '';
      if (p === 'b') [base, s] = [2, s.slice(2)];
      else if (p === 'o') [base, s] = [8, s.slice(2)];
      else if (p === 'x') [base, s] = [16, s.slice(2)];
      else [base, s] = [8, s.slice(1)];
    }
  }
  const bits = BigInt(bitSize === 0 ? 64 : bitSize);
  const maxVal = (1n << bits) - 1n;
  const b = BigInt(base);
  const cutoff = MAX_UINT64 / b + 1n;
  let underscores = false;
  let n = 0n;
  for (const c of s) {
    let d: number;
    if (c === '_' && base0 === 0) {
      underscores = true;
      continue;
    } else if (isDigit(c)) d = c.charCodeAt(0) - 48;
    else if (lower(c) >= 'a' && lower(c) <= 'z' && c.length === 1) d = lower(c).charCodeAt(0) - 87;
    else return { value: 0n, err: 'syntax' };
    if (d >= base) return { value: 0n, err: 'syntax' };
    if (n >= cutoff) return { value: maxVal, err: 'range' };
    n *= b;
    const n1 = n + BigInt(d);
    if (n1 > maxVal) return { value: maxVal, err: 'range' };
    n = n1;
  }
  if (underscores && !underscoreOK(str)) return { value: 0n, err: 'syntax' };
  return { value: n };
}

/**
 * strconv.ParseInt(s, base, bitSize). On ErrRange the value is the clamped extreme, on ErrSyntax 0,
 * as Go returns them.
 */
export function goParseInt(str: string, base: number, bitSize = 64): ParseResult<bigint> {
  if (str === '') return { value: 0n, err: 'syntax' };
  let s = str;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') [s, neg] = [s.slice(1), true];
  const un = goParseUint(s, base, bitSize);
  if (un.err === 'syntax') return { value: 0n, err: 'syntax' };
  const cutoff = 1n << BigInt((bitSize === 0 ? 64 : bitSize) - 1);
  if (!neg && un.value >= cutoff) return { value: cutoff - 1n, err: 'range' };
  if (neg && un.value > cutoff) return { value: -cutoff, err: 'range' };
  return { value: neg ? -un.value : un.value };
}

/**
 * strconv.Atoi: base 10 only (no prefixes, no underscores); an out-of-range number returns the
 * clamped int64 extreme together with the error, which sprig's atoi keeps.
 */
export function goAtoi(s: string): ParseResult<bigint> {
  if (s.length > 0 && s.length < 19) {
    // Go's fast path: optional sign, then only ASCII digits.
    const digits = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
    if (digits.length < 1 || !/^[0-9]+$/.test(digits)) return { value: 0n, err: 'syntax' };
    const n = BigInt(digits);
    return { value: s[0] === '-' ? -n : n };
  }
  return goParseInt(s, 10, 64);
}

/** strconv's special(): "inf", "infinity" (signed) and "nan", any case, as a prefix of s. */
function special(str: string): { value: number; n: number } | undefined {
  if (str.length === 0) return undefined;
  let s = str;
  let sign = 1;
  let nsign = 0;
  const c0 = s[0] as string;
  if (c0 === '+' || c0 === '-' || c0 === 'i' || c0 === 'I') {
    if (c0 === '+' || c0 === '-') {
      if (c0 === '-') sign = -1;
      nsign = 1;
      s = s.slice(1);
    }
    let n = 0;
    const inf = 'infinity';
    while (n < s.length && n < inf.length && lower(s[n] as string) === inf[n]) n++;
    if (n > 3 && n < 8) n = 3;
    if (n === 3 || n === 8) return { value: sign * Number.POSITIVE_INFINITY, n: nsign + n };
  } else if (c0 === 'n' || c0 === 'N') {
    if ([...s.slice(0, 3)].map(lower).join('') === 'nan') return { value: Number.NaN, n: 3 };
  }
  return undefined;
}

interface ReadFloat {
  mantissa: bigint;
  exp: number;
  neg: boolean;
  trunc: boolean;
  hex: boolean;
  /** Number of bytes consumed. */
  n: number;
  /** The decimal digits and exponent, normalised for JS's (correctly rounded) Number(). */
  decimal: string;
}

/** strconv.readFloat: the longest prefix of s that is a Go float literal (underscores allowed). */
function readFloat(s: string): ReadFloat | undefined {
  let underscores = false;
  let i = 0;
  let neg = false;
  if (i >= s.length) return undefined;
  if (s[i] === '+') i++;
  else if (s[i] === '-') [i, neg] = [i + 1, true];
  let base = 10;
  let maxMantDigits = 19;
  let expChar = 'e';
  let hex = false;
  if (i + 2 < s.length && s[i] === '0' && lower(s[i + 1] as string) === 'x') {
    [base, maxMantDigits, expChar, hex] = [16, 16, 'p', true];
    i += 2;
  }
  let sawdot = false;
  let sawdigits = false;
  let nd = 0;
  let ndMant = 0;
  let dp = 0;
  let mantissa = 0n;
  let trunc = false;
  let digits = '';
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawdot) break;
      sawdot = true;
      dp = nd;
      digits += '.';
      continue;
    }
    if (isDigit(c) || (base === 16 && lower(c) >= 'a' && lower(c) <= 'f')) {
      sawdigits = true;
      digits += c;
      if (c === '0' && nd === 0) {
        dp--;
        continue;
      }
      nd++;
      if (ndMant < maxMantDigits) {
        mantissa = mantissa * BigInt(base) + BigInt(Number.parseInt(c, 16));
        ndMant++;
      } else if (c !== '0') trunc = true;
      continue;
    }
    break;
  }
  if (!sawdigits) return undefined;
  if (!sawdot) dp = nd;
  if (base === 16) {
    dp *= 4;
    ndMant *= 4;
  }
  let e10 = 0;
  if (i < s.length && lower(s[i] as string) === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let esign = 1;
    if (s[i] === '+') i++;
    else if (s[i] === '-') [i, esign] = [i + 1, -1];
    if (i >= s.length || !isDigit(s[i])) return undefined;
    let e = 0;
    for (; i < s.length && (isDigit(s[i]) || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      if (e < 10000) e = e * 10 + (s.charCodeAt(i) - 48);
    }
    dp += e * esign;
    e10 = e * esign;
  } else if (base === 16) {
    return undefined;
  }
  const exp = mantissa !== 0n ? dp - ndMant : 0;
  if (underscores && !underscoreOK(s.slice(0, i))) return undefined;
  const decimal = `${neg ? '-' : ''}${digits === '.' ? '0' : digits}e${e10}`;
  return { mantissa, exp, neg, trunc, hex, n: i, decimal };
}

/** strconv.atofHex for float64: round a hex mantissa * 2^exp to nearest even. */
function atofHex(mant0: bigint, exp0: number, neg: boolean, trunc: boolean): ParseResult<number> {
  const mantbits = 52n;
  const bias = -1023;
  const maxExp = (1 << 11) + bias - 2;
  const minExp = bias + 1;
  let mantissa = mant0;
  let exp = exp0 + 52;
  while (mantissa !== 0n && mantissa >> (mantbits + 2n) === 0n) {
    mantissa <<= 1n;
    exp--;
  }
  if (trunc) mantissa |= 1n;
  while (mantissa >> (1n + mantbits + 2n) !== 0n) {
    mantissa = (mantissa >> 1n) | (mantissa & 1n);
    exp++;
  }
  while (mantissa > 1n && exp < minExp - 2) {
    mantissa = (mantissa >> 1n) | (mantissa & 1n);
    exp++;
  }
  let round = mantissa & 3n;
  mantissa >>= 2n;
  round |= mantissa & 1n;
  exp += 2;
  if (round === 3n) {
    mantissa++;
    if (mantissa === 1n << (1n + mantbits)) {
      mantissa >>= 1n;
      exp++;
    }
  }
  if (mantissa >> mantbits === 0n) exp = bias;
  const sign = neg ? -1 : 1;
  if (exp > maxExp) return { value: sign * Number.POSITIVE_INFINITY, err: 'range' };
  // mantissa has its leading bit at 2^52 (normal) or below (denormal, exp == bias).
  const scale = exp === bias ? -1074 : exp - 52;
  return { value: sign * Number(mantissa) * 2 ** scale };
}

/**
 * strconv.ParseFloat(s, 64): Go float literal syntax (decimal or hex with p exponent, underscores
 * between digits, inf/infinity/nan in any case). Overflow gives ±Inf with ErrRange.
 */
export function goParseFloat(s: string): ParseResult<number> {
  const sp = special(s);
  if (sp !== undefined) return sp.n === s.length ? { value: sp.value } : { value: 0, err: 'syntax' };
  const r = readFloat(s);
  if (r === undefined || r.n !== s.length) return { value: 0, err: 'syntax' };
  if (r.hex) return atofHex(r.mantissa, r.exp, r.neg, r.trunc);
  // JS Number() parsing is correctly rounded (round half to even), as Go's is.
  const value = Number(r.decimal);
  if (!Number.isFinite(value)) return { value, err: 'range' };
  return { value };
}

// ---- Go numeric conversions ---------------------------------------------------------------------

/**
 * Go's float64 -> int64 conversion as amd64 performs it (CVTTSD2SQ): truncation toward zero, and
 * the "integer indefinite" value math.MinInt64 for NaN and out-of-range values.
 */
export function floatToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= 2 ** 63 || f < -(2 ** 63)) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** cast's trimZeroDecimal: "12.00" -> "12" (only when every digit after the dot is 0). */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/**
 * cast.ToInt64 (spf13/cast v1.7.0, errors ignored as sprig does): integers convert (uint64 wraps),
 * floats truncate, strings parse with strconv.ParseInt(trimZeroDecimal(s), 0, 0) ("0x1F", "0b1",
 * "017", "1_000", "12.0"; not "12.7", "1e3" nor " 12"), bools are 0/1, nil and anything else 0.
 */
export function toInt64(v: Value): bigint {
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  switch (typeof v) {
    case 'number':
      return floatToInt64(v);
    case 'string': {
      const r = goParseInt(trimZeroDecimal(v), 0, 64);
      return r.err === undefined ? r.value : 0n;
    }
    case 'boolean':
      return v ? 1n : 0n;
    default:
      break;
  }
  if (v instanceof GoFloat32) return floatToInt64(v.value);
  const named = castNamedInt(v);
  return named ?? 0n;
}

/**
 * cast's toInt() accepts the named types time.Month and time.Weekday; any other named integer
 * (time.Duration included) matches no case of cast's type switch and converts to 0.
 */
function castNamedInt(v: Value): bigint | undefined {
  if (v instanceof GoNamedInt && (v.type === 'time.Month' || v.type === 'time.Weekday')) return v.value;
  return undefined;
}

/** cast.ToInt: the same rules as ToInt64 (int is 64 bits wide). */
export function toInt(v: Value): bigint {
  return toInt64(v);
}

/**
 * cast.ToFloat64: integers and floats convert, strings parse with strconv.ParseFloat (an error,
 * including overflow to ±Inf, gives 0), bools are 0/1, nil and anything else 0.
 */
export function toFloat64(v: Value): number {
  if (v instanceof GoInt) return Number(v.value);
  switch (typeof v) {
    case 'number':
      return v;
    case 'string': {
      const r = goParseFloat(v);
      return r.err === undefined ? r.value : 0;
    }
    case 'boolean':
      return v ? 1 : 0;
    default:
      break;
  }
  if (v instanceof GoFloat32) return v.value;
  const named = castNamedInt(v);
  return named === undefined ? 0 : Number(named);
}

// ---- reflect-style access -----------------------------------------------------------------------

/**
 * The elements of any slice value, as reflect.Value.Index(i).Interface() gives them, or undefined
 * when the value's kind is not Slice. []byte elements are uint8; a typed nil slice has none.
 */
export function asSlice(v: Value): Value[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => goInt(b, 'uint8'));
  if (v instanceof GoNil && v.type.startsWith('[]')) return [];
  return undefined;
}

/** The Go type of the elements of a slice value ('interface {}' for untyped arrays). */
export function sliceElemType(v: Value): string {
  if (v instanceof Uint8Array) return 'uint8';
  if (v instanceof GoNil) return v.type.slice(2);
  const t = (v as GoSlice)[GO_TYPE];
  return t === undefined ? 'interface {}' : t.slice(2);
}

/**
 * The reflect.Kind name of a value, as sprig's error messages print it ('string', 'map', 'ptr',
 * 'float64'...). reflect.TypeOf(nil).Kind() is a nil-pointer panic in Go; callers handle nil first.
 */
export function reflectKind(v: Value): string {
  if (v === null || v === undefined) return 'invalid';
  return kindOfType(goTypeName(v));
}

/**
 * The message of the panic Go raises when sprig calls reflect.TypeOf(x).Kind() on a nil interface
 * (TypeOf returns a nil Type): text/template reports it as this runtime error.
 */
export const NIL_DEREFERENCE = 'runtime error: invalid memory address or nil pointer dereference';

/**
 * sprig's empty (defaults.go): true for nil, zero numbers (named integer types such as
 * time.Duration included), false, and empty strings, slices and maps; typed nil pointers and funcs
 * are empty; structs and non-nil pointers never are.
 */
export function isEmpty(v: Value): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'number':
      return v === 0;
    default:
      break;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof GoFloat32) return v.value === 0;
  if (v instanceof GoComplex) return v.re === 0 && v.im === 0;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof GoNil) return true;
  // time.Duration, time.Month, time.Weekday: reflect kind int64/int.
  if (v instanceof GoNamedInt) return v.value === 0n;
  return false;
}

// ---- string conversions -------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8');

/**
 * sprig's strval: strings as they are, []byte as a string, errors and fmt.Stringers by their
 * method, anything else fmt.Sprintf("%v", v).
 */
export function strval(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8.decode(v);
  if (v instanceof GoObject && v.format !== undefined) return v.format();
  return formatValue(v === undefined ? null : v);
}

/**
 * sprig's strslice (toStrings): []string as it is; other slices element by element through strval,
 * dropping nil interface elements; nil gives an empty list, any other value a one-element list.
 */
export function strslice(v: Value): GoSlice {
  if (Array.isArray(v) && (v as GoSlice)[GO_TYPE] === '[]string') return v;
  const items = asSlice(v);
  if (items !== undefined) {
    return typedSlice(items.filter((x) => x !== null && x !== undefined).map(strval), '[]string');
  }
  if (v === null || v === undefined) return typedSlice([], '[]string');
  return typedSlice([strval(v)], '[]string');
}

// ---- the template functions ---------------------------------------------------------------------

/** atoi, int, int64, float64, toString, toStrings, toDecimal as sprig v3.3.0 declares them. */
export function conversionFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  return {
    // "atoi": func(a string) int { i, _ := strconv.Atoi(a); return i }
    atoi: defineFunc('atoi', { params: ['string'], result: 'int' }, (s) =>
      goInt(goAtoi(s as string).value, 'int'),
    ),
    int64: defineFunc('int64', { params: ['interface {}'], result: 'int64' }, (v) =>
      goInt(toInt64(v), 'int64'),
    ),
    int: defineFunc('int', { params: ['interface {}'], result: 'int' }, (v) => goInt(toInt(v), 'int')),
    float64: defineFunc('float64', { params: ['interface {}'], result: 'float64' }, (v) => toFloat64(v)),
    toString: defineFunc('toString', { params: ['interface {}'], result: 'string' }, (v) => strval(v)),
    toStrings: defineFunc('toStrings', { params: ['interface {}'], result: '[]string' }, (v) => strslice(v)),
    // toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on any error (unix octal modes).
    toDecimal: defineFunc('toDecimal', { params: ['interface {}'], result: 'int64' }, (v) => {
      const r = goParseInt(sprint([v === undefined ? null : v]), 8, 64);
      return goInt(r.err === undefined ? r.value : 0n, 'int64');
    }),
  };
}

export { MAX_INT64, MIN_INT64 };
