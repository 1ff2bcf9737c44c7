/**
 * Registry authentication: the `WWW-Authenticate` challenge of `GET /v2/` decides the scheme.
 * - none (200): anonymous.
 * - Basic: the credentials go with every request.
 * - Bearer: a token is fetched from the realm for the scopes the operation needs
 *   (`repository:NAME:pull,push`), with basic credentials (or the OAuth2 refresh-token form for an
 *   identity token), or anonymously; it is cached until it expires, and fetched again with a wider
 *   scope when the registry answers `insufficient_scope`. This is the documented token protocol
 *   (distribution's docs/spec/auth/token.md), which Docker Hub, GHCR, Harbor and the reference
 *   registry speak.
 *
 * The realm is named by the registry's answer, so it is not trusted with the credentials blindly
 * (docker and containerd do trust it): see realmRefusal for where they may go.
 */
import { DuatError, errorMessage } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import type { Credentials } from './docker-config.js';
import { describeErrorBody, parseErrorBody, RegistryError } from './errors.js';
import { isLoopbackRegistry } from './reference.js';
import type { Transport } from './transport.js';

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a WWW-Authenticate header (several challenges, quoted or token parameter values). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const out: Challenge[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /[\s,]/.test(text[i] as string)) i++;
  };
  while (i < text.length) {
    skipSpace();
    const schemeMatch = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*/.exec(text.slice(i));
    if (!schemeMatch) break;
    const scheme = schemeMatch[0];
    i += scheme.length;
    const params: Record<string, string> = {};
    for (;;) {
      while (i < text.length && /\s/.test(text[i] as string)) i++;
      const paramMatch = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(text.slice(i));
      if (!paramMatch) break;
      const key = (paramMatch[1] as string).toLowerCase();
      i += paramMatch[0].length;
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        const token = /^[^\s,]*/.exec(text.slice(i))?.[0] ?? '';
        value = token;
        i += token.length;
      }
      params[key] = value;
      while (i < text.length && /\s/.test(text[i] as string)) i++;
      if (text[i] === ',') {
        // Either the next parameter or the next challenge follows.
        const after = text.slice(i + 1);
        if (/^\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=/.test(after)) {
          i++;
          continue;
        }
        i++;
        break;
      }
      break;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
  }
  return out;
}

