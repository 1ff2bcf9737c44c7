/**
 * Tests of sprig's conversion functions and the shared conversion helpers (convert.ts), against
 * outputs of real Go 1.26 + spf13/cast v1.7.0 + sprig v3.3.0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import {
  asSlice,
  conversionFuncs,
  floatToInt64,
  goAtoi,
  goParseFloat,
  goParseInt,
  isEmpty,
  strslice,
  strval,
  toFloat64,
  toInt,
  toInt64,
} from '../../../src/template/funcs/convert.js';
import {
  defineFunc,
  GO_TYPE,
  GoComplex,
  GoFloat32,
  GoInt,
  GoNil,
  GoObject,
  type GoSlice,
  goInt,
  goTypeName,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';
import { type GoCase, runGoCases } from './go-cases.js';

const ctx = fixedContext({});
const fns = conversionFuncs(ctx);
/** Calls a conversion function's implementation with already-converted arguments. */
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns[name];
  assert.ok(fn !== undefined, name);
  return fn.impl(...args);
};

const view = new DataView(new ArrayBuffer(8));
const fromBits = (hex: string): number => {
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
};
const sameFloat = (got: number, want: number, msg: string): void => {
  if (Number.isNaN(want)) assert.ok(Number.isNaN(got), msg);
  else assert.ok(Object.is(got, want), `${msg}: got ${got}, want ${want}`);
};

/**
 * For each string: cast.ToInt64, cast.ToFloat64 (float64 bits), strconv.Atoi's value,
 * strconv.ParseInt(s, 8, 64) (0 on error), strconv.ParseFloat(s, 64) (bits) and its error kind.
 */
