/**
 * Who may act, and proof that an action was meant. The pages are read-only for everyone who can reach
 * them; actions ("poll now") are allowed to a browser on this machine, or to anyone who knows the
 * --ui-token (signed in once, or sent as `Authorization: Bearer TOKEN` by a script).
 *
 * Any page open in the same browser can send a POST to 127.0.0.1, with our cookies attached (another
 * port of 127.0.0.1 is even the same site, so SameSite does not stop it). Every action therefore needs:
 *   - an Origin header (or, without one, a Referer) naming this server, and
 *   - the session's CSRF token: an HMAC of the session id under a key made at start, which a page of
 *     another origin cannot read.
 * A request whose Host header is not a loopback name, on a server bound to loopback, is refused outright
 * (a DNS-rebinding page would send its own host name). "On this machine" means: the peer is a loopback
 * address, the request names a loopback host, and no proxy header says it came from elsewhere.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostName, isLoopbackAddress, isLoopbackHost } from '../../core/loopback.js';

export { hostName, isLoopbackAddress, isLoopbackHost } from '../../core/loopback.js';

/** The Content-Security-Policy of every page: our own script and stylesheet only, nothing inline. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers every status page and API answer carries. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host'];

/** A request from a browser or program on this machine, not relayed by a proxy. */
export function isLocalRequest(req: IncomingMessage): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  if (PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  return isLoopbackHost(req.headers.host);
}

/** Whether the pages may be served for this Host at all (see the module comment: DNS rebinding). */
export function hostAllowed(req: IncomingMessage, boundToLoopback: boolean): boolean {
  const host = req.headers.host;
  if (host === undefined || hostName(host) === undefined) return false;
  return !boundToLoopback || isLoopbackHost(host);
}

/** The origins a same-origin browser request to this server can carry. */
export function expectedOrigins(req: IncomingMessage): string[] {
  const origins: string[] = [];
  const host = req.headers.host?.trim().toLowerCase();
  if (host) origins.push(`http://${host}`, `https://${host}`);
  // Behind a reverse proxy the browser sees the proxy's origin. A page of another origin cannot add
  // this header to a cross-origin request (it is not CORS-safelisted), so honouring it is safe.
  const forwardedHost = req.headers['x-forwarded-host'];
  if (typeof forwardedHost === 'string' && forwardedHost.trim() !== '') {
    const proto = String(req.headers['x-forwarded-proto'] ?? 'https')
      .split(',')[0]
      ?.trim()
      .toLowerCase();
    origins.push(
      `${proto === 'http' ? 'http' : 'https'}://${forwardedHost.split(',')[0]?.trim().toLowerCase()}`,
    );
  }
  return origins;
}

/** Where the request says it comes from: its Origin, else the origin of its Referer, else undefined. */
export function requestOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== '') return origin.toLowerCase();
  const referer = req.headers.referer;
  if (typeof referer === 'string' && referer !== '') {
    try {
      return new URL(referer).origin.toLowerCase();
    } catch {
      return 'invalid';
    }
  }
  return undefined;
}

export function sameOrigin(req: IncomingMessage): boolean {
  const origin = requestOrigin(req);
  return origin !== undefined && expectedOrigins(req).includes(origin);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  readonly id: string;
  /** The CSRF token of this session, for forms (field `csrf`) and scripts (header X-CSRF-Token). */
  readonly csrf: string;
  /** Signed in with the UI token. */
  readonly signedIn: boolean;
  /** Set-Cookie headers to send (a new session, or a change of sign-in). */
  readonly setCookies: string[];
}

/**
 * Sessions without server-side storage: the session id is a random cookie, its CSRF token and its
 * signed-in mark are HMACs of it under a key made when the server starts (a restart signs everyone out).
 * Cookie names carry the server's port: cookies are per host, not per port, and two git-watch servers on
 * one machine must not overwrite each other's session.
 */
export class Sessions {
  private readonly key = randomBytes(32);
  private readonly token: string | undefined;

  constructor(token: string | undefined) {
    this.token = token || undefined;
  }

  get tokenRequired(): boolean {
    return this.token !== undefined;
  }

  private names(req: IncomingMessage): { sid: string; auth: string } {
    const port = req.socket.localPort ?? 0;
    return { sid: `duat_sid_${port}`, auth: `duat_auth_${port}` };
  }

