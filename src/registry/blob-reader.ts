/**
 * Blob downloads for copies between registries: one GET on a connection of its own whose socket
 * reads into a few buffers that are used again and again, handed to a sink chunk by chunk, each chunk
 * lent until the sink releases it (once its bytes are hashed and written on).
 *
 * Why hand-written, beside node:http (transport.ts, which serves everything else): node:http gives
 * every 64 KiB read a new buffer and its parser copies the body into another, so a copy of a few
 * hundred MiB leaves as many MiB of garbage that V8 frees only when its external-memory limit
 * (64 MiB) is reached: 95 MiB peak RSS for a 231 MiB image where crane needs 15, and its parser and
 * streams cost twice the CPU of the copy itself. Node's own `onread` option (net and tls) reads into
 * buffers of ours instead; what is left to do by hand is small: write one GET, read the status line
 * and headers, follow redirects (without our Authorization to another host, as transport.ts does),
 * and count Content-Length bytes. Anything else (an answer other than 200 with a Content-Length, or
 * chunked) is left to the node:http path: `open` returns the status and the caller goes that way.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { errorCode, errorMessage } from '../core/errors.js';
import { RegistryError } from './errors.js';
import { describeRequest, TimeoutError } from './transport.js';

/** Takes a chunk on loan: `release` must be called once its bytes are no longer needed. */
export type ChunkSink = (chunk: Buffer, release: () => void) => void;

export interface BlobReaderRequest {
  readonly url: URL;
  /** Sent as they are (Authorization only to the first origin). */
  readonly headers: Readonly<Record<string, string>>;
  readonly insecureTls?: boolean;
  /** Inactivity timeout (ms). */
  readonly timeoutMs: number;
  /** Deadline for the headers (ms); the body gets `bodyDeadlineMs` from when they arrived. */
  readonly deadlineMs: number;
  readonly bodyDeadlineMs: (size: number) => number;
}

/**
 * Buffers per download, one being read into while the others are out with the sink: over TCP a
 * read fills up to 128 KiB; over TLS node hands decrypted bytes on 16 KiB at a time, so more and
 * smaller buffers.
 */
const POOL = { tcp: { count: 4, bytes: 128 * 1024 }, tls: { count: 12, bytes: 16 * 1024 } } as const;
/** A response head larger than this is not a registry's. */
const HEAD_LIMIT = 64 * 1024;
const MAX_REDIRECTS = 5;

interface Head {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function parseHead(text: string, what: string): Head {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!status) throw new RegistryError(`${what}: the answer is not HTTP/1.1`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { status: Number(status[1]), headers };
}

export class BlobReader {
  private readonly pool: Buffer[];
  private readonly bufferBytes: number;
  /** Pool buffers out with the sink. */
  private readonly lent = new Set<Buffer>();
  private head = Buffer.alloc(0);
  private headDone: ((head: Head) => void) | undefined;
  private sink: ChunkSink | undefined;
  /** Body bytes that came before the sink (copies, so nothing to release). */
  private early: Buffer[] = [];
  private remaining = 0;
  private paused = false;
  private finished = false;
  private failure: Error | undefined;
  private settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private readonly socket: Socket;
  private readonly what: string;

  /** Bytes of the body (its Content-Length), once `open` returned the reader. */
  size = -1;

  /** Calls `fn` once the connection is closed. */
  onClose(fn: () => void): void {
    if (this.socket.destroyed) fn();
    else this.socket.once('close', fn);
  }

  private constructor(
    socket: (onread: object) => Socket,
    private readonly request: BlobReaderRequest,
  ) {
    this.what = describeRequest('GET', request.url);
    const pool = request.url.protocol === 'https:' ? POOL.tls : POOL.tcp;
    this.bufferBytes = pool.bytes;
    this.pool = Array.from({ length: pool.count }, () => Buffer.allocUnsafe(pool.bytes));
    // The socket reads into a pool buffer that is not lent; reading pauses before the last one would be.
    const onread = {
      buffer: () => this.freeBuffer(),
      callback: (n: number, buf: Buffer) => this.onRead(n, buf),
    };
    this.socket = socket(onread);
    this.socket.setTimeout(request.timeoutMs, () =>
      this.fail(new TimeoutError(`nothing arrived for ${seconds(request.timeoutMs)}`)),
    );
    this.socket.on('error', (err) => this.fail(err));
    const ended = () => {
      if (!this.finished)
        this.fail(
          Object.assign(new Error('the source closed the connection before the blob ended'), {
            code: 'ECONNRESET',
          }),
        );
    };
    this.socket.on('end', ended);
    this.socket.on('close', ended);
    this.startDeadline(request.deadlineMs);
  }

  /**
   * Sends the GET and reads the answer's head, following redirects. Returns the reader for a 200
   * with a Content-Length; otherwise the status, with the connection closed.
   */
  static async open(request: BlobReaderRequest): Promise<BlobReader | { status: number }> {
    let current = request;
    for (let hop = 0; ; hop++) {
      const reader = await BlobReader.connect(current);
      const head = await reader.readHead();
      const location = head.headers.get('location');
      if ([301, 302, 303, 307, 308].includes(head.status) && location) {
        reader.destroy();
        if (hop >= MAX_REDIRECTS)
          throw new RegistryError(
            `${describeRequest('GET', request.url)}: more than ${MAX_REDIRECTS} redirects`,
          );
        const url = new URL(location, current.url);
        const headers = { ...current.headers };
        // Signed storage URLs carry their own authorization; ours must not leak to another host.
        if (url.origin !== current.url.origin) delete headers.Authorization;
        current = { ...current, url, headers };
        continue;
      }
      if (reader.size < 0) {
        reader.destroy();
        return { status: head.status };
      }
      reader.startDeadline(request.bodyDeadlineMs(reader.size));
      return reader;
    }
  }

