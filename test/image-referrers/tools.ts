/**
 * The three registry implementations the referrers tests run against, all on 127.0.0.1 with ports
 * found free, each waited for by polling /v2/ (bounded):
 * - Debian's docker-registry (distribution 2.8): no referrers API, deletes by digest only;
 * - distribution v3 (built by scripts/go-tools.sh): no referrers API either, deletes a tag alone;
 * - go-containerregistry's pkg/registry with the referrers API on (ggcr-registry, a few lines of Go
 *   in ./ggcr-registry): in memory, declines cross-repository mounts, sends no OCI-Subject header.
 * And the tools that check results independently: oras, cosign, crane, regctl (scripts/go-tools.sh
 * builds them into ~/.cache/duat-test). Each runs with its own HOME, so no user config is read.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../helpers/paths.js';
import { freePort, startRegistry, stopProcess } from '../helpers/registry.js';

export type ToolName = 'oras' | 'cosign' | 'crane' | 'regctl' | 'distribution' | 'ggcr-registry';
const TOOLS: readonly ToolName[] = ['oras', 'cosign', 'crane', 'regctl', 'distribution', 'ggcr-registry'];

/** The cached binary of a tool, or undefined when scripts/go-tools.sh has not built it. */
export function toolPath(name: ToolName): string | undefined {
  try {
    return execFileSync('bash', [join(repoRoot, 'scripts/go-tools.sh'), '--path', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Why the tests cannot run here, or false. */
export function missingTools(): string | false {
  const missing = TOOLS.filter((t) => toolPath(t) === undefined);
  try {
    execFileSync('sh', ['-c', 'command -v docker-registry'], { stdio: 'ignore' });
  } catch {
    missing.push('docker-registry' as ToolName);
  }
  return missing.length > 0
    ? `${missing.join(', ')} not built: run scripts/go-tools.sh (scripts/test-all.sh does)`
    : false;
}

export interface Registry {
  readonly kind: 'distribution-2.8' | 'distribution-3' | 'ggcr';
  /** 127.0.0.1:PORT */
  readonly host: string;
  readonly referrersApi: boolean;
  /** DELETE of a tag alone works (else deletes are by digest). */
  readonly deletesTags: boolean;
  log(): string;
  stop(): Promise<void>;
}

function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Starts `argsFor(port)`; retries with another port when it does not come up (a port taken meanwhile). */
async function startServer(bin: string, argsFor: (port: number, dir: string) => string[], what: string) {
  const dir = mkdtempSync(join(tmpdir(), 'duat-refreg-'));
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logPath = join(dir, `log-${port}`);
    const out = openSync(logPath, 'w');
    const child: ChildProcess = spawn(bin, argsFor(port, dir), { stdio: ['ignore', out, out] });
    closeSync(out);
    // 30 s: a loaded 2-core machine; a registry up in that time answers /v2/ at once.
    for (let i = 0; i < 300 && child.exitCode === null; i++) {
      if ((await status(`http://127.0.0.1:${port}/v2/`)) === 200) {
        const log = () => readFileSync(logPath, 'utf8');
        return {
          host: `127.0.0.1:${port}`,
          log,
          async stop() {
            await stopProcess(child);
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await sleep(100);
    }
    await stopProcess(child);
    lastLog = readFileSync(logPath, 'utf8').slice(-2000);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`${what} did not start: ${lastLog}`);
}

export async function startDistribution28(): Promise<Registry> {
  const r = await startRegistry();
  return {
    kind: 'distribution-2.8',
    host: r.host,
    referrersApi: false,
    deletesTags: false,
    log: r.log,
    stop: r.stop,
  };
}

export async function startDistribution3(): Promise<Registry> {
  const bin = toolPath('distribution') as string;
  const server = await startServer(
    bin,
    (port, dir) => {
      const storage = join(dir, 'storage');
      mkdirSync(storage, { recursive: true });
      const config = join(dir, `config-${port}.yml`);
      writeFileSync(
        config,
        'version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n' +
          `storage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\n` +
          '  maintenance:\n    uploadpurging:\n      enabled: false\n' +
          `http:\n  addr: 127.0.0.1:${port}\n`,
      );
      return ['serve', config];
    },
    'distribution v3',
  );
  return { kind: 'distribution-3', referrersApi: false, deletesTags: true, ...server };
}

export async function startGgcr(): Promise<Registry> {
  const bin = toolPath('ggcr-registry') as string;
  const server = await startServer(bin, (port) => ['-addr', `127.0.0.1:${port}`], 'ggcr-registry');
  return { kind: 'ggcr', referrersApi: true, deletesTags: true, ...server };
}

/** A HOME of its own for a tool run (docker config, cosign and oras caches). */
function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'duat-tool-home-'));
  return { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir(), ...extra };
}

/**
 * Runs a tool without blocking the event loop; resolves stdout, rejects with stderr. Two minutes at
 * most (cosign on a loaded machine takes seconds).
 */
export function runTool(
  name: 'oras' | 'cosign' | 'crane' | 'regctl',
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
  const bin = toolPath(name) as string;
  const env = toolEnv(options.env);
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { env, cwd: options.cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        rmSync(env.HOME as string, { recursive: true, force: true });
        if (err) reject(new Error(`${name} ${args.join(' ')}: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** regctl with every 127.0.0.1 host set to plain HTTP (regctl asks per host). */
export async function regctl(hosts: readonly string[], args: string[]): Promise<string> {
  const setup = hosts.map((h) => `"$R" registry set --tls disabled ${h} >/dev/null`).join(' && ');
  const bin = toolPath('regctl') as string;
  const env = toolEnv({ R: bin });
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', `${setup} && "$R" ${quoted}`],
      { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        rmSync(env.HOME as string, { recursive: true, force: true });
        if (err) reject(new Error(`regctl ${args.join(' ')}: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}
