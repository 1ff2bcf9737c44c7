/**
 * A fake GitHub for tests, on 127.0.0.1: the REST endpoints `duat github-release` uses (get a release by
 * tag, list releases, create a release, list / get / delete release assets) on an API host, and asset
 * uploads and downloads on a separate uploads host that the releases' `upload_url` names, as GitHub's
 * does. State lives in memory (`releases`, `assets`); asset content is hashed as it streams in and kept
 * only when small, so a multi-GB upload costs the test process no memory.
 *
 * Every request it handles and every answer it gives is checked against GitHub's published OpenAPI
 * description (the `@octokit/openapi` package, api.github.com.json): path and query parameters, JSON
 * request bodies, the status (declared for the operation, or one GitHub gives anywhere: 401, 403, 429,
 * 5xx) and the response body's schema. Anything off is recorded in `violations` (tests assert it stays
 * empty), so the fake cannot drift from the real API without a test noticing.
 *
 * Failures can be injected per operation: an HTTP status (5xx), a primary or secondary rate limit with
 * GitHub's headers, or a dropped connection (for uploads, after some bytes, leaving a half-made asset
 * as GitHub can).
 *
 *   const gh = await start({ token: 'ghp_x', failures: [{ operation: 'repos/upload-release-asset', status: 502 }] });
 *   ... run duat with GITHUB_API_URL=gh.apiUrl ...
 *   await gh.stop();
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

// ---- the OpenAPI description ----------------------------------------------------------------------

/** The operations the fake implements, by GitHub's operationId. */
export const OPERATIONS = [
  'repos/get-release-by-tag',
  'repos/list-releases',
  'repos/create-release',
  'repos/get-release',
  'repos/list-release-assets',
  'repos/upload-release-asset',
  'repos/get-release-asset',
  'repos/delete-release-asset',
] as const;
export type OperationId = (typeof OPERATIONS)[number];

/** Statuses GitHub may answer any operation with, checked against its basic-error schema. */
const GENERIC_STATUSES = new Set([401, 403, 429, 500, 502, 503, 504]);
const DOC_ID = 'https://api.github.com/openapi.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly validate: ValidateFunction;
}

interface Operation {
  readonly id: OperationId;
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly pathNames: readonly string[];
  readonly parameters: readonly Parameter[];
  /** Validates a JSON request body; undefined when the body is not JSON (uploads). */
  readonly requestBody: ValidateFunction | undefined;
  readonly requestContentTypes: readonly string[];
  /** Status -> a validator of the JSON body, or null for a response without content. */
  readonly responses: ReadonlyMap<number, ValidateFunction | null>;
}

interface OpenApi {
  readonly version: string;
  readonly operations: readonly Operation[];
  readonly basicError: ValidateFunction;
}

let cached: OpenApi | undefined;

function resolveRef(doc: JsonObject, value: Json): Json {
  let current = value;
  for (let depth = 0; depth < 10; depth++) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return current;
    const ref = current.$ref;
    if (typeof ref !== 'string') return current;
    let target: Json = doc;
    for (const key of ref.replace(/^#\//, '').split('/')) {
      target = (target as JsonObject)[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json;
    }
    current = target;
  }
  throw new Error(`$ref chain too deep: ${JSON.stringify(value)}`);
}

/** Component schema names reachable from `schema`. */
function collectRefs(doc: JsonObject, schema: Json, into: Set<string>): void {
  const stack: Json[] = [schema];
  for (let steps = 0; stack.length > 0 && steps < 1_000_000; steps++) {
    const node = stack.pop() as Json;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!into.has(name)) {
        into.add(name);
        stack.push(((doc.components as JsonObject).schemas as JsonObject)[name] as Json);
      }
    }
    for (const [key, value] of Object.entries(node))
      if (key !== 'example' && key !== 'examples') stack.push(value);
  }
}

/** `schema` with its local references made absolute, so it can be compiled on its own. */
function absolutize(schema: Json): Json {
  return JSON.parse(
    JSON.stringify(schema).replace(
      /"\$ref":"#\/components\/schemas\//g,
      `"$ref":"${DOC_ID}#/components/schemas/`,
    ),
  ) as Json;
}

