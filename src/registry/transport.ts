/**
 * HTTP for the registry client over node:http and node:https: kept-alive connections (one pool per
 * process), an inactivity timeout and a total deadline per request (a body that trickles a byte at a
 * time is cut as surely as one that stalls), bounded buffered answers (4 MiB), retries with exponential backoff on 429, 5xx and
 * dropped connections (Retry-After honoured), and redirects that never carry the Authorization
 * header to another host (ECR and S3-backed registries send blob downloads to signed storage URLs).
 * node:https is only loaded when a registry speaks TLS.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Readable, Writable } from 'node:stream';
import { errorCode, errorMessage } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { RegistryError } from './errors.js';

export interface TransportOptions {
  /** A request fails when no byte moves for this long (ms). Default 60 s. */
  timeoutMs?: number;
  /**
   * The most a request may take from the end of what we send to the last byte of the answer (ms);
   * default timeoutMs. A streamed blob gets more, by its size (see extendDeadline).
   */
  deadlineMs?: number;
  /** Retries after the first attempt for transient failures. Default 4. */
  retries?: number;
  /** First backoff delay (ms), doubled each retry, capped by maxDelayMs. Default 250. */
  retryBaseMs?: number;
  maxDelayMs?: number;
  /** Connections per host. Default 16. */
  maxSockets?: number;
  userAgent?: string;
  log?: Logger;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A buffer (replayable), a stream, or a writer that writes the body into the request and ends it
   * (or destroys it); streams and writers are sent once, never retried here.
   */
  readonly body?: Buffer | Readable | BodyWriter;
  /** Follow 30x redirects (GET and HEAD only). */
  readonly followRedirects?: boolean;
  /** Skip TLS certificate checks (insecure registries, loopback). */
  readonly insecureTls?: boolean;
  /** Retry transient failures (default: true unless the body is a stream). */
  readonly retry?: boolean;
}

/** Writes a request body itself (the blob copy: chunks it lends, released when written). */
export type BodyWriter = (request: Writable) => void;

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  readonly url: URL;
  readonly stream: IncomingMessage;
  text(): Promise<string>;
  buffer(limit?: number): Promise<Buffer>;
  /** Reads and drops the body so the connection can be reused. */
  discard(): Promise<void>;
  /** Restarts the total deadline with `ms` from now (for a body read as a stream). */
  extendDeadline(ms: number): void;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'DUAT_TIMEOUT',
]);
const MAX_REDIRECTS = 5;
/**
 * The most a buffered answer (a manifest, a tag list, a token, an error) may hold: 4 MiB, the limit
 * distribution's registry puts on manifests it accepts and containerd on manifests it reads.
 */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;
/** The slowest average rate a streamed blob may arrive at, for its deadline: 64 KiB/s. */
export const MIN_BLOB_BYTES_PER_SECOND = 64 * 1024;

export class TimeoutError extends Error {
  readonly code = 'DUAT_TIMEOUT';
}

/** A network failure worth retrying: resets, timeouts, premature ends. */
export function isTransientError(err: unknown): boolean {
  const code = errorCode(err);
  if (code && RETRYABLE_CODES.has(code)) return true;
  const message = errorMessage(err);
  return /socket hang up|premature close|aborted/i.test(message);
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const when = Date.parse(text);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}

/** Describes a request without query or credentials: `GET 127.0.0.1:5000/v2/a/manifests/1.0`. */
export function describeRequest(method: string, url: URL): string {
  return `${method} ${url.host}${url.pathname}`;
}

function formatLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

