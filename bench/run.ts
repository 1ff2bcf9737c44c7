/**
 * Runs every benchmark in bench/ (one process each, one after another, so they do not disturb each
 * other), passes their reports through and prints the rows they mark (bench/measure.ts) as one
 * table: work, duat, each peer, ratio to the target's peer, target, met or not.
 * Usage: npm run bench [-- NAME...] to run only some.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const LIBRARIES = new Set(['run.js', 'measure.js']);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.js') && !LIBRARIES.has(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
const kib = (n: number): string => `${(n / 1024).toFixed(1)} MiB`;

/**
 * A row as the benches print it: time rows (BenchRow), and rows of another unit ('KiB': the image
 * promote bench's peak RSS) whose target is an absolute `ceiling` instead of a ratio.
 */
type Row = Omit<BenchRow, 'metric'> & { metric: string; unit?: 'KiB'; ceiling?: number };

function table(rows: readonly Row[]): string {
  const header = ['work', 'metric', 'duat', 'peers', 'ratio', 'target', 'met'];
  const body = rows.map((r) => {
    const against = r.peers.find((p) => p.name === r.against);
    const ratio = against ? r.duat / against.value : Number.NaN;
    const show = r.unit === 'KiB' ? kib : ms;
    const ceiling = r.ceiling;
    return [
      r.work,
      r.metric,
      show(r.duat),
      r.peers.map((p) => `${p.name} ${show(p.value)} (${(r.duat / p.value).toFixed(2)}x)`).join('; '),
      `${ratio.toFixed(2)}x ${r.against}`,
      ceiling !== undefined ? `< ${show(ceiling)}` : `<= ${r.target}x`,
      (ceiling !== undefined ? r.duat < ceiling : ratio <= r.target) ? 'yes' : 'NO',
    ];
  });
  const lines = [header, ...body].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`);
  return lines.join('\n');
}

let failed = 0;
const rows: Row[] = [];
for (const file of benches) {
  process.stdout.write(`\n== ${file.replace(/\.js$/, '')}\n`);
  const r = spawnSync(process.execPath, [join(here, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith('BENCH-ROW ')) rows.push(JSON.parse(line.slice('BENCH-ROW '.length)) as Row);
    else if (line) process.stdout.write(`${line}\n`);
  }
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${file} exited with ${r.status}\n`);
  }
}
if (rows.length) process.stdout.write(`\n${table(rows)}\n`);
process.exit(failed ? 1 : 0);
