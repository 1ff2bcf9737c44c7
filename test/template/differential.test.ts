/**
 * Differential fuzzing against real Go: DUAT_DIFF_CASES random templates and data (default 2000)
 * from DUAT_DIFF_SEED (default random, printed), plus the pathological cases, go through the Go
 * oracle (text/template + sprig v3.3.0) in one process and through our engine; output bytes and
 * error text from the line:column on must be equal. Every mismatch goes to
 * test-artifacts/template-mismatches.jsonl with Go's expectation;
 * `node scripts/record-template-regressions.mjs` turns them into regression cases.
 *
 *   DUAT_DIFF_SEED=123 DUAT_DIFF_CASES=5000 node --test dist/test/template/differential.test.js
 *   DUAT_DIFF_SEED=123 DUAT_DIFF_ONLY=17,42 ...   only those cases of that run
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { type ExpectedCase, readJsonl, type TemplateCase, withExpectation } from './harness/cases.js';
import { generateCase } from './harness/generator.js';
import { judgeExact } from './harness/judge.js';
import { ORACLE_CRASH, runOracle } from './harness/oracle.js';
import { pathologicalCases } from './harness/pathological.js';
import { conformanceFile, mismatchesFile, regressionsFile } from './harness/paths.js';
import { describeMismatch, examples, type Mismatch, summarize, writeMismatches } from './harness/report.js';
import { randomSeed } from './harness/rng.js';
import { EngineRunner } from './harness/runner.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${raw}`);
  return n;
}

const seed = envInt('DUAT_DIFF_SEED', randomSeed());
const count = envInt('DUAT_DIFF_CASES', 2000);
const only = (process.env.DUAT_DIFF_ONLY ?? '')
  .split(',')
  .filter(Boolean)
  .map((s) => Number(s));

test(`differential against Go (DUAT_DIFF_SEED=${seed} DUAT_DIFF_CASES=${count})`, async () => {
  console.log(`differential: seed ${seed}; reproduce with DUAT_DIFF_SEED=${seed} DUAT_DIFF_CASES=${count}`);
  const indexes = only.length > 0 ? only : Array.from({ length: count }, (_, i) => i);
  const generated: { c: TemplateCase; index?: number }[] = indexes.map((i) => ({
    c: generateCase(seed, i),
    index: i,
  }));
  if (only.length === 0) generated.push(...pathologicalCases().map((c) => ({ c })));
  const cases = generated.map((g) => g.c);

  // Fails (never skips) with the build output when Go or the module proxy is unavailable.
  const go = runOracle(cases);

  const runner = new EngineRunner(5000);
  const mismatches: Mismatch[] = [];
  let goCrashed = 0;
  let goFailed = 0;
  try {
    for (const [i, { c, index }] of generated.entries()) {
      const g = go[i];
      assert.ok(g !== undefined);
      if (g.error?.startsWith(ORACLE_CRASH)) {
        goCrashed++;
        continue;
      }
      if (g.error !== null) goFailed++;
      const expected = withExpectation(c, g);
      const ours = await runner.render(c);
      if (!judgeExact(expected, ours).ok) {
        mismatches.push(index !== undefined ? { expected, ours, seed, index } : { expected, ours });
      }
    }
  } finally {
    await runner.close();
  }

  const compared = cases.length - goCrashed;
  const file = mismatchesFile();
  writeMismatches(file, mismatches);
  const report = [
    `differential: ${compared - mismatches.length} of ${compared} cases match Go ` +
      `(${goFailed} of them Go errors), ${mismatches.length} mismatches` +
      (goCrashed > 0 ? `; ${goCrashed} cases skipped because Go itself died on them` : ''),
  ];
  if (mismatches.length > 0) {
    report.push(...summarize(mismatches), ...examples(mismatches, 6).map(describeMismatch));
    report.push(`all ${mismatches.length} mismatches: ${file}`);
    report.push('record them as regressions: node scripts/record-template-regressions.mjs');
  }
  console.log(report.join('\n'));
  assert.equal(mismatches.length, 0, `${report[0]} (seed ${seed})`);
});

// ---- the harness itself -----------------------------------------------------------------------

test('the Go oracle reproduces the shared conformance cases exactly', (t) => {
  const file = conformanceFile();
  if (!existsSync(file)) {
    t.skip(`no ${file}`);
    return;
  }
  const cases = readJsonl<ExpectedCase>(file);
  const go = runOracle(cases);
  const wrong = cases.filter((c, i) => {
    const g = go[i];
    return (
      g === undefined ||
      (c.error === null ? g.error !== null || g.output !== c.expected : g.error !== c.error)
    );
  });
  assert.deepEqual(
    wrong.map((c) => c.name),
    [],
    'the oracle is not the Go + sprig that recorded the conformance file',
  );
});

test('the Go oracle reproduces the recorded regressions exactly', () => {
  const file = regressionsFile();
  const cases = existsSync(file) ? readJsonl<ExpectedCase>(file) : [];
  const go = runOracle(cases);
  const wrong = cases.filter((c, i) => {
    const g = go[i];
    if (g === undefined) return true;
    const again = withExpectation(c, g);
    return (
      JSON.stringify([
        again.expected,
        again.error,
        again.expectedBase64,
        again.errorBase64,
        again.partial,
      ]) !== JSON.stringify([c.expected, c.error, c.expectedBase64, c.errorBase64, c.partial])
    );
  });
  assert.deepEqual(
    wrong.map((c) => c.name),
    [],
    'regressions.jsonl holds expectations Go does not produce',
  );
});

test('the generator is deterministic per seed and index', () => {
  assert.deepEqual(generateCase(12345, 7), generateCase(12345, 7));
  assert.notDeepEqual(generateCase(12345, 7), generateCase(12345, 8));
});

test('the judge rejects wrong output, wrong errors and crashes', () => {
  const ok: ExpectedCase = { name: 'j', template: '', expected: 'out', error: null };
  const failed: ExpectedCase = {
    name: 'j',
    template: '',
    expected: null,
    error: 'template: j:1:2: executing "j" at <x>: boom',
    partial: 'ab',
  };
  assert.ok(judgeExact(ok, { output: 'out', error: null, ms: 0 }).ok);
  assert.ok(!judgeExact(ok, { output: 'out ', error: null, ms: 0 }).ok);
  assert.ok(!judgeExact(ok, { output: null, error: 'template: j:1: x', ms: 0 }).ok);
  assert.ok(!judgeExact(ok, { output: null, error: null, crash: 'TypeError: x', ms: 0 }).ok);
  assert.ok(
    judgeExact(failed, { output: null, error: 'template: j:1:2: executing "j" at <x>: boom', ms: 0 }).ok,
  );
  assert.ok(
    !judgeExact(failed, { output: null, error: 'template: j:1:3: executing "j" at <x>: boom', ms: 0 }).ok,
  );
  assert.ok(
    !judgeExact(failed, { output: null, error: 'template: j:1:2: executing "j" at <x>: boom!', ms: 0 }).ok,
  );
  assert.ok(
    !judgeExact(failed, {
      output: null,
      error: 'template: j:1:2: executing "j" at <x>: boom',
      partialOutput: 'a',
      ms: 0,
    }).ok,
  );
  assert.ok(!judgeExact(failed, { output: 'ab', error: null, ms: 0 }).ok);
  // Go's invalid UTF-8 byte 0xC3 is the engine's lone surrogate U+DCC3, not U+FFFD.
  const cut: ExpectedCase = {
    name: 'j',
    template: '',
    expected: '\ufffdx',
    expectedBase64: 'w3g=',
    error: null,
  };
  assert.ok(judgeExact(cut, { output: '\udcc3x', error: null, ms: 0 }).ok);
  assert.ok(!judgeExact(cut, { output: '\ufffdx', error: null, ms: 0 }).ok);
  const badError: ExpectedCase = {
    name: 'j',
    template: '',
    expected: null,
    error: 'template: j:1:2: bad `\ufffd`',
    errorBase64: Buffer.from('template: j:1:2: bad `\xff`', 'latin1').toString('base64'),
  };
  assert.ok(judgeExact(badError, { output: null, error: 'template: j:1:2: bad `\udcff`', ms: 0 }).ok);
  assert.ok(!judgeExact(badError, { output: null, error: 'template: j:1:2: bad `\ufffd`', ms: 0 }).ok);
});
