/**
 * The GitHub REST client: Octokit with the retry plugin (5xx and dropped connections, with back-off)
 * and the throttling plugin (rate limits, honouring `Retry-After` and the `x-ratelimit-*` headers;
 * writes paced as GitHub asks). The token is registered as a secret so no log line can show it.
 * Every API answer is bounded: read whole within a deadline and at most 32 MiB (uploads stream their
 * own requests; see assets.ts).
 */
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { DuatError, UsageError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { registerSecret } from '../core/redact.js';
import { isLoopbackRegistry as isLoopbackHost } from '../registry/reference.js';

export const DEFAULT_API_URL = 'https://api.github.com';

export interface GitHubClientOptions {
  readonly token: string;
  /** The REST API base (GitHub Enterprise: https://HOST/api/v3). Default https://api.github.com. */
  readonly apiUrl?: string;
  readonly log?: Logger;
  /** Retries of a request that failed with a 5xx or a dropped connection (default 3). */
  readonly retries?: number;
  /**
   * Milliseconds in a "second" of back-off and rate-limit waits (default 1000). Tests shrink it so a
   * `Retry-After: 2` costs 2 ms.
   */
  readonly retryUnitMs?: number;
  /** Least time between two writes (POST, PATCH, DELETE): GitHub asks for 1 s (default 1000). */
  readonly writeIntervalMs?: number;
  /** The longest rate-limit wait accepted before failing, in seconds (default 900). */
  readonly maxRateLimitWaitSeconds?: number;
  /** Rate-limit waits per request before failing (default 3). */
  readonly rateLimitRetries?: number;
  readonly userAgent?: string;
  /** The most an API request may take, answer included (default 60 s). */
  readonly requestTimeoutMs?: number;
}

/** The most an API answer may hold: a page of 100 releases with long notes stays well below. */
export const ANSWER_LIMIT = 32 * 1024 * 1024;

/**
 * fetch for the API: the whole answer is read here, within `timeoutMs` and up to ANSWER_LIMIT, so a
 * stalled, trickling or endless answer fails with a reason instead of hanging or filling memory.
 */
export function boundedFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const host = new URL(input instanceof Request ? input.url : String(input)).host;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const timedOut = () =>
      new Error(`no complete answer from ${host} within ${Math.round(timeoutMs / 1000)} s`);
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal });
    } catch (err) {
      if (timeout.aborted) throw timedOut();
      throw err;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body?.getReader();
    try {
      for (;;) {
        const next = await reader?.read();
        if (!next || next.done) break;
        total += next.value.length;
        if (total > ANSWER_LIMIT) {
          await reader?.cancel();
          throw new Error(`the answer from ${host} is larger than ${ANSWER_LIMIT / 1024 / 1024} MiB`);
        }
        chunks.push(next.value);
      }
    } catch (err) {
      if (timeout.aborted) throw timedOut();
      throw err;
    }
    const empty = [101, 204, 205, 304].includes(response.status);
    const copy = new Response(empty ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(copy, 'url', { value: response.url });
    return copy;
  };
}

/** Attached to the Octokit options so the request-logging plugin finds the logger. */
interface DuatOctokitOptions {
  readonly duatLog?: Logger;
}

/** The request routes as logged: the URL without query string (which may hold an asset name only). */
function shownUrl(url: string): string {
  return url.split('?')[0] ?? url;
}

/** Logs every attempt (it runs inside the retry and throttling plugins), at debug level. */
function requestLogging(octokit: Octokit, options: DuatOctokitOptions & Record<string, unknown>): void {
  const log = options.duatLog ?? silentLogger;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const started = Date.now();
    const label = `${requestOptions.method} ${shownUrl(octokit.request.endpoint.parse(requestOptions).url)}`;
    try {
      const response = await request(requestOptions);
      log.debug(`${label} -> ${response.status} (${Date.now() - started} ms)`);
      return response;
    } catch (err) {
      const status = (err as { status?: number }).status;
      const message = err instanceof Error ? err.message : String(err);
      log.debug(`${label} -> ${status ?? 'failed'}: ${message.split('\n')[0]} (${Date.now() - started} ms)`);
      throw err;
    }
  });
}

