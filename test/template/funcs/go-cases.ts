/**
 * Template cases verified with Go: each ran through Go 1.26 text/template + sprig v3.3.0
 * (sprig.TxtFuncMap(), template named "t") on DATA, and recorded [template, output] or
 * [template, '', Go's error]. Here they run through our engine with the whole sprig set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext, sprigFuncs } from '../../../src/template/funcs/index.js';
import { renderTemplate } from '../../../src/template/index.js';
import { fromJSON, type Value } from '../../../src/template/value.js';

export type GoCase = readonly [template: string, output: string, error?: string];

/**
 * The data of the Go runs, decoded per case as Go decodes JSON into interface{} (numbers are
 * float64): functions such as set and merge mutate it, so every case gets a fresh copy.
 */
export const DATA = (): Value =>
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

export function runGoCases(title: string, cases: readonly GoCase[]): void {
  const funcs = sprigFuncs(fixedContext({}));
  describe(title, () => {
    for (const [template, output, error] of cases) {
      it(template, () => {
        let got: string;
        try {
          got = renderTemplate('t', template, DATA(), { funcs });
        } catch (e) {
          if (error === undefined) throw e;
          assert.equal(e instanceof Error ? e.message : String(e), error);
          return;
        }
        assert.equal(error, undefined, `Go fails with: ${error}`);
        assert.equal(got, output);
      });
    }
  });
}
