/**
 * Real git servers on 127.0.0.1 for tests: `git daemon` for git:// and `git http-backend` behind a small
 * node:http server (CGI, optional basic auth) for smart HTTP. Both serve the bare repositories under a
 * base directory; stop() kills what was started. Repositories are made and pushed to with the helpers
 * at the end (pushes go straight to the bare repository's path).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { git, gitEnv } from './git.js';

import { freePort } from './net.js';

export { freePort };

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface GitDaemon {
  readonly port: number;
  /** The daemon's process id while it runs. */
  readonly pid: number | undefined;
  /** git://127.0.0.1:PORT/NAME */
  url(name: string): string;
  /** Starts it again on the same port (after stop). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `git daemon` serving every repository under `baseDir` (push allowed) on 127.0.0.1. */
export async function startGitDaemon(baseDir: string, options: { port?: number } = {}): Promise<GitDaemon> {
  mkdirSync(baseDir, { recursive: true });
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  const daemon: GitDaemon = {
    port,
    get pid() {
      return child?.pid;
    },
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    async start() {
      if (child) return;
      const started = spawn(
        'git',
        [
          'daemon',
          '--reuseaddr',
          '--listen=127.0.0.1',
          `--port=${port}`,
          '--export-all',
          '--enable=receive-pack',
          '--max-connections=0',
          `--base-path=${baseDir}`,
          baseDir,
        ],
        // Its own process group: the children it forks per connection hold the listening socket too.
        { env: gitEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
      );
      child = started;
      started.stderr?.resume();
      for (let i = 0; i < 200; i++) {
        if (started.exitCode !== null) throw new Error(`git daemon exited with ${started.exitCode}`);
        if (await canConnect(port)) return;
        await sleep(25);
      }
      throw new Error('git daemon did not start listening');
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running) return;
      try {
        process.kill(-(running.pid as number), 'SIGKILL');
      } catch {
        running.kill('SIGKILL');
      }
      await exited(running);
      for (let i = 0; i < 100 && (await canConnect(port)); i++) await sleep(20);
    },
  };
  await daemon.start();
  return daemon;
}

export interface GitHttpServer {
  readonly port: number;
  /** http://127.0.0.1:PORT/NAME */
  url(name: string): string;
  /** The Authorization headers received, in order (to prove a token was sent, and how). */
  readonly authorizations: string[];
  /** Every request, in order: its path, its Authorization header (if any) and the status answered. */
  readonly requests: { path: string; authorization: string | undefined; status?: number }[];
  stop(): Promise<void>;
}

export interface GitHttpOptions {
  /** Require basic auth with this password (any user name). */
  password?: string;
  /** Answer every request with a redirect to this base URL instead (same path). */
  redirectTo?: string;
}

function parseCgiHeaders(head: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers };
}

function serveCgi(req: IncomingMessage, res: ServerResponse, baseDir: string, user: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    ...gitEnv,
    GIT_PROJECT_ROOT: baseDir,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  let buffered = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    buffered = Buffer.concat([buffered, chunk]);
    const text = buffered.toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    if (end === -1) return;
    const separator = /\r?\n\r?\n/.exec(text.slice(end))?.[0] ?? '\n\n';
    const { status, headers } = parseCgiHeaders(text.slice(0, end));
    res.writeHead(status, headers);
    headersDone = true;
    res.write(buffered.subarray(end + separator.length));
  });
  child.on('close', () => {
    if (!headersDone) res.writeHead(502);
    res.end();
  });
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}

/** Smart HTTP: `git http-backend` as CGI behind node:http on 127.0.0.1, optionally behind basic auth. */
export async function startGitHttpServer(
  baseDir: string,
  options: GitHttpOptions = {},
): Promise<GitHttpServer> {
  mkdirSync(baseDir, { recursive: true });
  const authorizations: string[] = [];
  const requests: GitHttpServer['requests'] = [];
  const server = createHttpServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth) authorizations.push(auth);
    const record: GitHttpServer['requests'][number] = { path: req.url ?? '/', authorization: auth };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    if (options.redirectTo !== undefined) {
      res.writeHead(302, { location: `${options.redirectTo}${req.url ?? '/'}` });
      res.end();
      return;
    }
    let user = '';
    if (options.password !== undefined) {
      const match = /^Basic\s+(.+)$/i.exec(auth ?? '');
      const decoded = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (colon === -1 || decoded.slice(colon + 1) !== options.password) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
        res.end('authentication required\n');
        return;
      }
      user = decoded.slice(0, colon);
    }
    serveCgi(req, res, baseDir, user);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    authorizations,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- repositories ------------------------------------------------------------------------------

/**
 * A bare repository `baseDir/NAME` (served by the servers above) and a working clone to commit from.
 * Returns the path of the working clone; push with pushCommit.
 */
export function createServedRepo(baseDir: string, name: string, workDir: string, branch = 'main'): string {
  const bare = join(baseDir, name);
  mkdirSync(bare, { recursive: true });
  git(bare, 'init', '-q', '--bare', '-b', branch);
  mkdirSync(workDir, { recursive: true });
  git(workDir, 'init', '-q', '-b', branch);
  git(workDir, 'remote', 'add', 'origin', bare);
  return workDir;
}

/** Commits a change (file NAME = content) in the working clone and pushes it; returns the commit. */
export function pushCommit(workDir: string, file: string, content: string, branch = 'main'): string {
  writeFileSync(join(workDir, file), content);
  git(workDir, 'add', file);
  git(workDir, 'commit', '-q', '-m', `change ${file}`);
  git(workDir, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  return git(workDir, 'rev-parse', 'HEAD');
}