/** The body, at most `limit` bytes (refused at once when Content-Length says more). */
async function readBody(stream: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const tooLarge = (size: string) => {
    stream.destroy();
    return new RegistryError(`${what}: the answer is ${size}, more than the ${formatLimit(limit)} allowed`);
  };
  const length = Number(stream.headers['content-length'] ?? 'NaN');
  if (Number.isFinite(length) && length > limit) throw tooLarge(`${length} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > limit) throw tooLarge('larger');
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError(`${what}: the answer broke off after ${total} bytes: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return Buffer.concat(chunks);
}

export class Transport {
  readonly options: Required<Omit<TransportOptions, 'log'>> & { log: Logger };
  private httpAgent: HttpAgent | undefined;
  private httpsAgents = new Map<boolean, HttpsAgent>();
  private httpsModule: typeof import('node:https') | undefined;
  /** Requests and bytes of buffered bodies; streamed blob bytes are counted by the blob copy. */
  readonly counters = { requests: 0, bytesSent: 0, bytesReceived: 0, retries: 0 };

  constructor(options: TransportOptions = {}) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 60_000,
      deadlineMs: options.deadlineMs ?? options.timeoutMs ?? 60_000,
      retries: options.retries ?? 4,
      retryBaseMs: options.retryBaseMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 8000,
      maxSockets: options.maxSockets ?? 16,
      userAgent: options.userAgent ?? 'duat',
      log: options.log ?? silentLogger,
    };
  }

  private async agentFor(url: URL, insecure: boolean): Promise<HttpAgent | HttpsAgent> {
    if (url.protocol === 'http:') {
      this.httpAgent ??= new HttpAgent({ keepAlive: true, maxSockets: this.options.maxSockets });
      return this.httpAgent;
    }
    this.httpsModule ??= await import('node:https');
    let agent = this.httpsAgents.get(insecure);
    if (!agent) {
      agent = new this.httpsModule.Agent({
        keepAlive: true,
        maxSockets: this.options.maxSockets,
        rejectUnauthorized: !insecure,
      });
      this.httpsAgents.set(insecure, agent);
    }
    return agent;
  }

  /** Connections of this transport's clients outside the agents (blob-reader.ts), closed with it. */
  private readonly held = new Set<{ destroy(): void }>();

  /** Closes `connection` with the transport, unless the returned function was called first. */
  hold(connection: { destroy(): void }): () => void {
    this.held.add(connection);
    return () => this.held.delete(connection);
  }

  /** Closes idle connections (and held ones) so the process can exit promptly. */
  close(): void {
    for (const connection of this.held) connection.destroy();
    this.held.clear();
    this.httpAgent?.destroy();
    for (const agent of this.httpsAgents.values()) agent.destroy();
    this.httpsAgents.clear();
    this.httpAgent = undefined;
  }

  /** One attempt, no retries, no redirects. */
  async once(req: HttpRequest): Promise<HttpResponse> {
    const agent = await this.agentFor(req.url, req.insecureTls === true);
    const request =
      req.url.protocol === 'https:' ? (this.httpsModule as typeof import('node:https')).request : httpRequest;
    const headers: Record<string, string> = { 'User-Agent': this.options.userAgent, ...req.headers };
    if (Buffer.isBuffer(req.body) && headers['Content-Length'] === undefined) {
      headers['Content-Length'] = String(req.body.length);
    }
    this.counters.requests++;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let response: IncomingMessage | undefined;
      let deadline: NodeJS.Timeout | undefined;
      let ended = false;
      const fail = (err: unknown) => {
        if (deadline) clearTimeout(deadline);
        if (settled) return;
        settled = true;
        reject(err);
      };
      // A timeout ends the exchange wherever it is: waiting for headers or reading the body.
      const cut = (err: TimeoutError) => {
        response?.destroy(err);
        r.destroy(err);
      };
      const startDeadline = (ms: number) => {
        if (deadline) clearTimeout(deadline);
        if (ended) return;
        deadline = setTimeout(() => cut(new TimeoutError(`no complete answer within ${seconds(ms)}`)), ms);
        deadline.unref();
      };
      const r = request(
        req.url,
        { method: req.method, headers, agent, ...(req.insecureTls ? { rejectUnauthorized: false } : {}) },
        (res) => {
          if (settled) {
            res.resume();
            return;
          }
          settled = true;
          response = res;
          const done = () => {
            ended = true;
            if (deadline) clearTimeout(deadline);
          };
          res.once('end', done);
          res.once('close', done);
          // A deadline may cut an answer nobody reads yet: that must not be an uncaught error.
          res.on('error', () => {});
          resolve(this.wrap(res, req, startDeadline));
        },
      );
      r.setTimeout(this.options.timeoutMs, () => {
        cut(new TimeoutError(`nothing arrived for ${seconds(this.options.timeoutMs)}`));
      });
      // The deadline runs from the end of what we send: an upload may take as long as it moves.
      r.once('finish', () => startDeadline(this.options.deadlineMs));
      r.on('error', fail);
      if (req.body === undefined) r.end();
      else if (Buffer.isBuffer(req.body)) {
        this.counters.bytesSent += req.body.length;
        r.end(req.body);
      } else if (typeof req.body === 'function') {
        req.body(r);
      } else {
        const body = req.body;
        body.on('error', (err) => {
          r.destroy(err);
          fail(err);
        });
        body.pipe(r);
      }
    });
  }

  private wrap(res: IncomingMessage, req: HttpRequest, extendDeadline: (ms: number) => void): HttpResponse {
    const readAll = async (limit: number) => {
      const bytes = await readBody(res, limit, describeRequest(req.method, req.url));
      this.counters.bytesReceived += bytes.length;
      return bytes;
    };
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      url: req.url,
      stream: res,
      extendDeadline,
      text: async () => (await readAll(MANIFEST_LIMIT)).toString('utf8'),
      buffer: (limit = MANIFEST_LIMIT) => readAll(limit),
      discard: async () => {
        if (res.readableEnded || res.destroyed) return;
        // Small bodies are drained so the connection goes back to the pool; large ones are cut off.
        const length = Number(res.headers['content-length'] ?? 'NaN');
        if (Number.isFinite(length) && length > 1024 * 1024) {
          res.destroy();
          return;
        }
        let drained = 0;
        await new Promise<void>((resolve) => {
          res.once('end', resolve);
          res.once('close', resolve);
          res.once('error', () => resolve());
          res.on('data', (chunk: Buffer) => {
            drained += chunk.length;
            if (drained > 1024 * 1024) res.destroy();
          });
        });
      },
    };
  }

  /** A request with redirects and retries as the request allows. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const canRetry = req.retry ?? !(req.body !== undefined && !Buffer.isBuffer(req.body));
    const attempts = canRetry ? this.options.retries + 1 : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) this.counters.retries++;
      let res: HttpResponse;
      try {
        res = await this.withRedirects(req);
      } catch (err) {
        lastError = err;
        if (!isTransientError(err) || attempt + 1 >= attempts) break;
        const delay = this.backoff(attempt);
        this.options.log.debug(
          `${describeRequest(req.method, req.url)}: ${errorMessage(err)}; retrying in ${delay} ms`,
        );
        await sleep(delay);
        continue;
      }
      if (isRetryableStatus(res.status) && attempt + 1 < attempts) {
        const delay = Math.min(
          retryAfterMs(res.headers['retry-after']) ?? this.backoff(attempt),
          this.options.maxDelayMs,
        );
        this.options.log.debug(
          `${describeRequest(req.method, req.url)}: HTTP ${res.status}; retrying in ${delay} ms`,
        );
        await res.discard();
        await sleep(delay);
        continue;
      }
      return res;
    }
    throw this.networkError(req, lastError);
  }

  backoff(attempt: number): number {
    const base = this.options.retryBaseMs * 2 ** attempt;
    return Math.min(this.options.maxDelayMs, Math.round(base * (0.75 + Math.random() * 0.5)));
  }

  networkError(req: HttpRequest, err: unknown): RegistryError {
    const code = errorCode(err);
    const what = describeRequest(req.method, req.url);
    let reason = errorMessage(err);
    if (code === 'ECONNREFUSED') reason = 'connection refused';
    else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = `unknown host ${req.url.hostname}`;
    return new RegistryError(`${what}: ${reason}`, {
      registry: req.url.host,
      cause: err,
      hint:
        code === 'ECONNREFUSED' || code === 'ENOTFOUND'
          ? 'check the registry host and port, and that the registry is running'
          : undefined,
    });
  }

  private async withRedirects(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    for (let hop = 0; ; hop++) {
      const res = await this.once(current);
      const location = res.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && location;
      if (!redirect || !req.followRedirects || (req.method !== 'GET' && req.method !== 'HEAD')) return res;
      await res.discard();
      if (hop >= MAX_REDIRECTS) {
        throw new RegistryError(
          `${describeRequest(req.method, req.url)}: more than ${MAX_REDIRECTS} redirects`,
        );
      }
      const next = new URL(location, current.url);
      const headers: Record<string, string> = { ...current.headers };
      if (next.origin !== current.url.origin) {
        // Signed storage URLs carry their own authorization; ours must not leak to another host.
        delete headers.Authorization;
        delete headers.authorization;
      }
      current = { ...current, url: next, headers };
    }
  }
}
