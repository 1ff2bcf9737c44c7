/**
 * Blob copies (copyBlob: blob-reader.ts's GET into reused buffers, else node:http) from a source whose
 * bytes the test writes raw on a TCP server of its own (heads cut anywhere, chunked bodies, stalls,
 * errors), into a real registry (Debian's docker-registry). Every copy that succeeds is checked by
 * reading the blob back from the destination; every failure must be one clear error in bounded time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { copyBlob, RegistryClient } from '../../src/registry/client.js';
import { haveRegistryTools, startRegistry, type TestRegistry } from '../helpers/registry.js';

const skip = haveRegistryTools() ? false : 'docker-registry, skopeo and openssl are needed';

const blob = randomBytes(700 * 1024 + 13);
const describe = (b: Buffer) => ({
  digest: `sha256:${createHash('sha256').update(b).digest('hex')}`,
  size: b.length,
});
const desc = describe(blob);
/** Large enough for reading to pause and resume many times over TLS's 16 KiB pieces. */
const tlsBlob = randomBytes(12 * 1024 * 1024 + 5);

/** How the source answers a blob GET: writes on the raw socket. */
type Answer = (socket: Socket) => Promise<void>;

let answer: Answer = async (s) => {
  s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
};
let source: Server;
let sourceHost: string;
let tlsSource: TlsServer;
let tlsHost: string;
let certDir: string | undefined;
let dst: TestRegistry;
const sockets = new Set<Socket>();
/**
 * The Connection header of each blob GET: "close" from blob-reader.ts's own connection,
 * "keep-alive" from node:http's pool (the fallback).
 */
const blobGets: string[] = [];

before(async () => {
  if (skip) return;
  dst = await startRegistry();
  const serve = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1] ?? '';
      if (path.includes('/blobs/')) blobGets.push(/\r\nconnection: *([^\r]*)/i.exec(head)?.[1] ?? '');
      head = '';
      if (path === '/v2/')
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      else answer(socket).catch(() => socket.destroy());
    });
  };
  source = createServer(serve);
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  sourceHost = `127.0.0.1:${(source.address() as { port: number }).port}`;
  // The same source over TLS, with a self-signed certificate (a loopback registry may have one).
  certDir = mkdtempSync(join(tmpdir(), 'duat-blob-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  tlsSource = createTlsServer(
    { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) },
    serve,
  );
  await new Promise<void>((resolve) => tlsSource.listen(0, '127.0.0.1', resolve));
  tlsHost = `127.0.0.1:${(tlsSource.address() as { port: number }).port}`;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (source ? source.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (tlsSource ? tlsSource.close(() => resolve()) : resolve()));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
  await dst?.stop();
});

async function copyInto(
  repository: string,
  timeoutMs = 10_000,
  from = sourceHost,
  what = desc,
): Promise<string> {
  const src = new RegistryClient(from, { timeoutMs, retryBaseMs: 10 });
  const to = new RegistryClient(dst.host);
  try {
    return await copyBlob({ client: src, repository: 'team/app' }, { client: to, repository }, what);
  } finally {
    src.close();
    to.close();
  }
}

async function readBack(repository: string, what = desc): Promise<Buffer> {
  const client = new RegistryClient(dst.host);
  try {
    const { stream } = await client.openBlob(repository, what.digest);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  } finally {
    client.close();
  }
}

test('a head cut into single bytes and a body in odd pieces arrive whole', { skip }, async () => {
  answer = async (s) => {
    for (const ch of `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${blob.length}\r\n\r\n`) {
      s.write(ch);
      await sleep(1);
    }
    for (let at = 0; at < blob.length; at += 77_777) s.write(blob.subarray(at, at + 77_777));
    // Bytes past Content-Length are not the blob's.
    s.end('trailing junk');
  };
  blobGets.length = 0;
  assert.equal(await copyInto('pieces/app'), 'copied');
  assert.deepEqual(blobGets, ['close'], "one GET, on the reader's own connection");
  assert.deepEqual(await readBack('pieces/app'), blob);
});

test('over TLS (a loopback registry with a self-signed certificate) the reader decrypts into its buffers', {
  skip,
}, async () => {
  answer = async (s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${tlsBlob.length}\r\n\r\n`);
    for (let at = 0; at < tlsBlob.length; at += 50_000) s.write(tlsBlob.subarray(at, at + 50_000));
  };
  blobGets.length = 0;
  assert.equal(await copyInto('tls/app', 10_000, tlsHost, describe(tlsBlob)), 'copied');
  assert.deepEqual(blobGets, ['close']);
  assert.ok((await readBack('tls/app', describe(tlsBlob))).equals(tlsBlob));
});

test('a chunked answer (no Content-Length) is copied the node:http way', { skip }, async () => {
  answer = async (s) => {
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let at = 0; at < blob.length; at += 100_000) {
      const piece = blob.subarray(at, at + 100_000);
      s.write(`${piece.length.toString(16)}\r\n`);
      s.write(piece);
      s.write('\r\n');
    }
    s.end('0\r\n\r\n');
  };
  blobGets.length = 0;
  assert.equal(await copyInto('chunked/app'), 'copied');
  assert.deepEqual(blobGets, ['close', 'keep-alive'], 'the reader leaves it, node:http asks again');
  assert.deepEqual(await readBack('chunked/app'), blob);
});

test('a body that stalls is cut by the inactivity timeout, retried, then one clear error', {
  skip,
}, async () => {
  let gets = 0;
  answer = async (s) => {
    gets++;
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${blob.length}\r\n\r\n`);
    s.write(blob.subarray(0, 200_000));
  };
  const started = Date.now();
  await assert.rejects(copyInto('stalled/app', 1000), (err: Error) => {
    assert.match(
      err.message,
      /^GET 127\.0\.0\.1:\d+\/v2\/team\/app\/blobs\/sha256:[0-9a-f]{64}: nothing arrived for 1 s$/,
    );
    return true;
  });
  assert.equal(gets, 3, 'three whole-blob attempts');
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
  const client = new RegistryClient(dst.host);
  try {
    assert.equal(await client.blobExists('stalled/app', desc.digest), false);
  } finally {
    client.close();
  }
});

test('a connection closed mid-body is retried and the copy completes', { skip }, async () => {
  let gets = 0;
  answer = async (s) => {
    gets++;
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${blob.length}\r\n\r\n`);
    if (gets === 1) {
      s.end(blob.subarray(0, 300_000));
      return;
    }
    s.end(blob);
  };
  assert.equal(await copyInto('reset/app'), 'copied');
  assert.equal(gets, 2);
  assert.deepEqual(await readBack('reset/app'), blob);
});

test("a registry's 404 for the blob is its error, not a copy of nothing", { skip }, async () => {
  answer = async (s) => {
    const body = '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}';
    s.write(
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  };
  await assert.rejects(
    copyInto('missing/app'),
    /not found.*BLOB_UNKNOWN|BLOB_UNKNOWN.*not found|blob unknown/i,
  );
});
