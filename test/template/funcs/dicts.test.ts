/**
 * Tests of sprig's dict functions (dicts.ts), including the port of mergo v1.0.1's Merge and
 * MergeWithOverwrite, against real Go 1.26 + sprig v3.3.0 behaviour.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { dictFuncs } from '../../../src/template/funcs/dicts.js';
import {
  FuncError,
  GO_TYPE,
  type GoMap,
  GoNil,
  GoObject,
  type GoSlice,
  goInt,
  goTypeName,
  typedMap,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';
import { type GoCase, runGoCases } from './go-cases.js';

const ctx = fixedContext({});
const fns = dictFuncs(ctx);
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns[name];
  assert.ok(fn !== undefined, name);
  return fn.impl(...args);
};
const failure = (name: string, ...args: Value[]): [boolean, string] => {
  try {
    call(name, ...args);
  } catch (e) {
    return [e instanceof FuncError, (e as Error).message];
  }
  assert.fail(`${name} did not fail`);
};
const map = (o: Record<string, Value>): GoMap => new Map(Object.entries(o));
const NIL_MAP = (): GoNil => new GoNil('map[string]interface {}');

describe('dict functions (impl)', () => {
  it('declare sprig v3.3.0 signatures', () => {
    const sig = (name: string): string => goTypeName(fns[name] as Value);
    assert.equal(sig('dict'), 'func(...interface {}) map[string]interface {}');
    assert.equal(sig('get'), 'func(map[string]interface {}, string) interface {}');
    assert.equal(sig('set'), 'func(map[string]interface {}, string, interface {}) map[string]interface {}');
    assert.equal(sig('pluck'), 'func(string, ...map[string]interface {}) []interface {}');
    assert.equal(sig('keys'), 'func(...map[string]interface {}) []string');
    assert.equal(sig('pick'), 'func(map[string]interface {}, ...string) map[string]interface {}');
    assert.equal(sig('merge'), 'func(map[string]interface {}, ...map[string]interface {}) interface {}');
    assert.equal(
      sig('mustMergeOverwrite'),
      'func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)',
    );
    assert.equal(sig('values'), 'func(map[string]interface {}) []interface {}');
    assert.equal(sig('dig'), 'func(...interface {}) (interface {}, error)');
    assert.equal(sig('deepCopy'), 'func(interface {}) interface {}');
    assert.equal(sig('mustDeepCopy'), 'func(interface {}) (interface {}, error)');
  });

  it('dict converts keys with strval and fills an odd key with ""', () => {
    const d = call('dict', goInt(1), 'a', null, goInt(2), 'k') as GoMap;
    assert.deepEqual(
      [...d],
      [
        ['1', 'a'],
        ['<nil>', goInt(2)],
        ['k', ''],
      ],
    );
  });

  it('set and unset mutate and return the same map', () => {
    const d = map({ a: goInt(1) });
    assert.equal(call('set', d, 'b', null), d);
    assert.equal(d.get('b'), null);
    assert.equal(call('unset', d, 'a'), d);
    assert.deepEqual([...d.keys()], ['b']);
  });

  it('treat a nil map as Go does', () => {
    assert.deepEqual(failure('set', NIL_MAP(), 'a', 1), [false, 'assignment to entry in nil map']);
    assert.ok(call('unset', NIL_MAP(), 'a') instanceof GoNil);
    assert.equal(call('get', NIL_MAP(), 'a'), '');
    assert.equal(call('hasKey', NIL_MAP(), 'a'), false);
    assert.deepEqual([...(call('pick', NIL_MAP(), 'a') as GoMap)], []);
    assert.deepEqual(call('values', NIL_MAP()), []);
  });

  it('keys come per map in Go string order, typed []string', () => {
    const k = call('keys', map({ b: 1, a: 2, '\u{10000}': 3, '\uffff': 4 }), map({ d: 1, c: 1 })) as GoSlice;
    assert.deepEqual([...k], ['a', 'b', '\uffff', '\u{10000}', 'c', 'd']);
    assert.equal(k[GO_TYPE], '[]string');
    assert.deepEqual(call('values', map({ b: 1, a: 2 })), [2, 1]);
  });

  it('dig panics with Go runtime type assertion texts', () => {
    const m = map({ a: map({ b: 'x' }), t: typedMap(new Map([['k', 'v']]), 'map[string]string') });
    assert.equal(call('dig', 'a', 'b', 'def', m), 'x');
    assert.equal(call('dig', 'a', 'zz', 'def', m), 'def');
    assert.deepEqual(failure('dig', 't', 'k', 'def', m), [
      false,
      'interface conversion: interface {} is map[string]string, not map[string]interface {}',
    ]);
    assert.deepEqual(failure('dig', 'a', 'def', typedMap(new Map(), 'map[string]string')), [
      false,
      'interface conversion: interface {} is map[string]string, not map[string]interface {}',
    ]);
    assert.equal(call('dig', 'a', 'def', NIL_MAP()), 'def');
    assert.deepEqual(failure('dig', 'a', 'b'), [false, 'dig needs at least three arguments']);
  });

  it('deepCopy copies maps and slices, keeping Go types and nil slices', () => {
    const inner = typedSlice(['a'], '[]string');
    const src = map({ l: inner, n: new GoNil('[]interface {}'), m: map({ x: goInt(1) }) });
    const out = call('deepCopy', src) as GoMap;
    assert.notEqual(out, src);
    assert.notEqual(out.get('l'), inner);
    assert.equal((out.get('l') as GoSlice)[GO_TYPE], '[]string');
    assert.ok(out.get('n') instanceof GoNil);
    assert.notEqual(out.get('m'), src.get('m'));
    assert.deepEqual(failure('mustDeepCopy', null), [
      false,
      'reflect: call of reflect.Value.Type on zero Value',
    ]);
  });

  it('merge fills only missing or empty values, in place', () => {
    const dst = map({ a: goInt(1), b: '', c: map({ x: goInt(1) }) });
    const nested = map({ y: goInt(2) });
    const out = call('merge', dst, map({ a: goInt(2), b: 'x', c: nested, d: nested, n: null }));
    assert.equal(out, dst);
    assert.deepEqual(dst.get('a'), goInt(1));
    assert.equal(dst.get('b'), 'x');
    assert.deepEqual([...(dst.get('c') as GoMap).keys()], ['x', 'y']);
    assert.equal(dst.get('d'), nested, 'a missing map is shared, not copied');
    assert.equal(dst.has('n'), false, 'a nil src value is skipped');
  });

  it('mergeOverwrite replaces with empty and nil values but merges maps', () => {
    const dst = map({ a: goInt(1), c: map({ x: goInt(1) }), l: [goInt(1)] });
    call('mergeOverwrite', dst, map({ a: '', c: map({ y: goInt(2) }), l: [], n: null }));
    assert.equal(dst.get('a'), '');
    assert.deepEqual([...(dst.get('c') as GoMap).keys()], ['x', 'y']);
    assert.deepEqual(dst.get('l'), []);
    assert.equal(dst.get('n'), null);
  });

  it('merge keeps a nil dst nil when nothing is merged, else makes a map', () => {
    assert.ok(call('merge', NIL_MAP()) instanceof GoNil);
    assert.ok(call('merge', NIL_MAP(), NIL_MAP()) instanceof GoNil);
    const out = call('merge', NIL_MAP(), new Map()) as GoMap;
    assert.ok(out instanceof Map && out.size === 0);
  });

  it('a map merged into a pointer is ErrDifferentArgumentsTypes', () => {
    const ptr = new GoObject('*semver.Version', new Map(), {}, () => '1.0.0');
    const mk = (): GoMap => map({ a: ptr });
    assert.deepEqual(failure('mustMerge', mk(), map({ a: map({ k: 1 }) })), [
      true,
      'src and dst must be of same type',
    ]);
    assert.equal(call('merge', mk(), map({ a: map({ k: 1 }) })), '');
    const over = call('mergeOverwrite', mk(), map({ a: map({ k: 1 }) })) as GoMap;
    assert.ok(over.get('a') instanceof Map);
  });
});

// ---- Go-verified template cases (see go-cases.ts) ------------------------------------------------

const GO_CASES: readonly GoCase[] = [
  ['{{ dict }}', 'map[]'],
  ['{{ dict "a" }}', 'map[a:]'],
  ['{{ dict "a" 1 "b" }}', 'map[a:1 b:]'],
  ['{{ dict 1 2 }}', 'map[1:2]'],
  ['{{ dict nil 1 }}', 'map[<nil>:1]'],
  ['{{ dict 1.5 "x" true "y" }}', 'map[1.5:x true:y]'],
  ['{{ dict "a" 1 "a" 2 }}', 'map[a:2]'],
  ['{{ typeOf (dict) }}', 'map[string]interface {}'],
  ['{{ dict .l 1 }}', 'map[[3 1 2]:1]'],
  ['{{ (dict "k" .nope).k }}', '<no value>'],
  ['{{ get .m "a" }}', '1'],
  ['{{ get .m "zz" }}', ''],
  ['{{ typeOf (get .m "zz") }}', 'string'],
  ['{{ get nil "a" }}', ''],
  ['{{ get .m "c" }}', 'map[d:deep]'],
  ['{{ hasKey .m "a" }}', 'true'],
  ['{{ hasKey .m "x" }}', 'false'],
  ['{{ hasKey nil "x" }}', 'false'],
  [
    '{{ get .l "a" }}',
    '',
    'template: t:1:7: executing "t" at <.l>: wrong type for value; expected map[string]interface {}; got []interface {}',
  ],
  ['{{ get .m 1 }}', '', 'template: t:1:10: executing "t" at <1>: expected string; found 1'],
  [
    '{{ $d := dict "a" 1 }}{{ set $d "b" 2 }}|{{ $d }}|{{ unset $d "a" }}|{{ $d }}|{{ unset $d "zz" }}',
    'map[a:1 b:2]|map[a:1 b:2]|map[b:2]|map[b:2]|map[b:2]',
  ],
  [
    '{{ set nil "a" 1 }}',
    '',
    'template: t:1:3: executing "t" at <set nil "a" 1>: error calling set: assignment to entry in nil map',
  ],
  ['{{ unset nil "a" }}', 'map[]'],
  ['{{ set (dict) "a" nil }}', 'map[a:<nil>]'],
  ['{{ pluck "a" .m (dict "a" 5) (dict "b" 1) }}', '[1 5]'],
  ['{{ pluck "a" }}', '[]'],
  ['{{ pluck "a" nil }}', '[]'],
  ['{{ typeOf (pluck "a") }}', '[]interface {}'],
  ['{{ keys }}', '[]'],
  ['{{ keys nil .em }}', '[]'],
  ['{{ len (keys .m .m) }}', '6'],
  ['{{ typeOf (keys) }}', '[]string'],
  ['{{ keys (dict "a" 1) }}', '[a]'],
  ['{{ pick .m "a" "zz" }}', 'map[a:1]'],
  ['{{ pick .m }}', 'map[]'],
  ['{{ omit .m "a" }}', 'map[b:2 c:map[d:deep]]'],
  ['{{ omit .m }}', 'map[a:1 b:2 c:map[d:deep]]'],
  ['{{ pick nil "a" }}', 'map[]'],
  ['{{ omit nil }}', 'map[]'],
  ['{{ omit .m "a" "b" "c" }}', 'map[]'],
  ['{{ values (dict "a" 1) }}', '[1]'],
  ['{{ values .em }}', '[]'],
  ['{{ values nil }}', '[]'],
  ['{{ typeOf (values nil) }}', '[]interface {}'],
  ['{{ dig "c" "d" "x" .m }}', 'deep'],
  ['{{ dig "c" "zz" "x" .m }}', 'x'],
  ['{{ dig "zz" "x" .m }}', 'x'],
  ['{{ dig "a" "x" .m }}', '1'],
  ['{{ dig "c" "x" .m }}', 'map[d:deep]'],
  [
    '{{ dig "a" "b" "x" .m }}',
    '',
    'template: t:1:3: executing "t" at <dig "a" "b" "x" .m>: error calling dig: interface conversion: interface {} is float64, not map[string]interface {}',
  ],
  [
    '{{ dig "a" .m }}',
    '',
    'template: t:1:3: executing "t" at <dig "a" .m>: error calling dig: dig needs at least three arguments',
  ],
  [
    '{{ dig "a" "b" "x" nil }}',
    '',
    'template: t:1:3: executing "t" at <dig "a" "b" "x" nil>: error calling dig: interface conversion: interface {} is nil, not map[string]interface {}',
  ],
  [
    '{{ dig 1 "x" .m }}',
    '',
    'template: t:1:3: executing "t" at <dig 1 "x" .m>: error calling dig: interface conversion: interface {} is int, not string',
  ],
  [
    '{{ dig "a" "x" "str" }}',
    '',
    'template: t:1:3: executing "t" at <dig "a" "x" "str">: error calling dig: interface conversion: interface {} is string, not map[string]interface {}',
  ],
  ['{{ dig "zz" nil .m }}', '<no value>'],
  [
    '{{ dig "a" "b" "x" (dict "a" nil) }}',
    '',
    'template: t:1:3: executing "t" at <dig "a" "b" "x" (dict "a" nil)>: error calling dig: interface conversion: interface {} is nil, not map[string]interface {}',
  ],
  ['{{ deepCopy .m }}', 'map[a:1 b:2 c:map[d:deep]]'],
  ['{{ deepCopy .l }}', '[3 1 2]'],
  ['{{ deepCopy 1 }}', '1'],
  // copystructure copies a struct field by field and skips unexported ones: a *semver.Version (all
  // its fields unexported) copies as the zero Version. Outputs recorded from Go 1.26 + sprig v3.3.0.
  ['{{ semver "1.2.3-alpha" | deepCopy }}', '0.0.0'],
  [
    '{{ (semver "1.2.3-alpha+m" | deepCopy).Original }}|{{ (semver "1.2.3" | deepCopy).Major }}|{{ (semver "v1.2.3-a" | deepCopy).Prerelease }}',
    '|0|',
  ],
  ['{{ (semver "1.2.3").IncMajor | deepCopy }}', '0.0.0'],
  ['{{ deepCopy (dict "a" (semver "1.2.3") "b" (list (semver "2.0.0"))) }}', 'map[a:0.0.0 b:[0.0.0]]'],
  [
    '{{ printf "%T" (semver "1.2.3-alpha" | deepCopy) }}|{{ printf "%T" ((semver "1.2.3").IncMajor | deepCopy) }}',
    '*semver.Version|semver.Version',
  ],
  [
    '{{ (semver "1.2.3" | deepCopy).Compare (semver "0.0.0") }}|{{ (semver "1.2.3" | deepCopy).LessThan (semver "0.0.1") }}',
    '0|true',
  ],
  ['{{ toJson (semver "1.2.3" | deepCopy) }}', '"0.0.0"'],
  ['{{ deepCopy "s" }}', 's'],
  ['{{ typeOf (deepCopy (until 3)) }}', '[]int'],
  ['{{ typeOf (deepCopy (chunk 1 .l)) }}', '[][]interface {}'],
  [
    '{{ deepCopy nil }}',
    '',
    'template: t:1:3: executing "t" at <deepCopy nil>: error calling deepCopy: reflect: call of reflect.Value.Type on zero Value',
  ],
  [
    '{{ mustDeepCopy nil }}',
    '',
    'template: t:1:3: executing "t" at <mustDeepCopy nil>: error calling mustDeepCopy: reflect: call of reflect.Value.Type on zero Value',
  ],
  [
    '{{ $a := dict "x" (dict "y" 1) }}{{ $b := deepCopy $a }}{{ $_ := set $b.x "y" 2 }}{{ $a }} {{ $b }}',
    'map[x:map[y:1]] map[x:map[y:2]]',
  ],
  [
    '{{ $a := list (dict "y" 1) }}{{ $b := mustDeepCopy $a }}{{ $_ := set (first $b) "y" 2 }}{{ $a }} {{ $b }}',
    '[map[y:1]] [map[y:2]]',
  ],
  [
    '{{ merge (dict "a" 1 "b" "" "c" 0 "d" nil "e" false "f" (list) "g" (dict)) (dict "a" 2 "b" "x" "c" 5 "d" "y" "e" true "f" (list 1) "g" (dict "k" 1) "h" "new") }}',
    'map[a:1 b:x c:5 d:y e:true f:[1] g:map[k:1] h:new]',
  ],
  [
    '{{ mergeOverwrite (dict "a" 1 "b" "" "c" 0 "d" nil "e" false "f" (list) "g" (dict)) (dict "a" 2 "b" "x" "c" 5 "d" "y" "e" true "f" (list 1) "g" (dict "k" 1) "h" "new") }}',
    'map[a:2 b:x c:5 d:y e:true f:[1] g:map[k:1] h:new]',
  ],
  [
    '{{ mergeOverwrite (dict "a" 1 "b" "x" "c" 5 "d" "y" "e" true "f" (list 1) "g" (dict "k" 1)) (dict "a" 0 "b" "" "c" 0 "d" nil "e" false "f" (list) "g" (dict)) }}',
    'map[a:0 b: c:0 d:<nil> e:false f:[] g:map[k:1]]',
  ],
  [
    '{{ merge (dict "a" 1 "b" "x" "c" 5 "d" "y" "e" true "f" (list 1) "g" (dict "k" 1)) (dict "a" 0 "b" "" "c" 0 "d" nil "e" false "f" (list) "g" (dict) "n" nil "z" "") }}',
    'map[a:1 b:x c:5 d:y e:true f:[1] g:map[k:1] z:]',
  ],
  [
    '{{ merge (dict "a" (dict "x" 1 "y" (dict "p" 1))) (dict "a" (dict "x" 2 "z" 3 "y" (dict "q" 2))) }}',
    'map[a:map[x:1 y:map[p:1 q:2] z:3]]',
  ],
  [
    '{{ mergeOverwrite (dict "a" (dict "x" 1 "y" (dict "p" 1))) (dict "a" (dict "x" 2 "z" 3 "y" (dict "q" 2))) }}',
    'map[a:map[x:2 y:map[p:1 q:2] z:3]]',
  ],
  ['{{ merge (dict "a" "str") (dict "a" (dict "x" 1)) }}', 'map[a:str]'],
  ['{{ mergeOverwrite (dict "a" "str") (dict "a" (dict "x" 1)) }}', 'map[a:map[x:1]]'],
  ['{{ merge (dict "a" (dict "x" 1)) (dict "a" "str") }}', 'map[a:map[x:1]]'],
  ['{{ mergeOverwrite (dict "a" (dict "x" 1)) (dict "a" "str") }}', 'map[a:str]'],
  ['{{ merge (dict "a" (list 1 2)) (dict "a" (list 3)) }}', 'map[a:[1 2]]'],
  ['{{ mergeOverwrite (dict "a" (list 1 2)) (dict "a" (list 3)) }}', 'map[a:[3]]'],
  ['{{ merge (dict "a" "s") (dict "a" (list 3)) }}', 'map[a:s]'],
  ['{{ mergeOverwrite (dict "a" "s") (dict "a" (list 3)) }}', 'map[a:[3]]'],
  ['{{ merge (dict "a" (list 1)) (dict "a" "s") }}', 'map[a:[1]]'],
  ['{{ mergeOverwrite (dict "a" (list 1)) (dict "a" "s") }}', 'map[a:s]'],
  ['{{ merge (dict) (dict "a" 1) (dict "a" 2 "b" 3) }}', 'map[a:1 b:3]'],
  ['{{ mergeOverwrite (dict) (dict "a" 1) (dict "a" 2 "b" 3) }}', 'map[a:2 b:3]'],
  ['{{ merge nil (dict "a" 1) }}', 'map[a:1]'],
  ['{{ merge (dict "a" 1) nil }}', 'map[a:1]'],
  ['{{ merge (dict "a" 1) }}', 'map[a:1]'],
  ['{{ merge nil }}', 'map[]'],
  ['{{ typeOf (merge nil) }}', 'map[string]interface {}'],
  [
    '{{ $d := dict "a" (dict "x" 1) }}{{ $s := dict "a" (dict "y" 2) "b" (dict "z" 3) }}{{ $_ := merge $d $s }}{{ $_ := set $s.b "w" 4 }}{{ $_ := set $s.a "v" 5 }}{{ $d }} {{ $s }}',
    'map[a:map[x:1 y:2] b:map[w:4 z:3]] map[a:map[v:5 y:2] b:map[w:4 z:3]]',
  ],
  [
    '{{ $d := dict "a" (dict) }}{{ $s := dict "a" (dict "y" 2) }}{{ $_ := merge $d $s }}{{ $_ := set $s.a "v" 5 }}{{ $d }} {{ $s }}',
    'map[a:map[y:2]] map[a:map[v:5 y:2]]',
  ],
  [
    '{{ $d := dict "a" (dict) }}{{ $s := dict "a" (dict) }}{{ $_ := mergeOverwrite $d $s }}{{ $_ := set $s.a "v" 5 }}{{ $d }} {{ $s }}',
    'map[a:map[v:5]] map[a:map[v:5]]',
  ],
  [
    '{{ $d := dict "a" (dict) }}{{ $s := dict "a" (dict) }}{{ $_ := merge $d $s }}{{ $_ := set $s.a "v" 5 }}{{ $d }} {{ $s }}',
    'map[a:map[v:5]] map[a:map[v:5]]',
  ],
  ['{{ $d := dict "a" (list) }}{{ $s := dict "a" (list 1) }}{{ $_ := merge $d $s }}{{ $d }}', 'map[a:[1]]'],
  ['{{ $d := dict "a" nil }}{{ $_ := merge $d (dict "a" (list 1)) }}{{ $d }}', 'map[a:[1]]'],
  ['{{ $d := dict "a" "" }}{{ $_ := merge $d (dict "a" (list 1)) }}{{ $d }}', 'map[a:[1]]'],
  ['{{ mustMerge (dict "a" 1) (dict "b" 2) }}', 'map[a:1 b:2]'],
  ['{{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }}', 'map[a:2]'],
  [
    '{{ $d := dict "a" (dict "x" nil) }}{{ merge $d (dict "a" (dict "x" (dict "k" 1))) }}',
    'map[a:map[x:map[k:1]]]',
  ],
  [
    '{{ mergeOverwrite (dict "a" (dict "x" nil)) (dict "a" (dict "x" (dict "k" 1))) }}',
    'map[a:map[x:map[k:1]]]',
  ],
  ['{{ merge (dict "a" 1.5) (dict "a" (dict "k" 1)) }}', 'map[a:1.5]'],
  ['{{ merge (dict "a" 0) (dict "a" (dict "k" 1)) }}', 'map[a:map[k:1]]'],
  ['{{ merge (dict "a" (dict)) (dict "a" 5) }}', 'map[a:5]'],
  ['{{ merge (dict "a" (list)) (dict "a" (dict "k" 1)) }}', 'map[a:map[k:1]]'],
  ['{{ merge (dict "a" (list 1)) (dict "a" (dict "k" 1)) }}', 'map[a:[1]]'],
  ['{{ merge (dict "a" (dict "k" 1)) (dict "a" (list 1)) }}', 'map[a:map[k:1]]'],
  ['{{ mergeOverwrite (dict "a" (dict "k" 1)) (dict "a" (list 1)) }}', 'map[a:[1]]'],
  ['{{ merge (dict "a" (dict)) (dict "a" (list 1)) }}', 'map[a:[1]]'],
  ['{{ $d := dict "x" 1 }}{{ $r := merge $d (dict "y" 2) }}{{ $d }} {{ $r }}', 'map[x:1 y:2] map[x:1 y:2]'],
  ['{{ merge .m (dict "a" 9 "q" 1) }}', 'map[a:1 b:2 c:map[d:deep] q:1]'],
  ['{{ merge (dict "a" (semver "1.0.0")) (dict "a" (dict "k" 1)) }}', ''],
  [
    '{{ mustMerge (dict "a" (semver "1.0.0")) (dict "a" (dict "k" 1)) }}',
    '',
    'template: t:1:3: executing "t" at <mustMerge (dict "a" (semver "1.0.0")) (dict "a" (dict "k" 1))>: error calling mustMerge: src and dst must be of same type',
  ],
  ['{{ mergeOverwrite (dict "a" (semver "1.0.0")) (dict "a" (dict "k" 1)) }}', 'map[a:map[k:1]]'],
  ['{{ merge (dict "a" (semver "1.0.0")) (dict "a" 5) }}', 'map[a:1.0.0]'],
  ['{{ merge (dict) (dict "a" (semver "1.0.0")) }}', 'map[a:1.0.0]'],
  ['{{ get .m "b" }}', '2'],
  ['{{ set (dict "a" 1) "b" 2 }}', 'map[a:1 b:2]'],
  ['{{ omit .labels "app" }}', 'map[env:prod tier:front]'],
  ['{{ dig "c" "d" "none" .m }}', 'deep'],
  ['{{ toJson (merge nil) }}', 'null'],
  ['{{ toJson (merge nil (dict)) }}', '{}'],
  ['{{ toJson (unset nil "a") }}', 'null'],
  [
    '{{ toJson (deepCopy (dict "a" (rest .el) "b" (list nil 1) "c" (concat))) }}',
    '{"a":null,"b":[null,1],"c":null}',
  ],
  ['{{ toJson (deepCopy (rest .el)) }}', 'null'],
  ['{{ toJson (values nil) }}', '[]'],
  ['{{ toJson (keys) }}', '[]'],
  ['{{ toJson (pluck "x") }}', '[]'],
  ['{{ merge (dict "a" (list)) (dict "a" (list)) | toJson }}', '{"a":[]}'],
  ['{{ merge (dict) (dict "a" (list)) | toJson }}', '{"a":[]}'],
  ['{{ merge (dict "b" 1) (dict "a" (list)) | toJson }}', '{"a":[],"b":1}'],
  ['{{ merge (dict "a" nil) (dict "a" (list)) | toJson }}', '{"a":[]}'],
  ['{{ mergeOverwrite (dict "a" 1) (dict "a" (list)) | toJson }}', '{"a":[]}'],
  ['{{ keys .labels | sortAlpha }}', '[app env tier]'],
  ['{{ values .labels | sortAlpha }}', '[front prod web]'],
  ['{{ keys .m .labels | sortAlpha }}', '[a app b c env tier]'],
  [
    '{{ merge (dict "a" (split "," "x,y")) (dict "a" (dict "_0" "z" "_5" "w")) }}',
    '',
    'template: t:1:3: executing "t" at <merge (dict "a" (split "," "x,y")) (dict "a" (dict "_0" "z" "_5" "w"))>: error calling merge: reflect.Value.SetMapIndex: value of type interface {} is not assignable to type string',
  ],
  [
    '{{ mergeOverwrite (dict "a" (split "," "x,y")) (dict "a" (dict "_0" "z" "_5" "w")) }}',
    '',
    'template: t:1:3: executing "t" at <mergeOverwrite (dict "a" (split "," "x,y")) (dict "a" (dict "_0" "z" "_5" "w"))>: error calling mergeOverwrite: reflect.Value.SetMapIndex: value of type interface {} is not assignable to type string',
  ],
  [
    '{{ merge (dict "a" (dict "_0" "z" "_5" "w")) (dict "a" (split "," "x,y")) }}',
    'map[a:map[_0:z _1:y _5:w]]',
  ],
  [
    '{{ mergeOverwrite (dict "a" (dict "_0" "z" "_5" "w" "_1" "")) (dict "a" (split "," "x,,y")) }}',
    'map[a:map[_0:x _1: _2:y _5:w]]',
  ],
  ['{{ merge (dict "a" (dict "_1" "")) (dict "a" (split "," "x,,y")) }}', 'map[a:map[_0:x _1: _2:y]]'],
  [
    '{{ merge (dict "a" (split "," "x,")) (dict "a" (dict "_1" "q")) }}',
    '',
    'template: t:1:3: executing "t" at <merge (dict "a" (split "," "x,")) (dict "a" (dict "_1" "q"))>: error calling merge: reflect.Value.SetMapIndex: value of type interface {} is not assignable to type string',
  ],
  [
    '{{ merge (dict "a" (split "," "x,")) (dict "a" (dict "_1" 5)) }}',
    '',
    'template: t:1:3: executing "t" at <merge (dict "a" (split "," "x,")) (dict "a" (dict "_1" 5))>: error calling merge: reflect.Value.SetMapIndex: value of type interface {} is not assignable to type string',
  ],
  ['{{ merge (dict "a" (splitList "," "x,")) (dict "a" (list 1)) }}', 'map[a:[x ]]'],
  ['{{ merge (dict "a" (list)) (dict "a" (splitList "," "x,")) | toJson }}', '{"a":["x",""]}'],
  ['{{ merge (dict) (dict "a" (splitList "," "x,")) }}', 'map[a:[x ]]'],
  ['{{ deepEqual (split "," "a") (split "," "a") }}', 'true'],
  ['{{ deepCopy (split "," "a,b") | typeOf }}', 'map[string]string'],
  [
    '{{ dig "_0" "d" (split "," "a,b") }}',
    '',
    'template: t:1:3: executing "t" at <dig "_0" "d" (split "," "a,b")>: error calling dig: interface conversion: interface {} is map[string]string, not map[string]interface {}',
  ],
  [
    '{{ keys (split "," "a,b") }}',
    '',
    'template: t:1:19: executing "t" at <"a,b">: wrong type for value; expected map[string]interface {}; got map[string]string',
  ],
  ['{{ typeOf (slice (regexFindAll "a" "aaa" -1) 1) }}', '[]string'],
  ['{{ merge (dict "a" (split "," "x,y")) (dict "a" (split "," "q,r,s")) }}', 'map[a:map[_0:x _1:y _2:s]]'],
  [
    '{{ mergeOverwrite (dict "a" (split "," "x,y")) (dict "a" (split "," "q,r,s")) }}',
    'map[a:map[_0:q _1:r _2:s]]',
  ],
  [
    '{{ merge (dict "a" (split "," "x,y")) (dict "a" (dict "_0" (list 1))) }}',
    '',
    'template: t:1:3: executing "t" at <merge (dict "a" (split "," "x,y")) (dict "a" (dict "_0" (list 1)))>: error calling merge: reflect: call of reflect.Value.IsNil on string Value',
  ],
  [
    '{{ merge (dict "a" (split "," "x,y")) (dict "a" (dict "_7" (list 1))) }}',
    '',
    'template: t:1:3: executing "t" at <merge (dict "a" (split "," "x,y")) (dict "a" (dict "_7" (list 1)))>: error calling merge: reflect.Value.SetMapIndex: value of type []interface {} is not assignable to type string',
  ],
  [
    '{{ mergeOverwrite (dict "a" (split "," "x,y")) (dict "a" (dict "_0" nil)) }}',
    '',
    'template: t:1:3: executing "t" at <mergeOverwrite (dict "a" (split "," "x,y")) (dict "a" (dict "_0" nil))>: error calling mergeOverwrite: reflect.Value.SetMapIndex: value of type interface {} is not assignable to type string',
  ],
  ['{{ merge (dict "a" (split "," "x,y")) (dict "a" (dict "_0" nil)) }}', 'map[a:map[_0:x _1:y]]'],
  ['{{ merge (dict "a" (split "," "x,y")) (dict "a" (dict)) }}', 'map[a:map[_0:x _1:y]]'],
];

runGoCases('dict functions through templates (Go outputs)', GO_CASES);
