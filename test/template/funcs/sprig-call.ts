/**
 * Shared by the tests of sprig's text families (strings, regex, encoding, crypto, paths, urls,
 * semver, random): calls a function's implementation with arguments converted to its Go parameter
 * types, and renders the result in the shape the Go reference program printed it (tables of
 * expected values come from real Go 1.26 + sprig v3.3.0 calling the same functions).
 */
import assert from 'node:assert/strict';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { sprigFuncs } from '../../../src/template/funcs/index.js';
import { renderTemplate } from '../../../src/template/index.js';
import {
  FuncError,
  type FuncMap,
  fromJSON,
  type GoFunc,
  GoInt,
  GoNil,
  GoObject,
  goInt,
  goTypeName,
  type IntTypeName,
  type Value,
} from '../../../src/template/value.js';

/** What a call gave: its result (as Go's encoding/json would show it), its error, or its panic. */
export type Outcome = { out: unknown; type?: string } | { err: string } | { panic: string };

/** A table row: function name, JSON arguments, expected outcome. */
export type Row = readonly [string, readonly unknown[], Outcome];

/** Escaped invalid UTF-8 bytes (U+DC80..U+DCFF) written as the Go reference wrote them: ⟦xHH⟧. */
const showBytes = (s: string): string =>
  s.replace(/[\udc80-\udcff]/g, (c) => `⟦x${(c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}⟧`);

function show(v: Value): unknown {
  if (typeof v === 'string') return showBytes(v);
  if (v instanceof GoInt) return Number(v.value);
  if (v instanceof GoNil) return v.type.startsWith('[]') ? '<nil slice>' : null;
  if (Array.isArray(v)) return v.map(show);
  if (v instanceof Map) {
    return Object.fromEntries(
      [...v.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, show(x)]),
    );
  }
  if (v instanceof GoObject) return v.format ? v.format() : '<object>';
  return v;
}

function arg(a: unknown, type: string | undefined): Value {
  if (type === undefined) throw new Error('too many arguments');
  if (/^u?int(8|16|32|64)?$/.test(type)) return goInt(BigInt(a as number), type as IntTypeName);
  if (type === 'string' || type === 'bool' || type === 'float64') return a as Value;
  return fromJSON(a);
}

/** Calls fn with JSON arguments converted to its parameter types. */
export function call(fn: GoFunc, args: readonly unknown[]): Outcome {
  const values = args.map((a, i) => arg(a, i < fn.params.length ? fn.params[i] : fn.variadic));
  try {
    const v = fn.impl(...values);
    return { out: show(v), type: goTypeName(v) };
  } catch (e) {
    if (e instanceof FuncError) return { err: e.message };
    return { panic: (e as Error).message };
  }
}

/** Asserts every row of a table against the functions (types are only compared when given). */
export function checkTable(funcs: FuncMap, rows: readonly Row[]): void {
  for (const [name, args, want] of rows) {
    const fn = funcs[name];
    assert.ok(fn !== undefined, `${name} is defined`);
    const got = call(fn, args);
    const label = `${name} ${JSON.stringify(args)}`;
    if ('out' in want && 'out' in got && want.type === undefined) delete got.type;
    assert.deepEqual(got, want, label);
  }
}

/** The whole sprig function map over a deterministic context. */
export const testFuncs = (seed = 1): FuncMap => sprigFuncs(fixedContext({ seed }));

/** A template case: [template, expected output] or [template, { error: substring of the message }]. */
export type TemplateRow = readonly [string, string | { error: string }];

/** Renders each template with the sprig functions and checks output or error text. */
export function checkTemplates(rows: readonly TemplateRow[], funcs: FuncMap = testFuncs()): void {
  for (const [text, want] of rows) {
    let got: string;
    try {
      got = renderTemplate('t', text, null, { funcs });
    } catch (e) {
      const message = (e as Error).message;
      if (typeof want === 'string') assert.fail(`${text}: unexpected error ${message}`);
      assert.ok(
        message.includes(want.error),
        `${text}: error ${JSON.stringify(message)} lacks ${JSON.stringify(want.error)}`,
      );
      continue;
    }
    if (typeof want !== 'string')
      assert.fail(`${text}: rendered ${JSON.stringify(got)}, want error ${want.error}`);
    assert.equal(got, want, text);
  }
}

/** Rows written as JSON text (keeps large tables cheap for the type checker). */
export const jsonRows = <T>(lines: readonly string[]): T[] => lines.map((l) => JSON.parse(l) as T);
