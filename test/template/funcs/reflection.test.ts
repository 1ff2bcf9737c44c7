/** Tests of sprig's reflection functions and reflect.DeepEqual (reflection.ts) against Go + sprig. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { deepEqual, reflectionFuncs } from '../../../src/template/funcs/reflection.js';
import {
  defineFunc,
  GoComplex,
  GoFloat32,
  GoNil,
  GoObject,
  goInt,
  goTypeName,
  typedMap,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';
import { type GoCase, runGoCases } from './go-cases.js';

const ctx = fixedContext({});
const fns = reflectionFuncs(ctx);
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns[name];
  assert.ok(fn !== undefined, name);
  return fn.impl(...args);
};

describe('reflection functions (impl)', () => {
  it('declare sprig v3.3.0 signatures', () => {
    const sig = (name: string): string => goTypeName(fns[name] as Value);
    assert.equal(sig('typeOf'), 'func(interface {}) string');
    assert.equal(sig('typeIs'), 'func(string, interface {}) bool');
    assert.equal(sig('typeIsLike'), 'func(string, interface {}) bool');
    assert.equal(sig('kindOf'), 'func(interface {}) string');
    assert.equal(sig('kindIs'), 'func(string, interface {}) bool');
    assert.equal(sig('deepEqual'), 'func(interface {}, interface {}) bool');
  });

  it('spell Go types and kinds', () => {
    const cases: readonly [Value, string, string][] = [
      [null, '<nil>', 'invalid'],
      [goInt(1, 'uint8'), 'uint8', 'uint8'],
      [new GoFloat32(1), 'float32', 'float32'],
      [new GoComplex(1, 0), 'complex128', 'complex128'],
      [new Uint8Array(1), '[]uint8', 'slice'],
      [typedMap(new Map(), 'map[string]string'), 'map[string]string', 'map'],
      [new GoObject('time.Time', new Map()), 'time.Time', 'struct'],
      [new GoObject('*semver.Version', new Map()), '*semver.Version', 'ptr'],
      [new GoNil('*semver.Version'), '*semver.Version', 'ptr'],
      [
        defineFunc('f', { params: ['string'], result: 'string', error: true }, () => ''),
        'func(string) (string, error)',
        'func',
      ],
    ];
    for (const [v, type, kind] of cases) {
      assert.equal(call('typeOf', v), type);
      assert.equal(call('kindOf', v), kind);
      assert.equal(call('typeIs', type, v), true);
      assert.equal(call('kindIs', kind, v), true);
    }
    assert.equal(call('typeIsLike', 'semver.Version', new GoObject('*semver.Version', new Map())), true);
  });

  it('deepEqual distinguishes types, nil-ness and NaN', () => {
    assert.equal(deepEqual(goInt(1), 1), false);
    assert.equal(deepEqual(goInt(1), goInt(1, 'int64')), false);
    assert.equal(deepEqual(typedSlice(['a'], '[]string'), ['a']), false);
    assert.equal(deepEqual(typedSlice(['a'], '[]string'), typedSlice(['a'], '[]string')), true);
    assert.equal(deepEqual(new GoNil('[]interface {}'), []), false);
    assert.equal(deepEqual(new GoNil('[]interface {}'), new GoNil('[]interface {}')), true);
    assert.equal(deepEqual(new Map([['a', null]]), new Map([['b', null]])), false);
    assert.equal(deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
    assert.equal(deepEqual(Number.NaN, Number.NaN), false);
    const nan = [Number.NaN];
    assert.equal(deepEqual(nan, nan), true);
    assert.equal(deepEqual(0, -0), true);
    const f = defineFunc('f', { params: [], result: 'string' }, () => '');
    assert.equal(deepEqual(f, f), false);
    assert.equal(deepEqual(null, undefined), true);
  });
});

// ---- Go-verified template cases (see go-cases.ts) ------------------------------------------------

const GO_CASES: readonly GoCase[] = [
  ['{{ typeOf 1 }}', 'int'],
  ['{{ typeOf 1.5 }}', 'float64'],
  ['{{ typeOf nil }}', '<nil>'],
  ['{{ typeOf .l }}', '[]interface {}'],
  ['{{ typeOf .m }}', 'map[string]interface {}'],
  ['{{ typeOf .s }}', 'string'],
  ['{{ typeOf .t }}', 'bool'],
  ['{{ typeOf .nope }}', '<nil>'],
  ['{{ typeOf .n }}', 'float64'],
  ['{{ kindOf 1 }}', 'int'],
  ['{{ kindOf 1.5 }}', 'float64'],
  ['{{ kindOf nil }}', 'invalid'],
  ['{{ kindOf .l }}', 'slice'],
  ['{{ kindOf .m }}', 'map'],
  ['{{ kindOf .s }}', 'string'],
  ['{{ kindOf .t }}', 'bool'],
  ['{{ kindOf (int64 1) }}', 'int64'],
  ['{{ kindOf (until 1) }}', 'slice'],
  ['{{ typeIs "int" 1 }}', 'true'],
  ['{{ typeIs "float64" 1 }}', 'false'],
  ['{{ typeIsLike "int" 1 }}', 'true'],
  ['{{ typeIsLike "*int" 1 }}', 'false'],
  ['{{ typeIs "<nil>" nil }}', 'true'],
  ['{{ kindIs "invalid" nil }}', 'true'],
  ['{{ kindIs "slice" .l }}', 'true'],
  ['{{ kindIs "map" .m }}', 'true'],
  ['{{ kindIs "int" 1.0 }}', 'false'],
  ['{{ typeIs "[]interface {}" (list) }}', 'true'],
  ['{{ typeIs "[]string" (toStrings .l) }}', 'true'],
  ['{{ deepEqual 1 1 }}', 'true'],
  ['{{ deepEqual 1 1.0 }}', 'false'],
  ['{{ deepEqual .l .l }}', 'true'],
  ['{{ deepEqual (list 1 2) (list 1 2) }}', 'true'],
  ['{{ deepEqual .l (list 3.0 1.0 2.0) }}', 'true'],
  ['{{ deepEqual nil nil }}', 'true'],
  ['{{ deepEqual nil .el }}', 'false'],
  ['{{ deepEqual .el (list) }}', 'true'],
  ['{{ deepEqual .em (dict) }}', 'true'],
  ['{{ deepEqual (rest .el) (list) }}', 'false'],
  ['{{ deepEqual (rest .el) (concat) }}', 'true'],
  ['{{ deepEqual .m .m }}', 'true'],
  ['{{ deepEqual (dict "a" 1) (dict "a" 1) }}', 'true'],
  ['{{ deepEqual (int64 1) 1 }}', 'false'],
  ['{{ deepEqual (toStrings .sl) .sl }}', 'false'],
  ['{{ deepEqual (toStrings .sl) (toStrings .sl) }}', 'true'],
  ['{{ deepEqual "a" "a" }}', 'true'],
  ['{{ deepEqual (float64 "nan") (float64 "nan") }}', 'false'],
  ['{{ deepEqual (list (float64 "nan")) (list (float64 "nan")) }}', 'false'],
  ['{{ $x := list (float64 "nan") }}{{ deepEqual $x $x }}', 'true'],
  ['{{ deepEqual (dict "a" nil) (dict "b" nil) }}', 'false'],
  ['{{ deepEqual (dict "a" nil) (dict) }}', 'false'],
  ['{{ deepEqual (dict "a" nil) (dict "a" nil) }}', 'true'],
  ['{{ deepEqual 0.0 -0.0 }}', 'true'],
  ['{{ deepEqual (until 3) (until 3) }}', 'true'],
  ['{{ deepEqual (list (list 1 (dict "a" "b"))) (list (list 1 (dict "a" "b"))) }}', 'true'],
  ['{{ deepEqual (list (list 1 (dict "a" "b"))) (list (list 1 (dict "a" "c"))) }}', 'false'],
  ['{{ typeIs "string" .s }}', 'true'],
  ['{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ deepEqual $t.Month $t.Month }}', 'true'],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ deepEqual $t.Month (toDate "2006-01-02" "2021-05-03").Month }}',
    'true',
  ],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ deepEqual $t.Month (toDate "2006-01-02" "2021-06-03").Month }}',
    'false',
  ],
  ['{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ deepEqual $t $t }}', 'true'],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ deepEqual $t (toDate "2006-01-02" "2020-05-03") }}',
    'true',
  ],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ deepEqual $t (toDate "2006-01-02" "2020-05-04") }}',
    'false',
  ],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ kindOf $t.Month }}|{{ typeOf $t.Month }}|{{ kindOf ($t.Sub $t) }}|{{ typeOf $t }}|{{ kindOf $t }}',
    'int|time.Month|int64|time.Time|struct',
  ],
  [
    '{{ typeOf (semver "1.2.3") }}|{{ kindOf (semver "1.2.3") }}|{{ typeIsLike "semver.Version" (semver "1.2.3") }}',
    '*semver.Version|ptr|true',
  ],
  ['{{ deepEqual (semver "1.2.3") (semver "1.2.3") }}', 'true'],
];

runGoCases('reflection functions through templates (Go outputs)', GO_CASES);