const STRING_ROWS: readonly (readonly [string, string, string, string, string, string, string])[] = [
  ['0x1F', '31', '0', '0', '0', '0', 'syntax'],
  ['1e3', '0', '408f400000000000', '0', '0', '408f400000000000', ''],
  [' 12', '0', '0', '0', '0', '0', 'syntax'],
  ['12 ', '0', '0', '0', '0', '0', 'syntax'],
  ['12.7', '0', '4029666666666666', '0', '0', '4029666666666666', ''],
  ['12.0', '12', '4028000000000000', '0', '0', '4028000000000000', ''],
  ['12.', '0', '4028000000000000', '0', '0', '4028000000000000', ''],
  ['.0', '0', '0', '0', '0', '0', ''],
  ['12.00', '12', '4028000000000000', '0', '0', '4028000000000000', ''],
  ['1.0.0', '0', '0', '0', '0', '0', 'syntax'],
  ['0.', '0', '0', '0', '0', '0', ''],
  ['0', '0', '0', '0', '0', '0', ''],
  ['-0', '0', '8000000000000000', '0', '0', '8000000000000000', ''],
  ['+5', '5', '4014000000000000', '5', '5', '4014000000000000', ''],
  ['-0x10', '-16', '0', '0', '0', '0', 'syntax'],
  ['0b101', '5', '0', '0', '0', '0', 'syntax'],
  ['0B11', '3', '0', '0', '0', '0', 'syntax'],
  ['0o17', '15', '0', '0', '0', '0', 'syntax'],
  ['0O17', '15', '0', '0', '0', '0', 'syntax'],
  ['017', '15', '4031000000000000', '17', '15', '4031000000000000', ''],
  ['08', '0', '4020000000000000', '8', '0', '4020000000000000', ''],
  ['0x', '0', '0', '0', '0', '0', 'syntax'],
  ['0b', '0', '0', '0', '0', '0', 'syntax'],
  ['0_1', '1', '3ff0000000000000', '0', '0', '3ff0000000000000', ''],
  ['1_000', '1000', '408f400000000000', '0', '0', '408f400000000000', ''],
  ['_1', '0', '0', '0', '0', '0', 'syntax'],
  ['1_', '0', '0', '0', '0', '0', 'syntax'],
  ['1__0', '0', '0', '0', '0', '0', 'syntax'],
  ['0x_1F', '31', '0', '0', '0', '0', 'syntax'],
  ['0_x1F', '0', '0', '0', '0', '0', 'syntax'],
  ['99999999999999999999', '0', '4415af1d78b58c40', '9223372036854775807', '0', '4415af1d78b58c40', ''],
  [
    '9223372036854775807',
    '9223372036854775807',
    '43e0000000000000',
    '9223372036854775807',
    '0',
    '43e0000000000000',
    '',
  ],
  ['9223372036854775808', '0', '43e0000000000000', '9223372036854775807', '0', '43e0000000000000', ''],
  [
    '-9223372036854775808',
    '-9223372036854775808',
    'c3e0000000000000',
    '-9223372036854775808',
    '0',
    'c3e0000000000000',
    '',
  ],
  ['-9223372036854775809', '0', 'c3e0000000000000', '-9223372036854775808', '0', 'c3e0000000000000', ''],
  ['18446744073709551615', '0', '43f0000000000000', '9223372036854775807', '0', '43f0000000000000', ''],
  ['0xFFFFFFFFFFFFFFFF', '0', '0', '0', '0', '0', 'syntax'],
  ['99999999999999999999x', '0', '0', '9223372036854775807', '0', '0', 'syntax'],
  ['', '0', '0', '0', '0', '0', 'syntax'],
  ['+', '0', '0', '0', '0', '0', 'syntax'],
  ['-', '0', '0', '0', '0', '0', 'syntax'],
  ['abc', '0', '0', '0', '0', '0', 'syntax'],
  ['1e', '0', '0', '0', '0', '0', 'syntax'],
  ['inf', '0', '7ff0000000000000', '0', '0', '7ff0000000000000', ''],
  ['Inf', '0', '7ff0000000000000', '0', '0', '7ff0000000000000', ''],
  ['-Infinity', '0', 'fff0000000000000', '0', '0', 'fff0000000000000', ''],
  ['+inf', '0', '7ff0000000000000', '0', '0', '7ff0000000000000', ''],
  ['infinity', '0', '7ff0000000000000', '0', '0', '7ff0000000000000', ''],
  ['infinit', '0', '0', '0', '0', '0', 'syntax'],
  ['infx', '0', '0', '0', '0', '0', 'syntax'],
  ['nan', '0', '7ff8000000000001', '0', '0', '7ff8000000000001', ''],
  ['NaN', '0', '7ff8000000000001', '0', '0', '7ff8000000000001', ''],
  ['+nan', '0', '0', '0', '0', '0', 'syntax'],
  ['-nan', '0', '0', '0', '0', '0', 'syntax'],
  ['1e400', '0', '0', '0', '0', '7ff0000000000000', 'range'],
  ['-1e400', '0', '0', '0', '0', 'fff0000000000000', 'range'],
  ['1.5e-400', '0', '0', '0', '0', '0', ''],
  ['4.9e-324', '0', '1', '0', '0', '1', ''],
  ['2.4e-324', '0', '0', '0', '0', '0', ''],
  ['2.5e-324', '0', '1', '0', '0', '1', ''],
  ['.5', '0', '3fe0000000000000', '0', '0', '3fe0000000000000', ''],
  ['5.', '0', '4014000000000000', '0', '0', '4014000000000000', ''],
  ['+.5e+2', '0', '4049000000000000', '0', '0', '4049000000000000', ''],
  ['0x1.8p1', '0', '4008000000000000', '0', '0', '4008000000000000', ''],
  ['0X1P+2', '0', '4010000000000000', '0', '0', '4010000000000000', ''],
  ['0x10', '16', '0', '0', '0', '0', 'syntax'],
  ['0x1p-1074', '0', '1', '0', '0', '1', ''],
  ['0x1p-1075', '0', '0', '0', '0', '0', ''],
  ['0x1.8p-1075', '0', '1', '0', '0', '1', ''],
  ['0x1p1024', '0', '0', '0', '0', '7ff0000000000000', 'range'],
  ['0x1.fffffffffffff8p1023', '0', '0', '0', '0', '7ff0000000000000', 'range'],
  ['0x1.fffffffffffff7p1023', '0', '7fefffffffffffff', '0', '0', '7fefffffffffffff', ''],
  ['0x.8p1', '0', '3ff0000000000000', '0', '0', '3ff0000000000000', ''],
  ['0x8.p0', '0', '4020000000000000', '0', '0', '4020000000000000', ''],
  ['0xp1', '0', '0', '0', '0', '0', 'syntax'],
  ['1_000.5', '0', '408f440000000000', '0', '0', '408f440000000000', ''],
  ['1_000.5e1_0', '0', '42a232f0f1240000', '0', '0', '42a232f0f1240000', ''],
  ['1e1_0', '0', '4202a05f20000000', '0', '0', '4202a05f20000000', ''],
  ['0x_1p0', '0', '3ff0000000000000', '0', '0', '3ff0000000000000', ''],
  ['1._5', '0', '0', '0', '0', '0', 'syntax'],
  ['1e+', '0', '0', '0', '0', '0', 'syntax'],
  ['1e-5', '0', '3ee4f8b588e368f1', '0', '0', '3ee4f8b588e368f1', ''],
  ['00012', '10', '4028000000000000', '12', '10', '4028000000000000', ''],
  ['0.1', '0', '3fb999999999999a', '0', '0', '3fb999999999999a', ''],
  ['0.3', '0', '3fd3333333333333', '0', '0', '3fd3333333333333', ''],
  [
    '123456789012345678901234567890',
    '0',
    '45f8ee90ff6c373e',
    '9223372036854775807',
    '0',
    '45f8ee90ff6c373e',
    '',
  ],
  ['1.7976931348623157e308', '0', '7fefffffffffffff', '0', '0', '7fefffffffffffff', ''],
  ['1.7976931348623159e308', '0', '0', '0', '0', '7ff0000000000000', 'range'],
  ['0x123456789abcdef0123p0', '0', '44723456789abcdf', '0', '0', '44723456789abcdf', ''],
  ['0x1.00000000000008p0', '0', '3ff0000000000000', '0', '0', '3ff0000000000000', ''],
  ['0x1.00000000000008000001p0', '0', '3ff0000000000001', '0', '0', '3ff0000000000001', ''],
  ['0x1.00000000000018p0', '0', '3ff0000000000002', '0', '0', '3ff0000000000002', ''],
  ['12e', '0', '0', '0', '0', '0', 'syntax'],
  ['\u00e9', '0', '0', '0', '0', '0', 'syntax'],
  ['\u0661\u0662', '0', '0', '0', '0', '0', 'syntax'],
  ['1\u00a0', '0', '0', '0', '0', '0', 'syntax'],
  ['0x1F.0', '31', '0', '0', '0', '0', 'syntax'],
  ['10.000', '10', '4024000000000000', '0', '0', '4024000000000000', ''],
  ['-12.0', '-12', 'c028000000000000', '0', '0', 'c028000000000000', ''],
  ['+12.0', '12', '4028000000000000', '0', '0', '4028000000000000', ''],
  ['0b1.0', '1', '0', '0', '0', '0', 'syntax'],
  ['1_0.0', '10', '4024000000000000', '0', '0', '4024000000000000', ''],
  ['true', '0', '0', '0', '0', '0', 'syntax'],
];

