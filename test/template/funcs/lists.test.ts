/**
 * Tests of sprig's list functions (lists.ts) against real Go 1.26 + sprig v3.3.0 behaviour:
 * reflection over any slice type, []interface{} results, nil slices where Go returns them, and
 * Go's exact panic and error texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { listFuncs } from '../../../src/template/funcs/lists.js';
import {
  FuncError,
  GO_TYPE,
  GoInt,
  GoNil,
  type GoSlice,
  goInt,
  goTypeName,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';
import { type GoCase, runGoCases } from './go-cases.js';

const ctx = fixedContext({});
const fns = listFuncs(ctx);
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns[name];
  assert.ok(fn !== undefined, name);
  return fn.impl(...args);
};
/** The exception a call throws: [is it a FuncError (Go error) rather than a panic, message]. */
const failure = (name: string, ...args: Value[]): [boolean, string] => {
  try {
    call(name, ...args);
  } catch (e) {
    return [e instanceof FuncError, (e as Error).message];
  }
  assert.fail(`${name} did not fail`);
};
const ints = (...ns: number[]): GoSlice => ns.map((n) => goInt(n));
const strs = (...ss: string[]): GoSlice => typedSlice(ss, '[]string');
const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

describe('list functions (impl)', () => {
  it('declare sprig v3.3.0 signatures', () => {
    const sig = (name: string): string => goTypeName(fns[name] as Value);
    assert.equal(sig('list'), 'func(...interface {}) []interface {}');
    assert.equal(sig('append'), 'func(interface {}, interface {}) []interface {}');
    assert.equal(sig('mustPush'), 'func(interface {}, interface {}) ([]interface {}, error)');
    assert.equal(sig('first'), 'func(interface {}) interface {}');
    assert.equal(sig('mustFirst'), 'func(interface {}) (interface {}, error)');
    assert.equal(sig('rest'), 'func(interface {}) []interface {}');
    assert.equal(sig('without'), 'func(interface {}, ...interface {}) []interface {}');
    assert.equal(sig('has'), 'func(interface {}, interface {}) bool');
    assert.equal(sig('mustHas'), 'func(interface {}, interface {}) (bool, error)');
    assert.equal(sig('slice'), 'func(interface {}, ...interface {}) interface {}');
    assert.equal(sig('concat'), 'func(...interface {}) interface {}');
    assert.equal(sig('chunk'), 'func(int, interface {}) [][]interface {}');
    assert.equal(sig('mustChunk'), 'func(int, interface {}) ([][]interface {}, error)');
    assert.equal(sig('compact'), 'func(interface {}) []interface {}');
  });

  it('work on typed slices and return []interface{}', () => {
    const out = call('append', strs('a'), 'b') as GoSlice;
    assert.deepEqual([...out], ['a', 'b']);
    assert.equal(out[GO_TYPE], undefined);
    assert.equal(goTypeName(call('reverse', strs('a', 'b'))), '[]interface {}');
    assert.equal(call('first', strs('x', 'y')), 'x');
    assert.equal(call('last', ints(1, 2)) instanceof GoInt, true);
  });

  it('see []byte as a slice of uint8', () => {
    const first = call('first', new Uint8Array([65, 66])) as GoInt;
    assert.equal(first.type, 'uint8');
    assert.equal(first.value, 65n);
    const sliced = call('slice', new Uint8Array([1, 2, 3]), goInt(1)) as Uint8Array;
    assert.ok(sliced instanceof Uint8Array);
    assert.deepEqual([...sliced], [2, 3]);
  });

  it('return nil []interface{} where Go does', () => {
    for (const name of ['rest', 'initial', 'mustRest', 'mustInitial']) {
      const v = call(name, []);
      assert.ok(v instanceof GoNil && v.type === '[]interface {}', name);
    }
    const c = call('concat', [], strs());
    assert.ok(c instanceof GoNil && c.type === '[]interface {}');
    assert.ok(call('concat') instanceof GoNil);
    // ...but a fresh empty slice from these
    for (const name of ['reverse', 'compact', 'uniq', 'without']) assert.deepEqual(call(name, []), [], name);
    assert.deepEqual(call('rest', ints(1)), []);
  });

  it('return a nil interface for first/last/slice of an empty list', () => {
    assert.equal(call('first', []), null);
    assert.equal(call('last', strs()), null);
    assert.equal(call('slice', []), null);
    assert.equal(call('slice', new GoNil('[]string')), null);
  });

  it('keep the input type in slice', () => {
    const out = call('slice', strs('a', 'b', 'c'), goInt(1)) as GoSlice;
    assert.equal(out[GO_TYPE], '[]string');
    assert.deepEqual([...out], ['b', 'c']);
    assert.deepEqual(call('slice', ints(1, 2, 3), '1', 2.9), ints(2, 3).slice(0, 1));
  });

  it('report errors (must*) and panics with Go texts', () => {
    assert.deepEqual(failure('mustFirst', 'x'), [true, 'Cannot find first on type string']);
    assert.deepEqual(failure('first', 'x'), [false, 'Cannot find first on type string']);
    assert.deepEqual(failure('mustPush', new Map()), [true, 'Cannot push on type map']);
    assert.deepEqual(failure('prepend', goInt(1, 'uint16'), 1), [false, 'Cannot prepend on type uint16']);
    assert.deepEqual(failure('mustChunk', goInt(2), true), [true, 'Cannot chunk type bool']);
    assert.deepEqual(failure('mustSlice', 1.5), [true, 'list should be type of slice or array but float64']);
    assert.deepEqual(failure('mustHas', 1, new GoNil('*semver.Version')), [
      true,
      'Cannot find has on type ptr',
    ]);
    assert.deepEqual(failure('concat', ints(1), 'x'), [false, 'Cannot concat type string as list']);
    // reflect.TypeOf(nil).Kind() panics even in the must variants
    for (const name of ['mustFirst', 'last', 'mustRest', 'reverse', 'mustUniq', 'compact', 'slice']) {
      assert.deepEqual(failure(name, null), [false, NIL_DEREF], name);
    }
    assert.deepEqual(failure('concat', ints(1), null), [false, NIL_DEREF]);
    assert.deepEqual(failure('mustChunk', goInt(0), ints(1)), [
      false,
      'runtime error: makeslice: len out of range',
    ]);
    assert.deepEqual(failure('slice', ints(1, 2), goInt(2), goInt(1)), [
      false,
      'reflect.Value.Slice: slice index out of bounds',
    ]);
  });

  it('has with a nil haystack is false, not a panic', () => {
    assert.equal(call('has', 1, null), false);
    assert.equal(call('mustHas', 1, null), false);
  });

  it('compare with reflect.DeepEqual (types matter)', () => {
    assert.equal(call('has', goInt(1), [1]), false);
    assert.equal(call('has', 1, [1]), true);
    assert.deepEqual(call('uniq', [goInt(1), 1, goInt(1, 'int64'), goInt(1)]), [
      goInt(1),
      1,
      goInt(1, 'int64'),
    ]);
    assert.deepEqual(call('without', [goInt(1), 1], 1), [goInt(1)]);
  });

  it('chunk types the result [][]interface {}', () => {
    const out = call('chunk', goInt(2), ints(1, 2, 3)) as GoSlice;
    assert.equal(out[GO_TYPE], '[][]interface {}');
    assert.deepEqual(
      out.map((c) => goTypeName(c)),
      ['[]interface {}', '[]interface {}'],
    );
    assert.deepEqual([...(call('chunk', goInt(-5), ints(7)) as GoSlice)], [ints(7)]);
  });
});

