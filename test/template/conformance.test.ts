/**
 * The shared conformance cases (Go 1.26 text/template + sprig v3.3.0 output recorded in
 * /work/shared/conformance/go-template-sprig.jsonl) through our engine, judged exactly as
 * compare.mjs judges them. One subtest per case, then a summary that fails when any case failed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type EngineResult, type ExpectedCase, readJsonl } from './harness/cases.js';
import { judgeConformance } from './harness/judge.js';
import { conformanceFile } from './harness/paths.js';
import { describeMismatch, examples, summarize } from './harness/report.js';
import { EngineRunner } from './harness/runner.js';

const file = conformanceFile();
const cases: ExpectedCase[] = existsSync(file) ? readJsonl<ExpectedCase>(file) : [];

describe('Go conformance cases', () => {
  const runner = new EngineRunner(10_000);
  const results: EngineResult[] = [];

  before(async () => {
    results.push(...(await runner.renderAll(cases)));
  });
  after(() => runner.close());

  test('the conformance file is there', () => {
    assert.ok(existsSync(file), `missing ${file} (set DUAT_CONFORMANCE_FILE to its location)`);
    assert.ok(cases.length > 0, `${file} holds no cases`);
  });

  cases.forEach((c, i) => {
    test(c.name, () => {
      const r = results[i];
      assert.ok(r !== undefined, 'no result');
      const verdict = judgeConformance(c, r);
      assert.ok(
        verdict.ok,
        `template ${JSON.stringify(c.template)}\n  want: ${verdict.want}\n  got:  ${verdict.got}`,
      );
    });
  });

  test('summary', () => {
    const failures = cases
      .map((c, i) => ({ expected: c, ours: results[i] as EngineResult }))
      .filter((m) => !judgeConformance(m.expected, m.ours).ok);
    const passed = cases.length - failures.length;
    const report = [`conformance: ${passed} passed, ${failures.length} failed`];
    if (failures.length > 0)
      report.push(...summarize(failures), ...examples(failures, 10).map(describeMismatch));
    console.log(report.join('\n'));
    assert.equal(failures.length, 0, report[0]);
  });
});