/** float64 bits -> cast.ToInt64 (Go's float64 -> int64 conversion on amd64). */
const FLOAT_ROWS: readonly (readonly [string, string])[] = [
  ['400f333333333333', '3'],
  ['c00f333333333333', '-3'],
  ['46293e5939a08cea', '-9223372036854775808'],
  ['c6293e5939a08cea', '-9223372036854775808'],
  ['43e0000000000000', '-9223372036854775808'],
  ['c3e0000000000000', '-9223372036854775808'],
  ['43dfffffffffffff', '9223372036854774784'],
  ['7ff8000000000001', '-9223372036854775808'],
  ['7ff0000000000000', '-9223372036854775808'],
  ['fff0000000000000', '-9223372036854775808'],
  ['3fe0000000000000', '0'],
  ['bfe0000000000000', '0'],
  ['8000000000000000', '0'],
  ['43e158e460913d00', '-9223372036854775808'],
  ['432ff973cafa8000', '4500000000000000'],
];

describe('strconv and cast ports', () => {
  for (const [s, i64, f, atoi, octal, pf, perr] of STRING_ROWS) {
    it(`parses ${JSON.stringify(s)} as Go does`, () => {
      assert.equal(toInt64(s).toString(), i64, 'cast.ToInt64');
      assert.equal(toInt(s).toString(), i64, 'cast.ToInt');
      sameFloat(toFloat64(s), fromBits(f), 'cast.ToFloat64');
      assert.equal(goAtoi(s).value.toString(), atoi, 'strconv.Atoi');
      const oct = goParseInt(s, 8, 64);
      assert.equal((oct.err === undefined ? oct.value : 0n).toString(), octal, 'strconv.ParseInt base 8');
      const p = goParseFloat(s);
      sameFloat(p.value, fromBits(pf), 'strconv.ParseFloat');
      assert.equal(p.err ?? '', perr, 'strconv.ParseFloat error');
    });
  }
  for (const [bits, want] of FLOAT_ROWS) {
    it(`converts float64 ${fromBits(bits)} to int64 as amd64 Go does`, () => {
      assert.equal(floatToInt64(fromBits(bits)).toString(), want);
      assert.equal(toInt64(fromBits(bits)).toString(), want);
    });
  }
});

