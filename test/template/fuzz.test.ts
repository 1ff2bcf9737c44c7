/**
 * Robustness fuzzing: generated templates mutated at byte and token level, with random data, plus
 * the pathological inputs (deep nesting, runaway recursion, huge printf widths, long strings). Each
 * must render or fail with a TemplateError within 2 s; any other exception (TypeError, RangeError,
 * an assertion) or a slower render fails the test with the input printed. No Go needed.
 *
 *   DUAT_FUZZ_SEED=7 DUAT_FUZZ_CASES=5000 node --test dist/test/template/fuzz.test.js
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineResult, TemplateCase } from './harness/cases.js';
import { generateData } from './harness/gen-data.js';
import { generateCase } from './harness/generator.js';
import { mutateTemplate } from './harness/mutate.js';
import { pathologicalCases } from './harness/pathological.js';
import { caseSeed, Rng, randomSeed } from './harness/rng.js';
import { EngineRunner } from './harness/runner.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${raw}`);
  return n;
}

const seed = envInt('DUAT_FUZZ_SEED', randomSeed());
const count = envInt('DUAT_FUZZ_CASES', 1500);
/** Wall-clock cap for the mutated cases, so the test stays a few seconds long on a slow engine. */
const budgetMs = envInt('DUAT_FUZZ_BUDGET_MS', 20_000);
/**
 * What only a hang exceeds. Not a speed target: the 100000-deep recursions of the pathological cases
 * take 1-3 s on a loaded 2-core machine (more on Node 20 than on 24), so a tight limit only flakes.
 */
const LIMIT_MS = 30_000;

function mutatedCase(index: number): TemplateCase {
  const base = generateCase(seed, index);
  const rng = new Rng(caseSeed(seed ^ 0x5bd1e995, index));
  const c: TemplateCase = { ...base, name: `f${index}`, template: mutateTemplate(base.template, rng) };
  if (rng.chance(0.2)) c.data = generateData(rng);
  if (rng.chance(0.05)) c.data = rng.pick([null, 'str', 42, [], [null], { '': { '': [] } }, true]);
  return c;
}

interface Failure {
  c: TemplateCase;
  r: EngineResult;
}

function show({ c, r }: Failure): string {
  const what = r.timeout ? `took longer than ${LIMIT_MS} ms` : `threw ${r.crash}`;
  const lines = [`--- ${c.name}: ${what}`, `  template: ${JSON.stringify(c.template).slice(0, 1500)}`];
  lines.push(`  data:     ${JSON.stringify(c.data ?? null).slice(0, 500)}`);
  if (c.delims) lines.push(`  delims:   ${JSON.stringify(c.delims)}`);
  if (c.missingkey) lines.push(`  missingkey=${c.missingkey}`);
  return lines.join('\n');
}

async function run(
  cases: Iterable<TemplateCase>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ ran: number; failures: Failure[] }> {
  const runner = new EngineRunner(LIMIT_MS);
  const failures: Failure[] = [];
  let ran = 0;
  try {
    for (const c of cases) {
      if (performance.now() > deadline) break;
      const r = await runner.render(c);
      ran++;
      if (r.timeout || r.crash !== undefined) failures.push({ c, r });
    }
  } finally {
    await runner.close();
  }
  return { ran, failures };
}

test(`mutated templates end in output or a TemplateError (DUAT_FUZZ_SEED=${seed})`, async () => {
  function* cases(): Generator<TemplateCase> {
    for (let i = 0; i < count; i++) yield mutatedCase(i);
  }
  const { ran, failures } = await run(cases(), performance.now() + budgetMs);
  console.log(`fuzz: seed ${seed}: ${ran} of ${count} mutated cases ran, ${failures.length} failed`);
  assert.ok(ran > 0, 'no case ran');
  assert.equal(
    failures.length,
    0,
    `${failures.length} failures (seed ${seed}):\n${failures.slice(0, 10).map(show).join('\n')}`,
  );
});

test('pathological inputs end in output or a TemplateError', async () => {
  const { failures } = await run(pathologicalCases());
  assert.equal(failures.length, 0, failures.map(show).join('\n'));
});
