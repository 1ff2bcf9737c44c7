/**
 * What refers to a manifest, the three ways registries and tools record it:
 * - the OCI 1.1 referrers API: `GET /v2/<name>/referrers/<digest>` answers an image index of the
 *   manifests whose `subject` is that digest (`artifactType` filter, pages linked by `Link`);
 * - the referrers tag schema, for registries without that API (OCI distribution spec 1.1, "Pushing
 *   Manifests with Subject"): an index tagged `<alg>-<hex>` lists them, and the pusher maintains it;
 * - cosign's tags: `<alg>-<hex>.sig`, `.att` and `.sbom` name signature, attestation and SBOM manifests
 *   (no subject field; the tag is the only link).
 * Hand-written: no maintained JavaScript library speaks these (oras-go, regclient and cosign are Go).
 * Every answer is bounded in size and validated before use.
 */
import { DuatError } from '../core/errors.js';
import { repositoryScope } from './auth.js';
import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { type Descriptor, MEDIA_TYPES, type RawManifest, sha256Digest } from './manifest.js';

/** A descriptor in a referrers list: the OCI descriptor with its artifactType. */
export interface ReferrerDescriptor extends Descriptor {
  readonly artifactType?: string;
}

/** cosign's tag suffixes: signatures, attestations, SBOMs. */
export const COSIGN_SUFFIXES = ['sig', 'att', 'sbom'] as const;

/** A referrers list is an index of descriptors: far below this in practice. */
const MAX_REFERRERS_BYTES = 4 * 1024 * 1024;
/** Pages of one referrers list followed at most. */
const MAX_REFERRERS_PAGES = 100;

const DIGEST = /^(sha256|sha512):([0-9a-f]{64}|[0-9a-f]{128})$/;

/** The referrers tag schema's tag for a digest: `sha256:abc...` -> `sha256-abc...`. */
export function referrersTag(digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw new DuatError(`${digest} is not a sha256 or sha512 digest`);
  return `${m[1]}-${m[2]}`.slice(0, 128);
}

/** cosign's tags for a digest: `sha256-<hex>.sig`, `.att`, `.sbom`. */
export function cosignTags(digest: string): string[] {
  const base = referrersTag(digest);
  return COSIGN_SUFFIXES.map((s) => `${base}.${s}`);
}

/** The digest a referrers-schema or cosign tag points at, or undefined for any other tag. */
export function attachmentTagSubject(
  tag: string,
): { digest: string; kind: 'referrers' | (typeof COSIGN_SUFFIXES)[number] } | undefined {
  const m = /^(sha256)-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/.exec(tag);
  if (!m) return undefined;
  return { digest: `${m[1]}:${m[2]}`, kind: (m[3] as 'sig' | 'att' | 'sbom' | undefined) ?? 'referrers' };
}

function checkReferrer(value: unknown, where: string): ReferrerDescriptor {
  const d = value as ReferrerDescriptor;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.mediaType !== 'string' ||
    typeof d.digest !== 'string' ||
    !DIGEST.test(d.digest) ||
    typeof d.size !== 'number' ||
    !Number.isSafeInteger(d.size) ||
    d.size < 0 ||
    (d.artifactType !== undefined && typeof d.artifactType !== 'string')
  ) {
    throw new DuatError(`${where} has an invalid descriptor`);
  }
  return d;
}

