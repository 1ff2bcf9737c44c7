/**
 * Start-up cost of the CLI: `duat semver extract` against `node -e 0`, the floor for any Node program.
 * Both run as whole processes, alternating, in one run; the figure is the ratio of medians.
 * Target (issue 2): at most 1.5x.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The shipped command: the bundle that package.json's "bin" points at (npm run build makes it).
const cli = join(root, 'dist', 'bin', 'duat.js');

function timeRun(args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function benchStartup(runs = Number(process.env.BENCH_RUNS ?? 40)): {
  floorMs: number;
  duatMs: number;
  ratio: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'duat-bench-'));
  try {
    writeFileSync(join(dir, 'README.md'), 'Version : <repo-version>1.2.3</repo-version>\n');
    const floor: number[] = [];
    const duat: number[] = [];
    for (let i = 0; i < 5; i++) {
      timeRun(['-e', '0'], dir);
      timeRun([cli, 'semver', 'extract'], dir);
    }
    for (let i = 0; i < runs; i++) {
      floor.push(timeRun(['-e', '0'], dir));
      duat.push(timeRun([cli, 'semver', 'extract'], dir));
    }
    const floorMs = median(floor);
    const duatMs = median(duat);
    return { floorMs, duatMs, ratio: duatMs / floorMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { floorMs, duatMs, ratio } = benchStartup();
  console.log(
    `startup: node -e 0 median ${floorMs.toFixed(1)} ms; duat semver extract median ${duatMs.toFixed(1)} ms`,
  );
  console.log(`startup: ratio ${ratio.toFixed(2)}x (target <= 1.5x)`);
}
