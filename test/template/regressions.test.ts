/**
 * Every mismatch the differential fuzzer ever found (test/template/regressions.jsonl, with Go's
 * expected output or error), run against our engine without needing Go. Judged like the
 * differential test: equal output bytes, or equal error text from the line:column on.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type EngineResult, type ExpectedCase, readJsonl, requestOf } from './harness/cases.js';
import { judgeExact } from './harness/judge.js';
import { regressionsFile } from './harness/paths.js';
import { describeMismatch, summarize } from './harness/report.js';
import { EngineRunner } from './harness/runner.js';

const file = regressionsFile();
const cases: ExpectedCase[] = existsSync(file) ? readJsonl<ExpectedCase>(file) : [];

/** A stable label: names repeat across fuzzing runs, contents do not. */
function label(c: ExpectedCase): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(requestOf(c)))
    .digest('hex')
    .slice(0, 8);
  return `${c.name} ${hash}`;
}

describe('recorded differential regressions', () => {
  const runner = new EngineRunner(10_000);
  const results: EngineResult[] = [];

  before(async () => {
    results.push(...(await runner.renderAll(cases)));
  });
  after(() => runner.close());

  test('the regressions file is there', () => {
    assert.ok(existsSync(file), `missing ${file}`);
  });

  cases.forEach((c, i) => {
    test(label(c), () => {
      const r = results[i];
      assert.ok(r !== undefined, 'no result');
      const verdict = judgeExact(c, r);
      assert.ok(verdict.ok, describeMismatch({ expected: c, ours: r }));
    });
  });

  test('summary', () => {
    const failures = cases
      .map((c, i) => ({ expected: c, ours: results[i] as EngineResult }))
      .filter((m) => !judgeExact(m.expected, m.ours).ok);
    const report = [`regressions: ${cases.length - failures.length} passed, ${failures.length} failed`];
    if (failures.length > 0) report.push(...summarize(failures));
    console.log(report.join('\n'));
    assert.equal(failures.length, 0, report[0]);
  });
});
