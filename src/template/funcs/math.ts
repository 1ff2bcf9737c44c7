/**
 * sprig's math functions (functions.go, numeric.go): int64 arithmetic over cast.ToInt64 (add1, add,
 * sub, div, mod, mul, max/biggest, min), float64 helpers (maxf, minf, ceil, floor, round),
 * shopspring/decimal v1.4.0 arithmetic (add1f, addf, subf, divf, mulf) and integer ranges (until,
 * untilStep, seq).
 */

import { appendedCap, withCap } from '../slicecap.js';
import { defineFunc, type GoFunc, goInt, typedSlice, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { toFloat64, toInt64 } from './convert.js';

/** int64 arithmetic wraps around as in Go. */
const wrap = (n: bigint): bigint => BigInt.asIntN(64, n);
const int64 = (n: bigint): Value => goInt(wrap(n), 'int64');

/** Go's integer / and %: truncated, a zero divisor panics; MinInt64 / -1 wraps (no trap in Go). */
function intDiv(a: bigint, b: bigint, op: '/' | '%'): bigint {
  if (b === 0n) throw new Error('runtime error: integer divide by zero');
  return wrap(op === '/' ? a / b : a % b);
}

// ---- float helpers (Go's math package) ----------------------------------------------------------

const view = new DataView(new ArrayBuffer(8));
function float64bits(f: number): bigint {
  view.setFloat64(0, f);
  return view.getBigUint64(0);
}
function float64frombits(b: bigint): number {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}

/** math.Ldexp (pure Go on amd64): frac * 2^exp with a single rounding for denormal results. */
function ldexp(frac0: number, exp0: number): number {
  if (frac0 === 0 || !Number.isFinite(frac0)) return frac0;
  let frac = frac0;
  let exp = exp0;
  if (Math.abs(frac) < 2.2250738585072014e-308) {
    frac *= 2 ** 52;
    exp -= 52;
  }
  const x = float64bits(frac);
  exp += Number((x >> 52n) & 0x7ffn) - 1023;
  if (exp < -1075) return frac < 0 ? -0 : 0;
  if (exp > 1023) return frac < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let m = 1;
  if (exp < -1022) {
    exp += 53;
    m = 2 ** -53;
  }
  return m * float64frombits((x & ~(0x7ffn << 52n)) | (BigInt(exp + 1023) << 52n));
}

/**
 * math.Pow(10, y) for an integral y (sprig's round passes float64(places)): Go's repeated squaring
 * of Frexp(10) = 0.625 * 2^4, then Ldexp, which can differ in the last bit from JS's `10 ** y`.
 */
export function pow10(y: number): number {
  if (y === 0) return 1;
  if (y === 1) return 10;
  const yi = Math.abs(y);
  if (yi >= 2 ** 63) return y > 0 ? Number.POSITIVE_INFINITY : 0;
  let a1 = 1;
  let ae = 0;
  let x1 = 0.625;
  let xe = 4;
  for (let i = BigInt(yi); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1n) === 1n) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe *= 2;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}

