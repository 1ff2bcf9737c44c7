/**
 * A small client of the OCI distribution API (Docker Registry HTTP API v2), one per registry host:
 * manifests (GET with the right Accept, HEAD, PUT, DELETE), blobs (HEAD, GET as a stream, cross-
 * repository mount, upload as one streamed PATCH, as one monolithic PUT or in bounded chunks) and tag
 * listing with pagination. It serves `duat image exists`, `promote` and `prune`. A blob copied between
 * registries (copyBlob) is read by blob-reader.ts into reused buffers and hashed chunk by chunk on
 * its way into the upload.
 *
 * Transport: HTTPS, or plain HTTP for loopback registries (localhost, 127.0.0.0/8, ::1) as Docker
 * allows, and for any registry with `insecure`. Authentication follows the registry's challenge
 * (see auth.ts); credentials come from the options, AWS ECR, or the docker config, looked up only when
 * the registry asks for them.
 */
import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { awsContext } from '../aws/context.js';
import { DuatError, errorCode, errorMessage } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import {
  type BearerToken,
  basicAuthorization,
  type Challenge,
  fetchBearerToken,
  mergeScopes,
  parseChallenges,
  repositoryScope,
  scopesCover,
} from './auth.js';
import { BlobReader } from './blob-reader.js';
import { checkDigest, digestAlgorithm, shownValue } from './digest.js';
import {
  type Credentials,
  type DockerConfig,
  dockerConfigCredentials,
  normalizeConfigKey,
  readDockerConfig,
} from './docker-config.js';
import { type EcrOptions, ecrCredentials, parseEcrHost } from './ecr.js';
import { describeErrorBody, isClearNotFound, isNotFound, parseErrorBody, RegistryError } from './errors.js';
import { type Descriptor, detectMediaType, digestOf, MANIFEST_ACCEPT, type RawManifest } from './manifest.js';
import { apiHost, isLoopbackRegistry, isValidRepository, isValidTag } from './reference.js';
import {
  type BodyWriter,
  describeRequest,
  type HttpResponse,
  isTransientError,
  MANIFEST_LIMIT,
  MIN_BLOB_BYTES_PER_SECOND,
  Transport,
  type TransportOptions,
} from './transport.js';

export type UploadMode = 'streamed' | 'monolithic' | 'chunked';

export interface RegistryClientOptions extends TransportOptions {
  /** Allow plain HTTP and unverified TLS for registries that are not on this machine. */
  insecure?: boolean;
  /** Hosts besides the registry's own that may receive its credentials as its token realm. */
  tokenRealmHosts?: readonly string[];
  /** Credentials to use instead of looking them up, per registry host. */
  credentials?:
    | Credentials
    | ((registry: string) => Promise<Credentials | undefined> | Credentials | undefined);
  /** Environment for the docker config and AWS (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A parsed docker config, or false to ignore ~/.docker/config.json. */
  dockerConfig?: DockerConfig | false;
  ecr?: EcrOptions;
  /**
   * Base URLs by registry host (`{ 'ACCOUNT.dkr.ecr.REGION.amazonaws.com': 'http://127.0.0.1:5001' }`):
   * where to send a registry's requests instead of the host itself. For mirrors and tests.
   */
  endpoints?: Readonly<Record<string, string>>;
  /** Share connections between clients. */
  transport?: Transport;
  log?: Logger;
  /** Blob upload: one streamed PATCH (default), one PUT, or PATCHes of chunkSize bytes. */
  uploadMode?: UploadMode;
  chunkSize?: number;
}

