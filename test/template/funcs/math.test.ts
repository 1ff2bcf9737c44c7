/**
 * Tests of sprig's math functions (math.ts) against real Go 1.26 + sprig v3.3.0 +
 * shopspring/decimal v1.4.0 results.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { mathFuncs, pow10 } from '../../../src/template/funcs/math.js';
import { GO_TYPE, GoInt, type GoSlice, goInt, goTypeName, type Value } from '../../../src/template/value.js';
import { type GoCase, runGoCases } from './go-cases.js';

const ctx = fixedContext({});
const fns = mathFuncs(ctx);
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns[name];
  assert.ok(fn !== undefined, name);
  return fn.impl(...args);
};
const int64 = (v: Value): bigint => {
  assert.ok(v instanceof GoInt && v.type === 'int64', `${String(v)} is not an int64`);
  return v.value;
};
const panics = (name: string, args: Value[], message: string): void => {
  assert.throws(
    () => call(name, ...args),
    (e: Error) => e.message === message && e.name === 'Error',
  );
};

describe('math functions (impl)', () => {
  it('declare sprig v3.3.0 signatures', () => {
    const sig = (name: string): string => goTypeName(fns[name] as Value);
    assert.equal(sig('add1'), 'func(interface {}) int64');
    assert.equal(sig('add'), 'func(...interface {}) int64');
    assert.equal(sig('sub'), 'func(interface {}, interface {}) int64');
    assert.equal(sig('mul'), 'func(interface {}, ...interface {}) int64');
    assert.equal(sig('max'), 'func(interface {}, ...interface {}) int64');
    assert.equal(sig('biggest'), 'func(interface {}, ...interface {}) int64');
    assert.equal(sig('maxf'), 'func(interface {}, ...interface {}) float64');
    assert.equal(sig('ceil'), 'func(interface {}) float64');
    assert.equal(sig('round'), 'func(interface {}, int, ...float64) float64');
    assert.equal(sig('add1f'), 'func(interface {}) float64');
    assert.equal(sig('addf'), 'func(...interface {}) float64');
    assert.equal(sig('divf'), 'func(interface {}, ...interface {}) float64');
    assert.equal(sig('until'), 'func(int) []int');
    assert.equal(sig('untilStep'), 'func(int, int, int) []int');
    assert.equal(sig('seq'), 'func(...int) string');
  });

  it('do int64 arithmetic with Go wrapping', () => {
    const max = goInt((1n << 63n) - 1n, 'int64');
    assert.equal(int64(call('add', max, goInt(1))), -(1n << 63n));
    assert.equal(int64(call('add1', goInt((1n << 64n) - 1n, 'uint64'))), 0n);
    assert.equal(int64(call('mul', max, goInt(2))), -2n);
    assert.equal(int64(call('div', goInt(-(1n << 63n)), goInt(-1))), -(1n << 63n));
    assert.equal(int64(call('mod', goInt(-7), goInt(2))), -1n);
    assert.equal(int64(call('sub', '10', 2.9)), 8n);
  });

  it('panic on integer division by zero', () => {
    panics('div', [goInt(1), goInt(0)], 'runtime error: integer divide by zero');
    panics('mod', [goInt(1), null], 'runtime error: integer divide by zero');
  });

  it('follow math.Max/Min special cases', () => {
    assert.equal(call('maxf', Number.NaN, Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(call('maxf', Number.NaN, goInt(1)) as number));
    assert.ok(Object.is(call('minf', goInt(0), -0), -0));
    assert.ok(Object.is(call('maxf', -0, goInt(0)), 0));
  });

  it('compute decimal arithmetic exactly, then round to float64', () => {
    assert.equal(call('addf', 1.1, 2.2), 3.3);
    assert.equal(call('subf', 0.3, 0.1), 0.2);
    assert.equal(call('mulf', 0.1, 0.2), 0.02);
    assert.equal(call('divf', goInt(1), goInt(3)), 0.3333333333333333);
    assert.equal(call('divf', goInt(1), goInt(7)), 0.1428571428571429);
    assert.equal(call('divf', goInt(-2), goInt(3)), -0.6666666666666667);
    assert.equal(call('divf', 0.000001, goInt(3)), 3.333333333e-7);
    assert.equal(call('add1f', '0.1'), 1.1);
    assert.equal(call('addf'), 0);
  });

  it('panic as shopspring/decimal does', () => {
    panics('divf', [goInt(1), goInt(0)], 'decimal division by 0');
    panics('addf', ['inf'], 'Cannot create a Decimal from +Inf');
    panics('mulf', [goInt(1), Number.NEGATIVE_INFINITY], 'Cannot create a Decimal from -Inf');
    panics('subf', [Number.NaN], 'Cannot create a Decimal from NaN');
  });

  it('round like sprig (floor for negatives, custom roundOn)', () => {
    assert.equal(call('round', 2.345, goInt(2)), 2.35);
    assert.equal(call('round', -1.4, goInt(0)), -2);
    assert.equal(call('round', 1.25, goInt(1), 0.3), 1.3);
    assert.equal(call('round', 0.285, goInt(2)), 0.28);
    assert.ok(Number.isNaN(call('round', 123.456, goInt(400)) as number));
  });

  it('compute 10^n as Go math.Pow does', () => {
    for (let n = -22; n <= 22; n++) assert.equal(pow10(n), Number(`1e${n}`), `10^${n}`);
    assert.equal(pow10(400), Number.POSITIVE_INFINITY);
    assert.equal(pow10(-400), 0);
    assert.equal(pow10(-(2 ** 63)), 0);
  });

  it('build []int ranges and seq strings', () => {
    const u = call('until', goInt(-3)) as GoSlice;
    assert.equal(u[GO_TYPE], '[]int');
    assert.deepEqual([...u], [goInt(0), goInt(-1), goInt(-2)]);
    assert.deepEqual(
      [...(call('untilStep', goInt(10), goInt(0), goInt(-3)) as GoSlice)],
      [10, 7, 4, 1].map((n) => goInt(n)),
    );
    assert.equal(call('seq', goInt(0)), '1 0');
    assert.equal(call('seq', goInt(10), goInt(-3), goInt(0)), '10 7 4 1');
    assert.equal(call('seq', goInt((1n << 63n) - 1n)), '');
    assert.equal(call('seq'), '');
  });
});

// ---- Go-verified template cases (see go-cases.ts) ------------------------------------------------

const GO_CASES: readonly GoCase[] = [
  ['{{ addf 1.1 2.2 }}', '3.3'],
  ['{{ divf 1 3 }}', '0.3333333333333333'],
  ['{{ divf 2 3 }}', '0.6666666666666667'],
  ['{{ divf -2 3 }}', '-0.6666666666666667'],
  ['{{ mulf 1.1 3 }}', '3.3'],
  ['{{ subf 0.3 0.1 }}', '0.2'],
  ['{{ add1f 0.1 }}', '1.1'],
  ['{{ addf }}', '0'],
  ['{{ addf "1.5" "x" }}', '1.5'],
  ['{{ divf 10 4 }}', '2.5'],
  ['{{ divf 1 7 }}', '0.1428571428571429'],
  ['{{ mulf 0.1 0.2 }}', '0.02'],
  ['{{ divf 1e300 1e-300 }}', '+Inf'],
  ['{{ mulf 1e200 1e200 }}', '+Inf'],
  ['{{ divf 5 }}', '5'],
  ['{{ subf 5 }}', '5'],
  [
    '{{ divf 1 0 }}',
    '',
    'template: t:1:3: executing "t" at <divf 1 0>: error calling divf: decimal division by 0',
  ],
  [
    '{{ addf "inf" }}',
    '',
    'template: t:1:3: executing "t" at <addf "inf">: error calling addf: Cannot create a Decimal from +Inf',
  ],
  [
    '{{ addf 1 (float64 "nan") }}',
    '',
    'template: t:1:3: executing "t" at <addf 1 (float64 "nan")>: error calling addf: Cannot create a Decimal from NaN',
  ],
  [
    '{{ subf 1 (float64 "-inf") }}',
    '',
    'template: t:1:3: executing "t" at <subf 1 (float64 "-inf")>: error calling subf: Cannot create a Decimal from -Inf',
  ],
  ['{{ divf 1e-300 3 }}', '0'],
  ['{{ divf 2 -3 }}', '-0.6666666666666667'],
  ['{{ divf -1 -6 }}', '0.1666666666666667'],
  ['{{ divf 1.5 1e20 }}', '0'],
  ['{{ mulf 123456789.123 987654321.987 }}', '1.219326313559686e+17'],
  ['{{ addf 0.1 0.2 }}', '0.3'],
  ['{{ addf 1e20 1 }}', '1e+20'],
  ['{{ subf 1 1 }}', '0'],
  ['{{ mulf -0.0 5 }}', '0'],
  ['{{ addf 5e-324 5e-324 }}', '1e-323'],
  ['{{ divf 5e-324 2 }}', '0'],
  ['{{ divf 1 3 3 }}', '0.1111111111111111'],
  ['{{ divf 100 3 0.5 }}', '66.66666666666667'],
  ['{{ mulf 1.5 2 "3" true }}', '9'],
  ['{{ addf 9007199254740993 0 }}', '9.007199254740992e+15'],
  ['{{ add1f "x" }}', '1'],
  ['{{ divf 22 7 }}', '3.142857142857143'],
  ['{{ divf -22 7 }}', '-3.142857142857143'],
  ['{{ divf 0.000001 3 }}', '3.333333333e-07'],
  ['{{ divf 123456789 0.001 }}', '1.23456789e+11'],
  ['{{ typeOf (addf 1) }}', 'float64'],
  ['{{ add1 3 }}', '4'],
  ['{{ add1 "x" }}', '1'],
  ['{{ add 1 2 3 }}', '6'],
  ['{{ add }}', '0'],
  ['{{ sub 1 5 }}', '-4'],
  ['{{ div 7 2 }}', '3'],
  ['{{ div -7 2 }}', '-3'],
  ['{{ mod -7 2 }}', '-1'],
  ['{{ mod 7 -2 }}', '1'],
  ['{{ mul 2 3 4 }}', '24'],
  ['{{ mul 5 }}', '5'],
  ['{{ add 9223372036854775807 1 }}', '-9223372036854775808'],
  ['{{ mul 9223372036854775807 2 }}', '-2'],
  ['{{ add1 1.9 }}', '2'],
  ['{{ add "3" 4.5 }}', '7'],
  [
    '{{ div 1 0 }}',
    '',
    'template: t:1:3: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero',
  ],
  [
    '{{ mod 1 0 }}',
    '',
    'template: t:1:3: executing "t" at <mod 1 0>: error calling mod: runtime error: integer divide by zero',
  ],
  ['{{ div -9223372036854775808 -1 }}', '-9223372036854775808'],
  ['{{ mod -9223372036854775808 -1 }}', '0'],
  ['{{ sub -9223372036854775808 1 }}', '9223372036854775807'],
  ['{{ typeOf (add 1) }}', 'int64'],
  ['{{ add1 .n }}', '43'],
  ['{{ add .f .f }}', '6'],
  ['{{ max 1 5 3 }}', '5'],
  ['{{ max 5 }}', '5'],
  ['{{ biggest 1 "7" }}', '7'],
  ['{{ min 1 -5 3 }}', '-5'],
  ['{{ min 3 }}', '3'],
  [
    '{{ max }}',
    '',
    'template: t:1:3: executing "t" at <max>: wrong number of args for max: want at least 1 got 0',
  ],
  ['{{ maxf 1.5 2 "3.5" }}', '3.5'],
  ['{{ minf 1.5 2 -0.5 }}', '-0.5'],
  ['{{ maxf (float64 "nan") 1 }}', 'NaN'],
  ['{{ maxf (float64 "nan") (float64 "inf") }}', '+Inf'],
  ['{{ minf (float64 "-inf") (float64 "nan") }}', '-Inf'],
  ['{{ maxf -0.0 0 }}', '0'],
  ['{{ minf 0 -0.0 }}', '-0'],
  ['{{ minf 0.0 (mulf -1 0) }}', '0'],
  ['{{ maxf 3 }}', '3'],
  ['{{ typeOf (max 1) }}', 'int64'],
  ['{{ ceil 1.2 }}', '2'],
  ['{{ floor 1.8 }}', '1'],
  ['{{ ceil -1.2 }}', '-1'],
  ['{{ floor "-1.8" }}', '-2'],
  ['{{ ceil "x" }}', '0'],
  ['{{ floor 3 }}', '3'],
  ['{{ ceil -0.5 }}', '-0'],
  ['{{ round 1.5 0 }}', '2'],
  ['{{ round -1.5 0 }}', '-2'],
  ['{{ round -1.4 0 }}', '-2'],
  ['{{ round 2.345 2 }}', '2.35'],
  ['{{ round 2.344 2 }}', '2.34'],
  ['{{ round 1.23456 3 }}', '1.235'],
  ['{{ round 1234.5 -2 }}', '1200'],
  ['{{ round 1.25 1 0.3 }}', '1.3'],
  ['{{ round 1.21 1 0.3 }}', '1.2'],
  ['{{ round 0.285 2 }}', '0.28'],
  ['{{ round 1.005 2 }}', '1'],
  ['{{ round 123.456 400 }}', 'NaN'],
  ['{{ round 5 0 }}', '5'],
  ['{{ round "3.7" 0 }}', '4'],
  [
    '{{ round 1.5 }}',
    '',
    'template: t:1:3: executing "t" at <round>: wrong number of args for round: want at least 2 got 1',
  ],
  ['{{ round 1.5 "0" }}', '', 'template: t:1:13: executing "t" at <"0">: expected integer; found "0"'],
  ['{{ round 123456.789 -400 }}', 'NaN'],
  ['{{ round 1.23456789e-10 15 }}', '1.23457e-10'],
  ['{{ round 0.1 30 }}', '0.1'],
  ['{{ round 1e300 10 }}', '+Inf'],
  ['{{ round 2.5 0 0.5 0.9 }}', '3'],
  ['{{ round 3.14159 -9223372036854775808 }}', 'NaN'],
  ['{{ round 3.14159 9223372036854775807 }}', 'NaN'],
  ['{{ until 5 }}', '[0 1 2 3 4]'],
  ['{{ until -3 }}', '[0 -1 -2]'],
  ['{{ until 0 }}', '[]'],
  ['{{ typeOf (until 2) }}', '[]int'],
  ['{{ untilStep 0 10 3 }}', '[0 3 6 9]'],
  ['{{ untilStep 10 0 -3 }}', '[10 7 4 1]'],
  ['{{ untilStep 0 10 -1 }}', '[]'],
  ['{{ untilStep 10 0 1 }}', '[]'],
  ['{{ untilStep 0 10 0 }}', '[]'],
  ['{{ untilStep 5 5 1 }}', '[]'],
  ['{{ until "3" }}', '', 'template: t:1:9: executing "t" at <"3">: expected integer; found "3"'],
  ['{{ until 2.0 }}', '[0 1]'],
  ['{{ seq 5 }}', '1 2 3 4 5'],
  ['{{ seq 0 }}', '1 0'],
  ['{{ seq -3 }}', '1 0 -1 -2 -3'],
  ['{{ seq 1 }}', '1'],
  ['{{ seq 2 5 }}', '2 3 4 5'],
  ['{{ seq 5 2 }}', '5 4 3 2'],
  ['{{ seq 0 2 10 }}', '0 2 4 6 8 10'],
  ['{{ seq 10 -3 0 }}', '10 7 4 1'],
  ['{{ seq 10 3 0 }}', ''],
  ['{{ seq 0 -1 5 }}', ''],
  ['{{ seq }}', ''],
  ['{{ seq 1 2 3 4 }}', ''],
  ['{{ seq 3 3 }}', '3'],
  ['{{ seq 3 0 3 }}', ''],
  ['{{ typeOf (seq 1) }}', 'string'],
  ['{{ seq 9223372036854775807 }}', ''],
  ['{{ seq -9223372036854775808 }}', ''],
  ['{{ seq -2 2 }}', '-2 -1 0 1 2'],
  ['{{ until 4 }}', '[0 1 2 3]'],
  ['{{ seq 3 1 }}', '3 2 1'],
  ['{{ add1 41 }}', '42'],
  ['{{ sub 10 3 }}', '7'],
  ['{{ mod 7 3 }}', '1'],
  ['{{ max 1 9 3 }}', '9'],
  ['{{ addf 1.5 2.25 }}', '3.75'],
  ['{{ subf 5 1.25 }}', '3.75'],
  ['{{ divf 7 2 }}', '3.5'],
  ['{{ minf 1.5 2.5 }}', '1.5'],
  ['{{ ceil 2.1 }}', '3'],
  ['{{ round 2.567 2 }}', '2.57'],
  ['{{ .n | add 1 }}', '43'],
  ['{{ biggest 1 5 3 }}', '5'],
];

runGoCases('math functions through templates (Go outputs)', GO_CASES);