describe('cast rules over the value model', () => {
  const cases: readonly [string, Value, bigint, number][] = [
    ['int', goInt(7), 7n, 7],
    ['uint64 max wraps to -1', goInt((1n << 64n) - 1n, 'uint64'), -1n, 2 ** 64],
    ['int8', goInt(-5, 'int8'), -5n, -5],
    ['float32', new GoFloat32(2.75), 2n, 2.75],
    ['true', true, 1n, 1],
    ['false', false, 0n, 0],
    ['nil', null, 0n, 0],
    ['no value', undefined, 0n, 0],
    ['complex', new GoComplex(1, 2), 0n, 0],
    ['slice', [goInt(1)], 0n, 0],
    ['map', new Map(), 0n, 0],
    ['[]byte', new Uint8Array([49]), 0n, 0],
    ['struct', new GoObject('time.Time', new Map()), 0n, 0],
    ['typed nil', new GoNil('*semver.Version'), 0n, 0],
  ];
  for (const [name, v, i, f] of cases) {
    it(name, () => {
      assert.equal(toInt64(v), i);
      assert.equal(toFloat64(v), f);
    });
  }
});

describe('strval and strslice', () => {
  it('passes strings through and decodes []byte', () => {
    assert.equal(strval('x'), 'x');
    assert.equal(strval(new Uint8Array([104, 105])), 'hi');
  });
  it('uses a Stringer', () => {
    const v = new GoObject('*semver.Version', new Map(), {}, () => '1.2.3');
    assert.equal(strval(v), '1.2.3');
  });
  it('prints nil as <nil>', () => {
    assert.equal(strval(null), '<nil>');
    assert.equal(strval(undefined), '<nil>');
  });
  it('returns a []string unchanged and types other results []string', () => {
    const ss = typedSlice(['a', 'b'], '[]string');
    assert.equal(strslice(ss), ss);
    const out = strslice([goInt(1), null, 'x']);
    assert.deepEqual([...out], ['1', 'x']);
    assert.equal(out[GO_TYPE], '[]string');
    assert.deepEqual([...strslice(null)], []);
    assert.deepEqual([...strslice(goInt(5))], ['5']);
  });
  it('keeps typed nils (non-nil interfaces) in []interface{}', () => {
    assert.deepEqual([...strslice([new GoNil('[]interface {}')])], ['[]']);
  });
});

describe('asSlice', () => {
  it('sees any slice type', () => {
    const ss = typedSlice(['a'], '[]string');
    assert.equal(asSlice(ss), ss);
    assert.deepEqual(asSlice(new GoNil('[]string')), []);
    const bytes = asSlice(new Uint8Array([7])) as GoSlice;
    assert.ok(bytes[0] instanceof GoInt && bytes[0].type === 'uint8' && bytes[0].value === 7n);
  });
  it('rejects non-slices', () => {
    for (const v of ['abc', new Map(), goInt(1), null, new GoNil('map[string]interface {}')] as Value[]) {
      assert.equal(asSlice(v), undefined);
    }
  });
});

describe('isEmpty (sprig empty) over the value model', () => {
  const cases: readonly [string, Value, boolean][] = [
    ['nil', null, true],
    ['no value', undefined, true],
    ['int 0', goInt(0), true],
    ['uint8 1', goInt(1, 'uint8'), false],
    ['float32 0', new GoFloat32(0), true],
    ['-0', -0, true],
    ['NaN', Number.NaN, false],
    ['complex 0', new GoComplex(0, 0), true],
    ['complex i', new GoComplex(0, 1), false],
    ['empty []byte', new Uint8Array(0), true],
    ['nil slice', new GoNil('[]string'), true],
    ['nil pointer', new GoNil('*semver.Version'), true],
    ['struct', new GoObject('time.Time', new Map()), false],
    ['pointer', new GoObject('*semver.Version', new Map()), false],
    ['func', defineFunc('f', { params: [], result: 'string' }, () => ''), false],
    ['typed empty map', new Map(), true],
  ];
  for (const [name, v, want] of cases) it(name, () => assert.equal(isEmpty(v), want));
});