export interface ManifestHead {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface BlobProgress {
  readonly digest: string;
  /** Bytes of this blob moved so far. */
  readonly bytes: number;
  readonly total: number;
}

interface RequestArgs {
  readonly method: string;
  /** Path below /v2/, or an absolute URL (upload locations). */
  readonly path: string | URL;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | Readable | BodyWriter;
  readonly scopes: readonly string[];
  readonly followRedirects?: boolean;
  /** What is being done, for messages: 'get manifest owner/app:1.0'. */
  readonly what: string;
}

const PROTOCOL_ERROR =
  /wrong version number|EPROTO|ERR_SSL|packet length too long|unknown protocol|ECONNRESET|socket hang up|HPE_INVALID/i;

/**
 * The request paths. Every repository, tag and digest is checked here, on its way into a URL, so that
 * nothing from a registry's answer or a caller (`..`, `/`, `%2F`) can make a path that resolves to
 * another repository or endpoint.
 */
function repositoryPath(repository: string): string {
  if (!isValidRepository(repository)) {
    throw new DuatError(`${JSON.stringify(repository)} is not a repository name`, {
      hint: 'path components are [a-z0-9] joined by ".", "_", "__" or "-", separated by "/"',
    });
  }
  return repository;
}

function manifestPath(repository: string, reference: string): string {
  if (reference.includes(':')) checkDigest(reference, `manifest of ${repository}`);
  else if (!isValidTag(reference)) throw new DuatError(`${JSON.stringify(reference)} is not a tag`);
  return `${repositoryPath(repository)}/manifests/${reference}`;
}

function blobPath(repository: string, digest: string): string {
  return `${repositoryPath(repository)}/blobs/${checkDigest(digest, `blob of ${repository}`)}`;
}

/** A digest header of a registry answer, checked; undefined when absent. */
function digestHeader(res: HttpResponse, what: string, registry: string): string | undefined {
  const header = res.headers['docker-content-digest'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  try {
    return checkDigest(value, `${what}: ${registry} answered with a Docker-Content-Digest that`);
  } catch (err) {
    throw new RegistryError((err as Error).message, { registry });
  }
}

export class RegistryClient {
  readonly registry: string;
  readonly transport: Transport;
  readonly log: Logger;
  private readonly options: RegistryClientOptions;
  private base: URL | undefined;
  private pinging: Promise<void> | undefined;
  private challenge: Challenge | undefined;
  private credentials: Promise<Credentials | undefined> | undefined;
  private token: BearerToken | undefined;
  private tokenFetch: Promise<BearerToken> | undefined;
  private readonly wanted = new Set<string>();
  private insecureTls = false;

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry;
    this.options = options;
    this.log = options.log ?? silentLogger;
    this.transport = options.transport ?? new Transport({ ...options, log: this.log });
  }

  /** True when both clients talk to the same registry (blobs can be mounted between repositories). */
  sameRegistry(other: RegistryClient): boolean {
    return other === this || other.registry === this.registry;
  }

  /** Declares scopes an operation will need, so one token covers them all. */
  want(scopes: readonly string[]): void {
    for (const s of scopes) this.wanted.add(s);
  }

  close(): void {
    if (!this.options.transport) this.transport.close();
  }

  // ---- connection and authentication -----------------------------------------------------------

  private candidates(): { url: URL; insecureTls: boolean }[] {
    const endpoint = this.options.endpoints?.[this.registry];
    if (endpoint)
      return [{ url: new URL(endpoint.replace(/\/*$/, '/')), insecureTls: this.options.insecure === true }];
    const host = apiHost(this.registry);
    const https = new URL(`https://${host}/`);
    const http = new URL(`http://${host}/`);
    if (isLoopbackRegistry(this.registry)) {
      return [
        { url: http, insecureTls: false },
        { url: https, insecureTls: true },
      ];
    }
    if (this.options.insecure) {
      return [
        { url: https, insecureTls: true },
        { url: http, insecureTls: false },
      ];
    }
    return [{ url: https, insecureTls: false }];
  }

  /** `GET /v2/`: finds the scheme that answers and the authentication challenge. Done once. */
  ping(): Promise<void> {
    this.pinging ??= this.doPing().catch((err) => {
      this.pinging = undefined;
      throw err;
    });
    return this.pinging;
  }

  private async doPing(): Promise<void> {
    const candidates = this.candidates();
    let lastError: unknown;
    for (const [index, candidate] of candidates.entries()) {
      const url = new URL('v2/', candidate.url);
      let res: HttpResponse;
      try {
        res = await this.transport.send({ method: 'GET', url, insecureTls: candidate.insecureTls });
      } catch (err) {
        lastError = err;
        const cause = (err as { cause?: unknown }).cause ?? err;
        const more = index + 1 < candidates.length;
        if (more && (PROTOCOL_ERROR.test(errorMessage(cause)) || PROTOCOL_ERROR.test(errorCode(cause) ?? '')))
          continue;
        if (more && errorCode(cause) === 'ECONNREFUSED') continue;
        break;
      }
      const body = await res.text();
      if (
        res.status === 400 &&
        /HTTP request to an HTTPS server/i.test(body) &&
        index + 1 < candidates.length
      ) {
        continue;
      }
      if (res.status === 200 || res.status === 401) {
        this.base = candidate.url;
        this.insecureTls = candidate.insecureTls;
        if (res.status === 401) {
          const challenges = parseChallenges(res.headers['www-authenticate']);
          this.challenge =
            challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
          if (!this.challenge) {
            throw new RegistryError(
              `${this.registry} requires an authentication scheme duat does not speak`,
              {
                registry: this.registry,
                status: 401,
              },
            );
          }
        }
        this.log.debug(
          `${this.registry}: ${candidate.url.protocol.replace(':', '')}, ${this.challenge ? `${this.challenge.scheme} auth` : 'no auth'}`,
        );
        return;
      }
      if (res.status === 404) {
        throw new RegistryError(`${this.registry} does not serve the registry API (GET /v2/ answered 404)`, {
          registry: this.registry,
          status: 404,
          hint: 'check the registry host and port',
        });
      }
      throw new RegistryError(
        `${this.registry}: GET /v2/ answered HTTP ${res.status}: ${describeErrorBody(parseErrorBody(body), body)}`,
        {
          registry: this.registry,
          status: res.status,
        },
      );
    }
    if (lastError instanceof RegistryError) {
      const plain = !isLoopbackRegistry(this.registry) && !this.options.insecure;
      if (plain && PROTOCOL_ERROR.test(errorMessage((lastError as { cause?: unknown }).cause ?? lastError))) {
        throw new RegistryError(`${this.registry} did not answer over HTTPS (${errorMessage(lastError)})`, {
          registry: this.registry,
          hint: 'for a registry that only speaks plain HTTP, pass --insecure',
        });
      }
      throw lastError;
    }
    throw new RegistryError(`cannot reach ${this.registry}: ${errorMessage(lastError)}`, {
      registry: this.registry,
    });
  }

  private resolveCredentials(): Promise<Credentials | undefined> {
    this.credentials ??= this.lookupCredentials();
    return this.credentials;
  }

  private async lookupCredentials(): Promise<Credentials | undefined> {
    const env = this.options.env ?? process.env;
    const given = this.options.credentials;
    if (given) {
      const c = typeof given === 'function' ? await given(this.registry) : given;
      if (c) return c;
    }
    const config =
      this.options.dockerConfig === false ? undefined : (this.options.dockerConfig ?? readDockerConfig(env));
    const ecr = parseEcrHost(this.registry);
    const hasHelper =
      config !== undefined &&
      Object.keys(config.json.credHelpers ?? {}).some(
        (k) => normalizeConfigKey(k) === normalizeConfigKey(this.registry),
      );
    if (ecr && !hasHelper && awsContext(env).credentialSource)
      return ecrCredentials(ecr, { env, ...this.options.ecr });
    const fromConfig = config ? await dockerConfigCredentials(this.registry, config, { env }) : undefined;
    if (fromConfig) return fromConfig;
    if (ecr) return ecrCredentials(ecr, { env, ...this.options.ecr });
    return undefined;
  }

  private async bearer(scopes: readonly string[], force = false): Promise<string> {
    const challenge = this.challenge as Challenge;
    const needed = mergeScopes([...this.wanted, ...scopes]);
    const valid = (t: BearerToken | undefined) =>
      t !== undefined && t.expiresAt > Date.now() && scopesCover(t.scopes, scopes);
    if (!force && valid(this.token)) return (this.token as BearerToken).token;
    if (this.tokenFetch && !force) {
      const t = await this.tokenFetch.catch(() => undefined);
      if (valid(t)) return (t as BearerToken).token;
    }
    for (const s of scopes) this.wanted.add(s);
    const realm = challenge.params.realm;
    if (!realm)
      throw new RegistryError(`${this.registry} sent a bearer challenge without a realm`, {
        registry: this.registry,
      });
    this.tokenFetch = (async () =>
      fetchBearerToken(this.transport, {
        realm,
        service: challenge.params.service,
        scopes: needed,
        credentials: await this.resolveCredentials(),
        registry: this.registry,
        insecureTls: this.insecureTls,
        policy: {
          registryUrl: this.base as URL,
          insecure: this.options.insecure === true,
          trustedHosts: this.options.tokenRealmHosts ?? [],
        },
      }))();
    try {
      this.token = await this.tokenFetch;
    } finally {
      this.tokenFetch = undefined;
    }
    return this.token.token;
  }

  private async authorization(scopes: readonly string[], force = false): Promise<string | undefined> {
    if (!this.challenge) return undefined;
    if (this.challenge.scheme === 'basic') {
      const creds = await this.resolveCredentials();
      if (!creds) return undefined;
      if (creds.identityToken && creds.password === undefined) {
        throw new RegistryError(
          `${this.registry} asks for a password, and the docker config holds only an identity token`,
          {
            registry: this.registry,
          },
        );
      }
      return basicAuthorization(creds);
    }
    return `Bearer ${await this.bearer(scopes, force)}`;
  }

  // ---- requests ----------------------------------------------------------------------------------

  /** The base URL the registry answered on (after ping). */
  async baseUrl(): Promise<URL> {
    await this.ping();
    return this.base as URL;
  }

  private async url(path: string | URL, query?: Readonly<Record<string, string>>): Promise<URL> {
    const base = await this.baseUrl();
    const url = typeof path === 'string' ? new URL(`v2/${path}`, base) : new URL(path);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  /** Sends a request with authentication; on 401 re-authenticates once (wider scope, new token). */
  async request(args: RequestArgs): Promise<HttpResponse> {
    const url = await this.url(args.path, args.query);
    const sameOrigin = url.origin === (this.base as URL).origin;
    const replayable = args.body === undefined || Buffer.isBuffer(args.body);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...args.headers };
      const auth = sameOrigin ? await this.authorization(args.scopes, attempt > 0) : undefined;
      if (auth) headers.Authorization = auth;
      const res = await this.transport.send({
        method: args.method,
        url,
        headers,
        ...(args.body !== undefined ? { body: args.body } : {}),
        followRedirects: args.followRedirects ?? false,
        insecureTls: this.insecureTls,
      });
      if (res.status === 401 && attempt === 0 && replayable && this.challenge?.scheme === 'bearer') {
        const challenge = parseChallenges(res.headers['www-authenticate']).find((c) => c.scheme === 'bearer');
        if (challenge?.params.scope) for (const s of challenge.params.scope.split(' ')) this.wanted.add(s);
        await res.discard();
        continue;
      }
      return res;
    }
  }

  /** Turns an unexpected answer into one clear line naming registry, operation and scope. */
  async fail(res: HttpResponse, args: Pick<RequestArgs, 'what' | 'scopes' | 'method'>): Promise<never> {
    let text = '';
    try {
      text = args.method === 'HEAD' ? '' : await res.text();
    } catch {
      // no body
    }
    const codes = parseErrorBody(text);
    const detail = describeErrorBody(codes, text);
    const scope = args.scopes.join(' ');
    const creds = this.challenge ? await this.resolveCredentials().catch(() => undefined) : undefined;
    const base = { status: res.status, codes, registry: this.registry };
    const insufficient = parseChallenges(res.headers['www-authenticate']).some(
      (c) => c.params.error === 'insufficient_scope',
    );
    if (res.status === 401 && insufficient) {
      throw new RegistryError(
        `${this.registry} denied ${args.what}: the token lacks the scope ${scope} (insufficient_scope)`,
        {
          ...base,
          hint: creds
            ? `the account from ${creds.source} lacks this permission`
            : 'log in with an account that has this permission',
        },
      );
    }
    if (res.status === 401) {
      throw new RegistryError(
        creds
          ? `${this.registry} rejected the credentials from ${creds.source} (${args.what}, scope ${scope})`
          : `${this.registry} requires authentication (${args.what}, scope ${scope})`,
        {
          ...base,
          hint: creds
            ? 'check the user name and password in the docker config (docker login updates it)'
            : `log in (docker login ${this.registry}) or add credentials to ~/.docker/config.json`,
        },
      );
    }
    if (res.status === 403) {
      throw new RegistryError(
        `${this.registry} denied ${args.what} (scope ${scope})${detail ? `: ${detail}` : ''}`,
        {
          ...base,
          hint: creds
            ? `the account from ${creds.source} lacks this permission`
            : 'log in with an account that has this permission',
        },
      );
    }
    if (res.status === 404) {
      if (isClearNotFound(res.status, res.headers['content-type'], codes, text)) {
        throw new RegistryError(`${args.what}: not found${detail ? ` (${detail})` : ''}`, {
          ...base,
          notFound: true,
        });
      }
      const type = res.headers['content-type']?.split(';')[0]?.trim();
      throw new RegistryError(
        `${args.what}: ${this.registry} answered 404 with ${detail ? `"${detail}"` : `a ${type ?? 'bodiless'} answer`}, not a registry's MANIFEST_UNKNOWN or NAME_UNKNOWN`,
        { ...base, hint: 'check the registry host and port, and any proxy in front of the registry' },
      );
    }
    if (res.status === 405 && codes.some((c) => c.code === 'UNSUPPORTED')) {
      throw new RegistryError(
        `${args.what}: ${this.registry} does not support this operation (405 UNSUPPORTED)`,
        base,
      );
    }
    throw new RegistryError(
      `${args.what}: ${this.registry} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`,
      base,
    );
  }

  // ---- manifests ---------------------------------------------------------------------------------

  /** Fetches a manifest (by tag or digest) as the registry stores it. */
  async getManifest(repository: string, reference: string): Promise<RawManifest> {
    const args = {
      method: 'GET',
      path: manifestPath(repository, reference),
      headers: { Accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, ['pull'])],
      what: `get manifest ${repository}${reference.includes(':') ? '@' : ':'}${reference}`,
    };
    const res = await this.request(args);
    if (res.status !== 200) return this.fail(res, args);
    const bytes = await res.buffer();
    const mediaType = detectMediaType(bytes, res.headers['content-type']);
    const isDigest = reference.includes(':');
    const algorithm = isDigest ? digestAlgorithm(reference) : 'sha256';
    const digest = digestOf(bytes, algorithm);
    if (isDigest && digest !== reference) {
      throw new RegistryError(`${args.what}: the registry sent content whose digest is ${digest}`, {
        registry: this.registry,
      });
    }
    return { mediaType, digest, bytes };
  }

  /** HEAD of a manifest: its digest and type, or undefined when the tag or digest does not exist. */
  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    const args = {
      method: 'HEAD',
      path: manifestPath(repository, reference),
      headers: { Accept: MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, ['pull'])],
      what: `look up ${repository}${reference.includes(':') ? '@' : ':'}${reference}`,
    };
    const res = await this.request(args);
    await res.discard();
    if (res.status === 404 && isClearNotFound(404, res.headers['content-type'], [], '')) return undefined;
    if (res.status !== 200) return this.fail(res, args);
    const digest = digestHeader(res, args.what, this.registry);
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const size = Number(res.headers['content-length'] ?? 0);
    if (size > MANIFEST_LIMIT) {
      throw new RegistryError(
        `${args.what}: the manifest is ${size} bytes, more than the ${MANIFEST_LIMIT / 1024 / 1024} MiB a registry accepts`,
        { registry: this.registry },
      );
    }
    if (!digest || !mediaType || mediaType === 'application/json') {
      // Some registries leave the digest out of HEAD answers: fetch and compute it.
      try {
        const m = await this.getManifest(repository, reference);
        return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    }
    return { digest, mediaType, size };
  }

  /** Stores a manifest under a tag or its digest; returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, manifest: RawManifest): Promise<string> {
    const args = {
      method: 'PUT',
      path: manifestPath(repository, reference),
      headers: { 'Content-Type': manifest.mediaType },
      body: manifest.bytes,
      scopes: [repositoryScope(repository, ['pull', 'push'])],
      what: `push manifest ${repository}${reference.includes(':') ? '@' : ':'}${reference}`,
    };
    const res = await this.request(args);
    if (res.status !== 201 && res.status !== 200 && res.status !== 202) return this.fail(res, args);
    await res.discard();
    const digest = digestHeader(res, args.what, this.registry) ?? manifest.digest;
    if (digest !== manifest.digest) {
      throw new RegistryError(
        `${args.what}: the registry stored it as ${digest}, not ${manifest.digest} (it changed the manifest)`,
        { registry: this.registry },
      );
    }
    return digest;
  }

  /**
   * Deletes a manifest by digest (every tag naming it goes too) or, where the registry supports it
   * (OCI distribution 1.1), a tag alone. Errors carry the registry's status and codes.
   */
  async deleteManifest(repository: string, reference: string): Promise<void> {
    const args = {
      method: 'DELETE',
      path: manifestPath(repository, reference),
      scopes: [repositoryScope(repository, ['delete', 'pull'])],
      what: `delete ${repository}${reference.includes(':') ? '@' : ':'}${reference}`,
    };
    const res = await this.request(args);
    if (res.status === 202 || res.status === 200 || res.status === 204) {
      await res.discard();
      return;
    }
    return this.fail(res, args);
  }

  /** Every tag of a repository, following pagination (`n`, `last` and the Link header) to the end. */
  async listTags(
    repository: string,
    options: { pageSize?: number; maxPages?: number } = {},
  ): Promise<string[]> {
    const pageSize = options.pageSize ?? 1000;
    const tags: string[] = [];
    const seen = new Set<string>();
    let next: URL | string = `${repositoryPath(repository)}/tags/list`;
    let query: Record<string, string> | undefined = { n: String(pageSize) };
    const maxPages = options.maxPages ?? 100_000;
    for (let page = 0; page < maxPages; page++) {
      const args = {
        method: 'GET',
        path: next,
        ...(query ? { query } : {}),
        scopes: [repositoryScope(repository, ['pull'])],
        what: `list the tags of ${repository}`,
      };
      const res = await this.request(args);
      if (res.status !== 200) return this.fail(res, args);
      const text = await res.text();
      let json: { tags?: unknown };
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        throw new RegistryError(`${args.what}: the registry did not answer JSON`, {
          registry: this.registry,
        });
      }
      json.tags ??= [];
      const bad = Array.isArray(json.tags)
        ? json.tags.find((t) => typeof t !== 'string' || !isValidTag(t))
        : json;
      if (bad !== undefined) {
        throw new RegistryError(
          `${args.what}: the registry's answer has ${Array.isArray(json.tags) ? `a tag ${shownValue(bad)} that is not valid` : 'no list of tags'}`,
          { registry: this.registry },
        );
      }
      let added = 0;
      for (const tag of json.tags as string[]) {
        if (seen.has(tag)) continue;
        seen.add(tag);
        tags.push(tag);
        added++;
      }
      const link = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(String(res.headers.link ?? ''));
      if (link?.[1]) {
        next = new URL(link[1], await this.baseUrl());
        query = undefined;
        // The next page is of this list, on this registry: never another endpoint or host.
        const list = new URL(`v2/${repositoryPath(repository)}/tags/list`, await this.baseUrl());
        if (next.origin !== list.origin || next.pathname !== list.pathname) {
          throw new RegistryError(
            `${args.what}: the registry's next page ${describeRequest('GET', next)} is not this tag list`,
            { registry: this.registry },
          );
        }
      } else if ((json.tags as string[]).length >= pageSize && added > 0) {
        // No Link header but a full page: ask for the page after the last tag.
        next = `${repositoryPath(repository)}/tags/list`;
        query = { n: String(pageSize), last: tags[tags.length - 1] as string };
      } else break;
      if (added === 0) break;
    }
    return tags;
  }

  // ---- blobs -------------------------------------------------------------------------------------

  async blobExists(repository: string, digest: string): Promise<boolean> {
    const args = {
      method: 'HEAD',
      path: blobPath(repository, digest),
      scopes: [repositoryScope(repository, ['pull'])],
      followRedirects: true,
      what: `look up blob ${digest} in ${repository}`,
    };
    const res = await this.request(args);
    await res.discard();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.fail(res, args);
  }

  /**
   * Mounts a blob from another repository of this registry. Returns true when mounted; otherwise the
   * upload session the registry opened instead (to be used or cancelled).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<true | URL> {
    const args = {
      method: 'POST',
      path: `${repositoryPath(repository)}/blobs/uploads/`,
      query: { mount: checkDigest(digest, `mount into ${repository}`), from: repositoryPath(from) },
      headers: { 'Content-Length': '0' },
      scopes: [repositoryScope(repository, ['pull', 'push']), repositoryScope(from, ['pull'])],
      what: `mount blob ${digest} from ${from} into ${repository}`,
    };
    const res = await this.request(args);
    await res.discard();
    if (res.status === 201) return true;
    if (res.status === 202 && res.headers.location)
      return new URL(res.headers.location, await this.baseUrl());
    return this.fail(res, args);
  }

  /** Opens an upload session; returns its location. */
  async startUpload(repository: string): Promise<URL> {
    const args = {
      method: 'POST',
      path: `${repositoryPath(repository)}/blobs/uploads/`,
      headers: { 'Content-Length': '0' },
      scopes: [repositoryScope(repository, ['pull', 'push'])],
      what: `start a blob upload to ${repository}`,
    };
    const res = await this.request(args);
    await res.discard();
    if (res.status !== 202 || !res.headers.location) return this.fail(res, args);
    return new URL(res.headers.location, await this.baseUrl());
  }

  /** Abandons an upload session (best effort). */
  async cancelUpload(repository: string, location: URL): Promise<void> {
    try {
      const res = await this.request({
        method: 'DELETE',
        path: location,
        scopes: [repositoryScope(repository, ['pull', 'push'])],
        what: 'cancel upload',
      });
      await res.discard();
    } catch {
      // the registry purges stale uploads itself
    }
  }

  /** GET of a blob as a stream (redirects to storage followed without our credentials). */
  async openBlob(
    repository: string,
    digest: string,
    expectedSize?: number,
  ): Promise<{ stream: Readable; size: number }> {
    const args = {
      method: 'GET',
      path: blobPath(repository, digest),
      scopes: [repositoryScope(repository, ['pull'])],
      followRedirects: true,
      what: `get blob ${digest} from ${repository}`,
    };
    const res = await this.request(args);
    if (res.status !== 200) {
      return this.fail(res, args);
    }
    const size = Number(res.headers['content-length'] ?? -1);
    // A blob may take long, but not forever: the deadline grows with its size at a floor rate.
    const expected = Math.max(size, expectedSize ?? 0, 0);
    res.extendDeadline(
      this.transport.options.deadlineMs + Math.ceil((expected / MIN_BLOB_BYTES_PER_SECOND) * 1000),
    );
    return { stream: res.stream, size };
  }

  /**
   * GET of a blob for a copy (blob-reader.ts: a connection of its own reading into reused buffers).
   * Undefined when the answer is not a 200 with a Content-Length (a 401 to answer, an error to
   * describe, a chunked body): openBlob then does it the node:http way.
   */
  async openBlobReader(
    repository: string,
    digest: string,
    expectedSize?: number,
  ): Promise<BlobReader | undefined> {
    const scopes = [repositoryScope(repository, ['pull'])];
    const url = await this.url(blobPath(repository, digest));
    const headers: Record<string, string> = { 'User-Agent': this.transport.options.userAgent };
    const auth = await this.authorization(scopes);
    if (auth) headers.Authorization = auth;
    const { timeoutMs, deadlineMs } = this.transport.options;
    const opened = await BlobReader.open({
      url,
      headers,
      insecureTls: this.insecureTls,
      timeoutMs,
      deadlineMs,
      // A blob may take long, but not forever: the deadline grows with its size at a floor rate.
      bodyDeadlineMs: (size) =>
        deadlineMs + Math.ceil((Math.max(size, expectedSize ?? 0) / MIN_BLOB_BYTES_PER_SECOND) * 1000),
    });
    this.transport.counters.requests++;
    if (!(opened instanceof BlobReader)) return undefined;
    opened.onClose(this.transport.hold(opened));
    return opened;
  }

  /** The upload mode uploadBlob uses by default. */
  get uploadMode(): UploadMode {
    return this.options.uploadMode ?? 'streamed';
  }

  /**
   * Uploads a blob from a BlobReader in one streamed PATCH, each chunk hashed on its way and given
   * back once written; the upload is only completed (the PUT with its digest) when bytes and digest
   * match `desc`, else it fails with the same words as uploadBlob.
   */
  async uploadBlobFrom(
    repository: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    reader: BlobReader,
    options: { location?: URL; onProgress?: (bytes: number) => void } = {},
  ): Promise<void> {
    checkDigest(desc.digest, `upload to ${repository}`);
    const scopes = [repositoryScope(repository, ['pull', 'push'])];
    const what = `upload blob ${desc.digest} to ${repository}`;
    if (reader.size !== desc.size) {
      reader.destroy();
      throw new DuatError(
        `blob ${desc.digest} is ${reader.size} bytes at the source, its descriptor says ${desc.size}: the source sent other content`,
      );
    }
    let location = options.location ?? (await this.startUpload(repository));
    const algorithm = digestAlgorithm(desc.digest);
    const hash = createHash(algorithm === 'sha512' ? 'sha512' : 'sha256');
    let bytes = 0;
    let failure: Error | undefined;
    const body: BodyWriter = (request) => {
      request.once('close', () => reader.destroy());
      reader
        .pump((chunk, release) => {
          hash.update(chunk);
          bytes += chunk.length;
          options.onProgress?.(chunk.length);
          request.write(chunk, release);
        })
        .then(
          () => {
            const actual = `${algorithm}:${hash.digest('hex')}`;
            if (actual !== desc.digest || bytes !== desc.size) {
              failure = new DuatError(
                `blob ${desc.digest} arrived as ${bytes} bytes with digest ${actual}: the source sent other content`,
              );
              request.destroy(failure);
            } else request.end();
          },
          (err: Error) => {
            failure = err;
            request.destroy(err);
          },
        );
    };
    try {
      const res = await this.request({
        method: 'PATCH',
        path: location,
        // One PATCH with the whole stream and no Content-Range, as docker and crane upload.
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
        body,
        scopes,
        what,
      });
      if (failure) throw failure;
      if (res.status !== 202 && res.status !== 204) return this.fail(res, { method: 'PATCH', scopes, what });
      await res.discard();
      if (res.headers.location) location = new URL(res.headers.location, await this.baseUrl());
      const done = await this.request({
        method: 'PUT',
        path: (() => {
          const url = new URL(location);
          url.searchParams.set('digest', desc.digest);
          return url;
        })(),
        headers: { 'Content-Length': '0' },
        body: Buffer.alloc(0),
        scopes,
        what,
      });
      if (done.status !== 201) return this.fail(done, { method: 'PUT', scopes, what });
      await done.discard();
    } catch (err) {
      reader.destroy();
      throw failure ?? err;
    }
  }

  /**
   * Uploads a blob from a stream without holding it: the bytes pass through a digest check on their
   * way, and the upload is refused (the request destroyed) when they do not match `desc.digest`.
   */
  async uploadBlob(
    repository: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: Readable,
    options: { location?: URL; onProgress?: (bytes: number) => void; mode?: UploadMode } = {},
  ): Promise<void> {
    checkDigest(desc.digest, `upload to ${repository}`);
    const mode = options.mode ?? this.options.uploadMode ?? 'streamed';
    let location = options.location ?? (await this.startUpload(repository));
    const check = new DigestCheck(desc.digest, desc.size, options.onProgress);
    source.on('error', (err) => check.destroy(err));
    // A response cut short ends with 'close' and no 'end' (and not always an 'error'): fail then too.
    source.on('close', () => {
      if (!source.readableEnded && !check.destroyed) {
        check.destroy(
          Object.assign(new Error('the source closed the connection before the blob ended'), {
            code: 'ECONNRESET',
          }),
        );
      }
    });
    const checked = source.pipe(check);
    const scopes = [repositoryScope(repository, ['pull', 'push'])];
    const what = `upload blob ${desc.digest} to ${repository}`;
    const withDigest = (loc: URL) => {
      const url = new URL(loc);
      url.searchParams.set('digest', desc.digest);
      return url;
    };
    try {
      if (mode === 'monolithic') {
        const res = await this.request({
          method: 'PUT',
          path: withDigest(location),
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
          body: checked,
          scopes,
          what,
        });
        if (res.status !== 201) return this.fail(res, { method: 'PUT', scopes, what });
        await res.discard();
        return;
      }
      if (mode === 'streamed') {
        const res = await this.request({
          method: 'PATCH',
          path: location,
          // One PATCH with the whole stream and no Content-Range, as docker and crane upload.
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
          body: checked,
          scopes,
          what,
        });
        if (res.status !== 202 && res.status !== 204)
          return this.fail(res, { method: 'PATCH', scopes, what });
        await res.discard();
        if (res.headers.location) location = new URL(res.headers.location, await this.baseUrl());
      } else {
        location = await this.uploadChunks(location, checked, desc.size, scopes, what);
      }
      const done = await this.request({
        method: 'PUT',
        path: withDigest(location),
        headers: { 'Content-Length': '0' },
        body: Buffer.alloc(0),
        scopes,
        what,
      });
      if (done.status !== 201) return this.fail(done, { method: 'PUT', scopes, what });
      await done.discard();
    } catch (err) {
      checked.destroy();
      source.destroy();
      throw check.failure ?? err;
    }
  }

  private async uploadChunks(
    start: URL,
    stream: Readable,
    size: number,
    scopes: readonly string[],
    what: string,
  ): Promise<URL> {
    const chunkSize = Math.max(64 * 1024, this.options.chunkSize ?? 16 * 1024 * 1024);
    let location = start;
    let offset = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const chunk = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      const res = await this.request({
        method: 'PATCH',
        path: location,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
        scopes,
        what,
      });
      if (res.status !== 202 && res.status !== 204) return this.fail(res, { method: 'PATCH', scopes, what });
      await res.discard();
      offset += chunk.length;
      if (res.headers.location) location = new URL(res.headers.location, await this.baseUrl());
    };
    for await (const data of stream) {
      const buf = data as Buffer;
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= chunkSize) await flush();
    }
    await flush();
    if (offset !== size) throw new DuatError(`${what}: read ${offset} bytes, the descriptor says ${size}`);
    return location;
  }
}

