/**
 * Platforms of an image: `OS/ARCH[/VARIANT]` as docker and the OCI image spec write them; which
 * manifests of an index match; an index narrowed to some platforms (a new manifest, so a new digest);
 * and the platform of a single-platform image, from its config.
 */
import { DuatError } from '../core/errors.js';
import type { ManifestHead, RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import {
  type Descriptor,
  MEDIA_TYPES,
  manifestContents,
  type RawManifest,
  sha256Digest,
} from '../registry/manifest.js';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** `linux/arm64`, `linux/arm/v7`: a usage error (exit 2) for anything else. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/i.test(p))) {
    throw new DuatError(`"${text}" is not a platform`, {
      hint: 'write it OS/ARCH[/VARIANT], e.g. linux/arm64',
      exitCode: 2,
    });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return {
    os: os.toLowerCase(),
    architecture: architecture.toLowerCase(),
    ...(variant ? { variant: variant.toLowerCase() } : {}),
  };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Does `have` match `want`? A variant left out of `want` matches any variant. */
export function platformMatches(have: Descriptor['platform'] | undefined, want: Platform): boolean {
  if (!have) return false;
  if (have.os?.toLowerCase() !== want.os || have.architecture?.toLowerCase() !== want.architecture)
    return false;
  return want.variant === undefined || have.variant?.toLowerCase() === want.variant;
}

/** The manifests of an index matching `want`, in the index's order. */
export function matchingManifests(index: RawManifest, want: Platform): Descriptor[] {
  return manifestContents(index).manifests.filter((d) => platformMatches(d.platform, want));
}

/**
 * The index with only the manifests of the given platforms (every other field kept). Each
 * platform must be there. The result is a new manifest: its digest differs from the source's.
 */
export function narrowIndex(index: RawManifest, wants: readonly Platform[]): RawManifest {
  const contents = manifestContents(index);
  if (contents.kind !== 'index')
    throw new DuatError(`${index.digest} is a single-platform image, not an index`);
  for (const want of wants) {
    if (!contents.manifests.some((d) => platformMatches(d.platform, want))) {
      const have = contents.manifests.flatMap((d) =>
        d.platform?.os ? [formatPlatform(d.platform as Platform)] : [],
      );
      throw new DuatError(`the index ${index.digest} has no ${formatPlatform(want)} image`, {
        hint: `it has ${have.join(', ') || 'no platforms'}`,
      });
    }
  }
  const json = JSON.parse(index.bytes.toString('utf8')) as { manifests: Descriptor[] };
  json.manifests = json.manifests.filter((d) => wants.some((w) => platformMatches(d.platform, w)));
  const bytes = Buffer.from(JSON.stringify(json));
  return { mediaType: index.mediaType, digest: sha256Digest(bytes), bytes };
}

/** A config is small; anything this large is not one. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** The platform of a single-platform image, from its config blob. */
export async function imagePlatform(
  client: RegistryClient,
  repository: string,
  image: RawManifest,
): Promise<Platform> {
  const config = manifestContents(image).blobs[0];
  if (
    !config ||
    (config.mediaType !== MEDIA_TYPES.ociConfig && config.mediaType !== MEDIA_TYPES.dockerConfig)
  ) {
    throw new DuatError(
      `${image.digest} is not a container image (its config is ${config?.mediaType ?? 'missing'})`,
    );
  }
  if (config.size > MAX_CONFIG_BYTES)
    throw new DuatError(`the config of ${image.digest} is ${config.size} bytes, too large`);
  const { stream } = await client.openBlob(repository, config.digest);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONFIG_BYTES) {
      stream.destroy();
      throw new DuatError(`the config of ${image.digest} is larger than it says`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  if (sha256Digest(bytes) !== config.digest && config.digest.startsWith('sha256:')) {
    throw new DuatError(`the config of ${image.digest} does not match its digest ${config.digest}`);
  }
  let json: { os?: unknown; architecture?: unknown; variant?: unknown };
  try {
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  } catch {
    throw new DuatError(`the config of ${image.digest} is not valid JSON`);
  }
  if (typeof json.os !== 'string' || typeof json.architecture !== 'string') {
    throw new DuatError(`the config of ${image.digest} names no os and architecture`);
  }
  return {
    os: json.os.toLowerCase(),
    architecture: json.architecture.toLowerCase(),
    ...(typeof json.variant === 'string' ? { variant: json.variant.toLowerCase() } : {}),
  };
}

/**
 * The manifest of one platform of `reference` (an index, or a single image whose config names that
 * platform): its digest and type, or undefined when the image or that platform is not there.
 */
export async function platformExists(
  client: RegistryClient,
  repository: string,
  reference: string,
  want: Platform,
): Promise<ManifestHead | undefined> {
  let top: RawManifest;
  try {
    top = await client.getManifest(repository, reference);
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) return undefined;
    throw err;
  }
  if (manifestContents(top).kind === 'image') {
    const have = await imagePlatform(client, repository, top);
    return platformMatches(have, want)
      ? { digest: top.digest, mediaType: top.mediaType, size: top.bytes.length }
      : undefined;
  }
  const found = matchingManifests(top, want)[0];
  if (!found) return undefined;
  // The index names it; the registry must also have it.
  return client.headManifest(repository, found.digest);
}