  private static async connect(request: BlobReaderRequest): Promise<BlobReader> {
    const { url } = request;
    for (const [name, value] of Object.entries(request.headers)) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value))
        throw new RegistryError(`${describeRequest('GET', url)}: a header holds a line break`);
    }
    const https = url.protocol === 'https:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (https ? 443 : 80));
    const tls = https ? await import('node:tls') : undefined;
    const reader = new BlobReader(
      (onread) =>
        tls
          ? tls.connect({
              host,
              port,
              servername: /^[\d.]+$|:/.test(host) ? undefined : host,
              rejectUnauthorized: request.insecureTls !== true,
              ALPNProtocols: ['http/1.1'],
              onread,
            } as import('node:tls').ConnectionOptions)
          : netConnect({ host, port, onread } as import('node:net').NetConnectOpts),
      request,
    );
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
      'Connection: close',
      '',
      '',
    ];
    reader.socket.write(lines.join('\r\n'));
    return reader;
  }

  private readHead(): Promise<Head> {
    return new Promise<Head>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.settle = { resolve: () => {}, reject };
      this.headDone = (head) => {
        this.settle = undefined;
        resolve(head);
      };
    });
  }

  private startDeadline(ms: number): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = setTimeout(
      () => this.fail(new TimeoutError(`no complete answer within ${seconds(ms)}`)),
      ms,
    );
    this.deadline.unref();
  }

  /** The socket read `n` bytes into `buf`; returning false pauses reading. */
  private onRead(n: number, buf: Buffer): boolean {
    if (this.finished || this.failure) return false;
    if (this.headDone) {
      // The head is copied out: the buffer stays free.
      this.head = Buffer.concat([this.head, buf.subarray(0, n)]);
      const end = this.head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (this.head.length > HEAD_LIMIT)
          this.fail(new RegistryError(`${this.what}: the answer's head is larger than ${HEAD_LIMIT} bytes`));
        return true;
      }
      const done = this.headDone;
      this.headDone = undefined;
      let head: Head;
      try {
        head = parseHead(this.head.subarray(0, end).toString('latin1'), this.what);
      } catch (err) {
        this.fail(err as Error);
        return false;
      }
      const length = head.headers.get('content-length');
      const chunked = /chunked/i.test(head.headers.get('transfer-encoding') ?? '');
      if (head.status === 200 && !chunked && length !== undefined && /^\d+$/.test(length)) {
        this.size = Number(length);
        this.remaining = this.size;
        this.keepEarly(this.head.subarray(end + 4));
      }
      this.head = Buffer.alloc(0);
      done(head);
      // Nothing more is read until the sink comes (pump resumes).
      this.paused = true;
      return false;
    }
    if (!this.sink) {
      // TLS may hand on decrypted bytes after reading paused.
      this.keepEarly(Buffer.from(buf.subarray(0, n)));
      return false;
    }
    const take = Math.min(n, this.remaining);
    this.remaining -= take;
    this.lent.add(buf);
    (this.sink as ChunkSink)(buf.subarray(0, take), () => this.release(buf));
    if (this.remaining === 0) {
      this.complete();
      return false;
    }
    // Read on while another buffer besides the one read into next is free.
    if (this.free() <= 1) {
      this.paused = true;
      return false;
    }
    return true;
  }

  private free(): number {
    return this.pool.length - this.lent.size;
  }

  /**
   * A buffer to read into that is not out with the sink. TLS may hand on bytes after reading paused
   * (what it had decrypted already), so when none is free one more is made: a lent buffer is never
   * read into.
   */
  private freeBuffer(): Buffer {
    const free = this.pool.find((b) => !this.lent.has(b));
    if (free) return free;
    const extra = Buffer.allocUnsafe(this.bufferBytes);
    this.pool.push(extra);
    return extra;
  }

  /** Keeps body bytes that came before the sink (a copy). */
  private keepEarly(chunk: Buffer): void {
    const take = chunk.subarray(0, Math.min(chunk.length, this.remaining));
    this.remaining -= take.length;
    if (take.length > 0) this.early.push(take);
  }

  private release(buf: Buffer): void {
    this.lent.delete(buf);
    if (this.paused && !this.finished && !this.failure && this.free() > 1) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private complete(): void {
    this.finished = true;
    if (this.deadline) clearTimeout(this.deadline);
    this.socket.destroy();
    this.settle?.resolve();
    this.settle = undefined;
  }

  /** Hands every byte of the body to `sink`; resolves once the last one was handed over. */
  pump(sink: ChunkSink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.settle = { resolve, reject };
      this.sink = sink;
      for (const chunk of this.early.splice(0)) sink(chunk, () => {});
      if (this.remaining === 0) this.complete();
      else {
        this.paused = false;
        this.socket.resume();
      }
    });
  }

  private fail(err: Error): void {
    if (this.finished || this.failure) return;
    // One line naming the request; the cause keeps the code that tells a transient fault (a reset,
    // a timeout) from a final one.
    const reason = errorCode(err) === 'ECONNREFUSED' ? 'connection refused' : errorMessage(err);
    this.failure =
      err instanceof RegistryError
        ? err
        : new RegistryError(`${this.what}: ${reason}`, { registry: this.request.url.host, cause: err });
    if (this.deadline) clearTimeout(this.deadline);
    this.socket.destroy();
    this.settle?.reject(this.failure);
    this.settle = undefined;
  }

  /** Closes the connection; with `err`, a pump under way fails with it. */
  destroy(err?: Error): void {
    if (err) this.fail(err);
    else if (!this.finished) {
      this.finished = true;
      if (this.deadline) clearTimeout(this.deadline);
      this.socket.destroy();
    }
  }
}
