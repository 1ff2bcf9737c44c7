/**
 * Pruning development images: every `duat semver pre` build pushes an `X.Y.Z-<branch>-<stamp>` tag,
 * and without pruning a registry grows without bound. planPrune decides, applyPrune deletes.
 *
 * Rules:
 * - Only tags of our pre-release form are candidates; the stamp is decoded back to its time, so age
 *   does not depend on registry metadata. Releases (no pre-release), tags that are not versions and
 *   pre-releases whose last part is not a decodable stamp are never deleted.
 * - Per branch the newest `keep` pre-releases stay; of the older ones, those younger than `olderThan`
 *   stay too.
 * - Deleting a manifest by digest deletes every tag naming it (distribution 2.x has no other way), and
 *   a release promoted in place shares its pre-release's digest. So a digest is deleted only when
 *   every tag naming it is planned for deletion and no kept index names it as a platform manifest.
 *   Where the registry deletes a tag alone (OCI distribution 1.1), tags are deleted that way instead.
 *   Indexes are deleted as a whole, never their child manifests.
 * - On ECR tags are deleted with BatchDeleteImage (ECR drops an image with its last tag).
 * - A registry with deletes disabled answers 405 UNSUPPORTED: applyPrune says so before deleting anything.
 * - applyPrune plans again and deletes only what both plans agree on, so a tag pushed or moved in
 *   between is not lost.
 * - What is attached to an image (referrers, cosign tags: prune-attached.ts) goes with it and stays
 *   with it; the plan lists it under its image, not as tags of its own.
 */
import { randomBytes } from 'node:crypto';
import { formatDuration, parseDuration } from '../core/duration.js';
import { DuatError, errorMessage } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { repositoryScope } from '../registry/auth.js';
import { type RegistryClient, type RegistryClientOptions, RegistryClients } from '../registry/client.js';
import { ecrDeleteTags, ecrGetManifests, ecrListTags, parseEcrHost } from '../registry/ecr.js';
import { RegistryError } from '../registry/errors.js';
import { isIndexType, manifestContents } from '../registry/manifest.js';
import { mapLimit } from '../registry/parallel.js';
import { formatReference, type ImageReference, parseReference } from '../registry/reference.js';
import { attachmentTagSubject } from '../registry/referrers.js';
import { parsePrerelease, sanitizeBranch } from '../version/prerelease.js';
import { parseVersion } from '../version/semver.js';
import { type AttachedRow, deleteAttachments, describeAttached, planAttachments } from './prune-attached.js';

export interface PruneOptions extends RegistryClientOptions {
  /** REGISTRY/REPOSITORY (a tag or digest in it is ignored). */
  readonly repository: string | ImageReference;
  /** Newest pre-releases kept per branch. Default 5. */
  readonly keep?: number;
  /** Only pre-releases older than this (ms) are deleted. */
  readonly olderThanMs?: number;
  /** Only these branches (as named in git or as they appear in tags); default every branch. */
  readonly branches?: readonly string[];
  /** The time ages are measured from (ms since 1970). Default now. */
  readonly now?: number;
  /** Tags asked for per page of the tag list. Default 1000. */
  readonly pageSize?: number;
  /** Requests at once. Default 8. */
  readonly jobs?: number;
  readonly clients?: RegistryClients;
  readonly log?: Logger;
}

export type PruneMethod = 'tag' | 'digest' | 'ecr';

export interface PruneRow {
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string | undefined;
  /** The branch as it appears in the tag (for our pre-releases). */
  readonly branch: string | undefined;
  /** X.Y.Z of a pre-release. */
  readonly release: string | undefined;
  /** The stamp's time (ISO 8601), for our pre-releases. */
  readonly time: string | undefined;
  readonly ageSeconds: number | undefined;
  readonly action: 'delete' | 'keep';
  readonly reason: string;
  /** What is attached to this image (listed under the first tag naming its digest). */
  readonly attached: readonly AttachedRow[];
}

export interface PrunePlan {
  readonly registry: string;
  readonly repository: string;
  readonly backend: 'registry' | 'ecr';
  /** How deletions are done: a tag alone, a manifest by digest, or ECR's BatchDeleteImage by tag. */
  readonly method: PruneMethod;
  /** 'disabled' when the registry answered 405 UNSUPPORTED. */
  readonly deletes: 'enabled' | 'disabled' | 'unknown';
  readonly keep: number;
  readonly olderThanSeconds: number | undefined;
  readonly branches: readonly string[] | undefined;
  readonly now: string;
  readonly rows: readonly PruneRow[];
  readonly notes: readonly string[];
}