describe('conversion functions (impl)', () => {
  it('declare the Go signatures sprig declares', () => {
    const sig = (name: string): string => goTypeName(fns[name] as Value);
    assert.equal(sig('atoi'), 'func(string) int');
    assert.equal(sig('int64'), 'func(interface {}) int64');
    assert.equal(sig('int'), 'func(interface {}) int');
    assert.equal(sig('float64'), 'func(interface {}) float64');
    assert.equal(sig('toString'), 'func(interface {}) string');
    assert.equal(sig('toStrings'), 'func(interface {}) []string');
    assert.equal(sig('toDecimal'), 'func(interface {}) int64');
  });
  it('return values of the declared types', () => {
    const i64 = call('int64', '0x1F') as GoInt;
    assert.ok(i64 instanceof GoInt && i64.type === 'int64' && i64.value === 31n);
    const i = call('int', 3.9) as GoInt;
    assert.ok(i instanceof GoInt && i.type === 'int' && i.value === 3n);
    const a = call('atoi', '99999999999999999999') as GoInt;
    assert.ok(a instanceof GoInt && a.type === 'int' && a.value === (1n << 63n) - 1n);
    assert.equal(call('float64', '1e3'), 1000);
    assert.equal(call('toString', goInt(42)), '42');
  });
  it('toDecimal reads the %v text as octal', () => {
    const d = (v: Value): bigint => (call('toDecimal', v) as GoInt).value;
    assert.equal(d('0777'), 511n);
    assert.equal(d(goInt(777)), 511n);
    assert.equal(d(goInt(-17)), -15n);
    assert.equal(d('8'), 0n);
    assert.equal(d(1.5), 0n);
    assert.equal(d(null), 0n);
    assert.equal(d('777777777777777777777777'), 0n);
  });
});

// ---- Go-verified template cases (see go-cases.ts) ------------------------------------------------

