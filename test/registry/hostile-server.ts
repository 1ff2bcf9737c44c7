/**
 * A small hostile "registry" for tests: a Node HTTP server on loopback whose answers the test writes
 * (wrong statuses, HTML 404 pages, oversized or trickling bodies, hostile digests and token realms).
 * It is a fake on purpose: no real registry misbehaves like this on request. Every request it gets is
 * recorded (method, path, Authorization), so a test can show what duat did and did not ask for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostileServer {
  /** `127.0.0.1:PORT` (or `[::1]:PORT`). */
  readonly host: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  /** The answer to every request from now on. */
  handle(handler: Handler): void;
  stop(): Promise<void>;
}

export async function startHostileServer(address = '127.0.0.1', handler?: Handler): Promise<HostileServer> {
  const seen: SeenRequest[] = [];
  let current: Handler = handler ?? ((_req, res) => res.writeHead(404).end());
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    current(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`,
    port,
    seen,
    handle(h) {
      current = h;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `GET /v2/` answers 200 (an open registry); everything else goes to `rest`. */
export function openRegistry(rest: Handler): Handler {
  return (req, res) => {
    if (req.url === '/v2/') {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Docker-Distribution-Api-Version': 'registry/2.0',
      });
      res.end('{}');
      return;
    }
    rest(req, res);
  };
}

/** Writes one byte every `everyMs` until the client goes away: never stalls, never ends. */
export function trickle(res: ServerResponse, everyMs: number): void {
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer);
    else res.write('{');
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}