export interface PruneOutcome {
  readonly tag: string;
  readonly digest: string;
  readonly status: 'deleted' | 'failed' | 'skipped';
  readonly reason?: string;
  /** For an attachment: the tag of the image it went with. */
  readonly attachedTo?: string;
}

export interface PruneResult {
  readonly outcomes: readonly PruneOutcome[];
  readonly deleted: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Go durations plus days and weeks: `72h`, `30d`, `2w`, `1d12h`. In ms. */
export function parseAge(text: string, what = 'flag --older-than'): number {
  const hours = text.trim().replace(/(\d+(?:\.\d+)?)([dw])/g, (_m, n: string, unit: string) => {
    return `${Number(n) * (unit === 'd' ? 24 : 168)}h`;
  });
  return parseDuration(hours, what);
}

/** `3d4h`, `5h12m`, `40s`: a short age for tables. */
export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 0) return `in ${formatAge(-seconds)}`;
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${Math.floor(seconds)}s`;
}

interface TagInfo {
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string | undefined;
}

interface Backend {
  readonly kind: 'registry' | 'ecr';
  list(): Promise<TagInfo[]>;
  /** Child manifest digests of the given manifests that are indexes. */
  children(manifests: readonly TagInfo[]): Promise<Map<string, string[]>>;
  probe(): Promise<{ method: PruneMethod; deletes: PrunePlan['deletes']; note?: string }>;
}

function registryBackend(client: RegistryClient, repository: string, options: PruneOptions): Backend {
  const jobs = options.jobs ?? 8;
  return {
    kind: 'registry',
    async list() {
      const tags = await client.listTags(repository, { pageSize: options.pageSize ?? 1000 });
      const heads = await mapLimit(tags, jobs, async (tag) => ({
        tag,
        head: await client.headManifest(repository, tag),
      }));
      return heads.flatMap(({ tag, head }) =>
        head ? [{ tag, digest: head.digest, mediaType: head.mediaType }] : [],
      );
    },
    async children(manifests) {
      const out = new Map<string, string[]>();
      const indexes = manifests.filter((m) => m.mediaType === undefined || isIndexType(m.mediaType));
      await mapLimit(indexes, jobs, async (m) => {
        const raw = await client.getManifest(repository, m.digest);
        const contents = manifestContents(raw);
        if (contents.kind === 'index')
          out.set(
            m.digest,
            contents.manifests.map((d) => d.digest),
          );
      });
      return out;
    },
    async probe() {
      // A DELETE of a tag that does not exist changes nothing and tells what the registry supports:
      // 404 (tag unknown) means tags can be deleted alone; distribution 2.x answers 400 DIGEST_INVALID;
      // a registry with deletes disabled answers 405 UNSUPPORTED.
      const probeTag = `duat-prune-probe-${randomBytes(6).toString('hex')}`;
      try {
        await client.deleteManifest(repository, probeTag);
        return { method: 'tag', deletes: 'enabled' };
      } catch (err) {
        if (!(err instanceof RegistryError)) throw err;
        if (err.status === 404) return { method: 'tag', deletes: 'enabled' };
        if (err.status === 405 || err.hasCode('UNSUPPORTED')) {
          return {
            method: 'digest',
            deletes: 'disabled',
            note: `${client.registry} has deletes disabled (DELETE answers 405 UNSUPPORTED)`,
          };
        }
        if (err.status === 400) {
          return {
            method: 'digest',
            deletes: 'enabled',
            note: `${client.registry} cannot delete a tag alone (distribution 2.x): a manifest is deleted by digest, with every tag naming it, so digests shared with kept tags stay`,
          };
        }
        return {
          method: 'digest',
          deletes: 'unknown',
          note: `cannot tell whether ${client.registry} deletes tags alone (${errorMessage(err)}); planning as if it does not`,
        };
      }
    },
  };
}

function ecrBackend(registry: string, repository: string, options: PruneOptions): Backend {
  const ecr = parseEcrHost(registry);
  if (!ecr) throw new DuatError(`${registry} is not an ECR registry`);
  const ecrOptions = { env: options.env, ...options.ecr };
  return {
    kind: 'ecr',
    async list() {
      return (await ecrListTags(ecr, repository, ecrOptions)).map((t) => ({ ...t, mediaType: undefined }));
    },
    async children(manifests) {
      const out = new Map<string, string[]>();
      const digests = [...new Set(manifests.map((m) => m.digest))];
      for (const raw of await ecrGetManifests(ecr, repository, digests, ecrOptions)) {
        const contents = manifestContents(raw);
        if (contents.kind === 'index')
          out.set(
            raw.digest,
            contents.manifests.map((d) => d.digest),
          );
      }
      return out;
    },
    async probe() {
      return { method: 'ecr', deletes: 'enabled' };
    },
  };
}

function versionOf(tag: string): ReturnType<typeof parseVersion> | undefined {
  for (const candidate of [tag, tag.replace('_', '+')]) {
    try {
      return parseVersion(candidate);
    } catch {
      // next
    }
  }
  return undefined;
}

/** 9999-12-31T23:59:59Z: a stamp beyond it is a word that happens to decode, not a build time. */
const MAX_PLAUSIBLE_SECONDS = 253402300799n;

interface Draft {
  info: TagInfo;
  branch?: string;
  release?: string;
  time?: number;
  action: 'delete' | 'keep';
  reason: string;
  order: number;
}

/** Reads the repository's tags and decides what to delete. Nothing is changed. */
export async function planPrune(options: PruneOptions): Promise<PrunePlan> {
  const log = options.log ?? silentLogger;
  const ref =
    typeof options.repository === 'string' ? parseReference(options.repository) : options.repository;
  const keep = options.keep ?? 5;
  if (!Number.isInteger(keep) || keep < 0)
    throw new DuatError(`--keep must be 0 or more, not ${keep}`, { exitCode: 2 });
  const now = options.now ?? Date.now();
  const branches = options.branches?.map(sanitizeBranch);
  const clients = options.clients ?? new RegistryClients(options);
  try {
    const isEcr = parseEcrHost(ref.registry) !== undefined;
    const client = clients.get(ref.registry);
    client.want([repositoryScope(ref.repository, ['delete', 'pull'])]);
    const backend = isEcr
      ? ecrBackend(ref.registry, ref.repository, options)
      : registryBackend(client, ref.repository, options);
    const [tags, probe] = await Promise.all([backend.list(), backend.probe()]);
    log.debug(`${formatReference(ref)}: ${tags.length} tags`);
    const notes: string[] = [];
    if (probe.note) notes.push(probe.note);

    let drafts: Draft[] = tags.map((info, order) => {
      const pre = parsePrerelease(info.tag) ?? parsePrerelease(info.tag.replace('_', '+'));
      if (!pre) {
        const v = versionOf(info.tag);
        const reason = !v
          ? 'not a version'
          : v.prerelease === ''
            ? 'release'
            : 'pre-release without a <branch>-<stamp> ending';
        return { info, action: 'keep', reason, order };
      }
      if (pre.unixSeconds > MAX_PLAUSIBLE_SECONDS) {
        return { info, action: 'keep', reason: 'its stamp decodes to no plausible time', order };
      }
      return {
        info,
        branch: pre.branch,
        release: pre.release,
        time: Number(pre.unixSeconds) * 1000,
        action: 'keep',
        reason: '',
        order,
      };
    });

    // Per branch: newest first.
    const byBranch = new Map<string, Draft[]>();
    for (const d of drafts) {
      if (d.branch === undefined) continue;
      if (branches && !branches.includes(d.branch)) {
        d.reason = 'branch not selected';
        continue;
      }
      const list = byBranch.get(d.branch) ?? [];
      list.push(d);
      byBranch.set(d.branch, list);
    }
    for (const list of byBranch.values()) {
      list.sort((a, b) => (b.time as number) - (a.time as number) || (a.info.tag < b.info.tag ? 1 : -1));
      list.forEach((d, i) => {
        if (i < keep) {
          d.reason = `newest ${i + 1} of ${keep} on its branch`;
          return;
        }
        const age = now - (d.time as number);
        if (options.olderThanMs !== undefined && age < options.olderThanMs) {
          d.reason = `younger than ${formatDuration(options.olderThanMs)}`;
          return;
        }
        d.action = 'delete';
        d.reason =
          options.olderThanMs !== undefined
            ? `older than ${formatDuration(options.olderThanMs)}, beyond the newest ${keep}`
            : `beyond the newest ${keep} on its branch`;
      });
    }

    // Safety: what kept tags need.
    const kept = drafts.filter((d) => d.action === 'keep');
    const keptByDigest = new Map<string, string>();
    for (const d of kept) if (!keptByDigest.has(d.info.digest)) keptByDigest.set(d.info.digest, d.info.tag);
    const deleting = drafts.filter((d) => d.action === 'delete');
    // Deleting a manifest (not just a tag) happens when the method is by digest, or on ECR when the
    // last tag of an image goes. Only then can a kept index lose a platform manifest.
    const removesManifest = (d: Draft) => probe.method !== 'tag' && !keptByDigest.has(d.info.digest);
    let usedBy = new Map<string, string>();
    if (deleting.some(removesManifest)) {
      const keptManifests = [...new Map(kept.map((d) => [d.info.digest, d.info])).values()];
      const children = await backend.children(keptManifests);
      usedBy = new Map();
      for (const [index, childDigests] of children) {
        const tag = keptByDigest.get(index) ?? index;
        for (const c of childDigests) if (!usedBy.has(c)) usedBy.set(c, tag);
      }
    }
    for (const d of deleting) {
      const sharedWith = keptByDigest.get(d.info.digest);
      if (probe.method === 'digest' && sharedWith !== undefined) {
        d.action = 'keep';
        d.reason = `shares its digest with kept tag ${sharedWith}; deleting the digest would delete that tag too`;
        continue;
      }
      const index = usedBy.get(d.info.digest);
      if (index !== undefined && removesManifest(d)) {
        d.action = 'keep';
        d.reason = `its manifest is a platform manifest of kept index tag ${index}`;
      }
    }
    const attached =
      backend.kind === 'registry'
        ? await attachmentsOf(client, ref.repository, drafts, backend, options.jobs ?? 8)
        : new Map<string, AttachedRow[]>();
    const claimed = new Set(
      [...attached.values()].flatMap((rows) => rows.flatMap((r) => (r.tag ? [r.tag] : []))),
    );
    drafts = drafts.filter((d) => !claimed.has(d.info.tag));
    if (probe.deletes === 'disabled' && drafts.some((d) => d.action === 'delete')) {
      notes.push(
        'the planned deletions cannot run until the registry enables deletes (storage.delete.enabled)',
      );
    }

    const rank = (d: Draft) => (d.branch !== undefined ? 0 : d.reason === 'release' ? 1 : 2);
    drafts.sort((a, b) => {
      if (rank(a) !== rank(b)) return rank(a) - rank(b);
      if (a.branch !== undefined && b.branch !== undefined) {
        if (a.branch !== b.branch) return a.branch < b.branch ? -1 : 1;
        return (b.time as number) - (a.time as number) || a.order - b.order;
      }
      return a.info.tag < b.info.tag ? -1 : a.info.tag > b.info.tag ? 1 : 0;
    });
    const listed = new Set<string>();
    const rows: PruneRow[] = drafts.map((d) => ({
      tag: d.info.tag,
      digest: d.info.digest,
      mediaType: d.info.mediaType,
      branch: d.branch,
      release: d.release,
      time: d.time !== undefined ? new Date(d.time).toISOString() : undefined,
      ageSeconds: d.time !== undefined ? Math.floor((now - d.time) / 1000) : undefined,
      action: d.action,
      reason: d.reason,
      attached: firstOf(listed, d.info.digest) ? (attached.get(d.info.digest) ?? []) : [],
    }));
    return {
      registry: ref.registry,
      repository: ref.repository,
      backend: backend.kind,
      method: probe.method,
      deletes: probe.deletes,
      keep,
      olderThanSeconds:
        options.olderThanMs !== undefined ? Math.floor(options.olderThanMs / 1000) : undefined,
      branches,
      now: new Date(now).toISOString(),
      rows,
      notes,
    };
  } finally {
    if (!options.clients) clients.close();
  }
}

/** True the first time `key` is seen (and remembers it). */
function firstOf(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** What is attached to each image of the plan, and whether it goes (see prune-attached.ts). */
async function attachmentsOf(
  client: RegistryClient,
  repository: string,
  drafts: readonly Draft[],
  backend: Backend,
  jobs: number,
): Promise<Map<string, AttachedRow[]>> {
  const images = drafts.filter((d) => attachmentTagSubject(d.info.tag) === undefined);
  const children = await backend.children([...new Map(images.map((d) => [d.info.digest, d.info])).values()]);
  const kept = new Set(images.filter((d) => d.action === 'keep').map((d) => d.info.digest));
  const usedByKept = new Set(kept);
  for (const digest of kept) for (const c of children.get(digest) ?? []) usedByKept.add(c);
  const goes = (root: string, image: string) => !kept.has(image) && (root === image || !usedByKept.has(root));
  const tags = new Set(drafts.map((d) => d.info.tag));
  return planAttachments(
    client,
    repository,
    images.map((d) => d.info.digest),
    children,
    tags,
    goes,
    jobs,
  );
}

function deletesDisabled(registry: string, cause?: unknown): DuatError {
  return new DuatError(
    `${registry} has deletes disabled (DELETE answers 405 UNSUPPORTED): nothing was deleted`,
    {
      hint:
        "the registry's operator enables them with storage: delete: enabled: true in its config.yml " +
        '(or REGISTRY_STORAGE_DELETE_ENABLED=true) and a restart',
      cause,
    },
  );
}

/**
 * Carries out a plan. The repository is planned again first (same rules and time): a tag is deleted
 * only when both plans delete it with the same digest; the others are reported as skipped.
 */
export async function applyPrune(
  plan: PrunePlan,
  options: Omit<PruneOptions, 'repository'> = {},
): Promise<PruneResult> {
  const log = options.log ?? silentLogger;
  const planned = plan.rows.filter((r) => r.action === 'delete');
  if (planned.length === 0) return { outcomes: [], deleted: 0, failed: 0, skipped: 0 };
  if (plan.deletes === 'disabled') throw deletesDisabled(plan.registry);
  const clients = options.clients ?? new RegistryClients(options);
  try {
    const fresh = await planPrune({
      ...options,
      clients,
      repository: { registry: plan.registry, repository: plan.repository },
      keep: plan.keep,
      ...(plan.olderThanSeconds !== undefined ? { olderThanMs: plan.olderThanSeconds * 1000 } : {}),
      ...(plan.branches ? { branches: plan.branches } : {}),
      now: Date.parse(plan.now),
    });
    if (fresh.deletes === 'disabled') throw deletesDisabled(plan.registry);
    const now = new Map(fresh.rows.map((r) => [r.tag, r]));
    const outcomes: PruneOutcome[] = [];
    const go: PruneRow[] = [];
    for (const row of planned) {
      const again = now.get(row.tag);
      if (!again)
        outcomes.push({ tag: row.tag, digest: row.digest, status: 'skipped', reason: 'already gone' });
      else if (again.digest !== row.digest) {
        outcomes.push({
          tag: row.tag,
          digest: row.digest,
          status: 'skipped',
          reason: `now names ${again.digest}`,
        });
      } else if (again.action !== 'delete') {
        outcomes.push({
          tag: row.tag,
          digest: row.digest,
          status: 'skipped',
          reason: `now kept: ${again.reason}`,
        });
      } else go.push(row);
    }
    const client = clients.get(plan.registry);
    if (fresh.method === 'ecr') {
      const ecr = parseEcrHost(plan.registry);
      if (!ecr) throw new DuatError(`${plan.registry} is not an ECR registry`);
      const res = await ecrDeleteTags(
        ecr,
        plan.repository,
        go.map((r) => r.tag),
        { env: options.env, ...options.ecr },
      );
      const failures = new Map(res.failures.map((f) => [f.tag, f]));
      for (const row of go) {
        const f = failures.get(row.tag);
        outcomes.push(
          f
            ? { tag: row.tag, digest: row.digest, status: 'failed', reason: `${f.code}: ${f.reason}` }
            : { tag: row.tag, digest: row.digest, status: 'deleted' },
        );
      }
    } else {
      // One DELETE per tag, or per digest (which takes all its tags, all of them planned).
      const groups = new Map<string, PruneRow[]>();
      for (const row of go) {
        const key = fresh.method === 'tag' ? `tag ${row.tag}` : row.digest;
        const list = groups.get(key) ?? [];
        list.push(row);
        groups.set(key, list);
      }
      const entries = [...groups.entries()];
      const run = async ([key, rows]: [string, PruneRow[]]) => {
        const reference = fresh.method === 'tag' ? (rows[0] as PruneRow).tag : key;
        try {
          await client.deleteManifest(plan.repository, reference);
          for (const r of rows) outcomes.push({ tag: r.tag, digest: r.digest, status: 'deleted' });
          log.debug(`deleted ${plan.repository}${fresh.method === 'tag' ? ':' : '@'}${reference}`);
        } catch (err) {
          if (err instanceof RegistryError && (err.status === 405 || err.hasCode('UNSUPPORTED'))) {
            throw deletesDisabled(plan.registry, err);
          }
          if (err instanceof RegistryError && err.status === 404) {
            for (const r of rows)
              outcomes.push({ tag: r.tag, digest: r.digest, status: 'skipped', reason: 'already gone' });
            return;
          }
          for (const r of rows)
            outcomes.push({ tag: r.tag, digest: r.digest, status: 'failed', reason: errorMessage(err) });
        }
      };
      // The first alone: a registry refusing deletes is found before anything else is tried.
      if (entries[0]) await run(entries[0]);
      await mapLimit(entries.slice(1), options.jobs ?? 8, run);
    }
    const order = new Map(plan.rows.map((r, i) => [r.tag, i]));
    outcomes.sort((a, b) => (order.get(a.tag) ?? 0) - (order.get(b.tag) ?? 0));
    if (fresh.method !== 'ecr') {
      // Attachments of the images deleted, where both plans delete them.
      const deleted = new Set(outcomes.filter((o) => o.status === 'deleted').map((o) => o.tag));
      const again = new Map(fresh.rows.flatMap((r) => r.attached).map((a) => [a.digest, a]));
      for (const row of plan.rows.filter((r) => deleted.has(r.tag))) {
        const go = row.attached.filter(
          (a) => a.action === 'delete' && again.get(a.digest)?.action === 'delete',
        );
        for (const o of await deleteAttachments(
          client,
          plan.repository,
          go,
          fresh.method === 'tag',
          options.jobs ?? 8,
        )) {
          outcomes.push({ ...o, tag: o.tag ?? o.digest, attachedTo: row.tag });
        }
      }
    }
    return {
      outcomes,
      deleted: outcomes.filter((o) => o.status === 'deleted').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
    };
  } finally {
    if (!options.clients) clients.close();
  }
}

function shortDigest(digest: string): string {
  const [alg, hex] = digest.split(':');
  return hex ? `${alg}:${hex.slice(0, 12)}` : digest;
}

/** The plan as an aligned table (TAG BRANCH AGE DIGEST ACTION REASON) with a heading. */
export function formatPlan(plan: PrunePlan): string {
  const header = ['TAG', 'BRANCH', 'AGE', 'DIGEST', 'ACTION', 'REASON'];
  const rows = plan.rows.flatMap((r) => [
    [r.tag, r.branch ?? '-', formatAge(r.ageSeconds), shortDigest(r.digest), r.action, r.reason],
    ...r.attached.map((a) => [
      `  ↳ ${a.tag ?? '(untagged)'}`,
      '-',
      '-',
      shortDigest(a.digest),
      a.action,
      `${describeAttached(a)} of ${shortDigest(a.subject)}`,
    ]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const deleting = plan.rows.filter((r) => r.action === 'delete').length;
  const attached = plan.rows.flatMap((r) => r.attached);
  const attachedDeleting = attached.filter((a) => a.action === 'delete').length;
  const out = [
    `${plan.registry}/${plan.repository}: ${plan.rows.length} tags, ${deleting} to delete, ${plan.rows.length - deleting} kept ` +
      `${attached.length > 0 ? `(and ${attached.length} attached: ${attachedDeleting} to delete) ` : ''}` +
      `(keep ${plan.keep} per branch${plan.olderThanSeconds !== undefined ? `, older than ${formatDuration(plan.olderThanSeconds * 1000)}` : ''}` +
      `${plan.branches ? `, branches ${plan.branches.join(', ')}` : ''}; deleting by ${plan.method === 'ecr' ? 'ECR BatchDeleteImage' : plan.method})`,
    ...plan.notes.map((n) => `note: ${n}`),
    line(header),
    ...rows.map(line),
  ];
  return `${out.join('\n')}\n`;
}
