/**
 * Real registries for tests: Debian's `docker-registry` (distribution 2.8, the reference registry)
 * started on 127.0.0.1 with a config.yml written into a temporary directory: open, with htpasswd
 * basic auth, or with token auth served by a token server of ours (the documented token protocol: a
 * JWT signed ES256 with a key whose self-signed certificate the registry trusts, sent in `x5c`).
 * Also: a TCP proxy that counts the bytes passing (bytes moved), and skopeo wrappers for independent
 * checks. Everything listens on 127.0.0.1 only and is stopped by pid; every wait is bounded.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  createPrivateKey,
  createSign,
  type KeyObject,
  randomBytes,
  randomUUID,
  X509Certificate,
} from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateFromPassword } from '../../src/template/funcs/text/bcrypt.js';

import { freePort } from './net.js';

export { freePort };

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Kills a child by pid: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const done = await Promise.race([exited(child).then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    await Promise.race([exited(child), sleep(2000)]);
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

function httpGet(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Actions a user may have on a repository; default: everything for known users, pull for anonymous. */
export type TokenGrant = (user: string | undefined, repository: string) => readonly string[];

export interface TokenServer {
  readonly url: string;
  readonly service: string;
  readonly issuer: string;
  readonly certPath: string;
  /** Token requests answered (by scope string). */
  readonly requests: { user: string | undefined; scopes: string[]; method: string }[];
  /** A refresh token (docker's identitytoken) for a user, for the OAuth2 form of the protocol. */
  refreshToken(user: string): string;
  stop(): Promise<void>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * A token server speaking distribution's token protocol: GET /token?service=&scope=... with optional
 * basic auth, and POST /token with grant_type=password or refresh_token (the OAuth2 form).
 */
export async function startTokenServer(
  dir: string,
  users: Readonly<Record<string, string>>,
  grant?: TokenGrant,
): Promise<TokenServer> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=duat-test-token-issuer',
    ],
    { stdio: 'ignore' },
  );
  const key: KeyObject = createPrivateKey(readFileSync(keyPath));
  const certDer = new X509Certificate(readFileSync(certPath)).raw;
  const service = 'duat-test-registry';
  const issuer = 'duat-test-issuer';
  const refreshTokens = new Map<string, string>();
  const requests: TokenServer['requests'] = [];
  const allowed: TokenGrant =
    grant ?? ((user) => (user !== undefined ? ['pull', 'push', 'delete', '*'] : ['pull']));

  const sign = (user: string | undefined, scopes: string[]): string => {
    const access = scopes.flatMap((scope) => {
      const m = /^repository:([^:]+):(.*)$/.exec(scope);
      if (!m) return [];
      const name = m[1] as string;
      const may = allowed(user, name);
      const actions = (m[2] as string).split(',').filter((a) => may.includes(a) || may.includes('*'));
      return [{ type: 'repository', name, actions }];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] };
    const claims = {
      iss: issuer,
      sub: user ?? '',
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signer = createSign('SHA256');
    signer.update(input);
    const signature = signer.sign({ key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(signature)}`;
  };

  const server: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/token') return reply(404, { error: 'not found' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let user: string | undefined;
      let scopes = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      const auth = req.headers.authorization;
      if (req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        if (form.get('grant_type') === 'refresh_token') {
          user = refreshTokens.get(form.get('refresh_token') ?? '');
          if (!user) return reply(401, { error: 'invalid refresh token' });
        } else if (form.get('grant_type') === 'password') {
          const u = form.get('username') ?? '';
          if (users[u] === undefined || users[u] !== form.get('password'))
            return reply(401, { error: 'bad password' });
          user = u;
        } else return reply(400, { error: 'unsupported grant_type' });
      } else if (auth?.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const u = decoded.slice(0, colon);
        if (users[u] === undefined || users[u] !== decoded.slice(colon + 1)) {
          requests.push({ user: u, scopes, method: req.method ?? 'GET' });
          return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication failed' }] });
        }
        user = u;
      }
      requests.push({ user, scopes, method: req.method ?? 'GET' });
      const token = sign(user, scopes);
      const body: Record<string, unknown> = {
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date().toISOString(),
      };
      if (user && url.searchParams.get('offline_token') === 'true') {
        const refresh = randomBytes(16).toString('hex');
        refreshTokens.set(refresh, user);
        body.refresh_token = refresh;
      }
      reply(200, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    refreshToken(user) {
      const refresh = randomBytes(16).toString('hex');
      refreshTokens.set(refresh, user);
      return refresh;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** storage.delete.enabled (default true). */
  deleteEnabled?: boolean;
  /** Users for htpasswd or the token server. */
  users?: Readonly<Record<string, string>>;
  grant?: TokenGrant;
  /** Reuse this storage directory (another registry's, to serve the same content). */
  storageDir?: string;
}

export interface TestRegistry {
  /** 127.0.0.1:PORT */
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly storageDir: string;
  readonly pid: number;
  readonly token: TokenServer | undefined;
  /** The registry's log so far. */
  log(): string;
  /** Requests the registry answered (from its log): method, path, status, bytes written. */
  requests(): { method: string; uri: string; status: number; written: number }[];
  stop(): Promise<void>;
}

const REGISTRY_BIN = process.env.DUAT_TEST_REGISTRY_BIN ?? 'docker-registry';

/** True when docker-registry and skopeo are installed (the tests that need them skip otherwise). */
export function haveRegistryTools(): boolean {
  for (const cmd of [REGISTRY_BIN, 'skopeo', 'openssl']) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      return false;
    }
  }
  return true;
}

/** Starts docker-registry on 127.0.0.1 with its own config and storage under a new temporary dir. */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'duat-registry-'));
  const storageDir = options.storageDir ?? join(dir, 'storage');
  mkdirSync(storageDir, { recursive: true });
  const users = options.users ?? {};
  let token: TokenServer | undefined;
  let authYaml = '';
  if (options.auth === 'htpasswd') {
    const lines = Object.entries(users).map(
      ([u, p]) => `${u}:${generateFromPassword(Buffer.from(p), 4, randomBytes(16))}`,
    );
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: duat-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (options.auth === 'token') {
    token = await startTokenServer(dir, users, options.grant);
    authYaml =
      `auth:\n  token:\n    realm: ${token.url}\n    service: ${token.service}\n` +
      `    issuer: ${token.issuer}\n    rootcertbundle: ${token.certPath}\n`;
  }
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config =
      'version: 0.1\n' +
      'log:\n  level: info\n  accesslog:\n    disabled: true\n' +
      `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: ${options.deleteEnabled !== false}\n` +
      '  maintenance:\n    uploadpurging:\n      enabled: false\n' +
      `http:\n  addr: 127.0.0.1:${port}\n` +
      authYaml;
    const configPath = join(dir, `config-${port}.yml`);
    writeFileSync(configPath, config);
    const logPath = join(dir, `registry-${port}.log`);
    writeFileSync(logPath, '');
    const out = openSync(logPath, 'a');
    const child = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', out, out] });
    closeSync(out);
    running.add(child);
    const url = `http://127.0.0.1:${port}/v2/`;
    let ready = false;
    for (let i = 0; i < 200 && child.exitCode === null; i++) {
      const status = await httpGet(url);
      if (status === 200 || status === 401) {
        ready = true;
        break;
      }
      await sleep(50);
    }
    if (!ready) {
      await stopProcess(child);
      running.delete(child);
      lastError = readFileSync(logPath, 'utf8').slice(-2000);
      continue;
    }
    const readLog = () => readFileSync(logPath, 'utf8');
    return {
      host: `127.0.0.1:${port}`,
      port,
      dir,
      storageDir,
      pid: child.pid as number,
      token,
      log: readLog,
      requests: () =>
        readLog()
          .split('\n')
          .filter((l) => l.includes('msg="response completed'))
          .map((l) => ({
            method: /http\.request\.method=(\S+)/.exec(l)?.[1] ?? '',
            uri: /http\.request\.uri="?([^"\s]+)/.exec(l)?.[1] ?? '',
            status: Number(/http\.response\.status=(\d+)/.exec(l)?.[1] ?? 0),
            written: Number(/http\.response\.written=(\d+)/.exec(l)?.[1] ?? 0),
          })),
      async stop() {
        await stopProcess(child);
        running.delete(child);
        await token?.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await token?.stop();
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${lastError}`);
}

export interface CountingProxy {
  readonly host: string;
  readonly port: number;
  /** Bytes from clients to the target (uploads) and back (downloads) since the last reset. */
  stats(): { up: number; down: number; connections: number };
  reset(): void;
  stop(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `target` (host:port) counting the bytes each way. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const [targetHost, targetPort] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  let up = 0;
  let down = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    connections++;
    const upstream = connect({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (c: Buffer) => {
      up += c.length;
    });
    upstream.on('data', (c: Buffer) => {
      down += c.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    port,
    stats: () => ({ up, down, connections }),
    reset() {
      up = 0;
      down = 0;
      connections = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---- skopeo, for independent checks -------------------------------------------------------------

export interface SkopeoOptions {
  /** A docker config.json-style auth file (never credentials on the command line). */
  authfile?: string;
}

function skopeoEnv(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'duat-skopeo-home-'));
  return { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir() };
}

/** A policy accepting anything, so skopeo copy works whatever /etc/containers holds. */
export function skopeoPolicy(dir: string): string {
  const path = join(dir, 'policy.json');
  writeFileSync(path, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  return path;
}

/**
 * Runs skopeo without blocking the event loop (token servers and proxies of the test run in this
 * process). Rejects with skopeo's stderr on failure; killed after two minutes.
 */
export function skopeo(args: string[], options: SkopeoOptions = {}): Promise<string> {
  const env = skopeoEnv();
  const argv = [
    ...args.slice(0, 1),
    ...(options.authfile ? ['--authfile', options.authfile] : []),
    ...args.slice(1),
  ];
  return new Promise<string>((resolve, reject) => {
    execFile(
      'skopeo',
      argv,
      { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        rmSync(env.HOME as string, { recursive: true, force: true });
        if (err) reject(new Error(`skopeo ${argv.join(' ')}: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** `skopeo inspect --raw` of an image: the manifest bytes exactly as stored. */
export async function skopeoRawManifest(ref: string, options: SkopeoOptions = {}): Promise<Buffer> {
  return Buffer.from(
    await skopeo(['inspect', '--tls-verify=false', '--raw', `docker://${ref}`], options),
    'utf8',
  );
}

/** `skopeo inspect`: the digest and details skopeo sees. */
export async function skopeoInspect(
  ref: string,
  options: SkopeoOptions = {},
): Promise<{ Digest: string; Layers: string[]; Architecture?: string }> {
  return JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${ref}`], options)) as {
    Digest: string;
    Layers: string[];
  };
}

/** `skopeo list-tags`: every tag, as skopeo sees them. */
export async function skopeoTags(repo: string, options: SkopeoOptions = {}): Promise<string[]> {
  return (
    JSON.parse(await skopeo(['list-tags', '--tls-verify=false', `docker://${repo}`], options)) as {
      Tags: string[];
    }
  ).Tags;
}

/** Writes a docker config.json with basic credentials for `host` and returns its path. */
export function writeAuthFile(dir: string, host: string, user: string, password: string): string {
  const path = join(dir, `auth-${host.replace(/[^a-z0-9]/gi, '_')}.json`);
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  writeFileSync(path, JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
  return path;
}
