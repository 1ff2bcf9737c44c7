#!/usr/bin/env node
// Appends the cases of test-artifacts/template-mismatches.jsonl (written by the differential test,
// with Go's expected output or error) to test/template/regressions.jsonl, skipping cases already
// there, so that every mismatch ever found stays fixed. regressions.test.ts runs them without Go.
// Usage: node scripts/record-template-regressions.mjs [MISMATCHES_FILE]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, 'test-artifacts', 'template-mismatches.jsonl');
const target = join(root, 'test', 'template', 'regressions.jsonl');

const readLines = (file) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l))
    : [];

// What makes a case: the template name is left out (it only shows in Go's messages).
const identity = (c) =>
  JSON.stringify([c.template, c.data ?? null, c.env ?? null, c.delims ?? null, c.missingkey ?? null]);

// The fields of a regression case, in a fixed order; our result and the class are dropped.
function regression(m) {
  const out = { name: m.name, template: m.template, data: m.data ?? null };
  for (const key of ['env', 'delims', 'missingkey']) if (m[key] !== undefined) out[key] = m[key];
  out.expected = m.expected;
  out.error = m.error;
  if (m.expectedBase64 !== undefined) out.expectedBase64 = m.expectedBase64;
  if (m.partial !== undefined) out.partial = m.partial;
  if (m.partialBase64 !== undefined) out.partialBase64 = m.partialBase64;
  if (m.errorBase64 !== undefined) out.errorBase64 = m.errorBase64;
  if (m.seed !== undefined) out.found = { seed: m.seed, index: m.index };
  return out;
}

if (!existsSync(source)) {
  console.error(`no mismatches file at ${source}: run the differential test first`);
  process.exit(1);
}
const mismatches = readLines(source);
const existing = readLines(target);
const seen = new Set(existing.map(identity));
const added = [];
for (const m of mismatches) {
  if (typeof m.template !== 'string' || !('expected' in m) || !('error' in m)) {
    console.error(`skipping a line without template/expected/error: ${JSON.stringify(m).slice(0, 120)}`);
    continue;
  }
  const key = identity(m);
  if (seen.has(key)) continue;
  seen.add(key);
  added.push(regression(m));
}
const text = [...existing.map((c) => JSON.stringify(c)), ...added.map((c) => JSON.stringify(c))].join('\n');
writeFileSync(target, text === '' ? '' : `${text}\n`);
console.log(
  `${added.length} new regression cases appended to ${target} (${mismatches.length - added.length} already there or skipped; ${existing.length + added.length} in all)`,
);
