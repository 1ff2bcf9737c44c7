/**
 * Manifests as the registry serves them: OCI image manifests and indexes, Docker schema 2 manifests
 * and manifest lists. A manifest is kept as the exact bytes the registry sent, since its digest is
 * the digest of those bytes; the parsed form only tells which blobs and child manifests it names.
 */
import { createHash } from 'node:crypto';
import { DuatError } from '../core/errors.js';
import { checkDigest, DIGEST_ALGORITHMS } from './digest.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** Everything a manifest GET accepts, indexes first so a multi-platform tag is copied whole. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly platform?: {
    readonly architecture?: string;
    readonly os?: string;
    readonly variant?: string;
  };
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A manifest as fetched: its bytes, media type and digest. */
export interface RawManifest {
  readonly mediaType: string;
  readonly digest: string;
  readonly bytes: Buffer;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}

export function isImageManifestType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociManifest || mediaType === MEDIA_TYPES.dockerManifest;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The digest of `bytes` with the algorithm `expected` uses (sha256 or sha512). */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  if (DIGEST_ALGORITHMS[algorithm] === undefined) {
    throw new DuatError(`unsupported digest algorithm ${algorithm}`);
  }
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Foreign (non-distributable) layers are not copied between registries, as docker and skopeo do. */
export function isForeignLayer(d: Descriptor): boolean {
  return (
    (d.urls !== undefined && d.urls.length > 0) ||
    d.mediaType.includes('.foreign.') ||
    d.mediaType.includes('nondistributable')
  );
}

interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  blobs?: Descriptor[];
  subject?: Descriptor;
}

function parseJson(raw: RawManifest): ManifestJson {
  try {
    const value = JSON.parse(raw.bytes.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as ManifestJson;
  } catch (err) {
    throw new DuatError(`the manifest ${raw.digest} is not valid JSON (${(err as Error).message})`);
  }
}

/** The media type of manifest bytes when the registry did not say (OCI allows it to be absent). */
export function detectMediaType(bytes: Buffer, headerType: string | undefined): string {
  const header = headerType?.split(';')[0]?.trim();
  if (header && header !== 'application/json' && header !== 'text/plain') return header;
  let json: ManifestJson;
  try {
    json = JSON.parse(bytes.toString('utf8')) as ManifestJson;
  } catch {
    return header ?? 'application/octet-stream';
  }
  if (json.mediaType) return json.mediaType;
  if (json.schemaVersion === 1) return MEDIA_TYPES.dockerSchema1;
  if (Array.isArray(json.manifests)) return MEDIA_TYPES.ociIndex;
  return MEDIA_TYPES.ociManifest;
}

/** What a manifest refers to: child manifests (an index) or config and layers (an image). */
export interface ManifestContents {
  readonly kind: 'index' | 'image';
  readonly manifests: readonly Descriptor[];
  /** Config first, then layers; foreign layers left out. */
  readonly blobs: readonly Descriptor[];
}

/**
 * A descriptor of the manifest, checked before anything uses it: an object with a valid digest (see
 * digest.ts) and a size that is a whole number of bytes. `where` names it: `manifest sha256:..., layers[1]`.
 */
function checkDescriptor(d: unknown, where: string): Descriptor {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) {
    throw new DuatError(`${where} is not a descriptor (an object with mediaType, digest and size)`);
  }
  const desc = d as Partial<Descriptor>;
  checkDigest(desc.digest, `${where} digest`);
  if (typeof desc.size !== 'number' || !Number.isSafeInteger(desc.size) || desc.size < 0) {
    throw new DuatError(`${where} has no valid size (a whole number of bytes)`);
  }
  if (desc.mediaType !== undefined && typeof desc.mediaType !== 'string') {
    throw new DuatError(`${where} has a mediaType that is not a string`);
  }
  return { ...desc, mediaType: desc.mediaType ?? '' } as Descriptor;
}

function checkDescriptors(list: unknown, where: string): Descriptor[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new DuatError(`${where} is not a list of descriptors`);
  return list.map((d, i) => checkDescriptor(d, `${where}[${i}]`));
}

export function manifestContents(raw: RawManifest): ManifestContents {
  if (raw.mediaType === MEDIA_TYPES.dockerSchema1 || raw.mediaType === MEDIA_TYPES.dockerSchema1Signed) {
    throw new DuatError(`${raw.digest} is a Docker schema 1 manifest, which is not supported`, {
      hint: 'rebuild and push the image with a current docker or buildkit (schema 2 or OCI)',
    });
  }
  const json = parseJson(raw);
  // Every descriptor is checked, the subject (OCI 1.1 referrers) too, though promote does not copy it.
  if (json.subject !== undefined) checkDescriptor(json.subject, `manifest ${raw.digest}, subject`);
  if (isIndexType(raw.mediaType) || (Array.isArray(json.manifests) && !json.config)) {
    const manifests = checkDescriptors(json.manifests, `index ${raw.digest}, manifests`);
    return { kind: 'index', manifests, blobs: [] };
  }
  const blobs: Descriptor[] = [];
  if (json.config !== undefined) blobs.push(checkDescriptor(json.config, `manifest ${raw.digest}, config`));
  for (const d of checkDescriptors(json.layers, `manifest ${raw.digest}, layers`)) {
    if (!isForeignLayer(d)) blobs.push(d);
  }
  blobs.push(...checkDescriptors(json.blobs, `manifest ${raw.digest}, blobs`));
  return { kind: 'image', manifests: [], blobs };
}
