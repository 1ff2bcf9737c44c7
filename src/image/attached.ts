/**
 * What is attached to an image: signatures, SBOMs and attestations, found the ways registries and
 * tools record them (see ../registry/referrers.ts), recursively (a signature of an SBOM), and copied
 * along with the image by promote (findAttachments, copyAttachments) or deleted with it by prune.
 *
 * On the destination a referrer (a manifest with a subject) is pushed by digest; where the registry
 * has no referrers API the `sha256-<hex>` index tag of its subject is kept up to date, as the OCI
 * distribution spec asks. A cosign tag is pushed under its tag; one that already names other content
 * is replaced only when it holds nothing the source's lacks (cosign appends signatures as layers), so
 * a signature made on the destination is never lost.
 */
import { DuatError } from '../core/errors.js';
import { copyBlob, type RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { type Descriptor, manifestContents, type RawManifest } from '../registry/manifest.js';
import { mapLimit } from '../registry/parallel.js';
import {
  addToReferrersTag,
  cosignTags,
  hasReferrersApi,
  listReferrers,
  manifestIfTagged,
  referrerDescriptor,
  referrersTag,
  subjectOf,
} from '../registry/referrers.js';

export interface Attachment {
  /** The digest it is attached to. */
  readonly subject: string;
  /** How it was found: a referrer (subject field), or cosign's tag with this suffix. */
  readonly via: 'referrer' | 'sig' | 'att' | 'sbom';
  /** cosign's tag naming it (via sig, att, sbom). */
  readonly tag?: string;
  readonly manifest: RawManifest;
  readonly artifactType?: string;
  /** Attachments of attachments are one deeper. */
  readonly depth: number;
}

/** Attachments followed at most from one image (a hang or a loop is an error, not a long wait). */
const MAX_ATTACHMENTS = 1000;
const MAX_DEPTH = 8;

export interface FindOptions {
  /** The repository's tags, when known (saves looking up cosign and referrers tags one by one). */
  readonly tags?: ReadonlySet<string>;
  readonly jobs?: number;
}

/** The repository's tags; none when the registry answers 404 (no tag list); other errors fail. */
async function tagsOrNone(client: RegistryClient, repository: string): Promise<string[]> {
  try {
    return await client.listTags(repository);
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) return [];
    throw err;
  }
}

/**
 * Everything attached to `digests` in `repository`, breadth first (what an attachment is attached
 * to comes before it), each manifest once.
 */
export async function findAttachments(
  client: RegistryClient,
  repository: string,
  digests: readonly string[],
  options: FindOptions = {},
): Promise<Attachment[]> {
  const tags = options.tags ?? new Set(await tagsOrNone(client, repository));
  const seen = new Set<string>(digests);
  const out: Attachment[] = [];
  let level = [...new Set(digests)];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth >= MAX_DEPTH) {
      throw new DuatError(
        `what is attached to ${digests[0]} in ${repository} nests more than ${MAX_DEPTH} deep`,
      );
    }
    const found = await mapLimit(level, options.jobs ?? 6, async (subject) => {
      const here: Attachment[] = [];
      const api = await hasReferrersApi(client, repository, subject);
      const listed =
        api || tags.has(referrersTag(subject)) ? await listReferrers(client, repository, subject) : [];
      for (const d of listed) {
        const manifest = await client.getManifest(repository, d.digest);
        // The manifest's own artifactType: go-containerregistry's list gives its config's type instead.
        const artifactType = referrerDescriptor(manifest).artifactType ?? d.artifactType;
        here.push({ subject, via: 'referrer', manifest, depth, ...(artifactType ? { artifactType } : {}) });
      }
      for (const tag of cosignTags(subject)) {
        if (!tags.has(tag)) continue;
        const manifest = await manifestIfTagged(client, repository, tag);
        if (!manifest) continue;
        here.push({
          subject,
          via: tag.slice(tag.lastIndexOf('.') + 1) as 'sig' | 'att' | 'sbom',
          tag,
          manifest,
          depth,
        });
      }
      return here;
    });
    level = [];
    for (const a of found.flat()) {
      if (seen.has(a.manifest.digest)) continue;
      seen.add(a.manifest.digest);
      out.push(a);
      level.push(a.manifest.digest);
      if (out.length > MAX_ATTACHMENTS) {
        throw new DuatError(
          `more than ${MAX_ATTACHMENTS} manifests are attached to ${digests[0]} in ${repository}`,
        );
      }
    }
  }
  return out;
}

