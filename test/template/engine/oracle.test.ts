/**
 * Differential cases: each was rendered by Go 1.26's text/template (go-oracle/main.go) and is
 * rendered here with the twin functions of oracle-funcs.ts; output and error text must be equal.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toBytes } from '../../../src/template/funcs/text/utf8.js';
import { fromJSON, Template, TemplateError } from '../../../src/template/index.js';
import { repoRoot } from '../../helpers/paths.js';
import { oracleFuncs } from './oracle-funcs.js';

interface OracleCase {
  name: string;
  template: string;
  extra?: string[];
  data: unknown;
  delims?: [string, string];
  missingkey?: string;
  exec?: string;
  /** Go's output (null when omitted: Go's partial output before a depth error is ~100000 levels). */
  output: string | null;
  invalidUTF8?: boolean;
  /** Go's exact output bytes when they are not valid UTF-8. */
  outputBase64?: string;
  error: string | null;
}

const fixture = join(repoRoot, 'test/template/engine/fixtures/go-oracle-cases.jsonl');
const cases: OracleCase[] = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as OracleCase);

function run(c: OracleCase): { output: string; error: string | null } {
  try {
    const t = new Template(c.name).funcs(oracleFuncs);
    if (c.delims) t.delims(c.delims[0], c.delims[1]);
    if (c.missingkey) t.option(`missingkey=${c.missingkey}`);
    t.parse(c.template);
    for (const x of c.extra ?? []) t.parse(x);
    const data = fromJSON(c.data);
    const output = c.exec ? t.executeTemplate(c.exec, data) : t.execute(data);
    return { output, error: null };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return { output: e.partialOutput ?? '', error: e.message };
  }
}

test('the fixture holds the differential corpus', () => {
  assert.ok(cases.length >= 600, `only ${cases.length} cases`);
  assert.ok(cases.some((c) => c.error !== null) && cases.some((c) => c.error === null));
});

for (const c of cases) {
  test(`go oracle: ${c.name}: ${JSON.stringify(c.template).slice(0, 80)}`, () => {
    const got = run(c);
    assert.equal(got.error, c.error);
    // Runaway recursion (output null): Go writes 100000 levels of output before its depth error; we
    // run out of JS stack sooner, so only the error text can be compared.
    if (c.output === null) return;
    // Bytes of invalid UTF-8 are held as lone surrogates (funcs/text/utf8.ts): compare Go's bytes.
    if (c.outputBase64 !== undefined)
      assert.equal(Buffer.from(toBytes(got.output)).toString('base64'), c.outputBase64);
    else assert.equal(got.output, c.output);
  });
}
