#!/usr/bin/env node
/**
 * duat's engine speaking the compare.mjs candidate protocol: JSON lines of cases on stdin
 * ({"name","template","data","env"?,"delims"?,"missingkey"?}), one JSON line per case on stdout
 * ({"name","output","error"}). A crash (any exception but a TemplateError) is reported as an error
 * starting with "CRASH", so it never passes for one of Go's errors.
 *
 *   node /work/shared/conformance/compare.mjs -- node dist/test/template/harness/candidate.js
 */
import { readFileSync } from 'node:fs';
import type { TemplateCase } from './cases.js';
import { renderCase } from './engine.js';

const input = readFileSync(0, 'utf8');
let out = '';
for (const line of input.split('\n')) {
  if (line.trim() === '') continue;
  const c = JSON.parse(line) as TemplateCase;
  const r = renderCase(c);
  const error = r.crash !== undefined ? `CRASH ${r.crash}` : r.error;
  out += `${JSON.stringify({ name: c.name, output: r.output ?? '', error })}\n`;
}
process.stdout.write(out);