export interface AttachmentCopy {
  readonly found: number;
  /** Manifests stored at the destination. */
  readonly copied: number;
  /** Already there (same digest, same tag). */
  readonly present: number;
  /** Layer and config bytes that moved. */
  readonly bytesCopied: number;
  /** What was left alone, and why. */
  readonly notes: readonly string[];
}

interface Endpoint {
  readonly client: RegistryClient;
  readonly repository: string;
}

/** A manifest and, for an index, its child manifests, children first. */
async function manifestTree(src: Endpoint, raw: RawManifest, depth = 0): Promise<RawManifest[]> {
  if (depth > 4) throw new DuatError(`the index ${raw.digest} nests more than 4 levels deep`);
  const out: RawManifest[] = [];
  for (const child of manifestContents(raw).manifests) {
    out.push(
      ...(await manifestTree(src, await src.client.getManifest(src.repository, child.digest), depth + 1)),
    );
  }
  out.push(raw);
  return out;
}

function layerDigests(raw: RawManifest): Set<string> {
  return new Set(manifestContents(raw).blobs.map((b) => b.digest));
}

/**
 * Copies attachments (from findAttachments, in its order) to the destination repository. The
 * images they are attached to must be there already.
 */
export async function copyAttachments(
  src: Endpoint,
  dst: Endpoint,
  attachments: readonly Attachment[],
  options: { readonly jobs?: number } = {},
): Promise<AttachmentCopy> {
  let copied = 0;
  let present = 0;
  let bytesCopied = 0;
  const notes: string[] = [];
  const indexUpdates = new Map<string, Promise<unknown>>();
  const copyOne = async (a: Attachment): Promise<void> => {
    const exists = a.tag
      ? await dst.client.headManifest(dst.repository, a.tag)
      : await dst.client.headManifest(dst.repository, a.manifest.digest);
    if (exists?.digest === a.manifest.digest) {
      present++;
    } else if (a.tag && exists) {
      const theirs = await dst.client.getManifest(dst.repository, a.tag);
      const ours = layerDigests(a.manifest);
      if (![...layerDigests(theirs)].every((d) => ours.has(d))) {
        notes.push(
          `${dst.repository}:${a.tag} holds content the source's does not (signed at the destination?); left it alone`,
        );
        return;
      }
    }
    if (exists?.digest !== a.manifest.digest) {
      const nodes = await manifestTree(src, a.manifest);
      const blobs = new Map<string, Descriptor>();
      for (const n of nodes) for (const b of manifestContents(n).blobs) blobs.set(b.digest, b);
      await mapLimit([...blobs.values()], options.jobs ?? 6, async (desc, _, signal) => {
        if ((await copyBlob(src, dst, desc, { signal })) === 'copied') bytesCopied += desc.size;
      });
      for (const n of nodes) {
        const reference = n === a.manifest && a.tag ? a.tag : n.digest;
        await dst.client.putManifest(dst.repository, reference, n);
      }
      copied++;
    }
    const subject = subjectOf(a.manifest);
    if (subject && !(await hasReferrersApi(dst.client, dst.repository, subject))) {
      // One read-modify-write of a subject's index at a time.
      const update = (indexUpdates.get(subject) ?? Promise.resolve()).then(() =>
        addToReferrersTag(dst.client, dst.repository, subject, referrerDescriptor(a.manifest)),
      );
      indexUpdates.set(
        subject,
        update.catch(() => undefined),
      );
      await update;
    }
  };
  // One depth at a time (what an attachment is attached to is stored before it), several at once.
  const depths = [...new Set(attachments.map((a) => a.depth))].sort((x, y) => x - y);
  for (const depth of depths) {
    await mapLimit(
      attachments.filter((a) => a.depth === depth),
      4,
      copyOne,
    );
  }
  return { found: attachments.length, copied, present, bytesCopied, notes };
}