const GO_CASES: readonly GoCase[] = [
  ['{{ atoi "42" }}', '42'],
  ['{{ atoi "-17" }}', '-17'],
  ['{{ atoi "+5" }}', '5'],
  ['{{ atoi "1_0" }}', '0'],
  ['{{ atoi " 1" }}', '0'],
  ['{{ atoi "" }}', '0'],
  ['{{ atoi "0x10" }}', '0'],
  ['{{ atoi "99999999999999999999" }}', '9223372036854775807'],
  ['{{ atoi "-99999999999999999999" }}', '-9223372036854775808'],
  ['{{ atoi "12345678901234567890" }}', '9223372036854775807'],
  ['{{ atoi "3.5" }}', '0'],
  ['{{ atoi 3 }}', '', 'template: t:1:8: executing "t" at <3>: expected string; found 3'],
  ['{{ typeOf (atoi "1") }}', 'int'],
  ['{{ int64 "0x1F" }}', '31'],
  ['{{ int64 "1e3" }}', '0'],
  ['{{ int64 " 12" }}', '0'],
  ['{{ int64 "12.7" }}', '0'],
  ['{{ int64 "12.0" }}', '12'],
  ['{{ int64 "12." }}', '0'],
  ['{{ int64 true }}', '1'],
  ['{{ int64 false }}', '0'],
  ['{{ int64 nil }}', '0'],
  ['{{ int64 .nope }}', '0'],
  ['{{ int64 3.9 }}', '3'],
  ['{{ int64 -3.9 }}', '-3'],
  ['{{ int64 1e30 }}', '-9223372036854775808'],
  ['{{ int64 .f }}', '3'],
  ['{{ int64 .n }}', '42'],
  ['{{ int64 "0b101" }}', '5'],
  ['{{ int64 "0o17" }}', '15'],
  ['{{ int64 "017" }}', '15'],
  ['{{ int64 "08" }}', '0'],
  ['{{ int64 "1_000" }}', '1000'],
  ['{{ int64 "-0x10" }}', '-16'],
  ['{{ int64 "99999999999999999999" }}', '0'],
  ['{{ int64 .l }}', '0'],
  ['{{ int64 .m }}', '0'],
  ['{{ int64 (int 5) }}', '5'],
  ['{{ typeOf (int64 1) }}', 'int64'],
  ['{{ int .f }}', '3'],
  ['{{ int "12.00" }}', '12'],
  ['{{ int "0x_1F" }}', '31'],
  ['{{ int 1e19 }}', '-9223372036854775808'],
  ['{{ typeOf (int "1") }}', 'int'],
  ['{{ float64 "1e3" }}', '1000'],
  ['{{ float64 "0x1p-2" }}', '0.25'],
  ['{{ float64 "inf" }}', '+Inf'],
  ['{{ float64 "-Infinity" }}', '-Inf'],
  ['{{ float64 "nan" }}', 'NaN'],
  ['{{ float64 "1e400" }}', '0'],
  ['{{ float64 "1_000" }}', '1000'],
  ['{{ float64 " 1" }}', '0'],
  ['{{ float64 true }}', '1'],
  ['{{ float64 nil }}', '0'],
  ['{{ float64 3 }}', '3'],
  ['{{ float64 "0x10" }}', '0'],
  ['{{ float64 "abc" }}', '0'],
  ['{{ float64 (int64 7) }}', '7'],
  ['{{ float64 9007199254740993 }}', '9.007199254740992e+15'],
  ['{{ float64 .l }}', '0'],
  ['{{ typeOf (float64 1) }}', 'float64'],
  ['{{ toDecimal "0777" }}', '511'],
  ['{{ toDecimal 777 }}', '511'],
  ['{{ toDecimal "8" }}', '0'],
  ['{{ toDecimal 1.5 }}', '0'],
  ['{{ toDecimal -17 }}', '-15'],
  ['{{ toDecimal "+17" }}', '15'],
  ['{{ toDecimal nil }}', '0'],
  ['{{ toDecimal true }}', '0'],
  ['{{ toDecimal "0o17" }}', '0'],
  [
    '{{ toDecimal 1000000000000000000000000 }}',
    '',
    'template: t:1: integer overflow: "1000000000000000000000000"',
  ],
  ['{{ toString 1 }}', '1'],
  ['{{ toString 1.5 }}', '1.5'],
  ['{{ toString nil }}', '<nil>'],
  ['{{ toString .l }}', '[3 1 2]'],
  ['{{ toString .m }}', 'map[a:1 b:2 c:map[d:deep]]'],
  ['{{ toString true }}', 'true'],
  ['{{ toString .big }}', '1e+21'],
  ['{{ toString .s }}', 'hello'],
  ['{{ toString (list 1 "a") }}', '[1 a]'],
  ['{{ toStrings .l }}', '[3 1 2]'],
  ['{{ toStrings nil }}', '[]'],
  ['{{ toStrings "a" }}', '[a]'],
  ['{{ toStrings (list 1 nil "x" 2.5) }}', '[1 x 2.5]'],
  ['{{ typeOf (toStrings .l) }}', '[]string'],
  ['{{ toStrings 5 }}', '[5]'],
  ['{{ toStrings .m }}', '[map[a:1 b:2 c:map[d:deep]]]'],
  ['{{ toStrings .el }}', '[]'],
  ['{{ toStrings (list (list 1 nil) nil) }}', '[[1 <nil>]]'],
  ['{{ toStrings (until 3) }}', '[0 1 2]'],
  ['{{ len (toStrings (list nil nil)) }}', '0'],
  ['{{ toStrings (list 1 2.5 "x") }}', '[1 2.5 x]'],
  ['{{ toString 42 }}', '42'],
  ['{{ int "42" }}', '42'],
  ['{{ float64 "2.5" }}', '2.5'],
  ['{{ atoi "12" }}', '12'],
  ['{{ int64 (toDate "2006-01-02" "2020-05-03").Month }}', '5'],
  ['{{ int (toDate "2006-01-02" "2020-05-03").Weekday }}', '0'],
  ['{{ float64 (toDate "2006-01-02" "2020-05-03").Month }}', '5'],
  ['{{ add1 (toDate "2006-01-02" "2020-05-03").Month }}', '6'],
  ['{{ toString (toDate "2006-01-02" "2020-05-03").Month }}', 'May'],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ int64 ($t.Sub (toDate "2006-01-02" "2020-05-01")) }}',
    '0',
  ],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ float64 ($t.Sub (toDate "2006-01-02" "2020-05-01")) }}',
    '0',
  ],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ toString ($t.Sub (toDate "2006-01-02" "2020-05-01")) }}',
    '48h0m0s',
  ],
  ['{{ toString (toDate "2006-01-02" "2020-05-03") }}', '2020-05-03 00:00:00 +0000 UTC'],
];

runGoCases('conversion functions through templates (Go outputs)', GO_CASES);
