/**
 * `duat image promote` against `skopeo copy` on the same images, whole processes, in one run:
 * - across two registries: a multi-layer image of a few hundred MB (a new, empty destination
 *   registry per run, so every layer moves);
 * - within one registry, same repository (the in-place promotion: only a manifest should move);
 * - within one registry, another repository (blobs mounted).
 * Both tools alternate, medians are compared (target: across <= 1.0x skopeo, within one registry
 * <= 1.5x). Bytes moved are counted by one extra run of each through TCP proxies in front of the
 * registries (the timed runs go direct). Registries: Debian's docker-registry on 127.0.0.1.
 *
 *   node dist/bench/image-promote.js [--mb 300] [--runs 5] [--quick-runs 15]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '../src/registry/client.js';
import { formatBytes } from '../src/registry/progress.js';
import { skopeoPolicy, startCountingProxy, startRegistry } from '../test/helpers/registry.js';
import { buildImage, pushImage } from '../test/image/fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 600_000,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function mib(n: number): string {
  return formatBytes(n);
}

async function main(): Promise<void> {
  const totalMb = arg('mb', 300);
  const runs = arg('runs', 5);
  const quickRuns = arg('quick-runs', 15);
  const work = mkdtempSync(join(tmpdir(), 'duat-bench-image-'));
  const policy = skopeoPolicy(work);
  const home = join(work, 'home');
  const duatEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    DOCKER_CONFIG: join(work, 'nodocker'),
  };
  const skopeoEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TMPDIR: work };
  const [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  /** Everything started, stopped in the end whatever happens (so the process can exit). */
  const stoppers: (() => Promise<void>)[] = [() => a.stop(), () => b.stop()];
  try {
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
      `image: ${image.blobs.size - 1} layers + config, ${mib(bytes)}; registries ${a.host}, ${b.host}`,
    );

    const duat = (src: string, dst: string) =>
      timed(process.execPath, [cli, 'image', 'promote', src, dst], duatEnv);
    const skopeo = (src: string, dst: string) =>
      timed(
        'skopeo',
        [
          '--policy',
          policy,
          'copy',
          '--src-tls-verify=false',
          '--dest-tls-verify=false',
          `docker://${src}`,
          `docker://${dst}`,
        ],
        skopeoEnv,
      );
    const floor: number[] = [];
    for (let i = 0; i < 5; i++) floor.push(timed(process.execPath, ['-e', '0'], duatEnv));

    /** Alternating timed runs; `dst` may start a fresh registry (not timed). */
    const scenario = async (
      name: string,
      n: number,
      dst: (tool: string, i: number) => Promise<string>,
      src = `${a.host}/bench/app:${pre}`,
    ) => {
      // Warm both (page cache, first-run costs) before timing.
      duat(src, await dst('warm-duat', 0));
      skopeo(src, await dst('warm-skopeo', 0));
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let i = 1; i <= n; i++) {
        const d1 = await dst('duat', i);
        const d2 = await dst('skopeo', i);
        if (i % 2) {
          ours.push(duat(src, d1));
          theirs.push(skopeo(src, d2));
        } else {
          theirs.push(skopeo(src, d2));
          ours.push(duat(src, d1));
        }
        await cleanup();
      }
      const o = median(ours);
      const s = median(theirs);
      console.log(
        `${name}: duat median ${o.toFixed(0)} ms, skopeo median ${s.toFixed(0)} ms, ratio ${(o / s).toFixed(2)}x ` +
          `(${n} runs each; duat ${ours.map((x) => x.toFixed(0)).join('/')}, skopeo ${theirs.map((x) => x.toFixed(0)).join('/')})`,
      );
      return { ours: o, skopeo: s, ratio: o / s };
    };
    // Across registries every run gets its own new, empty destination registry: nothing to skip or
    // mount there (skopeo would otherwise mount blobs it has seen in another repository of it).
    const fresh: Awaited<ReturnType<typeof startRegistry>>[] = [];
    const cleanup = async () => {
      await Promise.all(fresh.splice(0).map((r) => r.stop()));
    };
    stoppers.push(() => cleanup());
    const freshRegistry = async (tool: string) => {
      const r = await startRegistry();
      fresh.push(r);
      return `${r.host}/${tool}/app:1.0.0`;
    };

    const across = await scenario('across registries', runs, (tool) => freshRegistry(tool));
    await cleanup();
    const same = await scenario(
      'one registry, same repository',
      quickRuns,
      async (tool, i) => `${a.host}/bench/app:1.0.0-${tool}-${i}`,
    );
    const mount = await scenario(
      'one registry, other repository',
      quickRuns,
      async (tool, i) => `${a.host}/${tool}-${i}/app:1.0.0`,
    );

    // Bytes moved: one more run of each through counting proxies.
    const pa = await startCountingProxy(a.host);
    const pb = await startCountingProxy(b.host);
    stoppers.push(
      () => pa.stop(),
      () => pb.stop(),
    );
    const asyncRun = (command: string, args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<void>((resolve, reject) => {
        import('node:child_process').then(({ spawn }) => {
          const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (c: Buffer) => {
            stderr += c.toString('utf8');
          });
          child.on('close', (code) =>
            code === 0
              ? resolve()
              : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
          );
        }, reject);
      });
    const count = async (label: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
      pa.reset();
      pb.reset();
      await asyncRun(command, args, env);
      const sa = pa.stats();
      const sb = pb.stats();
      return { label, sourceOut: sa.down, sourceIn: sa.up, destIn: sb.up, destOut: sb.down };
    };
    const pre2 = `${pa.host}/bench/app:${pre}`;
    const skopeoArgs = (src: string, dst: string) => [
      '--policy',
      policy,
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${src}`,
      `docker://${dst}`,
    ];
    const rows = [
      await count(
        'across, duat',
        process.execPath,
        [cli, 'image', 'promote', pre2, `${pb.host}/count-duat/app:1.0.0`],
        duatEnv,
      ),
      await count(
        'across, skopeo',
        'skopeo',
        skopeoArgs(pre2, `${pb.host}/count-skopeo/app:1.0.0`),
        skopeoEnv,
      ),
      await count(
        'same repository, duat',
        process.execPath,
        [cli, 'image', 'promote', pre2, `${pa.host}/bench/app:1.0.0-count-duat`],
        duatEnv,
      ),
      await count(
        'same repository, skopeo',
        'skopeo',
        skopeoArgs(pre2, `${pa.host}/bench/app:1.0.0-count-skopeo`),
        skopeoEnv,
      ),
      await count(
        'other repository, duat',
        process.execPath,
        [cli, 'image', 'promote', pre2, `${pa.host}/count-duat/app:1.0.0`],
        duatEnv,
      ),
      await count(
        'other repository, skopeo',
        'skopeo',
        skopeoArgs(pre2, `${pa.host}/count-skopeo/app:1.0.0`),
        skopeoEnv,
      ),
    ];
    console.log('bytes on the wire (through counting proxies; "source" is the first registry):');
    for (const r of rows) {
      console.log(
        `  ${r.label.padEnd(26)} source->client ${mib(r.sourceOut).padStart(10)}  client->source ${mib(r.sourceIn).padStart(9)}` +
          `  client->destination ${mib(r.destIn).padStart(10)}`,
      );
    }
    console.log(`node -e 0 median: ${median(floor).toFixed(0)} ms (the floor of any Node program)`);
    console.log(
      `targets: across ${across.ratio.toFixed(2)}x (<= 1.00x), same repository ${same.ratio.toFixed(2)}x (<= 1.50x), ` +
        `other repository ${mount.ratio.toFixed(2)}x`,
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