  private mac(purpose: string, id: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${id}`).digest('base64url');
  }

  private cookie(name: string, value: string, maxAge?: number): string {
    const age = maxAge === undefined ? '' : `; Max-Age=${maxAge}`;
    return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict${age}`;
  }

  /** The request's session, or a new one (whose cookie must be set on the answer). */
  session(req: IncomingMessage): Session {
    const names = this.names(req);
    const cookies = parseCookies(req.headers.cookie);
    const given = cookies.get(names.sid);
    if (given !== undefined && SESSION_ID.test(given)) {
      const auth = cookies.get(names.auth);
      return {
        id: given,
        csrf: this.mac('csrf', given),
        signedIn: this.token !== undefined && auth !== undefined && safeEqual(auth, this.mac('auth', given)),
        setCookies: [],
      };
    }
    const id = randomBytes(32).toString('base64url');
    return { id, csrf: this.mac('csrf', id), signedIn: false, setCookies: [this.cookie(names.sid, id)] };
  }

  /** The CSRF token a form or script sent matches the session's. */
  csrfValid(session: Session, sent: string | undefined): boolean {
    return sent !== undefined && safeEqual(sent, session.csrf);
  }

  /** True when `candidate` is the UI token. */
  tokenMatches(candidate: string | undefined): boolean {
    return this.token !== undefined && candidate !== undefined && safeEqual(candidate, this.token);
  }

  /** `Authorization: Bearer TOKEN`: absent, the UI token, or some other (wrong) token. */
  bearer(req: IncomingMessage): 'none' | 'valid' | 'wrong' {
    const header = req.headers.authorization;
    if (header === undefined) return 'none';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return /^Bearer\b/i.test(header) ? 'wrong' : 'none';
    return this.tokenMatches(match[1]) ? 'valid' : 'wrong';
  }

  signInCookie(req: IncomingMessage, session: Session): string {
    return this.cookie(this.names(req).auth, this.mac('auth', session.id));
  }

  signOutCookie(req: IncomingMessage): string {
    return this.cookie(this.names(req).auth, '', 0);
  }
}

/**
 * Failed sign-ins (a wrong UI token in the login form or as a bearer), per client address: more than
 * `limit` in a minute from one address and its further tries are refused until the minute passes.
 * Per client, so that a stranger guessing cannot lock the operator out; the table is bounded (the
 * addresses seen longest ago are forgotten first) so that many addresses cannot exhaust memory.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly limit = 10,
    private readonly maxClients = 10_000,
  ) {}

  private recent(client: string, now: number): number[] {
    const kept = (this.failures.get(client) ?? []).filter((t) => now - t < 60_000);
    if (kept.length === 0) this.failures.delete(client);
    else this.failures.set(client, kept);
    return kept;
  }

  blocked(client: string, now = Date.now()): boolean {
    return this.recent(client, now).length >= this.limit;
  }

  /** Records a failure; returns how many this client had in the last minute. */
  failed(client: string, now = Date.now()): number {
    const kept = this.recent(client, now);
    kept.push(now);
    this.failures.delete(client); // re-inserted last: the Map's order is the order of last failure
    this.failures.set(client, kept);
    while (this.failures.size > this.maxClients) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
    return kept.length;
  }
}

/**
 * The client a limit applies to: its peer address (IPv4-mapped IPv6 written as IPv4); behind a proxy on
 * this machine, the address that proxy appended last to X-Forwarded-For (earlier entries are the
 * client's own word, and a client could change them with every try).
 */
export function clientOf(req: IncomingMessage): string {
  const unmap = (a: string) => (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a);
  const peer = unmap((req.socket.remoteAddress ?? 'unknown').toLowerCase());
  const forwarded = req.headers['x-forwarded-for'];
  if (isLoopbackAddress(peer) && typeof forwarded === 'string') {
    const last = unmap(forwarded.split(',').pop()?.trim().toLowerCase() ?? '');
    if (isIP(last) !== 0) return last;
  }
  return peer;
}

export function setCookies(res: ServerResponse, cookies: readonly string[]): void {
  if (cookies.length > 0) res.setHeader('set-cookie', [...cookies]);
}
