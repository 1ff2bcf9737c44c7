/**
 * Sorting and showing mismatches: a class per mismatch (crash, timeout, spurious or missing error,
 * different message, different output), grouped counts, and readable excerpts of the first few.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineResult, ExpectedCase } from './cases.js';
import { afterPosition, judgeExact } from './judge.js';

/** True when the errors agree (so only the partial output can differ). */
function judgeExactErrorOnly(c: ExpectedCase, r: EngineResult): boolean {
  const { partial: _p, partialBase64: _b, ...withoutPartial } = c;
  return judgeExact(withoutPartial, r).ok;
}

export interface Mismatch {
  /** The case with Go's result as its expectation (what regressions.jsonl stores). */
  readonly expected: ExpectedCase;
  readonly ours: EngineResult;
  readonly seed?: number;
  readonly index?: number;
}

/** Go's message without positions, quoted text and numbers, so that similar failures group. */
export function normalizeMessage(message: string, name: string): string {
  return afterPosition(message, name)
    .replace(/^\d+(:\d+)?: /, '')
    .replace(/^executing "[^"]*" at <.*?>: /s, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 90);
}

/** A short class for a mismatch, for the summary table. */
export function classify(m: Mismatch): string {
  const { expected: c, ours: r } = m;
  if (r.timeout) return 'timeout';
  if (r.crash !== undefined)
    return `crash: ${r.crash
      .replace(/ \[.*$/, '')
      .replace(/\d+/g, 'N')
      .slice(0, 90)}`;
  // A function we lack stops the whole template at parse time: name it, it is the fix.
  const lacking = r.error !== null ? /function "(\w+)" not defined/.exec(r.error)?.[1] : undefined;
  if (lacking !== undefined && !(c.error ?? '').includes(`function "${lacking}" not defined`)) {
    return `function not defined in our engine: ${lacking}`;
  }
  if (c.error === null && r.error !== null) return `spurious error: ${normalizeMessage(r.error, c.name)}`;
  if (c.error !== null && r.error === null) return `missing error: ${normalizeMessage(c.error, c.name)}`;
  if (c.error !== null && r.error !== null) {
    const ours = afterPosition(r.error, c.name);
    const go = afterPosition(c.error, c.name);
    if (judgeExactErrorOnly(c, r)) {
      return c.partialBase64 !== undefined
        ? 'partial output differs (Go wrote invalid UTF-8)'
        : 'partial output differs';
    }
    const pos = (s: string): string => /^\d+(:\d+)?/.exec(s)?.[0] ?? '';
    if (pos(ours) !== pos(go) && normalizeMessage(ours, c.name) === normalizeMessage(go, c.name)) {
      return `error position differs: ${normalizeMessage(go, c.name)}`;
    }
    return `error differs: Go ${JSON.stringify(normalizeMessage(go, c.name).slice(0, 60))}, ours ${JSON.stringify(normalizeMessage(ours, c.name).slice(0, 60))}`;
  }
  // Go strings are bytes and may hold invalid UTF-8 (trunc, substr, wrap cut runes apart); a JS
  // string cannot carry those bytes.
  return c.expectedBase64 !== undefined ? 'output differs (Go wrote invalid UTF-8)' : 'output differs';
}

/** Up to n mismatches to show, one per class, most frequent class first; missing functions last. */
export function examples(mismatches: readonly Mismatch[], n = 5): Mismatch[] {
  const byClass = new Map<string, Mismatch[]>();
  for (const m of mismatches) {
    const k = classify(m);
    byClass.set(k, [...(byClass.get(k) ?? []), m]);
  }
  const order = [...byClass].sort(
    (a, b) =>
      Number(a[0].startsWith('function not')) - Number(b[0].startsWith('function not')) ||
      b[1].length - a[1].length,
  );
  const picked = order.slice(0, n).map(([, ms]) => ms[0] as Mismatch);
  // Fewer classes than places: fill up with further cases of the same classes.
  for (const [, ms] of order) for (const m of ms.slice(1)) if (picked.length < n) picked.push(m);
  return picked;
}

/** Where two outputs part, with a little context from each. */
export function firstDifference(want: string, got: string): string {
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - 30);
  return `at ${i}: Go ${JSON.stringify(want.slice(from, i + 50))} vs ours ${JSON.stringify(got.slice(from, i + 50))}`;
}

const clip = (s: string, n = 600): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/** A readable account of one mismatch. */
export function describeMismatch(m: Mismatch): string {
  const { expected: c, ours: r } = m;
  const lines = [
    `--- ${c.name}${m.index !== undefined ? ` (seed ${m.seed}, index ${m.index})` : ''}: ${classify(m)}`,
  ];
  lines.push(`  template: ${clip(JSON.stringify(c.template))}`);
  lines.push(`  data:     ${clip(JSON.stringify(c.data ?? null), 300)}`);
  if (c.env) lines.push(`  env:      ${JSON.stringify(c.env)}`);
  if (c.delims) lines.push(`  delims:   ${JSON.stringify(c.delims)}`);
  if (c.missingkey) lines.push(`  missingkey=${c.missingkey}`);
  lines.push(`  Go:       ${clip(JSON.stringify(c.error !== null ? `(error) ${c.error}` : c.expected))}`);
  const ours = r.timeout
    ? '(timeout)'
    : r.crash !== undefined
      ? `(crash) ${r.crash}`
      : r.error !== null
        ? `(error) ${r.error}`
        : (r.output ?? '');
  lines.push(`  ours:     ${clip(JSON.stringify(ours))}`);
  if (c.error === null && r.output !== null && c.expected !== null) {
    lines.push(`  diff:     ${firstDifference(c.expected, r.output)}`);
  }
  if (c.partial !== undefined && r.partialOutput !== undefined && c.partial !== r.partialOutput) {
    lines.push(
      `  partial:  ${firstDifference(c.partial, r.partialOutput)} (lengths ${c.partial.length}, ${r.partialOutput.length})`,
    );
  }
  return lines.join('\n');
}

/** Counts per class, largest first, as printable lines. */
export function summarize(mismatches: readonly Mismatch[], top = 25): string[] {
  const counts = new Map<string, number>();
  for (const m of mismatches) {
    const k = classify(m);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const lines = sorted.slice(0, top).map(([k, n]) => `${String(n).padStart(6)}  ${k}`);
  if (sorted.length > top) lines.push(`        … and ${sorted.length - top} more classes`);
  return lines;
}

/** Writes the mismatches (Go's expectation, our result, seed and index) as JSON lines. */
export function writeMismatches(file: string, mismatches: readonly Mismatch[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const lines = mismatches.map((m) => {
    const ours: Record<string, unknown> = { output: m.ours.output, error: m.ours.error };
    if (m.ours.crash !== undefined) ours.crash = m.ours.crash;
    if (m.ours.timeout) ours.timeout = true;
    if (m.ours.partialOutput !== undefined) ours.partialOutput = m.ours.partialOutput;
    return JSON.stringify({ ...m.expected, ours, class: classify(m), seed: m.seed, index: m.index });
  });
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
}