/** `repository:NAME:ACTIONS` */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** Merges scopes of the same resource: `repository:a:pull` + `repository:a:push` -> `repository:a:pull,push`. */
export function mergeScopes(scopes: Iterable<string>): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const last = scope.lastIndexOf(':');
    if (last === -1) continue;
    const resource = scope.slice(0, last);
    const set = byResource.get(resource) ?? new Set<string>();
    for (const action of scope.slice(last + 1).split(',')) if (action) set.add(action);
    byResource.set(resource, set);
  }
  return [...byResource.entries()]
    .map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`)
    .sort();
}

/** True when every action of every scope in `needed` is in `have`. */
export function scopesCover(have: readonly string[], needed: readonly string[]): boolean {
  const merged = new Map(
    mergeScopes(have).map((s) => {
      const last = s.lastIndexOf(':');
      return [s.slice(0, last), new Set(s.slice(last + 1).split(','))] as const;
    }),
  );
  for (const scope of mergeScopes(needed)) {
    const last = scope.lastIndexOf(':');
    const actions = merged.get(scope.slice(0, last));
    if (!actions) return false;
    for (const a of scope.slice(last + 1).split(',')) if (!actions.has(a) && !actions.has('*')) return false;
  }
  return true;
}

/** Token realms on another host than their registry's, by the registry's API host (documented splits). */
const KNOWN_REALM_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'registry-1.docker.io': ['auth.docker.io'],
};

export interface RealmPolicy {
  /** The URL the registry answered on (after ping). */
  readonly registryUrl: URL;
  /** The user marked the registry insecure (plain HTTP allowed). */
  readonly insecure: boolean;
  /** More hosts the user trusts as token realms (--token-realm-host). */
  readonly trustedHosts?: readonly string[];
}

/**
 * Why the credentials may not go to the token realm `realm`, or undefined when they may. They go
 *  1. only to the registry's own host (any port), Docker Hub's auth.docker.io for registry-1.docker.io,
 *     or a host the user names; and
 *  2. only over https, except to the registry's own host when that host is a loopback one (this
 *     machine) or the user marked the registry insecure.
 * Host names are compared as written: 127.0.0.1, localhost and ::1 are three hosts.
 */
export function realmRefusal(realm: URL, policy: RealmPolicy): string | undefined {
  const host = realm.hostname.toLowerCase();
  const own = policy.registryUrl.hostname.toLowerCase();
  const trusted =
    host === own ||
    (KNOWN_REALM_HOSTS[own] ?? []).includes(host) ||
    (policy.trustedHosts ?? []).some(
      (h) => h.toLowerCase().replace(/^\[|\]$/g, '') === host.replace(/^\[|\]$/g, ''),
    );
  if (!trusted) return `it is on another host (${realm.host}) than the registry (${policy.registryUrl.host})`;
  if (realm.protocol === 'https:') return undefined;
  if (realm.protocol !== 'http:') return `it is not an http(s) URL`;
  if (host === own && (isLoopbackRegistry(policy.registryUrl.host) || policy.insecure)) return undefined;
  return host === own
    ? 'it is plain http to a registry that is neither on this machine nor marked insecure'
    : 'it is plain http to another host than the registry';
}

export interface BearerToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly scopes: readonly string[];
}

export interface TokenRequest {
  readonly realm: string;
  readonly service: string | undefined;
  readonly scopes: readonly string[];
  readonly credentials: Credentials | undefined;
  readonly registry: string;
  readonly insecureTls: boolean;
  /** Where credentials may go (see realmRefusal). */
  readonly policy: RealmPolicy;
}

function basicHeader(username: string, password: string): string {
  const value = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  registerSecret(value);
  return `Basic ${value}`;
}

export function basicAuthorization(credentials: Credentials): string {
  return basicHeader(credentials.username ?? '', credentials.password ?? '');
}

/**
 * Fetches a bearer token. With an identity token the OAuth2 form (POST grant_type=refresh_token) is
 * used, else GET with basic credentials or anonymously.
 */
export async function fetchBearerToken(
  transport: Transport,
  req: TokenRequest,
  now = Date.now,
): Promise<BearerToken> {
  let realm: URL;
  try {
    realm = new URL(req.realm);
  } catch {
    throw new RegistryError(`${req.registry} names an invalid token realm "${req.realm}"`, {
      registry: req.registry,
    });
  }
  const creds = req.credentials;
  const scopeText = req.scopes.join(' ');
  const refusal = creds ? realmRefusal(realm, req.policy) : undefined;
  if (refusal) {
    throw new RegistryError(
      `${req.registry} sends token requests to ${realm.origin}, and duat does not send the credentials from ${creds?.source} there: ${refusal}`,
      {
        registry: req.registry,
        hint: `if ${realm.hostname} is the registry's own token service, name it with --token-realm-host ${realm.hostname} (https only)`,
      },
    );
  }
  let res: Awaited<ReturnType<Transport['send']>>;
  if (creds?.identityToken) {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: creds.identityToken,
      client_id: 'duat',
    });
    if (req.service) form.set('service', req.service);
    if (scopeText) form.set('scope', scopeText);
    res = await transport.send({
      method: 'POST',
      url: realm,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString(), 'utf8'),
      insecureTls: req.insecureTls,
    });
  } else {
    const url = new URL(realm);
    if (req.service) url.searchParams.set('service', req.service);
    for (const scope of req.scopes) url.searchParams.append('scope', scope);
    if (creds?.username) url.searchParams.set('account', creds.username);
    const headers: Record<string, string> = {};
    if (creds?.username !== undefined && creds.password !== undefined) {
      headers.Authorization = basicAuthorization(creds);
    }
    res = await transport.send({ method: 'GET', url, headers, insecureTls: req.insecureTls });
  }
  const text = await res.text();
  if (res.status === 401 || res.status === 403) {
    throw new RegistryError(
      creds
        ? `the token service of ${req.registry} (${realm.host}) rejected the credentials from ${creds.source} for ${scopeText || 'access'}`
        : `${req.registry} requires authentication for ${scopeText || 'access'}`,
      {
        status: res.status,
        registry: req.registry,
        hint: creds
          ? 'check the user name and password (docker login HOST updates ~/.docker/config.json)'
          : `log in first (docker login ${req.registry}) or add credentials to ~/.docker/config.json`,
      },
    );
  }
  if (res.status !== 200) {
    throw new RegistryError(
      `the token service of ${req.registry} answered HTTP ${res.status}: ${describeErrorBody(parseErrorBody(text), text)}`,
      { status: res.status, registry: req.registry },
    );
  }
  let json: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (err) {
    throw new DuatError(`the token service of ${req.registry} did not answer JSON (${errorMessage(err)})`);
  }
  const token = typeof json === 'object' && json !== null ? json.token || json.access_token : undefined;
  if (typeof token !== 'string' || token === '' || /[\s\0]/.test(token)) {
    throw new DuatError(`the token service of ${req.registry} returned no token (a "token" string)`);
  }
  if (typeof json.expires_in !== 'number') delete json.expires_in;
  if (typeof json.issued_at !== 'string') delete json.issued_at;
  registerSecret(token);
  // The spec's default lifetime is 60 s; renew 10 s early.
  const lifetime = Math.max(10, json.expires_in && json.expires_in > 0 ? json.expires_in : 60);
  const issued = json.issued_at ? Date.parse(json.issued_at) : Number.NaN;
  const start = Number.isNaN(issued) ? now() : Math.min(issued, now());
  return { token, expiresAt: start + (lifetime - 10) * 1000, scopes: req.scopes };
}
