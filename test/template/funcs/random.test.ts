/**
 * sprig's random functions: shapes (lengths, alphabets, UUID v4 format) as Go + sprig v3.3.0 give
 * them, drawn deterministically from the FuncContext; panics as Go's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { randomFuncs } from '../../../src/template/funcs/random.js';
import { GoInt, goInt, type Value } from '../../../src/template/value.js';
import { checkTemplates, jsonRows, type TemplateRow } from './sprig-call.js';

/** [template, Go's output or error]. */
const TEMPLATES = jsonRows<TemplateRow>([
  '["{{ randInt 5 5 }}", {"error": "template: t:1:3: executing \\"t\\" at <randInt 5 5>: error calling randInt: invalid argument to Intn"}]',
  '["{{ randInt 5 6 }}", "5"]',
  '["{{ randAlphaNum 0 }}{{ randAlpha -1 }}|", "|"]',
  '["{{ shuffle \\"a\\" }}", "a"]',
]);

const fns = (seed = 1) => randomFuncs(fixedContext({ seed }));
const call = (name: string, ...args: Value[]): Value => {
  const fn = fns()[name];
  assert.ok(fn, name);
  return fn.impl(...args);
};

describe('sprig random functions', () => {
  it('match Go through templates', () => checkTemplates(TEMPLATES));

  it('draw strings of the right length and alphabet', () => {
    const cases: [string, RegExp][] = [
      ['randAlphaNum', /^[A-Za-z0-9]{200}$/],
      ['randAlpha', /^[A-Za-z]{200}$/],
      ['randNumeric', /^[0-9]{200}$/],
      ['randAscii', /^[\x20-\x7e]{200}$/],
    ];
    for (const [name, shape] of cases) {
      const s = call(name, goInt(200)) as string;
      assert.match(s, shape, name);
      assert.ok(new Set(s).size > 5, `${name} varies`);
      assert.equal(call(name, goInt(0)), '');
      assert.equal(call(name, goInt(-3)), '');
    }
  });

  it('are deterministic under a fixed context', () => {
    assert.equal(fns(4).randAlphaNum?.impl(goInt(16)), fns(4).randAlphaNum?.impl(goInt(16)));
    assert.notEqual(fns(4).randAlphaNum?.impl(goInt(16)), fns(5).randAlphaNum?.impl(goInt(16)));
  });

  it('format uuidv4 as google/uuid does', () => {
    for (let seed = 1; seed < 20; seed++) {
      assert.match(
        fns(seed).uuidv4?.impl() as string,
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('draw randInt in [min, max) and panic like rand.Intn', () => {
    const f = fns(3);
    for (let i = 0; i < 200; i++) {
      const r = f.randInt?.impl(goInt(-5), goInt(5));
      assert.ok(r instanceof GoInt);
      const n = Number(r.value);
      assert.ok(n >= -5 && n < 5, String(n));
    }
    assert.throws(() => f.randInt?.impl(goInt(5), goInt(5)), { message: 'invalid argument to Intn' });
    assert.throws(() => f.randInt?.impl(goInt(6), goInt(5)), { message: 'invalid argument to Intn' });
  });

  it('shuffle the runes of a string', () => {
    const s = call('shuffle', 'héllo wörld😀') as string;
    assert.deepEqual([...s].sort(), [...'héllo wörld😀'].sort());
    assert.equal(call('shuffle', ''), '');
  });
});