// ---- Go-verified template cases (see go-cases.ts) ------------------------------------------------

const GO_CASES: readonly GoCase[] = [
  [
    '{{ first nil }}',
    '',
    'template: t:1:3: executing "t" at <first nil>: error calling first: runtime error: invalid memory address or nil pointer dereference',
  ],
  [
    '{{ mustFirst nil }}',
    '',
    'template: t:1:3: executing "t" at <mustFirst nil>: error calling mustFirst: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ first .l }}', '3'],
  ['{{ first .el }}', '<no value>'],
  ['{{ first .sl }}', 'b'],
  ['{{ typeOf (first .el) }}', '<nil>'],
  ['{{ mustFirst .el }}', '<no value>'],
  [
    '{{ mustFirst .s }}',
    '',
    'template: t:1:3: executing "t" at <mustFirst .s>: error calling mustFirst: Cannot find first on type string',
  ],
  [
    '{{ first .m }}',
    '',
    'template: t:1:3: executing "t" at <first .m>: error calling first: Cannot find first on type map',
  ],
  [
    '{{ mustFirst 3 }}',
    '',
    'template: t:1:3: executing "t" at <mustFirst 3>: error calling mustFirst: Cannot find first on type int',
  ],
  ['{{ first (until 3) }}', '0'],
  ['{{ typeOf (first (until 3)) }}', 'int'],
  ['{{ rest .el }}', '[]'],
  ['{{ typeOf (rest .el) }}', '[]interface {}'],
  ['{{ rest .l }}', '[1 2]'],
  ['{{ rest (list 1) }}', '[]'],
  ['{{ rest .sl }}', '[a c]'],
  ['{{ typeOf (rest .sl) }}', '[]interface {}'],
  ['{{ initial .el }}', '[]'],
  ['{{ initial .l }}', '[3 1]'],
  ['{{ last .l }}', '2'],
  ['{{ last .el }}', '<no value>'],
  ['{{ mustLast (list 1 2) }}', '2'],
  [
    '{{ rest 1.5 }}',
    '',
    'template: t:1:3: executing "t" at <rest 1.5>: error calling rest: Cannot find rest on type float64',
  ],
  [
    '{{ mustRest "x" }}',
    '',
    'template: t:1:3: executing "t" at <mustRest "x">: error calling mustRest: Cannot find rest on type string',
  ],
  [
    '{{ initial true }}',
    '',
    'template: t:1:3: executing "t" at <initial true>: error calling initial: Cannot find initial on type bool',
  ],
  [
    '{{ mustInitial 1 }}',
    '',
    'template: t:1:3: executing "t" at <mustInitial 1>: error calling mustInitial: Cannot find initial on type int',
  ],
  [
    '{{ last .m }}',
    '',
    'template: t:1:3: executing "t" at <last .m>: error calling last: Cannot find last on type map',
  ],
  [
    '{{ mustLast nil }}',
    '',
    'template: t:1:3: executing "t" at <mustLast nil>: error calling mustLast: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ reverse .l }}', '[2 1 3]'],
  ['{{ reverse .el }}', '[]'],
  ['{{ reverse .sl }}', '[c a b]'],
  ['{{ typeOf (reverse .sl) }}', '[]interface {}'],
  [
    '{{ reverse "x" }}',
    '',
    'template: t:1:3: executing "t" at <reverse "x">: error calling reverse: Cannot find reverse on type string',
  ],
  [
    '{{ mustReverse .m }}',
    '',
    'template: t:1:3: executing "t" at <mustReverse .m>: error calling mustReverse: Cannot find reverse on type map',
  ],
  ['{{ append .l 4 }}', '[3 1 2 4]'],
  ['{{ push .sl "d" }}', '[b a c d]'],
  ['{{ typeOf (append .sl "d") }}', '[]interface {}'],
  ['{{ prepend .l 0 }}', '[0 3 1 2]'],
  ['{{ append .el nil }}', '[<nil>]'],
  [
    '{{ append nil 1 }}',
    '',
    'template: t:1:3: executing "t" at <append nil 1>: error calling append: runtime error: invalid memory address or nil pointer dereference',
  ],
  [
    '{{ mustAppend "x" 1 }}',
    '',
    'template: t:1:3: executing "t" at <mustAppend "x" 1>: error calling mustAppend: Cannot push on type string',
  ],
  [
    '{{ mustPush .m 1 }}',
    '',
    'template: t:1:3: executing "t" at <mustPush .m 1>: error calling mustPush: Cannot push on type map',
  ],
  [
    '{{ prepend .m 1 }}',
    '',
    'template: t:1:3: executing "t" at <prepend .m 1>: error calling prepend: Cannot prepend on type map',
  ],
  [
    '{{ mustPrepend nil 1 }}',
    '',
    'template: t:1:3: executing "t" at <mustPrepend nil 1>: error calling mustPrepend: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ mustPrepend (list) 1 }}', '[1]'],
  ['{{ append (list 1) (list 2) }}', '[1 [2]]'],
  ['{{ uniq (list 1 1 2 "1" 1.0 2) }}', '[1 2 1 1]'],
  ['{{ uniq .el }}', '[]'],
  ['{{ uniq (list .m .m (dict "a" 1)) }}', '[map[a:1 b:2 c:map[d:deep]] map[a:1]]'],
  ['{{ uniq (list (list 1) (list 1) (dict) (dict) nil nil "") }}', '[[1] map[] <nil> ]'],
  [
    '{{ uniq 5 }}',
    '',
    'template: t:1:3: executing "t" at <uniq 5>: error calling uniq: Cannot find uniq on type int',
  ],
  [
    '{{ mustUniq nil }}',
    '',
    'template: t:1:3: executing "t" at <mustUniq nil>: error calling mustUniq: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ uniq .sl }}', '[b a c]'],
  ['{{ without .l 1 3 }}', '[3 1 2]'],
  ['{{ without .l }}', '[3 1 2]'],
  ['{{ without (list 1 2 1.0) 1 }}', '[2 1]'],
  ['{{ without (list 1 2 1.0) 1.0 }}', '[1 2]'],
  ['{{ without (list (dict "a" 1) 2) (dict "a" 1) }}', '[2]'],
  [
    '{{ without .s 1 }}',
    '',
    'template: t:1:3: executing "t" at <without .s 1>: error calling without: Cannot find without on type string',
  ],
  [
    '{{ mustWithout 3 }}',
    '',
    'template: t:1:3: executing "t" at <mustWithout 3>: error calling mustWithout: Cannot find without on type int',
  ],
  ['{{ has 1 .l }}', 'false'],
  ['{{ has 1.0 .l }}', 'true'],
  ['{{ has 3.0 .l }}', 'true'],
  ['{{ has "a" .sl }}', 'true'],
  ['{{ has nil (list nil) }}', 'true'],
  ['{{ has 1 nil }}', 'false'],
  ['{{ has 1 .el }}', 'false'],
  ['{{ has (list 1) (list (list 1)) }}', 'true'],
  [
    '{{ has 1 "x" }}',
    '',
    'template: t:1:3: executing "t" at <has 1 "x">: error calling has: Cannot find has on type string',
  ],
  [
    '{{ mustHas 1 .m }}',
    '',
    'template: t:1:3: executing "t" at <mustHas 1 .m>: error calling mustHas: Cannot find has on type map',
  ],
  ['{{ mustHas 1 nil }}', 'false'],
  ['{{ slice .l }}', '[3 1 2]'],
  ['{{ slice .l 1 }}', '[1 2]'],
  ['{{ slice .l 1 2 }}', '[1]'],
  ['{{ slice .el }}', '<no value>'],
  ['{{ typeOf (slice .el) }}', '<nil>'],
  ['{{ slice .sl 1 }}', '[a c]'],
  ['{{ slice .l "1" }}', '[1 2]'],
  ['{{ slice .l 1.9 }}', '[1 2]'],
  [
    '{{ slice .l 2 1 }}',
    '',
    'template: t:1:3: executing "t" at <slice .l 2 1>: error calling slice: reflect.Value.Slice: slice index out of bounds',
  ],
  [
    '{{ slice (list 1 2 3) 0 4 }}',
    '',
    'template: t:1:3: executing "t" at <slice (list 1 2 3) 0 4>: error calling slice: reflect.Value.Slice: slice index out of bounds',
  ],
  [
    '{{ slice .l -1 }}',
    '',
    'template: t:1:3: executing "t" at <slice .l -1>: error calling slice: reflect.Value.Slice: slice index out of bounds',
  ],
  [
    '{{ slice .s 1 }}',
    '',
    'template: t:1:3: executing "t" at <slice .s 1>: error calling slice: list should be type of slice or array but string',
  ],
  [
    '{{ mustSlice .s 1 }}',
    '',
    'template: t:1:3: executing "t" at <mustSlice .s 1>: error calling mustSlice: list should be type of slice or array but string',
  ],
  [
    '{{ slice nil }}',
    '',
    'template: t:1:3: executing "t" at <slice nil>: error calling slice: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ slice (list 1 2 3) 3 }}', '[]'],
  ['{{ slice (list 1 2 3) 1 1 }}', '[]'],
  ['{{ slice (list 1 2 3) nil 2 }}', '[1 2]'],
  [
    '{{ slice (list 1 2 3) 1 nil }}',
    '',
    'template: t:1:3: executing "t" at <slice (list 1 2 3) 1 nil>: error calling slice: reflect.Value.Slice: slice index out of bounds',
  ],
  ['{{ slice (list 1 2 3) 0 2 99 }}', '[1 2]'],
  ['{{ slice (until 5) 1 3 }}', '[1 2]'],
  ['{{ typeOf (slice (until 5) 1 3) }}', '[]int'],
  ['{{ mustSlice (list 1 2 3) 1 }}', '[2 3]'],
  ['{{ concat .l .sl }}', '[3 1 2 b a c]'],
  ['{{ concat }}', '[]'],
  ['{{ concat .el }}', '[]'],
  ['{{ typeOf (concat .sl) }}', '[]interface {}'],
  [
    '{{ concat .l 1 }}',
    '',
    'template: t:1:3: executing "t" at <concat .l 1>: error calling concat: Cannot concat type int as list',
  ],
  [
    '{{ concat .l nil }}',
    '',
    'template: t:1:3: executing "t" at <concat .l nil>: error calling concat: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ concat (until 2) .sl (list) }}', '[0 1 b a c]'],
  ['{{ chunk 2 .l }}', '[[3 1] [2]]'],
  ['{{ chunk 3 .l }}', '[[3 1 2]]'],
  ['{{ chunk 1 .l }}', '[[3] [1] [2]]'],
  ['{{ chunk 5 .l }}', '[[3 1 2]]'],
  ['{{ chunk 2 .el }}', '[]'],
  ['{{ typeOf (chunk 2 .l) }}', '[][]interface {}'],
  ['{{ chunk 2 (list 1 2 3 4) }}', '[[1 2] [3 4]]'],
  ['{{ chunk 3 (list 1 2 3 4 5 6 7) }}', '[[1 2 3] [4 5 6] [7]]'],
  [
    '{{ chunk 0 .l }}',
    '',
    'template: t:1:3: executing "t" at <chunk 0 .l>: error calling chunk: runtime error: makeslice: len out of range',
  ],
  [
    '{{ chunk 0 .el }}',
    '',
    'template: t:1:3: executing "t" at <chunk 0 .el>: error calling chunk: runtime error: makeslice: len out of range',
  ],
  [
    '{{ chunk -1 .l }}',
    '',
    'template: t:1:3: executing "t" at <chunk -1 .l>: error calling chunk: runtime error: makeslice: len out of range',
  ],
  [
    '{{ chunk -1 .el }}',
    '',
    'template: t:1:3: executing "t" at <chunk -1 .el>: error calling chunk: runtime error: makeslice: len out of range',
  ],
  [
    '{{ chunk -2 (list 1 2 3 4 5) }}',
    '',
    'template: t:1:3: executing "t" at <chunk -2 (list 1 2 3 4 5)>: error calling chunk: runtime error: makeslice: len out of range',
  ],
  ['{{ chunk -5 (list 7) }}', '[[7]]'],
  ['{{ chunk -1 (list 1 2) }}', '[]'],
  ['{{ chunk -5 (list 1 2 3) }}', '[]'],
  [
    '{{ chunk 2 .s }}',
    '',
    'template: t:1:3: executing "t" at <chunk 2 .s>: error calling chunk: Cannot chunk type string',
  ],
  [
    '{{ mustChunk 2 .m }}',
    '',
    'template: t:1:3: executing "t" at <mustChunk 2 .m>: error calling mustChunk: Cannot chunk type map',
  ],
  [
    '{{ chunk 2 nil }}',
    '',
    'template: t:1:3: executing "t" at <chunk 2 nil>: error calling chunk: runtime error: invalid memory address or nil pointer dereference',
  ],
  ['{{ chunk 2 .sl }}', '[[b a] [c]]'],
  ['{{ compact (list 0 1 "" "a" nil false true .em .el 0.0 (list 0)) }}', '[1 a true [0]]'],
  ['{{ compact .el }}', '[]'],
  [
    '{{ compact 1 }}',
    '',
    'template: t:1:3: executing "t" at <compact 1>: error calling compact: Cannot compact on type int',
  ],
  ['{{ mustCompact .sl }}', '[b a c]'],
  ['{{ list }}', '[]'],
  ['{{ list 1 "a" nil }}', '[1 a <nil>]'],
  ['{{ tuple 1 2 }}', '[1 2]'],
  ['{{ typeOf (list) }}', '[]interface {}'],
  ['{{ len (list 1 2 3) }}', '3'],
  ['{{ index (list 1 2 3) 1 }}', '2'],
  [
    '{{slice .sl 1}} {{slice .sl 0 2}} {{slice .s 1 3}}',
    '',
    'template: t:1:36: executing "t" at <slice .s 1 3>: error calling slice: list should be type of slice or array but string',
  ],
  ['{{ deepEqual .l (list 3 1 2) }}', 'false'],
  ['{{ deepEqual (list 3.0 1.0 2.0) .l }}', 'true'],
  ['{{ append .l 9 }}', '[3 1 2 9]'],
  ['{{ concat .l .sl (list 7) }}', '[3 1 2 b a c 7]'],
  ['{{ uniq (list 1 2 1 "a" "a") }}', '[1 2 a]'],
  ['{{ compact (list 0 "" 1 .nil "x") }}', '[1 x]'],
  ['{{ chunk 2 (list 1 2 3 4 5) }}', '[[1 2] [3 4] [5]]'],
  ['{{ printf "%v" (list 1 (list 2 3) (dict "a" 1)) }}', '[1 [2 3] map[a:1]]'],
  ['{{ toJson (rest .el) }}', 'null'],
  ['{{ toJson (initial .el) }}', 'null'],
  ['{{ toJson (rest (list 1)) }}', '[]'],
  ['{{ toJson concat }}', 'null'],
  ['{{ toJson (concat .el) }}', 'null'],
  ['{{ toJson (reverse .el) }}', '[]'],
  ['{{ toJson (compact .el) }}', '[]'],
  ['{{ toJson (chunk 2 .el) }}', '[]'],
  ['{{ toJson (uniq .el) }}', '[]'],
  ['{{ toJson (without .el) }}', '[]'],
  ['{{ first (splitList "," "a,b") }}', 'a'],
  ['{{ slice (splitList "," "a,b,c") 1 | typeOf }}', '[]string'],
  [
    '{{ reverse (b64dec "YWI=") }}',
    '',
    'template: t:1:3: executing "t" at <reverse (b64dec "YWI=")>: error calling reverse: Cannot find reverse on type string',
  ],
];

runGoCases('list functions through templates (Go outputs)', GO_CASES);
