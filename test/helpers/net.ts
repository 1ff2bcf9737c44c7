/** Network helpers for tests: loopback only. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The kernel's ephemeral range (where port 0 and every outgoing connection's source port come from). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (Number(low) > 0 && Number(high) >= Number(low)) return [Number(low), Number(high)];
  } catch {}
  return [32768, 60999];
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot be told to pick one).
 * It is picked at random below the ephemeral range: a port the kernel handed out for port 0 is one it
 * may hand out again as the source port of any connection before the server binds it (a control plane
 * once failed with "address already in use" so). Port 0 only when no such port is free.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 10_000;
  if (low - floor > 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = floor + Math.floor(Math.random() * (low - floor));
      const bound = await tryListen(port);
      if (bound !== undefined) return bound;
    }
  }
  const bound = await tryListen(0);
  if (bound === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return bound;
}
