/** Tests of sprig's default/empty/coalesce/all/any/ternary/fail (defaults.ts) against Go + sprig. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type FuncContext, fixedContext } from '../../../src/template/funcs/context.js';
import { conversionFuncs } from '../../../src/template/funcs/convert.js';
import { defaultFuncs } from '../../../src/template/funcs/defaults.js';
import { listFuncs } from '../../../src/template/funcs/lists.js';
import { reflectionFuncs } from '../../../src/template/funcs/reflection.js';
import {
  FuncError,
  type FuncMap,
  fromJSON,
  GoNil,
  goInt,
  goTypeName,
  type Value,
} from '../../../src/template/value.js';

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

// ---- Go-verified template cases ------------------------------------------------------------------
// Each case ran through Go 1.26 text/template + sprig v3.3.0 (sprig.TxtFuncMap(), template named
// "t") on DATA: [template, output] or [template, '', Go's error]. They run through the engine
// (renderTemplate) once it is built; a case calling another family's function is skipped while
// that family is missing.

type GoCase = readonly [template: string, output: string, error?: string];

/**
 * The data of the Go runs, decoded per case as Go decodes JSON into interface{} (numbers are
 * float64): functions such as set and merge mutate it.
 */
const DATA = (): Value =>
  fromJSON({
    s: 'hello',
    n: 42,
    f: 3.5,
    z: 0,
    e: '',
    t: true,
    fa: false,
    nil: null,
    l: [3, 1, 2],
    sl: ['b', 'a', 'c'],
    m: { b: 2, a: 1, c: { d: 'deep' } },
    em: {},
    el: [],
    big: 1e21,
    tiny: 1e-6,
    neg: -7,
    mixed: [1, 'two', 3.5, true, null, { k: 'v' }, [1, 2]],
    users: [
      { name: 'ann', age: 31, tags: ['a', 'b'] },
      { name: 'bob', age: 25, tags: [] },
    ],
    labels: { app: 'web', tier: 'front', env: 'prod' },
    img: { repo: 'karlmutch/duat', tag: '0.13.0' },
  });

/** Families of other helpers that some cases use (toJson, sortAlpha, semver, toDate...). */
const OTHER_FAMILIES: readonly (readonly [string, string])[] = [
  ['strings', 'stringFuncs'],
  ['json', 'jsonFuncs'],
  ['dates', 'dateFuncs'],
  ['semver', 'semverFuncs'],
  ['encoding', 'encodingFuncs'],
  ['regex', 'regexFuncs'],
];

type Render = (name: string, text: string, data: unknown, options: { funcs: FuncMap }) => unknown;

async function optionalImport(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The engine and the whole sprig set, when they are built (other helpers may still be writing them). */
async function loadEngine(own: FuncMap): Promise<{ render: Render | undefined; funcs: FuncMap }> {
  const engine = await optionalImport('../../../src/template/index.js');
  const sprig = await optionalImport('../../../src/template/funcs/index.js');
  let all: FuncMap = {};
  if (typeof sprig?.sprigFuncs === 'function') {
    all = (sprig.sprigFuncs as (ctx: FuncContext) => FuncMap)(fixedContext({}));
  } else {
    // Not every family is built yet: take those that are.
    for (const [module, factory] of OTHER_FAMILIES) {
      const mod = await optionalImport(`../../../src/template/funcs/${module}.js`);
      const make = mod?.[factory];
      if (typeof make === 'function')
        all = { ...all, ...(make as (ctx: FuncContext) => FuncMap)(fixedContext({})) };
    }
  }
  const render = typeof engine?.renderTemplate === 'function' ? (engine.renderTemplate as Render) : undefined;
  return { render, funcs: { ...all, ...own } };
}

function runGoCases(title: string, cases: readonly GoCase[], own: FuncMap): void {
  describe(title, () => {
    let engine: Awaited<ReturnType<typeof loadEngine>> = { render: undefined, funcs: own };
    before(async () => {
      engine = await loadEngine(own);
    });
    for (const [template, output, error] of cases) {
      it(template, async (t) => {
        if (engine.render === undefined) {
          t.skip('renderTemplate is not built yet');
          return;
        }
        let got: unknown;
        try {
          got = await engine.render('t', template, DATA(), { funcs: engine.funcs });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          const missing = /function "(\w+)" not defined/.exec(message)?.[1];
          if (missing !== undefined && !(missing in own)) {
            t.skip(`${missing} belongs to a family that is not built yet`);
            return;
          }
          if (error === undefined) throw e;
          assert.equal(message, error);
          return;
        }
        assert.equal(error, undefined, `Go fails with: ${error}`);
        assert.equal(got, output);
      });
    }
  });
}

const OWN: FuncMap = {
  ...defaultFuncs(ctx),
  ...conversionFuncs(ctx),
  ...listFuncs(ctx),
  ...reflectionFuncs(ctx),
};

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

runGoCases('defaults functions through templates (Go outputs)', GO_CASES, OWN);
