/**
 * A small Kubernetes API client. Cluster access (kubeconfig files, contexts, client certificates,
 * tokens, exec and OIDC plugins, the in-cluster service account) comes from @kubernetes/client-node's
 * KubeConfig; the requests themselves are plain JSON over node:https, so that objects go to the API
 * server exactly as the template wrote them (the library's typed models would drop fields they do not
 * know), server-side apply sends what it should, and watches and log streams are under our control
 * (timeouts, aborts, reconnection).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DuatError, errorMessage } from '../../../core/errors.js';

/** What the API server says when it refuses a request (a metav1.Status). */
export interface ApiStatus {
  readonly kind?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly kind?: string;
    readonly causes?: readonly {
      readonly reason?: string;
      readonly message?: string;
      readonly field?: string;
    }[];
  };
}

/** An HTTP error from the API server, with its Status when it sent one. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ApiStatus | undefined,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
  get reason(): string | undefined {
    return this.body?.reason;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}

/**
 * True for errors that say nothing about the request itself: the API server could not be reached, went
 * away, timed out, is overloaded or starting (5xx, 429). Such a request is worth making again.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.status === 429 || err.status >= 500;
  if (err instanceof DuatError) return false;
  return true;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface StreamOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly signal?: AbortSignal;
  /** The stream is given up (an error) after this long without data. */
  readonly idleTimeoutMs?: number;
  /** Called once the server has answered with success (before any line: a watch may stay silent). */
  readonly onOpen?: () => void;
}

export interface ClusterOptions {
  /** The environment KUBECONFIG and the in-cluster variables are read from. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** A kubeconfig context other than the current one. */
  readonly context?: string;
  /** A kubeconfig file, instead of KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig?: string;
}

type KubeConfigType = import('@kubernetes/client-node').KubeConfig;

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads the cluster configuration: --kubeconfig, else KUBECONFIG (a list of files, merged), else
 * ~/.kube/config, else the in-cluster service account (when git-watch runs as a Deployment). The
 * context is the current one unless `context` names another.
 */
export async function loadKubeConfig(
  options: ClusterOptions = {},
): Promise<{ kc: KubeConfigType; source: string }> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  let source: string;
  try {
    const files = options.kubeconfig
      ? [options.kubeconfig]
      : (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
    const home = env.HOME || homedir();
    if (files.length > 0) {
      kc.loadFromFile(files[0] as string);
      for (const file of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more);
      }
      source = files.join(delimiter);
    } else if (home && existsSync(join(home, '.kube', 'config'))) {
      source = join(home, '.kube', 'config');
      kc.loadFromFile(source);
    } else if (
      env.KUBERNETES_SERVICE_HOST &&
      env.KUBERNETES_SERVICE_PORT &&
      existsSync(SERVICE_ACCOUNT_TOKEN)
    ) {
      const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
      process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
      process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
      try {
        kc.loadFromCluster();
      } finally {
        if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
        else process.env.KUBERNETES_SERVICE_HOST = saved.host;
        if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
        else process.env.KUBERNETES_SERVICE_PORT = saved.port;
      }
      source = 'the in-cluster service account';
    } else {
      throw new DuatError('no Kubernetes cluster is configured', {
        exitCode: 2,
        hint: 'set KUBECONFIG (or --kubeconfig), or make ~/.kube/config (microk8s: microk8s config > ~/.kube/config); inside a cluster git-watch uses its service account',
      });
    }
  } catch (err) {
    if (err instanceof DuatError) throw err;
    throw new DuatError(`cannot read the Kubernetes configuration: ${errorMessage(err)}`, {
      cause: err,
      exitCode: 2,
    });
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context)) {
      throw new DuatError(`the Kubernetes configuration (${source}) has no context ${options.context}`, {
        exitCode: 2,
        hint: `known contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        }`,
      });
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new DuatError(`the Kubernetes configuration (${source}) has no current cluster`, {
      exitCode: 2,
      hint: 'choose a context with --context, or kubectl config use-context NAME',
    });
  }
  return { kc, source };
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseStatus(text: string): ApiStatus | undefined {
  try {
    const value = JSON.parse(text) as ApiStatus;
    return value && typeof value === 'object' && value.kind === 'Status' ? value : undefined;
  } catch {
    return undefined;
  }
}

