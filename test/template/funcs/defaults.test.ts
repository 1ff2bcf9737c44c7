/** Tests of sprig's default/empty/coalesce/all/any/ternary/fail (defaults.ts) against Go + sprig. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { defaultFuncs } from '../../../src/template/funcs/defaults.js';
import { FuncError, GoNil, goInt, goTypeName, type Value } from '../../../src/template/value.js';
import { type GoCase, runGoCases } from './go-cases.js';

const ctx = fixedContext({});
const fns = defaultFuncs(ctx);
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns[name];
  assert.ok(fn !== undefined, name);
  return fn.impl(...args);
};

describe('defaults functions (impl)', () => {
  it('declare sprig v3.3.0 signatures', () => {
    const sig = (name: string): string => goTypeName(fns[name] as Value);
    assert.equal(sig('default'), 'func(interface {}, ...interface {}) interface {}');
    assert.equal(sig('empty'), 'func(interface {}) bool');
    assert.equal(sig('coalesce'), 'func(...interface {}) interface {}');
    assert.equal(sig('all'), 'func(...interface {}) bool');
    assert.equal(sig('any'), 'func(...interface {}) bool');
    assert.equal(sig('ternary'), 'func(interface {}, interface {}, bool) interface {}');
    assert.equal(sig('fail'), 'func(string) (string, error)');
  });

  it('default looks only at the first given value', () => {
    assert.equal(call('default', 'd'), 'd');
    assert.equal(call('default', 'd', null, 'x'), 'd');
    assert.deepEqual(call('default', 'd', goInt(2), 'x'), goInt(2));
    assert.equal(call('default', 'd', new GoNil('[]interface {}')), 'd');
    assert.equal(call('default', undefined, undefined), null);
  });

  it('coalesce returns nil when all are empty', () => {
    assert.equal(call('coalesce', null, '', goInt(0)), null);
    assert.equal(call('coalesce', '', 'x', 'y'), 'x');
  });

  it('all and any over no arguments', () => {
    assert.equal(call('all'), true);
    assert.equal(call('any'), false);
  });

  it('fail returns its message as the error', () => {
    assert.throws(
      () => call('fail', 'boom'),
      (e: Error) => e instanceof FuncError && e.message === 'boom',
    );
  });
});

// ---- Go-verified template cases (see go-cases.ts) ------------------------------------------------

const GO_CASES: readonly GoCase[] = [
  ['{{ default "d" nil }}', 'd'],
  ['{{ default "d" "" }}', 'd'],
  ['{{ default "d" 0 }}', 'd'],
  ['{{ default "d" "x" }}', 'x'],
  ['{{ default "d" }}', 'd'],
  ['{{ default "d" .el }}', 'd'],
  ['{{ default "d" .em }}', 'd'],
  ['{{ default "d" false }}', 'd'],
  ['{{ default "d" .nope }}', 'd'],
  ['{{ .nope | default "d" }}', 'd'],
  ['{{ default "d" 0.0 }}', 'd'],
  ['{{ default "d" .l }}', '[3 1 2]'],
  ['{{ default "d" 1 2 }}', '1'],
  ['{{ default "d" nil 2 }}', 'd'],
  ['{{ default nil nil }}', '<no value>'],
  ['{{ default "d" (rest .el) }}', 'd'],
  ['{{ default "d" (int64 0) }}', 'd'],
  ['{{ .z | default 5 }}', '5'],
  ['{{ .e | default "fallback" }}', 'fallback'],
  ['{{ empty nil }}', 'true'],
  ['{{ empty "" }}', 'true'],
  ['{{ empty 0 }}', 'true'],
  ['{{ empty 0.0 }}', 'true'],
  ['{{ empty false }}', 'true'],
  ['{{ empty .el }}', 'true'],
  ['{{ empty .em }}', 'true'],
  ['{{ empty "a" }}', 'false'],
  ['{{ empty .nope }}', 'true'],
  ['{{ empty (list 0) }}', 'false'],
  ['{{ empty (rest .el) }}', 'true'],
  ['{{ empty .t }}', 'false'],
  ['{{ empty -0.0 }}', 'true'],
  ['{{ empty (float64 "nan") }}', 'false'],
  ['{{ coalesce nil "" 0 "x" }}', 'x'],
  ['{{ coalesce }}', '<no value>'],
  ['{{ coalesce nil }}', '<no value>'],
  ['{{ typeOf (coalesce nil) }}', '<nil>'],
  ['{{ coalesce .nope .e .s }}', 'hello'],
  ['{{ all 1 "a" }}', 'true'],
  ['{{ all 1 "" }}', 'false'],
  ['{{ all }}', 'true'],
  ['{{ any 0 "" nil }}', 'false'],
  ['{{ any 0 "a" }}', 'true'],
  ['{{ any }}', 'false'],
  ['{{ ternary "a" "b" true }}', 'a'],
  ['{{ ternary "a" "b" false }}', 'b'],
  ['{{ true | ternary 1 2 }}', '1'],
  ['{{ ternary "a" "b" nil }}', '', 'template: t:1:19: executing "t" at <nil>: cannot assign nil to bool'],
  ['{{ ternary "a" "b" 1 }}', '', 'template: t:1:19: executing "t" at <1>: expected bool; found 1'],
  ['{{ ternary nil "b" true }}', '<no value>'],
  ['{{ fail "boom" }}', '', 'template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom'],
  ['{{ fail "" }}', '', 'template: t:1:3: executing "t" at <fail "">: error calling fail: '],
  [
    '{{ empty "" "x" }}',
    '',
    'template: t:1:3: executing "t" at <empty>: wrong number of args for empty: want 1 got 2',
  ],
  ['{{ fail 3 }}', '', 'template: t:1:8: executing "t" at <3>: expected string; found 3'],
  ['{{ default "d" .e }}', 'd'],
  ['{{ empty .s }}', 'false'],
  ['{{ ternary "y" "n" .t }}', 'y'],
  ['{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ empty ($t.Sub $t) }}', 'true'],
  [
    '{{ $t := toDate "2006-01-02" "2020-05-03" }}{{ empty ($t.Sub (toDate "2006-01-02" "2020-05-01")) }}',
    'false',
  ],
  ['{{ empty (toDate "2006-01-02" "2020-05-03").Weekday }}', 'true'],
  ['{{ empty (toDate "2006-01-02" "2020-05-03").Month }}', 'false'],
  ['{{ empty (toDate "2006-01-02" "2020-05-03") }}', 'false'],
  ['{{ default "d" (toDate "2006-01-02" "2020-05-03").Weekday }}', 'd'],
];

runGoCases('defaults functions through templates (Go outputs)', GO_CASES);
