/**
 * The HTTP side of a long-running git-watch (`--listen ADDR`): `GET /healthz`, `GET /metrics`
 * (Prometheus text) and `POST /webhook` (push events that trigger an immediate poll), and the status
 * pages and JSON API of src/watch/ui (`/`, `/runs/...`, `/api/...`). It binds to loopback unless told
 * otherwise: `--listen 8080` and `--listen :8080` mean 127.0.0.1:8080.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DuatError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { createUi, type UiOptions } from './ui/index.js';
import { isPushEvent, type PushEvent, parsePush, verifyWebhook, type WebhookProvider } from './webhook.js';

/** Webhook bodies larger than this are refused (GitHub caps its payloads at 25 MB; pushes are far smaller). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const value = text.trim();
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]*):)?(\d+)$/.exec(value);
  if (!match)
    throw new UsageError(`--listen ${text} is not an address`, {
      hint: 'write PORT, :PORT, HOST:PORT or [IPv6]:PORT',
    });
  const port = Number(match[3]);
  if (port > 65535) throw new UsageError(`--listen ${text}: port ${port} is out of range`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export interface ServerHooks {
  readonly log: Logger;
  /** Without a secret, webhooks are refused: an unauthenticated trigger is not offered. */
  readonly webhookSecret: string | undefined;
  metrics(): string;
  health(): Record<string, unknown>;
  /** A verified push: poll the matching repositories now; returns what was triggered. */
  push(event: PushEvent, provider: WebhookProvider): string[];
  webhookOutcome(outcome: 'accepted' | 'ignored' | 'refused'): void;
  /** The status pages and JSON API (src/watch/ui); without it only the three routes above are served. */
  readonly ui?: UiOptions;
}

export interface RunningServer {
  /** http://HOST:PORT */
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value)}\n`);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function handleWebhook(req: IncomingMessage, res: ServerResponse, hooks: ServerHooks): Promise<void> {
  const from = req.socket.remoteAddress ?? 'unknown';
  if (!hooks.webhookSecret) {
    hooks.webhookOutcome('refused');
    json(res, 403, { error: 'webhooks are off: start git-watch with --webhook-secret' });
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    hooks.webhookOutcome('refused');
    json(res, 413, { error: 'payload too large' });
    return;
  }
  const verdict = verifyWebhook(req.headers, body, hooks.webhookSecret);
  if (!verdict.ok) {
    hooks.webhookOutcome('refused');
    hooks.log.warn(
      `webhook from ${from} refused: ${verdict.reason}${verdict.provider ? ` (${verdict.provider})` : ''}`,
    );
    json(res, 401, { error: verdict.reason });
    return;
  }
  if (!isPushEvent(verdict.provider, verdict.event)) {
    hooks.webhookOutcome('ignored');
    hooks.log.debug(`webhook from ${from}: ${verdict.provider} event "${verdict.event}" ignored`);
    json(res, 200, { ignored: `event "${verdict.event}" is not a push` });
    return;
  }
  let event: PushEvent;
  try {
    event = parsePush(body);
  } catch {
    hooks.webhookOutcome('refused');
    json(res, 400, { error: 'the payload is not JSON' });
    return;
  }
  const triggered = hooks.push(event, verdict.provider);
  hooks.webhookOutcome(triggered.length > 0 ? 'accepted' : 'ignored');
  if (triggered.length > 0)
    hooks.log.info(`webhook from ${from} (${verdict.provider}): polling ${triggered.join(', ')} now`);
  else
    hooks.log.debug(
      `webhook from ${from} (${verdict.provider}): no watched repository matches ${event.urls[0] ?? 'the payload'}`,
    );
  json(res, triggered.length > 0 ? 202 : 200, { triggered });
}

export function startServer(address: ListenAddress, hooks: ServerHooks): Promise<RunningServer> {
  const ui = hooks.ui && createUi({ ...hooks.ui, log: hooks.log, listenHost: address.host });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    const handle = async () => {
      if (route === 'GET /healthz' || route === 'HEAD /healthz') json(res, 200, hooks.health());
      else if (route === 'GET /metrics')
        send(res, 200, hooks.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
      else if (route === 'POST /webhook') await handleWebhook(req, res, hooks);
      else if (path === '/healthz' || path === '/metrics' || path === '/webhook')
        json(res, 405, { error: `${req.method} is not allowed here` });
      else if (ui && (await ui.handle(req, res))) return;
      else json(res, 404, { error: `not found: try ${ui ? '/, ' : ''}/healthz, /metrics or POST /webhook` });
    };
    handle().catch((err: unknown) => {
      hooks.log.debug(`http ${route}: ${String(err)}`);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new DuatError(`cannot listen on ${address.host}:${address.port}: ${err.code ?? err.message}`, {
          cause: err,
          hint:
            err.code === 'EADDRINUSE'
              ? 'another program uses that port: choose another with --listen'
              : undefined,
        }),
      ),
    );
    server.listen(address.port, address.host, () => {
      const bound = server.address() as AddressInfo;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve({
        url: `http://${host}:${bound.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
