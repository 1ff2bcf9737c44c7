/**
 * Whether an address or host name can only mean this machine: 127.0.0.0/8, ::1 in any spelling,
 * IPv4-mapped loopback, `localhost` and `*.localhost`. Used for the status pages' DNS-rebinding check
 * and for the one case a token may travel over plain http (to a loopback host, when asked for).
 */
import { isIP } from 'node:net';

/**
 * 127.0.0.0/8, ::1 in any spelling (`0:0:0:0:0:0:0:1`, `[::1]`), and IPv4-mapped loopback
 * (`::ffff:127.x.y.z`, also as WHATWG URL writes it: `::ffff:7f00:1`).
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIP(a) === 4) return a.startsWith('127.');
  if (isIP(a) !== 6) return false;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return isIP(mapped[1] as string) === 4 && (mapped[1] as string).startsWith('127.');
  // The URL parser writes every IPv6 address in its one canonical (shortest) form.
  const canonical = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower-cased. */
export function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1];
  const match = /^([^:]+)(?::\d+)?$/.exec(h);
  return match ? match[1] : undefined;
}

/** Host names (a Host header value or a URL authority, port allowed) that only ever mean this machine. */
export function isLoopbackHost(host: string | undefined): boolean {
  const name = hostName(host);
  if (name === undefined) return false;
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}