/** Loads and compiles the parts of GitHub's OpenAPI description the fake serves (once per process). */
export function githubOpenApi(): OpenApi {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@octokit/openapi/package.json');
  const path = packageJson.replace(/package\.json$/, 'generated/api.github.com.json');
  const doc = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  const version = String((require('@octokit/openapi/package.json') as { version: string }).version);
  const paths = doc.paths as JsonObject;
  const found: { id: OperationId; method: string; template: string; op: JsonObject }[] = [];
  for (const [template, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item as JsonObject)) {
      const id = (op as JsonObject | null)?.operationId;
      if (typeof id === 'string' && (OPERATIONS as readonly string[]).includes(id)) {
        found.push({ id: id as OperationId, method: method.toUpperCase(), template, op: op as JsonObject });
      }
    }
  }
  const missing = OPERATIONS.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw new Error(`the OpenAPI description lacks ${missing.join(', ')}`);

  // Keep only the component schemas these operations reach: the whole description is 13 MB.
  const needed = new Set<string>(['basic-error']);
  for (const { op } of found) collectRefs(doc, resolveRef(doc, op) as Json, needed);
  for (const { op } of found) {
    for (const response of Object.values((op.responses as JsonObject) ?? {})) {
      collectRefs(doc, resolveRef(doc, response), needed);
    }
  }
  const schemas: JsonObject = {};
  const all = (doc.components as JsonObject).schemas as JsonObject;
  for (const name of needed) schemas[name] = all[name] as Json;

  const ajv = new Ajv({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: DOC_ID, components: { schemas } });
  const params = new Ajv({ strict: false, coerceTypes: true, allErrors: true });
  ajvFormats.default(params);

  const compile = (schema: Json) => ajv.compile(absolutize(schema) as object);
  const operations = found.map(({ id, method, template, op }): Operation => {
    const pathNames: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        pathNames.push(name);
        return '([^/]+)';
      })}$`,
    );
    const parameters = ((op.parameters as Json[]) ?? []).map((p): Parameter => {
      const param = resolveRef(doc, p) as JsonObject;
      return {
        name: String(param.name),
        in: param.in as Parameter['in'],
        required: param.required === true,
        validate: params.compile({ type: 'object', properties: { value: param.schema as Json } }),
      };
    });
    const body = resolveRef(doc, (op.requestBody as Json) ?? null) as JsonObject | null;
    const content = (body?.content as JsonObject | undefined) ?? {};
    const jsonBody = (content['application/json'] as JsonObject | undefined)?.schema;
    const responses = new Map<number, ValidateFunction | null>();
    for (const [status, response] of Object.entries((op.responses as JsonObject) ?? {})) {
      const resolved = resolveRef(doc, response) as JsonObject;
      const schema = (
        (resolved.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined
      )?.schema;
      responses.set(Number(status), schema === undefined ? null : compile(schema));
    }
    return {
      id,
      method,
      template,
      pattern,
      pathNames,
      parameters,
      requestBody: jsonBody === undefined ? undefined : compile(jsonBody),
      requestContentTypes: Object.keys(content),
      responses,
    };
  });
  cached = { version, operations, basicError: compile({ $ref: '#/components/schemas/basic-error' }) };
  return cached;
}

function ajvErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}

// ---- the fake --------------------------------------------------------------------------------------

export interface FailureRule {
  /** The operation to fail (its GitHub operationId). */
  readonly operation: OperationId;
  /** Start with the nth request of that operation (1-based; default 1). */
  readonly nth?: number;
  /** How many requests in a row fail (default 1). */
  readonly times?: number;
  /** Answer with this status (GitHub's basic-error body). */
  readonly status?: number;
  /** Answer as GitHub's rate limits do: primary (x-ratelimit-remaining 0) or secondary (Retry-After). */
  readonly rateLimit?: 'primary' | 'secondary';
  /** Seconds for Retry-After, or until x-ratelimit-reset (default 1). */
  readonly retryAfter?: number;
  /** Drop the connection instead of answering. */
  readonly reset?: boolean;
  /** Uploads: bytes taken before a reset or a status (default: all of them). */
  readonly afterBytes?: number;
  /** Uploads: keep a half-made asset (state `open`) as GitHub may after a failure. */
  readonly leavePartial?: boolean;
  /** Uploads: store the asset completely, then fail (the answer is lost, the upload is not). */
  readonly afterStoring?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FakeGitHubOptions {
  /** The token requests must carry (default 'ghp_fakeTokenForTests0123456789'). */
  readonly token?: string;
  /** Repositories that exist, `owner/name` (default ['acme/widget']). */
  readonly repos?: readonly string[];
  /** Repositories the token may read but not write (403 on writes). */
  readonly readOnlyRepos?: readonly string[];
  readonly failures?: readonly FailureRule[];
  /** Give assets a `digest` (as github.com does since 2025); false answers null as older servers do. */
  readonly digests?: boolean;
  /** Asset content kept for downloads up to this size (default 1 MiB); larger ones keep size and digest. */
  readonly keepContentUpTo?: number;
}

export interface FakeRelease {
  readonly id: number;
  readonly repo: string;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  readonly created_at: string;
  published_at: string | null;
  /** generate_release_notes was asked for. */
  generated_notes: boolean;
}

export interface FakeAsset {
  readonly id: number;
  readonly release_id: number;
  name: string;
  label: string | null;
  state: 'uploaded' | 'open';
  content_type: string;
  size: number;
  sha256: string;
  /** The bytes, when small enough to keep. */
  content: Buffer | undefined;
  readonly created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  readonly host: 'api' | 'uploads';
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly operation: OperationId | 'download' | undefined;
  status: number;
  /** Request headers, the authorization header replaced by whether it was right. */
  readonly headers: Readonly<Record<string, string>>;
  readonly authorized: boolean;
  /** Bytes of body received. */
  bodyBytes: number;
}

export interface FakeGitHub {
  readonly apiUrl: string;
  readonly uploadsUrl: string;
  readonly token: string;
  /** The OpenAPI description's package version the fake checks against. */
  readonly openApiVersion: string;
  readonly releases: FakeRelease[];
  readonly assets: FakeAsset[];
  readonly requests: RecordedRequest[];
  /** Requests or answers that do not fit GitHub's OpenAPI description. */
  readonly violations: string[];
  /** Adds a failure rule (counted from the requests still to come). */
  addFailure(rule: FailureRule): void;
  /** Adds a release directly (as if made earlier). */
  addRelease(release: Partial<FakeRelease> & { tag_name: string; repo?: string }): FakeRelease;
  /** Adds an uploaded asset directly. */
  addAsset(releaseId: number, name: string, content: Buffer, extra?: Partial<FakeAsset>): FakeAsset;
  /** The assets of a release, by name. */
  assetsOf(releaseId: number): Map<string, FakeAsset>;
  stop(): Promise<void>;
}

const USER: JsonObject = (() => {
  const base = 'https://api.github.com/users/release-bot';
  return {
    login: 'release-bot',
    id: 1,
    node_id: 'MDQ6VXNlcjE=',
    avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
    gravatar_id: '',
    url: base,
    html_url: 'https://github.com/release-bot',
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type: 'User',
    site_admin: false,
  };
})();

interface Answer {
  readonly status: number;
  readonly body?: Json;
  readonly headers?: Readonly<Record<string, string>>;
}

interface RuleState {
  readonly rule: FailureRule;
  seen: number;
  fired: number;
}

const DOCS = 'https://docs.github.com/rest/releases';

function basicError(status: number, message: string): Answer {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

/**
 * The name GitHub stores an uploaded asset under: characters outside A-Za-z0-9._- become '.', runs of
 * dots one, no leading or trailing dot (as observed; GitHub documents only that it renames).
 */
export function storedName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the fake GitHub: an API host and an uploads host on 127.0.0.1, on free ports. */
export async function start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const openApi = githubOpenApi();
  const token = options.token ?? 'ghp_fakeTokenForTests0123456789';
  const repos = new Set(options.repos ?? ['acme/widget']);
  const readOnly = new Set(options.readOnlyRepos ?? []);
  const digests = options.digests !== false;
  const keepUpTo = options.keepContentUpTo ?? 1 << 20;
  const rules: RuleState[] = (options.failures ?? []).map((rule) => ({ rule, seen: 0, fired: 0 }));
  const releases: FakeRelease[] = [];
  const assets: FakeAsset[] = [];
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let nextId = 1;
  let apiUrl = '';
  let uploadsUrl = '';

  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const slugOf = (params: Record<string, string>) => `${params.owner}/${params.repo}`;

  const assetJson = (a: FakeAsset): JsonObject => {
    const release = releases.find((r) => r.id === a.release_id);
    return {
      url: `${apiUrl}/repos/${release?.repo}/releases/assets/${a.id}`,
      browser_download_url: `${uploadsUrl}/${release?.repo}/releases/download/${release?.tag_name}/${encodeURIComponent(a.name)}`,
      id: a.id,
      node_id: `RA_${a.id}`,
      name: a.name,
      label: a.label,
      state: a.state,
      content_type: a.content_type,
      size: a.size,
      digest: digests && a.state === 'uploaded' ? `sha256:${a.sha256}` : null,
      download_count: 0,
      created_at: a.created_at,
      updated_at: a.updated_at,
      uploader: USER,
    };
  };
  const releaseJson = (r: FakeRelease): JsonObject => {
    const base = `${apiUrl}/repos/${r.repo}/releases/${r.id}`;
    const shownTag = r.draft ? `untagged-${r.id}` : r.tag_name;
    return {
      url: base,
      html_url: `${apiUrl.replace(/\/api$/, '')}/${r.repo}/releases/tag/${encodeURIComponent(shownTag)}`,
      assets_url: `${base}/assets`,
      upload_url: `${uploadsUrl}/repos/${r.repo}/releases/${r.id}/assets{?name,label}`,
      tarball_url: r.draft ? null : `${apiUrl}/repos/${r.repo}/tarball/${r.tag_name}`,
      zipball_url: r.draft ? null : `${apiUrl}/repos/${r.repo}/zipball/${r.tag_name}`,
      id: r.id,
      node_id: `RE_${r.id}`,
      tag_name: r.tag_name,
      target_commitish: r.target_commitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      created_at: r.created_at,
      published_at: r.published_at,
      author: USER,
      assets: assets.filter((a) => a.release_id === r.id).map(assetJson),
    };
  };

  const addRelease: FakeGitHub['addRelease'] = (partial) => {
    const created = now();
    const release: FakeRelease = {
      id: nextId++,
      repo: partial.repo ?? [...repos][0] ?? 'acme/widget',
      tag_name: partial.tag_name,
      target_commitish: partial.target_commitish ?? 'main',
      name: partial.name ?? partial.tag_name,
      body: partial.body ?? null,
      draft: partial.draft ?? false,
      prerelease: partial.prerelease ?? false,
      created_at: created,
      published_at: partial.draft ? null : created,
      generated_notes: false,
    };
    releases.push(release);
    return release;
  };
  const addAsset: FakeGitHub['addAsset'] = (releaseId, name, content, extra = {}) => {
    const asset: FakeAsset = {
      id: nextId++,
      release_id: releaseId,
      name,
      label: null,
      state: 'uploaded',
      content_type: 'application/octet-stream',
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
      created_at: now(),
      updated_at: now(),
      ...extra,
    };
    assets.push(asset);
    return asset;
  };

  /** The failure to inject for this request of `operation`, if any. */
  const failureFor = (operation: OperationId): FailureRule | undefined => {
    let chosen: FailureRule | undefined;
    for (const state of rules) {
      if (state.rule.operation !== operation) continue;
      state.seen++;
      if (chosen) continue;
      const from = state.rule.nth ?? 1;
      if (state.seen >= from && state.fired < (state.rule.times ?? 1)) {
        state.fired++;
        chosen = state.rule;
      }
    }
    return chosen;
  };

  const failureAnswer = (rule: FailureRule): Answer => {
    const wait = rule.retryAfter ?? 1;
    if (rule.rateLimit === 'primary') {
      const answer = basicError(rule.status ?? 403, 'API rate limit exceeded for user ID 1.');
      return {
        ...answer,
        headers: {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + wait),
          'x-ratelimit-resource': 'core',
          ...rule.headers,
        },
      };
    }
    if (rule.rateLimit === 'secondary') {
      const answer = basicError(
        rule.status ?? 403,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      );
      return { ...answer, headers: { 'retry-after': String(wait), ...rule.headers } };
    }
    const status = rule.status ?? 502;
    return {
      ...basicError(status, status >= 500 ? 'Server Error' : 'Injected failure'),
      headers: rule.headers,
    };
  };

  const send = (res: ServerResponse, record: RecordedRequest, op: Operation | undefined, answer: Answer) => {
    record.status = answer.status;
    if (op) {
      const declared = op.responses.get(answer.status);
      if (declared === undefined && !GENERIC_STATUSES.has(answer.status)) {
        violations.push(`${op.id}: status ${answer.status} is not declared in the OpenAPI description`);
      }
      const validate = declared ?? (answer.status >= 400 ? openApi.basicError : null);
      if (validate && !validate(answer.body ?? null)) {
        violations.push(`${op.id} ${answer.status} response: ${ajvErrors(validate)}`);
      }
      if (declared === null && answer.body !== undefined) {
        violations.push(`${op.id} ${answer.status} response has a body, the description has none`);
      }
    }
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const headers: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomUUID(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
      ...answer.headers,
    };
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  };

  const readJson = async (req: IncomingMessage, record: RecordedRequest): Promise<Json | undefined> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
      record.bodyBytes += (chunk as Buffer).length;
    }
    if (chunks.length === 0) return undefined;
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text) as Json;
    } catch {
      violations.push(`${req.method} ${req.url}: the body is not JSON: ${text.slice(0, 80)}`);
      return undefined;
    }
  };

  /**
   * Reads a body as it streams in, hashing it and keeping it only when small; stops taking it after
   * `limit` bytes (the caller then drops the connection). Resolves on the end of the body or the
   * connection.
   */
  const drain = (req: IncomingMessage, record: RecordedRequest, limit = Number.POSITIVE_INFINITY) =>
    new Promise<{ size: number; sha256: string; content: Buffer | undefined; complete: boolean }>(
      (resolve) => {
        const hash = createHash('sha256');
        const kept: Buffer[] = [];
        let size = 0;
        let settled = false;
        const finish = (complete: boolean) => {
          if (settled) return;
          settled = true;
          resolve({
            size,
            sha256: hash.digest('hex'),
            content: size <= keepUpTo ? Buffer.concat(kept) : undefined,
            complete,
          });
        };
        req.on('data', (chunk: Buffer) => {
          if (settled) return;
          const bytes = size + chunk.length > limit ? chunk.subarray(0, limit - size) : chunk;
          hash.update(bytes);
          size += bytes.length;
          record.bodyBytes += bytes.length;
          if (size <= keepUpTo) kept.push(bytes);
          if (size >= limit) {
            req.pause();
            finish(false);
          }
        });
        req.on('end', () => finish(true));
        req.on('close', () => finish(false));
        req.on('error', () => finish(false));
      },
    );

  const match = (method: string, pathname: string) => {
    for (const op of openApi.operations) {
      if (op.method !== method) continue;
      const m = op.pattern.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      op.pathNames.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] as string);
      });
      return { op, params };
    }
    return undefined;
  };

  const checkParameters = (op: Operation, params: Record<string, string>, query: URLSearchParams) => {
    for (const p of op.parameters) {
      const value =
        p.in === 'path' ? params[p.name] : p.in === 'query' ? (query.get(p.name) ?? undefined) : undefined;
      if (value === undefined) {
        if (p.required) violations.push(`${op.id}: the required ${p.in} parameter ${p.name} is missing`);
        continue;
      }
      if (!p.validate({ value }))
        violations.push(`${op.id}: ${p.in} parameter ${p.name}=${value}: ${ajvErrors(p.validate)}`);
    }
    for (const key of query.keys()) {
      if (!op.parameters.some((p) => p.in === 'query' && p.name === key)) {
        violations.push(`${op.id}: unknown query parameter ${key}`);
      }
    }
  };

  const handle = async (host: 'api' | 'uploads', req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const auth = req.headers.authorization ?? '';
    const authorized = auth === `token ${token}` || auth === `Bearer ${token}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === 'authorization') headers[k] = authorized ? '(the token)' : '(wrong)';
      else headers[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
    }
    const record: RecordedRequest = {
      host,
      method,
      url: `${url.pathname}${url.search}`,
      operation: undefined,
      status: 0,
      headers,
      authorized,
      bodyBytes: 0,
    };
    requests.push(record);

    // The storage host GitHub redirects asset downloads to: no token needed (or wanted).
    const download = /^\/storage\/(\d+)$/.exec(url.pathname);
    if (host === 'uploads' && method === 'GET' && download) {
      (record as { operation: RecordedRequest['operation'] }).operation = 'download';
      const asset = assets.find((a) => a.id === Number(download[1]));
      record.status = asset?.content ? 200 : 404;
      res.writeHead(record.status, { 'content-type': 'application/octet-stream' });
      res.end(asset?.content ?? '');
      return;
    }

    const pathname = host === 'api' ? url.pathname.replace(/^\/api(?=\/)/, '') : url.pathname;
    if (host === 'api' && pathname === url.pathname) {
      violations.push(`${method} ${url.pathname}: not under the API base path /api`);
    }
    const found = match(method, pathname);
    if (!found || (found.op.id === 'repos/upload-release-asset') !== (host === 'uploads')) {
      violations.push(`${method} ${pathname} on the ${host} host is not an operation the fake serves`);
      await readJson(req, record).catch(() => undefined);
      send(res, record, undefined, basicError(404, 'Not Found'));
      return;
    }
    const { op, params } = found;
    (record as { operation: RecordedRequest['operation'] }).operation = op.id;
    checkParameters(op, params, url.searchParams);

    if (!authorized) {
      await drain(req, record).catch(() => undefined);
      send(res, record, op, basicError(401, 'Bad credentials'));
      return;
    }
    const rule = failureFor(op.id);
    if (rule && !rule.afterStoring && op.id !== 'repos/upload-release-asset') {
      await readJson(req, record).catch(() => undefined);
      if (rule.reset) {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      send(res, record, op, failureAnswer(rule));
      return;
    }
    const slug = slugOf(params);
    if (!repos.has(slug)) {
      await drain(req, record).catch(() => undefined);
      send(res, record, op, basicError(404, 'Not Found'));
      return;
    }
    if (method !== 'GET' && readOnly.has(slug)) {
      await drain(req, record).catch(() => undefined);
      send(res, record, op, basicError(403, 'Resource not accessible by personal access token'));
      return;
    }
    const answer = await serve(op, params, url.searchParams, req, res, record, rule);
    if (answer) send(res, record, op, answer);
  };

  const serve = async (
    op: Operation,
    params: Record<string, string>,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    rule: FailureRule | undefined,
  ): Promise<Answer | undefined> => {
    const slug = slugOf(params);
    const ofRepo = releases.filter((r) => r.repo === slug);
    const page = <T>(items: T[]): T[] => {
      const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
      const number = Math.max(1, Number(query.get('page') ?? 1));
      return items.slice((number - 1) * perPage, number * perPage);
    };
    switch (op.id) {
      case 'repos/get-release-by-tag': {
        const release = ofRepo.find((r) => !r.draft && r.tag_name === params.tag);
        return release ? { status: 200, body: releaseJson(release) } : basicError(404, 'Not Found');
      }
      case 'repos/get-release': {
        const release = ofRepo.find((r) => r.id === Number(params.release_id));
        return release ? { status: 200, body: releaseJson(release) } : basicError(404, 'Not Found');
      }
      case 'repos/list-releases':
        return { status: 200, body: page([...ofRepo].reverse()).map(releaseJson) };
      case 'repos/create-release': {
        const body = await readJson(req, record);
        if (!op.requestBody?.(body)) {
          violations.push(
            `${op.id} request body: ${op.requestBody ? ajvErrors(op.requestBody) : 'no schema'}`,
          );
          return basicError(422, 'Validation Failed');
        }
        const input = body as JsonObject;
        if (ofRepo.some((r) => r.tag_name === input.tag_name)) {
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
              documentation_url: `${DOCS}/releases#create-a-release`,
              status: '422',
            },
          };
        }
        const release = addRelease({
          repo: slug,
          tag_name: String(input.tag_name),
          target_commitish: typeof input.target_commitish === 'string' ? input.target_commitish : 'main',
          name: typeof input.name === 'string' ? input.name : null,
          body: typeof input.body === 'string' ? input.body : null,
          draft: input.draft === true,
          prerelease: input.prerelease === true,
        });
        if (input.generate_release_notes === true) {
          release.generated_notes = true;
          release.body = `${release.body ?? ''}${release.body ? '\n\n' : ''}## What's Changed\n* generated notes`;
        }
        return {
          status: 201,
          body: releaseJson(release),
          headers: { location: `${apiUrl}/repos/${slug}/releases/${release.id}` },
        };
      }
      case 'repos/list-release-assets': {
        const release = ofRepo.find((r) => r.id === Number(params.release_id));
        if (!release) return basicError(404, 'Not Found');
        return { status: 200, body: page(assets.filter((a) => a.release_id === release.id)).map(assetJson) };
      }
      case 'repos/get-release-asset': {
        const asset = assets.find((a) => a.id === Number(params.asset_id));
        if (!asset || !ofRepo.some((r) => r.id === asset.release_id)) return basicError(404, 'Not Found');
        if (/application\/octet-stream/.test(String(req.headers.accept))) {
          return { status: 302, headers: { location: `${uploadsUrl}/storage/${asset.id}` } };
        }
        return { status: 200, body: assetJson(asset) };
      }
      case 'repos/delete-release-asset': {
        const index = assets.findIndex((a) => a.id === Number(params.asset_id));
        const asset = assets[index];
        if (!asset || !ofRepo.some((r) => r.id === asset.release_id)) return basicError(404, 'Not Found');
        assets.splice(index, 1);
        return { status: 204 };
      }
      case 'repos/upload-release-asset':
        return upload(op, params, query, req, res, record, rule);
    }
  };

  const upload = async (
    op: Operation,
    params: Record<string, string>,
    query: URLSearchParams,
    req: IncomingMessage,
    _res: ServerResponse,
    record: RecordedRequest,
    rule: FailureRule | undefined,
  ): Promise<Answer | undefined> => {
    const release = releases.find((r) => r.repo === slugOf(params) && r.id === Number(params.release_id));
    const name = storedName(query.get('name') ?? '');
    const contentType = req.headers['content-type'];
    const declaredLength = req.headers['content-length'];
    if (!contentType) violations.push(`${op.id}: no Content-Type (GitHub requires the asset's media type)`);
    if (declaredLength === undefined || req.headers['transfer-encoding'] !== undefined) {
      violations.push(`${op.id}: no Content-Length (GitHub does not take chunked uploads)`);
    }
    if (!release) {
      await drain(req, record);
      return basicError(404, 'Not Found');
    }
    if (rule && !rule.afterStoring) {
      const partial = rule.leavePartial
        ? addAsset(release.id, name, Buffer.alloc(0), { state: 'open', content_type: String(contentType) })
        : undefined;
      await drain(req, record, rule.afterBytes ?? Number.POSITIVE_INFINITY);
      if (partial) partial.updated_at = now();
      if (rule.reset || rule.afterBytes !== undefined) {
        record.status = -1;
        req.socket.destroy();
        return undefined;
      }
      return failureAnswer(rule);
    }
    if (assets.some((a) => a.release_id === release.id && a.name === name)) {
      await drain(req, record);
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
          documentation_url: `${DOCS}/assets#upload-a-release-asset`,
          status: '422',
        },
      };
    }
    const got = await drain(req, record);
    if (declaredLength !== undefined && Number(declaredLength) !== got.size) {
      violations.push(`${op.id}: Content-Length ${declaredLength} but ${got.size} bytes arrived`);
      return basicError(400, 'Bad Content-Length');
    }
    const asset: FakeAsset = {
      id: nextId++,
      release_id: release.id,
      name,
      label: query.get('label'),
      state: 'uploaded',
      content_type: String(contentType ?? 'application/octet-stream'),
      size: got.size,
      sha256: got.sha256,
      content: got.content,
      created_at: now(),
      updated_at: now(),
    };
    assets.push(asset);
    if (rule?.afterStoring) {
      if (rule.reset) {
        record.status = -1;
        req.socket.destroy();
        return undefined;
      }
      return failureAnswer(rule);
    }
    return { status: 201, body: assetJson(asset) };
  };

  const serverFor = (host: 'api' | 'uploads') =>
    createServer((req, res) => {
      handle(host, req, res).catch((err: unknown) => {
        violations.push(
          `the fake failed on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`,
        );
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  const apiServer = serverFor('api');
  const uploadsServer = serverFor('uploads');
  const apiPort = await listen(apiServer);
  const uploadsPort = await listen(uploadsServer);
  apiUrl = `http://127.0.0.1:${apiPort}/api`;
  uploadsUrl = `http://127.0.0.1:${uploadsPort}`;

  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    apiUrl,
    uploadsUrl,
    token,
    openApiVersion: openApi.version,
    releases,
    assets,
    requests,
    violations,
    addFailure: (rule) => {
      rules.push({ rule, seen: 0, fired: 0 });
    },
    addRelease,
    addAsset,
    assetsOf: (releaseId) =>
      new Map(assets.filter((a) => a.release_id === releaseId).map((a) => [a.name, a])),
    stop: async () => {
      await Promise.all([close(apiServer), close(uploadsServer)]);
    },
  };
}
