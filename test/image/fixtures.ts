/**
 * Test images built in the test: tar layers (a tiny ustar writer), gzip, an OCI config and manifest,
 * and two-platform OCI indexes; pushed with our registry client, or written as an OCI layout (for
 * skopeo to copy, as an independent path).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { RegistryClient } from '../../src/registry/client.js';
import { MEDIA_TYPES, type RawManifest, sha256Digest } from '../../src/registry/manifest.js';
import { cleanEnv } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar archive of regular files (sorted, mode 0644, mtime 0) with the two zero blocks at the end. */
export function tarFiles(files: Readonly<Record<string, string | Buffer>>): Buffer {
  const parts: Buffer[] = [];
  for (const name of Object.keys(files).sort()) {
    const data = Buffer.isBuffer(files[name])
      ? (files[name] as Buffer)
      : Buffer.from(files[name] as string, 'utf8');
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write(octal(0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(data.length, 12), 124, 'ascii');
    header.write(octal(0, 12), 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface TestImage {
  readonly manifest: RawManifest;
  readonly config: Buffer;
  /** Config and layers by digest. */
  readonly blobs: ReadonlyMap<string, Buffer>;
  readonly platform: { os: string; architecture: string };
  readonly layerDigests: readonly string[];
}

export interface ImageSpec {
  /** One entry per layer: file name -> content. */
  layers: Readonly<Record<string, string | Buffer>>[];
  platform?: { os: string; architecture: string };
  /** Gzip the layers (default true); false stores plain tar (used for large benchmark layers). */
  gzip?: boolean;
  /** Goes into the config, to make otherwise equal images differ. */
  label?: string;
}

function manifestOf(mediaType: string, value: unknown): RawManifest {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return { mediaType, bytes, digest: sha256Digest(bytes) };
}

export function buildImage(spec: ImageSpec): TestImage {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const gzip = spec.gzip !== false;
  const blobs = new Map<string, Buffer>();
  const layers: { mediaType: string; digest: string; size: number }[] = [];
  const diffIds: string[] = [];
  for (const files of spec.layers) {
    const tar = tarFiles(files);
    diffIds.push(sha256Digest(tar));
    const blob = gzip ? gzipSync(tar, { level: 1 }) : tar;
    const digest = sha256Digest(blob);
    blobs.set(digest, blob);
    layers.push({
      mediaType: gzip ? MEDIA_TYPES.ociLayerGzip : MEDIA_TYPES.ociLayer,
      digest,
      size: blob.length,
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      created: '2019-04-04T00:19:40Z',
      config: { Labels: spec.label ? { 'duat.test': spec.label } : {} },
      rootfs: { type: 'layers', diff_ids: diffIds },
    }),
  );
  const configDigest = sha256Digest(config);
  blobs.set(configDigest, config);
  const manifest = manifestOf(MEDIA_TYPES.ociManifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: configDigest, size: config.length },
    layers,
  });
  return { manifest, config, blobs, platform, layerDigests: layers.map((l) => l.digest) };
}

export interface TestIndex {
  readonly manifest: RawManifest;
  readonly images: readonly TestImage[];
}

export function buildIndex(images: readonly TestImage[]): TestIndex {
  const manifest = manifestOf(MEDIA_TYPES.ociIndex, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: images.map((image) => ({
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.bytes.length,
      platform: image.platform,
    })),
  });
  return { manifest, images };
}

/** A small two-platform index (linux/amd64 and linux/arm64) sharing one base layer. */
export function twoPlatformIndex(label: string): TestIndex {
  const base = { 'etc/os-release': `ID=duat-test\nLABEL=${label}\n` };
  return buildIndex([
    buildImage({
      layers: [base, { 'app/amd64': `amd64 ${label}` }],
      platform: { os: 'linux', architecture: 'amd64' },
      label,
    }),
    buildImage({
      layers: [base, { 'app/arm64': `arm64 ${label}` }],
      platform: { os: 'linux', architecture: 'arm64' },
      label,
    }),
  ]);
}

/** Pushes an image's blobs and manifest with our client (tag, or by digest when no tag). */
export async function pushImage(
  client: RegistryClient,
  repository: string,
  tag: string | undefined,
  image: TestImage,
): Promise<string> {
  for (const [digest, data] of image.blobs) {
    if (await client.blobExists(repository, digest)) continue;
    await client.uploadBlob(repository, { digest, size: data.length }, Readable.from([data]));
  }
  return client.putManifest(repository, tag ?? image.manifest.digest, image.manifest);
}

export async function pushIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  index: TestIndex,
): Promise<string> {
  for (const image of index.images) await pushImage(client, repository, undefined, image);
  return client.putManifest(repository, tag, index.manifest);
}

/** Writes an OCI image layout holding `image` (or an index) under `tag`. */
export function writeOciLayout(dir: string, tag: string, content: TestImage | TestIndex): void {
  const blobsDir = join(dir, 'blobs', 'sha256');
  mkdirSync(blobsDir, { recursive: true });
  const write = (digest: string, data: Buffer) =>
    writeFileSync(join(blobsDir, digest.slice('sha256:'.length)), data);
  const images = 'images' in content ? content.images : [content];
  for (const image of images) {
    for (const [digest, data] of image.blobs) write(digest, data);
    write(image.manifest.digest, image.manifest.bytes);
  }
  write(content.manifest.digest, content.manifest.bytes);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: content.manifest.mediaType,
          digest: content.manifest.digest,
          size: content.manifest.bytes.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
}

/** Runs the built CLI without blocking the event loop (servers of the test keep answering). */
export function runDuatAsync(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; argv0?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.argv0 ?? cliPath, ...args], {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}