/** math.Max: +Inf wins over NaN, NaN over everything else, +0 over -0. */
function goMax(x: number, y: number): number {
  if (x === Number.POSITIVE_INFINITY || y === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? y : x;
  return Math.max(x, y);
}

/** math.Min: -Inf wins over NaN, NaN over everything else, -0 over +0. */
function goMin(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY || y === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? x : y;
  return Math.min(x, y);
}

/**
 * sprig's round(a, p, rOpt...): scale by 10^p, take the ceiling when the fraction (math.Modf) is
 * at least roundOn (default .5), else the floor, and scale back. Negative values always floor
 * (their fraction is negative), as in sprig: round -1.5 0 is -2, so is round -1.4 0.
 */
function round(a: Value, p: Value, rOpt: Value[]): number {
  const roundOn = rOpt.length > 0 ? (rOpt[0] as number) : 0.5;
  const val = toFloat64(a);
  const places = toFloat64(p);
  const pow = pow10(places);
  const digit = pow * val;
  // math.Modf's fractional part: f - trunc(f) (NaN for ±Inf and NaN).
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

// ---- shopspring/decimal -------------------------------------------------------------------------

/** A decimal.Decimal: value * 10^exp. */
interface Decimal {
  value: bigint;
  exp: number;
}

const pow10n = (n: number): bigint => 10n ** BigInt(n);

/** Go's %v of a float64 that cannot become a Decimal. */
const nonFinite = (f: number): string => (Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf');

/**
 * decimal.NewFromFloat: the shortest decimal that round-trips (strconv's roundShortest, which
 * JS's Number#toExponential() also produces); NaN and ±Inf panic.
 */
function newFromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${nonFinite(f)}`);
  if (f === 0) return { value: 0n, exp: 0 };
  const [mant, e] = f.toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const negative = digits.startsWith('-');
  const abs = negative ? digits.slice(1) : digits;
  return { value: BigInt(digits), exp: Number(e) - (abs.length - 1) };
}

function rescale(d: Decimal, exp: number): Decimal {
  if (d.exp === exp) return d;
  if (exp > d.exp) return { value: d.value / pow10n(exp - d.exp), exp };
  return { value: d.value * pow10n(d.exp - exp), exp };
}

function rescalePair(a: Decimal, b: Decimal): [Decimal, Decimal] {
  if (a.exp < b.exp) return [a, rescale(b, a.exp)];
  if (a.exp > b.exp) return [rescale(a, b.exp), b];
  return [a, b];
}

function decAdd(a: Decimal, b: Decimal): Decimal {
  const [x, y] = rescalePair(a, b);
  return { value: x.value + y.value, exp: x.exp };
}

function decSub(a: Decimal, b: Decimal): Decimal {
  const [x, y] = rescalePair(a, b);
  return { value: x.value - y.value, exp: x.exp };
}

function decMul(a: Decimal, b: Decimal): Decimal {
  return { value: a.value * b.value, exp: a.exp + b.exp };
}

function decCmp(a: Decimal, b: Decimal): number {
  const [x, y] = rescalePair(a, b);
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const sign = (n: bigint): number => (n < 0n ? -1 : n > 0n ? 1 : 0);

/** Decimal.Div: DivRound(d2, DivisionPrecision = 16), half away from zero. */
function decDiv(d: Decimal, d2: Decimal): Decimal {
  const precision = 16;
  if (d2.value === 0n) throw new Error('decimal division by 0');
  // QuoRem(d2, precision)
  const scale = -precision;
  const e = d.exp - d2.exp - scale;
  let aa: bigint;
  let bb: bigint;
  let scalerest: number;
  if (e < 0) {
    aa = d.value;
    bb = d2.value * pow10n(-e);
    scalerest = d.exp;
  } else {
    aa = d.value * pow10n(e);
    bb = d2.value;
    scalerest = scale + d2.exp;
  }
  const q: Decimal = { value: aa / bb, exp: scale };
  const r: Decimal = { value: aa % bb, exp: scalerest };
  // DivRound: compare 2*|r|*10^precision with |d2|.
  const r2: Decimal = { value: abs(r.value) * 2n, exp: r.exp + precision };
  if (decCmp(r2, { value: abs(d2.value), exp: d2.exp }) < 0) return q;
  const unit: Decimal = { value: 1n, exp: -precision };
  return sign(d.value) * sign(d2.value) < 0 ? decSub(q, unit) : decAdd(q, unit);
}

/** Decimal.Float64: big.Rat.Float64, the nearest float64 (JS parses decimal strings exactly so). */
function decFloat64(d: Decimal): number {
  return Number(`${d.value}e${d.exp}`);
}

/** sprig's execDecimalOp: a and each of b through NewFromFloat(toFloat64(x)), folded with op. */
function execDecimalOp(a: Value, b: Value[], op: (x: Decimal, y: Decimal) => Decimal): number {
  let prt = newFromFloat(toFloat64(a));
  for (const x of b) prt = op(prt, newFromFloat(toFloat64(x)));
  return decFloat64(prt);
}

// ---- ranges -------------------------------------------------------------------------------------

/** sprig's untilStep over Go ints (wrapping like Go's int64 arithmetic). */
function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const v: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return v;
    for (let i = start; i > stop; i = wrap(i + step)) v.push(i);
    return v;
  }
  if (step <= 0n) return v;
  for (let i = start; i < stop; i = wrap(i + step)) v.push(i);
  return v;
}

/** untilStep's []int, built by appending to []int{}: Go's capacity after that many appends. */
const intSlice = (ns: bigint[]): Value =>
  withCap(
    typedSlice(
      ns.map((n) => goInt(n, 'int')),
      '[]int',
    ),
    appendedCap(ns.length, 'int'),
  );

/** sprig's seq: `seq END`, `seq START END` or `seq START STEP END`, as space-separated ints. */
function seq(params: bigint[]): string {
  let increment = 1n;
  const show = (ns: bigint[]): string => ns.join(' ');
  switch (params.length) {
    case 1: {
      const start = 1n;
      const end = params[0] as bigint;
      if (end < start) increment = -1n;
      return show(untilStep(start, wrap(end + increment), increment));
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      return show(untilStep(start, wrap(end + step), step));
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      if (end < start) {
        increment = -1n;
        if (step > 0n) return '';
      }
      return show(untilStep(start, wrap(end + increment), step));
    }
    default:
      return '';
  }
}

// ---- the template functions ---------------------------------------------------------------------

const IFACE = 'interface {}';

const intArg = (v: Value): bigint => toInt64(v);
const goIntValue = (v: Value): bigint => (v as { value: bigint }).value;

export function mathFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const binary = { params: [IFACE, IFACE], result: 'int64' };
  const fold = { params: [IFACE], variadic: IFACE, result: 'int64' };
  const foldf = { params: [IFACE], variadic: IFACE, result: 'float64' };
  const maxFn = (a: Value, ...i: Value[]): Value => {
    let aa = intArg(a);
    for (const b of i) {
      const bb = intArg(b);
      if (bb > aa) aa = bb;
    }
    return int64(aa);
  };
  return {
    add1: defineFunc('add1', { params: [IFACE], result: 'int64' }, (i) => int64(intArg(i) + 1n)),
    add: defineFunc('add', { params: [], variadic: IFACE, result: 'int64' }, (...i) =>
      int64(i.reduce<bigint>((a, b) => wrap(a + intArg(b)), 0n)),
    ),
    sub: defineFunc('sub', binary, (a, b) => int64(intArg(a) - intArg(b))),
    div: defineFunc('div', binary, (a, b) => int64(intDiv(intArg(a), intArg(b), '/'))),
    mod: defineFunc('mod', binary, (a, b) => int64(intDiv(intArg(a), intArg(b), '%'))),
    mul: defineFunc('mul', fold, (a, ...v) =>
      int64(v.reduce<bigint>((x, b) => wrap(x * intArg(b)), intArg(a))),
    ),
    max: defineFunc('max', fold, maxFn),
    biggest: defineFunc('biggest', fold, maxFn),
    min: defineFunc('min', fold, (a, ...i) => {
      let aa = intArg(a);
      for (const b of i) {
        const bb = intArg(b);
        if (bb < aa) aa = bb;
      }
      return int64(aa);
    }),
    maxf: defineFunc('maxf', foldf, (a, ...i) =>
      i.reduce<number>((x, b) => goMax(x, toFloat64(b)), toFloat64(a)),
    ),
    minf: defineFunc('minf', foldf, (a, ...i) =>
      i.reduce<number>((x, b) => goMin(x, toFloat64(b)), toFloat64(a)),
    ),
    ceil: defineFunc('ceil', { params: [IFACE], result: 'float64' }, (a) => Math.ceil(toFloat64(a))),
    floor: defineFunc('floor', { params: [IFACE], result: 'float64' }, (a) => Math.floor(toFloat64(a))),
    round: defineFunc(
      'round',
      { params: [IFACE, 'int'], variadic: 'float64', result: 'float64' },
      (a, p, ...r) => round(a, p, r),
    ),
    add1f: defineFunc('add1f', { params: [IFACE], result: 'float64' }, (i) =>
      execDecimalOp(i, [goInt(1)], decAdd),
    ),
    addf: defineFunc('addf', { params: [], variadic: IFACE, result: 'float64' }, (...i) =>
      execDecimalOp(0, i, decAdd),
    ),
    subf: defineFunc('subf', foldf, (a, ...v) => execDecimalOp(a, v, decSub)),
    divf: defineFunc('divf', foldf, (a, ...v) => execDecimalOp(a, v, decDiv)),
    mulf: defineFunc('mulf', foldf, (a, ...v) => execDecimalOp(a, v, decMul)),
    until: defineFunc('until', { params: ['int'], result: '[]int' }, (count) => {
      const c = goIntValue(count);
      return intSlice(untilStep(0n, c, c < 0n ? -1n : 1n));
    }),
    untilStep: defineFunc(
      'untilStep',
      { params: ['int', 'int', 'int'], result: '[]int' },
      (start, stop, step) => intSlice(untilStep(goIntValue(start), goIntValue(stop), goIntValue(step))),
    ),
    seq: defineFunc('seq', { params: [], variadic: 'int', result: 'string' }, (...params) =>
      seq(params.map(goIntValue)),
    ),
  };
}
