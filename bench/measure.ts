/**
 * Whole-process measurement for the benches: each command runs under proctime (bench/proctime, built
 * by bench/setup-peers.sh), which reports the wall time from fork to reap and the user + system CPU
 * time the kernel charged the process (Node cannot read a child's rusage itself). Commands are run
 * in interleaved rounds (A B C, A B C, ...) after warm-up rounds, so load on the machine falls on all
 * of them alike; medians are reported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Command {
  /** How the command is named in the table. */
  name: string;
  argv: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A file for its stdin (default /dev/null). */
  stdin?: string;
}

export interface Cost {
  wallMs: number;
  cpuMs: number;
  maxRssKiB: number;
}

/** One row of the bench table: duat against its peers on one piece of work, in one unit. */
export interface BenchRow {
  work: string;
  metric: 'wall' | 'CPU';
  duat: number;
  peers: { name: string; value: number }[];
  /** The peer the target is a ratio to. */
  against: string;
  /** duat / against must be at most this. */
  target: number;
}

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');

/** Paths of the peers, built on first use: crane, regctl, proctime. */
export function peerTools(): Record<string, string> {
  const out = execFileSync('bash', [join(benchDir, 'setup-peers.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs one command once under proctime; throws with its stderr when it fails. */
export function costOf(proctime: string, command: Command): Cost {
  const args = [
    ...(command.cwd ? ['-dir', command.cwd] : []),
    ...(command.stdin ? ['-in', command.stdin] : []),
  ];
  const r = spawnSync(proctime, [...args, '--', ...command.argv], {
    env: command.env ?? process.env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`${command.name} failed: ${r.stderr || r.error?.message}`);
  const j = JSON.parse(r.stdout) as { wallNs: number; userNs: number; sysNs: number; maxRssKiB?: number };
  return { wallMs: j.wallNs / 1e6, cpuMs: (j.userNs + j.sysNs) / 1e6, maxRssKiB: j.maxRssKiB ?? 0 };
}

/** Median cost of each command over `rounds` interleaved rounds, after `warmup` untimed ones. */
export function interleaved(
  proctime: string,
  commands: readonly Command[],
  rounds: number,
  warmup = 2,
): Map<string, Cost> {
  const samples = new Map<string, Cost[]>(commands.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    // Alternate the order, so that no command always runs right after another.
    const order = round % 2 ? [...commands].reverse() : commands;
    for (const command of order) {
      const cost = costOf(proctime, command);
      if (round >= warmup) samples.get(command.name)?.push(cost);
    }
  }
  return new Map(
    [...samples].map(([name, costs]) => [
      name,
      {
        wallMs: median(costs.map((c) => c.wallMs)),
        cpuMs: median(costs.map((c) => c.cpuMs)),
        maxRssKiB: median(costs.map((c) => c.maxRssKiB)),
      },
    ]),
  );
}

/** Marks a row on stdout for bench/run.ts, which prints all rows as one table. */
export function emitRow(row: BenchRow): void {
  console.log(`BENCH-ROW ${JSON.stringify(row)}`);
}

/** The wall and CPU rows of one piece of work: duat's command against named peers. */
export function rowsFor(
  work: string,
  costs: Map<string, Cost>,
  duat: string,
  peers: readonly string[],
  against: string,
  target: number,
): BenchRow[] {
  const value = (name: string, metric: 'wall' | 'CPU') => {
    const cost = costs.get(name);
    if (!cost) throw new Error(`no figures for ${name}`);
    return metric === 'wall' ? cost.wallMs : cost.cpuMs;
  };
  return (['CPU', 'wall'] as const).map((metric) => ({
    work,
    metric,
    duat: value(duat, metric),
    peers: peers.filter((p) => costs.has(p)).map((name) => ({ name, value: value(name, metric) })),
    against,
    target,
  }));
}
