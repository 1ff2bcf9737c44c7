/**
 * Promotion: the tested pre-release image becomes the release, without a Docker daemon.
 *
 * - Within one repository: the manifest is read and stored again under the new tag. No blob moves.
 * - Within one registry: blobs are mounted from the source repository (no bytes move), then the
 *   manifests are stored.
 * - Across registries: blobs the destination lacks stream from the source GET straight into the
 *   destination upload (several at once, never held in memory or on disk in full), then the
 *   manifests are stored, children of an index first.
 *
 * The manifests are copied byte for byte, so the destination digest equals the source's; the
 * registry's answer is checked against it. A destination tag that already names another digest is
 * left alone unless `force`. `platforms` narrows an index to some platforms: a new index, so a new
 * digest (the platform manifests keep theirs).
 *
 * What is attached to the image and to each of its platform manifests (signatures, SBOMs,
 * attestations: see attached.ts) comes along unless `referrers` is false; within one repository it
 * is there already.
 */
import { DuatError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { repositoryScope } from '../registry/auth.js';
import {
  type BlobCopyResult,
  copyBlob,
  type RegistryClient,
  type RegistryClientOptions,
  RegistryClients,
} from '../registry/client.js';
import { ecrEnsureRepository, parseEcrHost } from '../registry/ecr.js';
import { isNotFound } from '../registry/errors.js';
import { type Descriptor, manifestContents, type RawManifest } from '../registry/manifest.js';
import { mapLimit } from '../registry/parallel.js';
import { type CopyProgress, noProgress } from '../registry/progress.js';
import { formatReference, type ImageReference, parseReference } from '../registry/reference.js';
import { parsePrerelease, sanitizeBranch } from '../version/prerelease.js';
import { formatVersion, parseVersion, type Version, withPrerelease } from '../version/semver.js';
import { type AttachmentCopy, copyAttachments, findAttachments } from './attached.js';
import type { ImageNameOptions } from './naming.js';
import { formatPlatform, imagePlatform, narrowIndex, type Platform, platformMatches } from './platform.js';

export interface PromoteOptions extends RegistryClientOptions {
  /** The image to promote: a reference with a tag or digest. */
  readonly source: string | ImageReference;
  /** Where it goes: a reference with a tag (without one: the source's release version, or its tag). */
  readonly destination: string | ImageReference;
  /** Replace a destination tag that names another digest. */
  readonly force?: boolean;
  /** Blobs copied at once. Default 6. */
  readonly jobs?: number;
  /** Reuse clients (and their tokens and connections). */
  readonly clients?: RegistryClients;
  readonly progress?: (blobs: number, bytes: number) => CopyProgress;
  /** Create a missing ECR repository before pushing (the original did). Default true. */
  readonly createEcrRepository?: boolean;
  /** Copy what is attached (referrers, cosign tags). Default true. */
  readonly referrers?: boolean;
  /** Only these platforms of an index, into a new index; default all. */
  readonly platforms?: readonly Platform[];
  readonly log?: Logger;
}

export interface PromoteResult {
  readonly source: string;
  readonly destination: string;
  readonly digest: string;
  readonly mediaType: string;
  /** Manifests stored at the destination (0 when it already had the image). */
  readonly manifestsPushed: number;
  readonly blobs: { readonly total: number } & Readonly<Record<BlobCopyResult, number>>;
  /** Layer and config bytes that moved between registries. */
  readonly bytesCopied: number;
  /** True when the destination tag already named this digest. */
  readonly unchanged: boolean;
  /** The digest the destination tag named before, when `force` replaced it. */
  readonly replaced: string | undefined;
  readonly how: 'same repository' | 'same registry' | 'across registries';
  /** The source's digest (differs from `digest` when `platforms` made a new index). */
  readonly sourceDigest: string;
  /** What came along: undefined when not asked for or within one repository. */
  readonly attached: AttachmentCopy | undefined;
}

function toReference(value: string | ImageReference): ImageReference {
  return typeof value === 'string' ? parseReference(value) : value;
}

/** The version a tag holds ('_' read as the '+' of build metadata), or undefined. */
function tagVersion(tag: string): Version | undefined {
  for (const candidate of [tag, tag.replace('_', '+')]) {
    try {
      return parseVersion(candidate);
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * The destination tag when none is given: the source tag with its pre-release cleared
 * (`0.1.0-89-bzip2-aaaagjecpnf` -> `0.1.0`; build metadata kept as `_BUILD`), else the same tag.
 */
export function defaultDestinationTag(source: ImageReference): string {
  if (!source.tag) {
    throw new DuatError(
      `the destination needs a tag: the source ${formatReference(source)} has none to derive it from`,
      {
        exitCode: 2,
      },
    );
  }
  const v = tagVersion(source.tag);
  if (!v || v.prerelease === '') return source.tag;
  return formatVersion(withPrerelease(v, '')).replace(/\+/g, '_');
}

export interface PromotionOptions extends ImageNameOptions, RegistryClientOptions {
  /** The source reference; default: the conventions' name in `registry` (see resolveImageName). */
  readonly source?: string;
  /** The destination reference; default: the source's repository in `releaseRegistry`, release tag. */
  readonly destination?: string;
  /** Registry for the default destination: a host, or 'ecr' (the default, as the original). */
  readonly releaseRegistry?: string;
  /** When the version file holds a release: the branch whose newest pre-release is promoted. */
  readonly branch?: string;
  readonly clients?: RegistryClients;
}

export interface Promotion {
  readonly source: ImageReference;
  readonly destination: ImageReference;
  /** How the defaults were chosen, for the log. */
  readonly notes: readonly string[];
}

/**
 * Source and destination of a promotion, from the arguments or the conventions: the source is the
 * image of the current version (a pre-release); when the version file already holds the release
 * (`semver patch` cleared the pre-release), the newest pre-release of that version in the source
 * repository is found by its stamp, on the current branch (or `branch`) when it has one.
 */
export async function resolvePromotion(options: PromotionOptions): Promise<Promotion> {
  const notes: string[] = [];
  let source: ImageReference;
  // The conventions (git, version files) are loaded only when a reference is left out.
  const naming = () => import('./naming.js');
  if (options.source) source = parseReference(options.source);
  else {
    const name = await (await naming()).resolveImageName(options);
    source = parseReference(name.reference);
    if (!name.prerelease) {
      const clients = options.clients ?? new RegistryClients(options);
      let tags: string[];
      try {
        tags = await clients.get(source.registry).listTags(source.repository);
      } finally {
        if (!options.clients) clients.close();
      }
      const release = name.version;
      const candidates = tags
        .map((tag) => ({ tag, pre: parsePrerelease(tag) ?? parsePrerelease(tag.replace('_', '+')) }))
        .filter((c) => c.pre !== undefined && c.pre.release === release.split('+')[0]);
      if (candidates.length === 0) {
        throw new DuatError(
          `${formatReference(source)} is a release and ${source.registry}/${source.repository} has no pre-release of ${release} to promote`,
          {
            hint: 'name the source image: duat image promote SRC [DST]',
          },
        );
      }
      let branch = options.branch;
      if (branch === undefined) {
        const { gitInfo } = await import('../git/info.js');
        try {
          branch = gitInfo({ dir: options.gitDir ?? options.module ?? '.', env: options.env }).branch;
        } catch {
          branch = undefined;
        }
      }
      const onBranch = branch
        ? candidates.filter((c) => c.pre?.branch === sanitizeBranch(branch as string))
        : [];
      const branches = [...new Set(candidates.map((c) => c.pre?.branch))];
      let pool = onBranch;
      if (pool.length === 0) {
        if (options.branch !== undefined || branches.length > 1) {
          throw new DuatError(
            `no pre-release of ${release} on branch ${branch ?? '(none)'}; there are some on ${branches.join(', ')}`,
            { hint: 'choose one with --branch NAME, or name the source image' },
          );
        }
        pool = candidates;
      }
      pool.sort((a, b) => Number((b.pre?.unixSeconds ?? 0n) - (a.pre?.unixSeconds ?? 0n)));
      const chosen = pool[0] as { tag: string };
      notes.push(
        `the version file holds the release ${release}: promoting its newest pre-release ${chosen.tag}`,
      );
      source = { registry: source.registry, repository: source.repository, tag: chosen.tag };
    }
  }
  let destination: ImageReference;
  if (options.destination) {
    destination = parseReference(options.destination);
    if (!destination.tag && !destination.digest)
      destination = { ...destination, tag: defaultDestinationTag(source) };
  } else {
    let registry: string;
    try {
      registry = await (await naming()).resolveRegistry(options.releaseRegistry ?? 'ecr', options.env);
    } catch (err) {
      if (!(err instanceof DuatError) || (options.releaseRegistry ?? 'ecr') !== 'ecr') throw err;
      throw new DuatError(`the release registry is the AWS account's ECR, and ${err.message}`, {
        hint: `${err.hint ? `${err.hint}; ` : ''}or name another with --release-registry HOST (or DST)`,
        cause: err,
      });
    }
    destination = { registry, repository: source.repository, tag: defaultDestinationTag(source) };
  }
  return { source, destination, notes };
}

interface ManifestNode {
  readonly raw: RawManifest;
  readonly children: ManifestNode[];
  readonly blobs: readonly Descriptor[];
}

/** Reads a manifest and, for an index, every child manifest (recursively). */
async function readTree(
  client: RegistryClient,
  repository: string,
  raw: RawManifest,
  depth = 0,
): Promise<ManifestNode> {
  if (depth > 4) throw new DuatError(`the index ${raw.digest} nests more than 4 levels deep`);
  const contents = manifestContents(raw);
  const children = await mapLimit(contents.manifests, 8, async (d) => {
    let child: RawManifest;
    try {
      child = await client.getManifest(repository, d.digest);
    } catch (err) {
      throw new DuatError(
        `the index ${raw.digest} names ${d.digest}${d.platform ? ` (${d.platform.os}/${d.platform.architecture})` : ''}, which the source cannot give: ${(err as Error).message}`,
      );
    }
    return readTree(client, repository, child, depth + 1);
  });
  return { raw, children, blobs: contents.blobs };
}

function leaf(raw: RawManifest): ManifestNode {
  return { raw, children: [], blobs: [] };
}

/**
 * The manifest to store: the source's, or for `platforms` a new index of only those. A
 * single-platform image is taken when its config names one of them.
 */
async function selectPlatforms(
  client: RegistryClient,
  repository: string,
  top: RawManifest,
  platforms: readonly Platform[] | undefined,
): Promise<RawManifest> {
  if (!platforms || platforms.length === 0) return top;
  if (manifestContents(top).kind === 'index') return narrowIndex(top, platforms);
  const have = await imagePlatform(client, repository, top);
  if (platforms.some((p) => platformMatches(have, p))) return top;
  throw new DuatError(
    `${top.digest} is a single-platform image for ${formatPlatform(have)}, not one of the platforms asked for`,
  );
}

function flatten(node: ManifestNode, out: ManifestNode[] = []): ManifestNode[] {
  for (const child of node.children) flatten(child, out);
  out.push(node);
  return out;
}

/** Copies an image (or a multi-platform index with every child) to the release reference. */
export async function promoteImage(options: PromoteOptions): Promise<PromoteResult> {
  const log = options.log ?? silentLogger;
  const source = toReference(options.source);
  let destination = toReference(options.destination);
  if (!source.tag && !source.digest) {
    throw new DuatError(`the source ${formatReference(source)} needs a tag or a digest`, { exitCode: 2 });
  }
  if (destination.digest && !destination.tag) {
    throw new DuatError(`the destination ${formatReference(destination)} must be a tag, not a digest`, {
      exitCode: 2,
    });
  }
  if (!destination.tag) destination = { ...destination, tag: defaultDestinationTag(source) };
  const dstTag = destination.tag as string;
  const srcRef = (source.digest ?? source.tag) as string;

  const clients = options.clients ?? new RegistryClients(options);
  const src = clients.get(source.registry);
  const dst = clients.get(destination.registry);
  const sameRegistry = src.sameRegistry(dst);
  const sameRepository = sameRegistry && source.repository === destination.repository;
  const how = sameRepository ? 'same repository' : sameRegistry ? 'same registry' : 'across registries';
  // One token each: pull on the source, push on the destination.
  src.want([repositoryScope(source.repository, ['pull'])]);
  dst.want([repositoryScope(destination.repository, ['pull', 'push'])]);

  try {
    const [sourceTop, existing] = await Promise.all([
      src.getManifest(source.repository, srcRef).catch((err: unknown) => {
        if (isNotFound(err)) {
          throw new DuatError(`the source image ${formatReference(source)} does not exist`, {
            hint: 'check the tag (duat image name prints the conventional one) and the registry',
            cause: err,
          });
        }
        throw err;
      }),
      dst.headManifest(destination.repository, dstTag),
    ]);
    const top = await selectPlatforms(src, source.repository, sourceTop, options.platforms);
    const narrowed = top.digest !== sourceTop.digest;
    // What is attached to each manifest copied; the source index's own attachments name a digest
    // the narrowed index does not have.
    const bringAttached = async (nodes: readonly ManifestNode[]): Promise<AttachmentCopy | undefined> => {
      if (options.referrers === false || sameRepository) return undefined;
      const digests = nodes.filter((n) => !(narrowed && n.raw === top)).map((n) => n.raw.digest);
      const attachments = await findAttachments(src, source.repository, digests, { jobs: options.jobs ?? 6 });
      const copy = await copyAttachments(
        { client: src, repository: source.repository },
        { client: dst, repository: destination.repository },
        attachments,
        { jobs: options.jobs ?? 6 },
      );
      for (const note of copy.notes) log.info(note);
      return copy;
    };
    const result = {
      source: `${formatReference({ ...source, digest: top.digest })}`,
      destination: formatReference(destination),
      digest: top.digest,
      mediaType: top.mediaType,
      how,
      sourceDigest: sourceTop.digest,
    } as const;
    if (existing && existing.digest === top.digest) {
      log.debug(`${formatReference(destination)} already names ${top.digest}`);
      const attached = await bringAttached(
        flatten(sameRepository ? leaf(top) : await readTree(src, source.repository, top)),
      );
      return {
        ...result,
        attached,
        manifestsPushed: 0,
        blobs: { total: 0, exists: 0, mounted: 0, copied: 0 },
        bytesCopied: 0,
        unchanged: true,
        replaced: undefined,
      };
    }
    if (existing && !options.force) {
      throw new DuatError(
        `${formatReference(destination)} already names ${existing.digest}, not the source's ${top.digest}`,
        { hint: 'a release tag is not moved silently: pass --force to replace it' },
      );
    }

    const counts: Record<BlobCopyResult, number> = { exists: 0, mounted: 0, copied: 0 };
    let bytesCopied = 0;
    let manifestsPushed = 0;
    const tree = sameRepository ? leaf(top) : await readTree(src, source.repository, top);
    const nodes = flatten(tree);
    const blobs = new Map<string, Descriptor>();
    for (const node of nodes) for (const b of node.blobs) blobs.set(b.digest, b);

    const ecr = parseEcrHost(destination.registry);
    if (ecr && options.createEcrRepository !== false && !sameRepository) {
      const made = await ecrEnsureRepository(ecr, destination.repository, {
        env: options.env,
        ...options.ecr,
      });
      if (made === 'created') log.info(`created the ECR repository ${destination.repository}`);
    }

    const totalBytes = [...blobs.values()].reduce((n, b) => n + b.size, 0);
    const progress = sameRegistry ? noProgress : (options.progress?.(blobs.size, totalBytes) ?? noProgress);
    try {
      // Largest first: the longest copy starts at once, the small ones fill in beside it.
      const bySize = [...blobs.values()].sort((x, y) => y.size - x.size);
      await mapLimit(bySize, options.jobs ?? 6, async (desc, _, signal) => {
        const outcome = await copyBlob(
          { client: src, repository: source.repository },
          { client: dst, repository: destination.repository },
          desc,
          { onProgress: (p) => progress.update(p), signal },
        );
        counts[outcome]++;
        if (outcome === 'copied') bytesCopied += desc.size;
        progress.blobDone();
        log.debug(`${desc.digest} (${desc.size} bytes): ${outcome}`);
      });
    } finally {
      progress.done();
    }

    // Children first (by digest), so the index (by tag) only names manifests that exist.
    for (const node of nodes) {
      if (node === tree) continue;
      if (sameRepository) continue;
      await dst.putManifest(destination.repository, node.raw.digest, node.raw);
      manifestsPushed++;
    }
    const digest = await dst.putManifest(destination.repository, dstTag, top);
    manifestsPushed++;
    if (digest !== top.digest) {
      throw new DuatError(`${formatReference(destination)} was stored as ${digest}, not ${top.digest}`);
    }
    const attached = await bringAttached(nodes);
    return {
      ...result,
      attached,
      manifestsPushed,
      blobs: { total: blobs.size, ...counts },
      bytesCopied,
      unchanged: false,
      replaced: existing?.digest,
    };
  } finally {
    if (!options.clients) clients.close();
  }
}