/** The descriptors of an index's bytes, validated. */
export function indexDescriptors(bytes: Buffer, where: string): ReferrerDescriptor[] {
  let json: { manifests?: unknown };
  try {
    json = JSON.parse(bytes.toString('utf8')) as { manifests?: unknown };
  } catch {
    throw new DuatError(`${where} is not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || !Array.isArray(json.manifests)) {
    throw new DuatError(`${where} is not an image index`);
  }
  return json.manifests.map((m) => checkReferrer(m, where));
}

function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(', ') : (header ?? '');
  return /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value)?.[1];
}

/**
 * The referrers API's list for `digest`, every page; undefined when the registry has no referrers
 * API (it answers 404 or 405 with no index, as distribution 2.8 does for an unknown route).
 */
export async function referrersFromApi(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType?: string,
): Promise<ReferrerDescriptor[] | undefined> {
  if (!DIGEST.test(digest)) throw new DuatError(`${digest} is not a sha256 or sha512 digest`);
  const out: ReferrerDescriptor[] = [];
  let path: string | URL = `${repository.split('/').map(encodeURIComponent).join('/')}/referrers/${digest}`;
  let query: Record<string, string> | undefined = artifactType ? { artifactType } : undefined;
  for (let page = 0; page < MAX_REFERRERS_PAGES; page++) {
    const args = {
      method: 'GET',
      path,
      ...(query ? { query } : {}),
      headers: { Accept: MEDIA_TYPES.ociIndex },
      scopes: [repositoryScope(repository, ['pull'])],
      what: `list the referrers of ${repository}@${digest}`,
    };
    const res = await client.request(args);
    const type = String(res.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim();
    if (res.status !== 200 || (type !== MEDIA_TYPES.ociIndex && type !== 'application/json')) {
      if (
        page === 0 &&
        (res.status === 404 || res.status === 405 || res.status === 400 || res.status === 200)
      ) {
        await res.discard();
        return undefined;
      }
      return client.fail(res, args);
    }
    const bytes = await res.buffer(MAX_REFERRERS_BYTES);
    let listed: ReferrerDescriptor[];
    try {
      listed = indexDescriptors(bytes, `the referrers of ${repository}@${digest} from ${client.registry}`);
    } catch (err) {
      if (page === 0 && type === 'application/json') return undefined;
      throw err;
    }
    // A registry that ignores the filter (it says which it applied in OCI-Filters-Applied) is filtered here.
    out.push(...(artifactType ? listed.filter((d) => d.artifactType === artifactType) : listed));
    const link = nextLink(res.headers.link);
    if (!link) return out;
    path = new URL(link, await client.baseUrl());
    query = undefined;
  }
  throw new DuatError(
    `the referrers of ${repository}@${digest} on ${client.registry} run over ${MAX_REFERRERS_PAGES} pages`,
  );
}

/** A manifest by tag, or undefined when the tag does not exist. */
export async function manifestIfTagged(
  client: RegistryClient,
  repository: string,
  tag: string,
): Promise<RawManifest | undefined> {
  if (!(await client.headManifest(repository, tag))) return undefined;
  try {
    return await client.getManifest(repository, tag);
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) return undefined;
    throw err;
  }
}

/** The referrers tag schema's list for `digest` (the `sha256-<hex>` index), [] when there is none. */
export async function referrersFromTag(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<ReferrerDescriptor[]> {
  const index = await manifestIfTagged(client, repository, referrersTag(digest));
  if (!index) return [];
  return indexDescriptors(index.bytes, `${repository}:${referrersTag(digest)} on ${client.registry}`);
}

/**
 * Does the registry serve the referrers API for this repository? Asked once per client and
 * repository (the answer is remembered). ggcr's registry sends no OCI-Subject header on a push, so
 * the endpoint itself is asked, as oras does.
 */
const apiSupport = new WeakMap<RegistryClient, Map<string, Promise<boolean>>>();
export function hasReferrersApi(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<boolean> {
  let byRepo = apiSupport.get(client);
  if (!byRepo) {
    byRepo = new Map();
    apiSupport.set(client, byRepo);
  }
  let answer = byRepo.get(repository);
  if (!answer) {
    answer = referrersFromApi(client, repository, digest).then((list) => list !== undefined);
    byRepo.set(repository, answer);
    answer.catch(() => byRepo?.delete(repository));
  }
  return answer;
}

/** Every referrer of `digest` the registry records: the API's list (when it has one) and the tag schema's. */
export async function listReferrers(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<ReferrerDescriptor[]> {
  const [api, tagged] = await Promise.all([
    referrersFromApi(client, repository, digest),
    referrersFromTag(client, repository, digest),
  ]);
  const seen = new Map<string, ReferrerDescriptor>();
  for (const d of [...(api ?? []), ...tagged]) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}

/** The descriptor a referrers list holds for a manifest: its artifactType (or config type) and annotations. */
export function referrerDescriptor(raw: RawManifest): ReferrerDescriptor {
  let json: {
    artifactType?: unknown;
    config?: { mediaType?: unknown };
    annotations?: unknown;
  } = {};
  try {
    json = JSON.parse(raw.bytes.toString('utf8')) as typeof json;
  } catch {
    // checked by the caller's manifestContents
  }
  const artifactType =
    typeof json.artifactType === 'string'
      ? json.artifactType
      : typeof json.config?.mediaType === 'string'
        ? json.config.mediaType
        : undefined;
  const annotations =
    typeof json.annotations === 'object' && json.annotations !== null
      ? (json.annotations as Record<string, string>)
      : undefined;
  return {
    mediaType: raw.mediaType,
    digest: raw.digest,
    size: raw.bytes.length,
    ...(artifactType ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** The subject digest a manifest names, if any. */
export function subjectOf(raw: RawManifest): string | undefined {
  try {
    const json = JSON.parse(raw.bytes.toString('utf8')) as { subject?: { digest?: unknown } };
    const digest = json.subject?.digest;
    return typeof digest === 'string' && DIGEST.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds `referrer` to the referrers tag schema's index of `subject` (creating it), as the OCI
 * distribution spec asks of a client pushing to a registry without the referrers API. Returns
 * false when the index already listed it.
 */
export async function addToReferrersTag(
  client: RegistryClient,
  repository: string,
  subject: string,
  referrer: ReferrerDescriptor,
): Promise<boolean> {
  const tag = referrersTag(subject);
  const existing = await manifestIfTagged(client, repository, tag);
  const listed = existing
    ? indexDescriptors(existing.bytes, `${repository}:${tag} on ${client.registry}`)
    : [];
  if (listed.some((d) => d.digest === referrer.digest)) return false;
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [...listed, referrer] }),
  );
  await client.putManifest(repository, tag, {
    mediaType: MEDIA_TYPES.ociIndex,
    digest: sha256Digest(bytes),
    bytes,
  });
  return true;
}