/** Passes bytes through while hashing them; fails at the end when digest or size differ. */
export class DigestCheck extends Transform {
  private readonly hash: Hash;
  private readonly algorithm: string;
  bytes = 0;
  failure: DuatError | undefined;

  constructor(
    private readonly expected: string,
    private readonly size: number,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
    this.algorithm = expected.split(':')[0] ?? 'sha256';
    this.hash = createHash(this.algorithm === 'sha512' ? 'sha512' : 'sha256');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onProgress?.(chunk.length);
    if (this.size >= 0 && this.bytes > this.size) {
      this.failure = new DuatError(
        `blob ${this.expected} is larger than its descriptor's ${this.size} bytes`,
      );
      cb(this.failure);
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected || (this.size >= 0 && this.bytes !== this.size)) {
      this.failure = new DuatError(
        `blob ${this.expected} arrived as ${this.bytes} bytes with digest ${actual}: the source sent other content`,
      );
      cb(this.failure);
      return;
    }
    cb();
  }
}

export interface BlobEndpoint {
  readonly client: RegistryClient;
  readonly repository: string;
}

export type BlobCopyResult = 'exists' | 'mounted' | 'copied';

export interface CopyBlobOptions {
  onProgress?: (p: BlobProgress) => void;
  /** Whole-blob attempts when a stream breaks. Default 3. */
  attempts?: number;
  /** Check the destination first (default true; false when the caller knows it is missing). */
  checkExists?: boolean;
  /** Stops the copy (its connections closed) with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Copies one blob: nothing when the destination repository has it, a cross-repository mount within
 * one registry, else a stream from source GET to destination upload that never holds the blob. A
 * broken stream restarts the blob with a new upload session, a bounded number of times.
 */
export async function copyBlob(
  src: BlobEndpoint,
  dst: BlobEndpoint,
  desc: Pick<Descriptor, 'digest' | 'size'>,
  options: CopyBlobOptions = {},
): Promise<BlobCopyResult> {
  const same = src.client.sameRegistry(dst.client);
  if (same && src.repository === dst.repository) return 'exists';
  let location: URL | undefined;
  if (same) {
    const mounted = await dst.client.mountBlob(dst.repository, desc.digest, src.repository);
    if (mounted === true) return 'mounted';
    location = mounted;
    // The registry declined the mount (202 and an upload session): the destination may hold the blob
    // all the same (mounts off, or the source lacks it), and a HEAD is cheaper than an upload.
    if (options.checkExists !== false && (await dst.client.blobExists(dst.repository, desc.digest))) {
      await dst.client.cancelUpload(dst.repository, location);
      return 'exists';
    }
  } else if (options.checkExists !== false && (await dst.client.blobExists(dst.repository, desc.digest))) {
    return 'exists';
  }
  const attempts = options.attempts ?? 3;
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    let moved = 0;
    /** What to close when `signal` aborts mid-copy. */
    let current: { destroy(err?: Error): void } | undefined;
    const stop = () => current?.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      signal?.throwIfAborted();
      const upload = {
        ...(location ? { location } : {}),
        onProgress: (n: number) => {
          moved += n;
          src.client.transport.counters.bytesReceived += n;
          dst.client.transport.counters.bytesSent += n;
          options.onProgress?.({ digest: desc.digest, bytes: moved, total: desc.size });
        },
      };
      // Streamed uploads take the blob from reused buffers (blob-reader.ts); anything else, or an
      // answer the reader leaves alone, goes through node:http.
      const reader =
        dst.client.uploadMode === 'streamed'
          ? await src.client.openBlobReader(src.repository, desc.digest, desc.size)
          : undefined;
      current = reader;
      signal?.throwIfAborted();
      if (reader) await dst.client.uploadBlobFrom(dst.repository, desc, reader, upload);
      else {
        const { stream } = await src.client.openBlob(src.repository, desc.digest, desc.size);
        current = stream;
        signal?.throwIfAborted();
        await dst.client.uploadBlob(dst.repository, desc, stream, upload);
      }
      return 'copied';
    } catch (err) {
      current?.destroy();
      if (signal?.aborted) {
        if (location) await dst.client.cancelUpload(dst.repository, location);
        throw signal.reason;
      }
      if (location) await dst.client.cancelUpload(dst.repository, location);
      location = undefined;
      if (moved > 0) options.onProgress?.({ digest: desc.digest, bytes: 0, total: desc.size });
      const transient = isTransientError(err) || isTransientError((err as { cause?: unknown }).cause);
      if (!transient || attempt >= attempts) throw err;
      const delay = dst.client.transport.backoff(attempt - 1);
      dst.client.log.debug(
        `copy of ${desc.digest} broke (${errorMessage(err)}); attempt ${attempt + 1} in ${delay} ms`,
      );
      await new Promise((r) => setTimeout(r, delay));
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }
}

/** Clients by registry host, sharing one connection pool. */
export class RegistryClients {
  private readonly clients = new Map<string, RegistryClient>();
  readonly transport: Transport;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.transport = options.transport ?? new Transport(options);
  }

  get(registry: string): RegistryClient {
    let c = this.clients.get(registry);
    if (!c) {
      c = new RegistryClient(registry, { ...this.options, transport: this.transport });
      this.clients.set(registry, c);
    }
    return c;
  }

  close(): void {
    this.transport.close();
  }
}

export { describeRequest };
