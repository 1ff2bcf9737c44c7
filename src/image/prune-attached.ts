/**
 * Prune and what is attached to images (signatures, SBOMs, attestations; see attached.ts): an image
 * that goes takes its attachments and cosign tags with it, an image that stays keeps them. An
 * attachment goes only when what it is attached to goes: the image's digest is named by no kept tag
 * (a release promoted in place shares it) and, for a platform manifest, no kept index names it.
 *
 * Deleting: by digest (every registry does it; distribution 2.8 only so); where the registry deletes
 * tags alone, a tagged attachment's tag is deleted first (go-containerregistry's registry keeps a
 * tag apart from its manifest).
 */
import { errorMessage } from '../core/errors.js';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { mapLimit } from '../registry/parallel.js';
import { referrersTag } from '../registry/referrers.js';
import { type Attachment, findAttachments } from './attached.js';

export interface AttachedRow {
  /** The digest it is attached to (the image's, a platform manifest's, or another attachment's). */
  readonly subject: string;
  readonly digest: string;
  /** Its tag: cosign's `sha256-<hex>.sig|.att|.sbom`, or the referrers tag index `sha256-<hex>`. */
  readonly tag?: string;
  readonly kind: 'referrer' | 'sig' | 'att' | 'sbom' | 'referrers-index';
  readonly artifactType?: string;
  readonly action: 'delete' | 'keep';
}

export interface AttachedOutcome {
  readonly digest: string;
  readonly tag?: string;
  readonly status: 'deleted' | 'failed' | 'skipped';
  readonly reason?: string;
}

/**
 * The attachments of each image digest, with what becomes of them. `goes(root)` says whether the
 * digest an attachment hangs from (an image or one of its platform manifests) is deleted;
 * `children` lists each index's platform manifests.
 */
export async function planAttachments(
  client: RegistryClient,
  repository: string,
  images: readonly string[],
  children: ReadonlyMap<string, readonly string[]>,
  tags: ReadonlySet<string>,
  goes: (root: string, image: string) => boolean,
  jobs: number,
): Promise<Map<string, AttachedRow[]>> {
  const out = new Map<string, AttachedRow[]>();
  await mapLimit([...new Set(images)], jobs, async (image) => {
    const rows: AttachedRow[] = [];
    for (const root of [image, ...(children.get(image) ?? [])]) {
      const action = goes(root, image) ? 'delete' : 'keep';
      const found: Attachment[] = await findAttachments(client, repository, [root], { tags, jobs: 2 });
      for (const subject of [root, ...found.map((a) => a.manifest.digest)]) {
        const tag = referrersTag(subject);
        if (!tags.has(tag)) continue;
        const head = await client.headManifest(repository, tag);
        if (head) rows.push({ subject, digest: head.digest, tag, kind: 'referrers-index', action });
      }
      for (const a of found) {
        rows.push({
          subject: a.subject,
          digest: a.manifest.digest,
          ...(a.tag ? { tag: a.tag } : {}),
          kind: a.via,
          ...(a.artifactType ? { artifactType: a.artifactType } : {}),
          action,
        });
      }
    }
    out.set(image, rows);
  });
  return out;
}

/** What an attachment is, for the plan. */
export function describeAttached(row: AttachedRow): string {
  switch (row.kind) {
    case 'sig':
      return 'cosign signature';
    case 'att':
      return 'cosign attestation';
    case 'sbom':
      return 'cosign SBOM';
    case 'referrers-index':
      return 'referrers tag index';
    default:
      return `referrer${row.artifactType ? ` (${row.artifactType})` : ''}`;
  }
}

async function deleteQuietly(
  client: RegistryClient,
  repository: string,
  reference: string,
): Promise<'deleted' | 'gone'> {
  try {
    await client.deleteManifest(repository, reference);
    return 'deleted';
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) return 'gone';
    throw err;
  }
}

/** Deletes attachments (each digest once), those attached to attachments first. */
export async function deleteAttachments(
  client: RegistryClient,
  repository: string,
  rows: readonly AttachedRow[],
  deletesTags: boolean,
  jobs: number,
): Promise<AttachedOutcome[]> {
  const unique = [...new Map(rows.map((r) => [r.digest, r])).values()].reverse();
  return mapLimit(unique, jobs, async (row) => {
    const base = { digest: row.digest, ...(row.tag ? { tag: row.tag } : {}) };
    try {
      let any = false;
      if (deletesTags && row.tag) any = (await deleteQuietly(client, repository, row.tag)) === 'deleted';
      any = (await deleteQuietly(client, repository, row.digest)) === 'deleted' || any;
      return any ? { ...base, status: 'deleted' } : { ...base, status: 'skipped', reason: 'already gone' };
    } catch (err) {
      return { ...base, status: 'failed', reason: errorMessage(err) };
    }
  });
}
