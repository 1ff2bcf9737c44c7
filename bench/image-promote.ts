/**
 * `duat image promote` as users run it (the bundle, dist/bin/duat.js) against the tools a user would
 * pick for the same copy: `crane copy`, `regctl image copy` and `skopeo copy`, whole processes under
 * proctime (wall, user + system CPU, peak RSS; bench/measure.ts), all in one interleaved run:
 * - across two registries: a multi-layer image of a few hundred MiB, into a new, empty destination
 *   registry for every run (so every layer moves; started before the run, not timed);
 * - within one registry, same repository (the in-place promotion: only a manifest should move);
 * - within one registry, another repository (blobs mounted).
 * Targets (issue 15): across registries wall <= 1.0x crane and peak RSS under 64 MiB; within one
 * registry <= 1.5x skopeo. Bytes moved are counted by one extra run of each tool through TCP proxies
 * in front of the registries (the timed runs go direct). Registries: Debian's docker-registry on
 * 127.0.0.1.
 *
 *   node dist/bench/image-promote.js [--mb 240] [--runs 5] [--quick-runs 9] [--no-bytes]
 *   BENCH_BEFORE=path/to/duat.js adds that build (say, main's bundle) as a peer, "duat before".
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '../src/registry/client.js';
import { formatBytes } from '../src/registry/progress.js';
import {
  skopeoPolicy,
  startCountingProxy,
  startRegistry,
  type TestRegistry,
} from '../test/helpers/registry.js';
import { buildImage, pushImage } from '../test/image/fixtures.js';
import { type BenchRow, type Cost, costOf, emitRow, median, peerTools } from './measure.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The shipped command: the bundle package.json's "bin" points at (npm run build makes it).
const cli = join(root, 'dist', 'bin', 'duat.js');
const before = process.env.BENCH_BEFORE;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

interface Tool {
  readonly name: string;
  argv(src: string, dst: string): string[];
  readonly env: NodeJS.ProcessEnv;
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const totalMb = arg('mb', 240);
  const runs = arg('runs', 5);
  const quickRuns = arg('quick-runs', 9);
  const countBytes = !process.argv.includes('--no-bytes');
  const peers = peerTools();
  const proctime = peers.proctime as string;
  const work = mkdtempSync(join(tmpdir(), 'duat-bench-image-'));
  const policy = skopeoPolicy(work);
  const home = join(work, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    DOCKER_CONFIG: join(work, 'nodocker'),
    TMPDIR: work,
  };
  const regctl = peers.regctl as string;
  /** regctl speaks plain HTTP only to hosts configured so (in HOME's ~/.regctl). */
  const plainForRegctl = (host: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(regctl, ['registry', 'set', '--tls', 'disabled', host], { env, stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`regctl registry set: ${code}`)),
      );
    });
  const duatBuilds: [string, string][] = [
    ['duat', cli],
    ...(before ? [['duat before', before] as [string, string]] : []),
  ];
  const tools: Tool[] = [
    ...duatBuilds.map(([name, path]) => ({
      name,
      argv: (src: string, dst: string) => [process.execPath, path, 'image', 'promote', src, dst],
      env,
    })),
    {
      name: 'crane',
      argv: (src, dst) => [peers.crane as string, 'copy', '--insecure', src, dst],
      env,
    },
    { name: 'regctl', argv: (src, dst) => [regctl, 'image', 'copy', src, dst], env },
    {
      name: 'skopeo',
      argv: (src, dst) => [
        'skopeo',
        '--policy',
        policy,
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${src}`,
        `docker://${dst}`,
      ],
      env,
    },
  ];
  const a = await startRegistry();
  /** Everything started, stopped in the end whatever happens (so the process can exit). */
  const stoppers: (() => Promise<void>)[] = [() => a.stop()];
  try {
    await plainForRegctl(a.host);
    // Layers: a few large ones making up most of the size, and several small ones, as real images have.
    const sizes = [0.4, 0.25, 0.15, 0.1, 0.06].map((f) => Math.round(totalMb * f * 1024 * 1024));
    const layers: Record<string, Buffer>[] = sizes.map((n, i) => ({
      [`layer${i}/data.bin`]: randomBytes(n),
    }));
    for (let i = 0; i < 5; i++) layers.push({ [`small${i}/conf.txt`]: randomBytes(50 * 1024) });
    const image = buildImage({ layers, gzip: false, label: 'bench' });
    const bytes = [...image.blobs.values()].reduce((n, blob) => n + blob.length, 0);
    const client = new RegistryClient(a.host);
    const pre = '1.0.0-main-aaaahfravza';
    await pushImage(client, 'bench/app', pre, image);
    client.close();

    console.log(
      `image: ${sizes.length + 5} layers + config, ${formatBytes(bytes)}; source registry ${a.host}; ` +
        `load before: ${(await import('node:os'))
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    const source = `${a.host}/bench/app:${pre}`;

    // Across registries every run gets its own new, empty destination registry: nothing to skip or
    // mount there (a tool would otherwise mount blobs it has seen in another repository of it).
    const fresh: TestRegistry[] = [];
    const cleanup = async () => {
      await Promise.all(fresh.splice(0).map((r) => r.stop()));
    };
    stoppers.push(() => cleanup());
    const freshRegistry = async (tool: string) => {
      const r = await startRegistry();
      fresh.push(r);
      await plainForRegctl(r.host);
      return `${r.host}/${tool.replace(/ /g, '-')}/app:1.0.0`;
    };

    /** Interleaved rounds (order reversed every other round) after one warm-up round; medians. */
    const scenario = async (
      name: string,
      rounds: number,
      dst: (tool: string, round: number) => Promise<string>,
    ): Promise<Map<string, Cost>> => {
      const samples = new Map<string, Cost[]>(tools.map((t) => [t.name, []]));
      for (let round = 0; round <= rounds; round++) {
        const order = round % 2 ? [...tools].reverse() : tools;
        for (const tool of order) {
          const d = await dst(tool.name, round);
          const cost = costOf(proctime, {
            name: `${tool.name} (${name})`,
            argv: tool.argv(source, d),
            env: tool.env,
          });
          if (round > 0) samples.get(tool.name)?.push(cost);
          await cleanup();
        }
      }
      const costs = new Map(
        [...samples].map(([tool, c]) => [
          tool,
          {
            wallMs: median(c.map((x) => x.wallMs)),
            cpuMs: median(c.map((x) => x.cpuMs)),
            maxRssKiB: median(c.map((x) => x.maxRssKiB)),
          },
        ]),
      );
      const duat = costs.get('duat') as Cost;
      console.log(`\n${name} (${rounds} interleaved rounds, medians; ratio = duat / tool):`);
      console.log(
        `  ${'tool'.padEnd(12)} ${'wall'.padStart(16)} ${'CPU'.padStart(16)} ${'max RSS'.padStart(20)}`,
      );
      for (const [tool, c] of costs) {
        const r = (x: number, y: number) => (tool === 'duat' ? '' : ` (${(x / y).toFixed(2)}x)`);
        console.log(
          `  ${tool.padEnd(12)} ${`${ms(c.wallMs)}${r(duat.wallMs, c.wallMs)}`.padStart(16)} ` +
            `${`${ms(c.cpuMs)}${r(duat.cpuMs, c.cpuMs)}`.padStart(16)} ` +
            `${`${mib(c.maxRssKiB)}${r(duat.maxRssKiB, c.maxRssKiB)}`.padStart(20)}`,
        );
      }
      return costs;
    };

    const across = await scenario('across registries', runs, (tool) => freshRegistry(tool));
    const same = await scenario(
      'one registry, same repository',
      quickRuns,
      async (tool, i) => `${a.host}/bench/app:1.0.0-${tool.replace(/ /g, '-')}-${i}`,
    );
    const mount = await scenario(
      'one registry, other repository',
      quickRuns,
      async (tool, i) => `${a.host}/${tool.replace(/ /g, '-')}-${i}/app:1.0.0`,
    );

    if (countBytes) {
      // Bytes moved: one more run of each through counting proxies (async: the proxies are ours).
      const b = await startRegistry();
      stoppers.push(() => b.stop());
      await plainForRegctl(b.host);
      const pa = await startCountingProxy(a.host);
      const pb = await startCountingProxy(b.host);
      stoppers.push(
        () => pa.stop(),
        () => pb.stop(),
      );
      await plainForRegctl(pa.host);
      await plainForRegctl(pb.host);
      const run = (argv: string[]) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (c: Buffer) => {
            stderr += c.toString('utf8');
          });
          child.on('error', reject);
          child.on('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`)),
          );
        });
      console.log('\nbytes on the wire (through counting proxies; "source" is the first registry):');
      const src = `${pa.host}/bench/app:${pre}`;
      for (const [where, dst] of [
        ['across', (t: string) => `${pb.host}/count-${t}/app:1.0.0`],
        ['same repository', (t: string) => `${pa.host}/bench/app:1.0.0-count-${t}`],
        ['other repository', (t: string) => `${pa.host}/count-${t}/app:1.0.0`],
      ] as const) {
        for (const tool of tools) {
          pa.reset();
          pb.reset();
          await run(tool.argv(src, dst(tool.name.replace(/ /g, '-'))));
          const sa = pa.stats();
          const sb = pb.stats();
          console.log(
            `  ${`${where}, ${tool.name}`.padEnd(30)} source->client ${formatBytes(sa.down).padStart(10)}` +
              `  client->source ${formatBytes(sa.up).padStart(9)}  client->destination ${formatBytes(where === 'across' ? sb.up : sa.up).padStart(10)}`,
          );
        }
      }
    }
    console.log(
      `load after: ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );

    const others = tools.map((t) => t.name).filter((n) => n !== 'duat');
    const row = (
      work: string,
      costs: Map<string, Cost>,
      metric: 'wall' | 'CPU',
      against: string,
      target: number,
    ): BenchRow => {
      const value = (c: Cost | undefined) => (metric === 'wall' ? (c?.wallMs ?? 0) : (c?.cpuMs ?? 0));
      return {
        work,
        metric,
        duat: value(costs.get('duat')),
        peers: others.map((name) => ({ name, value: value(costs.get(name)) })),
        against,
        target,
      };
    };
    const mb = `${Math.round(bytes / 1024 / 1024)} MiB`;
    emitRow(row(`duat image promote across registries, ${mb}`, across, 'wall', 'crane', 1));
    emitRow(row(`duat image promote across registries, ${mb}`, across, 'CPU', 'crane', 1));
    // Peak RSS against an absolute ceiling (bench/run.ts prints rows with a unit and a ceiling so).
    console.log(
      `BENCH-ROW ${JSON.stringify({
        work: `duat image promote across registries, ${mb}`,
        metric: 'max RSS',
        unit: 'KiB',
        duat: across.get('duat')?.maxRssKiB ?? 0,
        peers: others.map((name) => ({ name, value: across.get(name)?.maxRssKiB ?? 0 })),
        against: 'crane',
        target: 0,
        ceiling: 64 * 1024,
      })}`,
    );
    emitRow(row('duat image promote, one registry, same repository', same, 'wall', 'skopeo', 1.5));
    emitRow(row('duat image promote, one registry, other repository', mount, 'wall', 'skopeo', 1.5));
    const d = across.get('duat') as Cost;
    const c = across.get('crane') as Cost;
    console.log(
      `\ntargets: across wall ${(d.wallMs / c.wallMs).toFixed(2)}x crane (<= 1.00x: ${d.wallMs <= c.wallMs ? 'met' : 'NOT met'}); ` +
        `across max RSS ${mib(d.maxRssKiB)} (< 64 MiB: ${d.maxRssKiB < 64 * 1024 ? 'met' : 'NOT met'}); ` +
        `same repository wall ${((same.get('duat') as Cost).wallMs / (same.get('skopeo') as Cost).wallMs).toFixed(2)}x skopeo (<= 1.50x); ` +
        `other repository ${((mount.get('duat') as Cost).wallMs / (mount.get('skopeo') as Cost).wallMs).toFixed(2)}x skopeo (<= 1.50x)`,
    );
  } finally {
    await Promise.all(stoppers.map((stop) => stop().catch(() => undefined)));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