export class KubeClient {
  readonly server: string;
  readonly context: string;

  constructor(
    readonly kc: KubeConfigType,
    /** Where the configuration came from, for messages. */
    readonly source: string,
  ) {
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.context = kc.getCurrentContext();
  }

  static async connect(options: ClusterOptions = {}): Promise<KubeClient> {
    const { kc, source } = await loadKubeConfig(options);
    return new KubeClient(kc, source);
  }

  private async open(
    method: string,
    path: string,
    query: RequestOptions['query'],
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ req: http.ClientRequest; url: URL }> {
    const url = new URL(`${this.server}${path}${queryString(query)}`);
    const options: https.RequestOptions = { method, headers: { ...headers } };
    await this.kc.applyToHTTPSOptions(options);
    options.headers = { ...(options.headers as Record<string, string>), ...headers };
    const transport = url.protocol === 'http:' ? http : https;
    if (url.protocol === 'http:') delete options.agent;
    const req = transport.request(url, { ...options, signal });
    return { req, url };
  }

  /** One request; the JSON answer, or a KubeApiError. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const { req } = await this.open(method, path, options.query, headers, options.signal);
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<T>((resolve, reject) => {
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`no answer from the API server ${this.server} in ${timeoutMs / 1000}s`)),
      );
      req.on('error', (err) => reject(new Error(`${method} ${path}: ${errorMessage(err)}`, { cause: err })));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => reject(err));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve((text ? JSON.parse(text) : {}) as T);
            } catch (err) {
              reject(
                new Error(
                  `${method} ${path}: the API server sent something that is not JSON: ${errorMessage(err)}`,
                ),
              );
            }
            return;
          }
          const body = parseStatus(text);
          reject(new KubeApiError(status, body?.message ?? (text.trim() || `HTTP ${status}`), body));
        });
      });
      req.end(payload);
    });
  }

  /**
   * A streamed GET (a watch, a log): `onLine` gets each line as it arrives. Resolves when the server
   * ends the stream; rejects on an HTTP error (a KubeApiError), a broken connection, or silence longer
   * than `idleTimeoutMs`. Aborting `signal` resolves it.
   */
  async stream(path: string, onLine: (line: string) => void, options: StreamOptions = {}): Promise<void> {
    if (options.signal?.aborted) return;
    const { req } = await this.open(
      'GET',
      path,
      options.query,
      { Accept: 'application/json, */*' },
      options.signal,
    );
    const idleMs = options.idleTimeoutMs ?? 90_000;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        if (err === undefined || options.signal?.aborted) resolve();
        else reject(err);
      };
      let idle = setTimeout(
        () => req.destroy(new Error(`no data from the API server for ${idleMs / 1000}s`)),
        idleMs,
      );
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => req.destroy(new Error(`no data from the API server for ${idleMs / 1000}s`)),
          idleMs,
        );
      };
      req.on('error', (err) => settle(err));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const body = parseStatus(text);
            settle(new KubeApiError(status, body?.message ?? (text.trim() || `HTTP ${status}`), body));
          });
          res.on('error', (err) => settle(err));
          return;
        }
        options.onOpen?.();
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          touch();
          rest += chunk;
          let newline = rest.indexOf('\n');
          while (newline >= 0) {
            const line = rest.slice(0, newline);
            rest = rest.slice(newline + 1);
            try {
              onLine(line);
            } catch (err) {
              req.destroy(err as Error);
              return;
            }
            newline = rest.indexOf('\n');
          }
        });
        res.on('end', () => {
          if (rest !== '') onLine(rest);
          settle();
        });
        res.on('aborted', () => settle(new Error('the API server closed the stream')));
        res.on('error', (err) => settle(err));
      });
      req.end();
    });
  }
}

/** `KubeApiError` as one line: the API server's message and, for invalid objects, each cause. */
export function describeApiError(err: unknown): string {
  if (!(err instanceof KubeApiError)) return errorMessage(err);
  const causes = err.body?.details?.causes ?? [];
  const message = err.body?.message ?? err.message;
  // An Invalid status repeats its causes in the message: keep the message only.
  if (causes.length === 0 || message.includes(causes[0]?.message ?? '\u0000'))
    return `${message} (HTTP ${err.status})`;
  const listed = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? ''))).join('; ');
  return `${message}: ${listed} (HTTP ${err.status})`;
}
