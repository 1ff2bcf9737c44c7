/**
 * One-shot commands as whole processes against `node -e 0` (the floor of any Node program) and,
 * where one exists, the Go tool doing the same work; all in one interleaved run (bench/measure.ts).
 * Targets (issue 15): every one-shot command within 1.15x of `node -e 0` in CPU and wall time,
 * `image exists` within 1.2x; `stencil` of a Helm-sized chart within 2x of Go text/template + sprig
 * (the test oracle, test/go-oracle, parsing and executing once: a whole process like ours).
 *
 *   node dist/bench/startup.js      BENCH_RUNS=N rounds (default 21);
 *   BENCH_BEFORE=path/to/duat.js adds that build (say, main's) as a peer, "duat before", on both Nodes.
 *
 * The one-shot commands run on this Node and again on the current LTS (scripts/node-lts.sh, the
 * Node 24 the tests also use), each against `node -e 0` of the same version: one build serves both,
 * Node 22+ with its module compile cache.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '../src/registry/client.js';
import { startRegistry } from '../test/helpers/registry.js';
import { buildImage, pushImage } from '../test/image/fixtures.js';
import { generateChart } from '../test/template/harness/chart.js';
import { oracleBinary } from '../test/template/harness/oracle.js';
import { type Command, costOf, emitRow, interleaved, peerTools, rowsFor } from './measure.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The shipped command: the bundle package.json's "bin" points at (npm run build makes it).
const cli = join(root, 'dist', 'bin', 'duat.js');
const before = process.env.BENCH_BEFORE;
const rounds = Number(process.env.BENCH_RUNS ?? 21);

/** The current LTS's node when it is another major than this one (scripts/node-lts.sh installs it). */
function ltsNode(): { label: string; path: string } | undefined {
  const bin = execFileSync('bash', [join(root, 'scripts', 'node-lts.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const path = join(bin, 'node');
  const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  const major = (v: string) => v.split('.')[0];
  if (major(version) === major(process.versions.node)) return undefined;
  return { label: `Node ${major(version)}`, path };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

async function main(): Promise<void> {
  const tools = peerTools();
  const proctime = tools.proctime as string;
  const work = mkdtempSync(join(tmpdir(), 'duat-bench-startup-'));
  const home = join(work, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_STATE_HOME: join(work, 'state'),
    DOCKER_CONFIG: join(work, 'docker'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const registry = await startRegistry();
  try {
    const repo = join(work, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'README.md'), 'Version : <repo-version>1.2.3</repo-version>\n');
    writeFileSync(
      join(repo, 'small.tpl'),
      'FROM node:{{ .Env.NODE_VERSION | default "20" }}\nLABEL a={{ "x" | quote }}\n',
    );
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'remote', 'add', 'origin', 'https://github.com/acme/web.git');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'bench');

    // 8 sections over 240 services: ~13k lines out, as the chart in issue 15 (a Helm chart's size).
    const chart = generateChart(8, 240);
    writeFileSync(join(work, 'chart.tpl'), chart.template);
    writeFileSync(join(work, 'values.json'), JSON.stringify(chart.data));

    const client = new RegistryClient(registry.host);
    const image = buildImage({ layers: [{ 'app/a.txt': 'a' }], label: 'bench' });
    await pushImage(client, 'bench/app', '1.2.3', image);
    client.close();
    const ref = `${registry.host}/bench/app:1.2.3`;
    execFileSync(tools.regctl as string, ['registry', 'set', '--tls', 'disabled', registry.host], { env });

    const builds: [string, string][] = [
      ['duat', cli],
      ...(before ? [['duat before', before] as [string, string]] : []),
    ];
    const duatCommands = (name: string, args: string[], extra: Partial<Command> = {}): Command[] =>
      builds.map(([who, path]) => ({
        name: `${who} ${name}`,
        argv: [process.execPath, path, ...args],
        cwd: repo,
        env,
        ...extra,
      }));
    const node: Command = { name: 'node -e 0', argv: [process.execPath, '-e', '0'], env };
    const lts = ltsNode();
    const onLts = (name: string, who = 'duat') => `${who} on ${lts?.label} ${name}`;
    const ltsFloor = `node -e 0 on ${lts?.label}`;
    const oneShots: [string, string[], number][] = [
      ['--help', ['--help'], 1.15],
      ['semver extract', ['semver', 'extract'], 1.15],
      ['stencil small', ['stencil', '-input', 'small.tpl'], 1.15],
      ['image name', ['image', 'name'], 1.15],
      ['git-watch status', ['git-watch', 'status'], 1.15],
      ['image exists', ['image', 'exists', ref], 1.2],
    ];
    const peers: Command[] = [
      node,
      { name: 'crane digest', argv: [tools.crane as string, 'digest', '--insecure', ref], env },
      { name: 'regctl image digest', argv: [tools.regctl as string, 'image', 'digest', ref], env },
      {
        name: 'skopeo inspect --raw',
        argv: ['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${ref}`],
        env: { ...env, TMPDIR: work },
      },
    ];
    const commands = [...peers, ...oneShots.flatMap(([name, args]) => duatCommands(name, args))];
    if (lts) {
      commands.push({ name: ltsFloor, argv: [lts.path, '-e', '0'], env });
      for (const [name, args] of oneShots)
        for (const [who, path] of builds)
          commands.push({ name: onLts(name, who), argv: [lts.path, path, ...args], cwd: repo, env });
    }
    // The chart: check once that duat and Go print the same bytes, then time both.
    const utc = { ...env, TZ: 'UTC' };
    const chartArgs = [
      'stencil',
      '-input',
      join(work, 'chart.tpl'),
      '--values-file',
      join(work, 'values.json'),
    ];
    const goChart: Command = {
      name: 'Go text/template + sprig',
      // The oracle's zone in the tests; duat's chart run gets the same (neither output uses it).
      argv: [
        oracleBinary(),
        'bench',
        '-template',
        join(work, 'chart.tpl'),
        '-data',
        join(work, 'values.json'),
        '-n',
        '1',
        '-warmup',
        '0',
        '-name',
        'chart',
      ],
      env: utc,
    };
    const goOut = JSON.parse(
      execFileSync(goChart.argv[0] as string, goChart.argv.slice(1), {
        env: utc,
        maxBuffer: 1 << 28,
        encoding: 'utf8',
      }),
    ) as { outputBase64: string };
    const ours = execFileSync(process.execPath, [cli, ...chartArgs], {
      cwd: repo,
      env: utc,
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines = ours.toString('utf8').split('\n').length;
    if (!ours.equals(Buffer.from(goOut.outputBase64, 'base64')))
      throw new Error('duat and Go render the chart differently');
    console.log(
      `chart: ${chart.template.split('\n').length} template lines, ${lines} lines out (${ours.length} bytes, same as Go's)`,
    );
    commands.push(goChart, ...duatCommands('stencil chart', chartArgs, { env: utc }));
    costOf(proctime, { name: 'warm-up', argv: [process.execPath, cli, 'image', 'exists', ref], env });

    const costs = interleaved(proctime, commands, rounds);
    const alsoBefore = (name: string) => (before ? [`duat before ${name}`] : []);
    for (const [name, , target] of oneShots) {
      const go =
        name === 'image exists' ? ['crane digest', 'regctl image digest', 'skopeo inspect --raw'] : [];
      for (const row of rowsFor(
        `duat ${name}`,
        costs,
        `duat ${name}`,
        ['node -e 0', ...go, ...alsoBefore(name)],
        'node -e 0',
        target,
      ))
        emitRow(row);
    }
    if (lts) {
      for (const [name, , target] of oneShots)
        for (const row of rowsFor(
          onLts(name),
          costs,
          onLts(name),
          [ltsFloor, ...(before ? [onLts(name, 'duat before')] : [])],
          ltsFloor,
          target,
        ))
          emitRow(row);
    }
    for (const row of rowsFor(
      `duat stencil, Helm-sized chart (${lines} lines)`,
      costs,
      'duat stencil chart',
      ['Go text/template + sprig', 'node -e 0', ...alsoBefore('stencil chart')],
      'Go text/template + sprig',
      2,
    ))
      if (row.metric === 'CPU') emitRow(row);
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