const DuatOctokit = Octokit.plugin(requestLogging, retry, throttling);
export type GitHubClient = InstanceType<typeof DuatOctokit>;

/** The API base a client talks to (for messages). */
export function apiUrlOf(client: GitHubClient): string {
  return String(client.request.endpoint.DEFAULTS.baseUrl);
}

/** Checks and normalises an API base URL (no trailing slash). */
export function normalizeApiUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL`, { hint: 'give the API base, e.g. https://api.github.com' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`the API URL must be http or https, not ${parsed.protocol}`);
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.host)) {
    throw new UsageError(`the API URL ${parsed.origin} is plain http: the token would travel in clear`, {
      hint: 'use https (plain http only to this machine: localhost, 127.0.0.1, ::1)',
    });
  }
  if (parsed.username || parsed.password) {
    throw new UsageError('the API URL must not hold credentials', {
      hint: 'pass the token with GITHUB_TOKEN',
    });
  }
  return parsed.toString().replace(/\/+$/, '');
}

/**
 * A release's upload URL (template), checked before the token goes there with the file. It must be on
 * the API's host (any port: GitHub Enterprise Server serves both on one host) or GitHub's upload host
 * for it (`api.X` -> `uploads.X`: api.github.com -> uploads.github.com, api.NAME.ghe.com ->
 * uploads.NAME.ghe.com), and https; plain http only when the API is plain http on this machine too
 * (a test server).
 */
export function checkUploadUrl(template: string, apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(template);
  } catch {
    throw new DuatError(
      `GitHub's release names the upload URL ${JSON.stringify(template)}, which is not a URL`,
    );
  }
  const api = new URL(apiUrl);
  const host = url.hostname.toLowerCase();
  const apiHost = api.hostname.toLowerCase();
  const sameSite = host === apiHost || (apiHost.startsWith('api.') && host === `uploads.${apiHost.slice(4)}`);
  let refusal: string | undefined;
  if (!sameSite) refusal = `it is on another host than the API (${api.host})`;
  else if (
    url.protocol === 'http:' &&
    !(api.protocol === 'http:' && isLoopbackHost(url.host) && isLoopbackHost(api.host))
  )
    refusal = 'it is plain http';
  else if (url.protocol !== 'https:' && url.protocol !== 'http:') refusal = `it is not an http(s) URL`;
  if (refusal) {
    throw new DuatError(
      `GitHub's release names the upload URL ${url.origin}, and duat does not send the token there: ${refusal}`,
      {
        hint: 'check the API URL (GITHUB_API_URL, --api-url) and any proxy in between',
      },
    );
  }
  return template;
}

/** An Octokit for `apiUrl` authenticated with `token`, with retries, rate-limit waits and paced writes. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  registerSecret(options.token);
  const log = options.log ?? silentLogger;
  const unit = options.retryUnitMs ?? 1000;
  const writeInterval = options.writeIntervalMs ?? 1000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 900;
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: Parameters<Octokit['request']['endpoint']['parse']>[0],
      octokit: Octokit,
      retryCount: number,
    ) => {
      const what = `${request.method} ${shownUrl(octokit.request.endpoint.parse(request).url)}`;
      if (retryCount >= rateLimitRetries) {
        log.warn(`${kind} hit again on ${what} after ${retryCount} waits: giving up`);
        return false;
      }
      if (retryAfter > maxWait) {
        log.warn(`${kind} on ${what}: it resets in ${retryAfter} s, longer than the ${maxWait} s allowed`);
        return false;
      }
      log.warn(`${kind} on ${what}: waiting ${retryAfter} s as GitHub asks`);
      return true;
    };
  return new DuatOctokit({
    auth: options.token,
    baseUrl: normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL),
    userAgent: options.userAgent ?? 'duat-github-release',
    request: { fetch: boundedFetch(options.requestTimeoutMs ?? 60_000) },
    duatLog: log,
    log: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.debug(m),
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: unit,
      // Rate limits (403 and 429) are the throttling plugin's: it waits as the headers say.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      retryAfterBaseValue: unit,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeInterval }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeInterval }),
      onRateLimit: onLimit('the API rate limit was reached'),
      onSecondaryRateLimit: onLimit('a secondary rate limit was reached'),
    },
  });
}
