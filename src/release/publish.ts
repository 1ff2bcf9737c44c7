/**
 * `github-release` as a library: publish files to the GitHub release of the current version.
 *
 *   const result = await publishRelease({ files: ['bin/*'], token: process.env.GITHUB_TOKEN ?? '' });
 *   console.log(result.url);
 *
 * The release (tag = the version from the version file) is found or created on the current commit;
 * every file is uploaded unless the release already holds it (same size and digest); a SHA256SUMS asset
 * lists them all. A run that failed half-way can simply be run again: it completes what is missing.
 */

import { createHash } from 'node:crypto';
import { DuatError, UsageError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/log.js';
import { registerSecret } from '../core/redact.js';
import {
  deleteAsset,
  downloadAssetText,
  findAsset,
  type GitHubAsset,
  listAssets,
  type UploadProgress,
  uploadAsset,
} from './assets.js';
import {
  CHECKSUMS_NAME,
  formatChecksums,
  parseChecksums,
  sha256Digest,
  sha256File,
  sha256OfDigest,
} from './checksums.js';
import { type AssetFile, expandFilePatterns, githubAssetName } from './files.js';
import { createGitHubClient, type GitHubClient } from './github-client.js';
import { type AssetStep, type HashedFile, planAssets, type SameBasis } from './plan.js';
import { formatBytes } from './progress.js';
import { ensureRelease, type GitHubRelease, type RepoRef } from './release.js';
import { type ReleaseTarget, type ReleaseTargetOptions, resolveReleaseTarget } from './target.js';

/** Knobs for retries and pacing; the defaults are GitHub's advice, tests make them small. */
export interface PublishTuning {
  /** Retries of an API request failing with a 5xx or a dropped connection (default 3). */
  readonly retries?: number;
  /** Tries of an upload in all (default 5). */
  readonly uploadAttempts?: number;
  /** Milliseconds in a "second" of back-off and of rate-limit waits (default 1000). */
  readonly retryUnitMs?: number;
  /** Least time between two writes (default 1000 ms, as GitHub asks). */
  readonly writeIntervalMs?: number;
  /** The longest rate-limit wait accepted, in seconds (default 900). */
  readonly maxRateLimitWaitSeconds?: number;
  /** The most an API request (not an upload) may take, answer included (default 60 s). */
  readonly requestTimeoutMs?: number;
}

export interface PublishOptions extends ReleaseTargetOptions {
  /** File names and Go-style globs, relative to `cwd`. */
  readonly files: readonly string[];
  /** A token that may write the repository's contents. */
  readonly token: string;
  /** Create the release as a draft. */
  readonly draft?: boolean;
  /** Notes (Markdown) for a release this run creates. */
  readonly notes?: string;
  /** Let GitHub generate notes for a release this run creates. */
  readonly generateNotes?: boolean;
  /** Replace assets that differ from the files instead of failing. */
  readonly replace?: boolean;
  /** Upload SHA256SUMS listing every asset (default true). */
  readonly checksums?: boolean;
  readonly log?: Logger;
  /** Called as upload bytes go out (for a progress bar). */
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly tuning?: PublishTuning;
}

export interface PublishedAsset {
  readonly name: string;
  /** The file as given; undefined for SHA256SUMS. */
  readonly file: string | undefined;
  readonly size: number;
  readonly sha256: string;
  readonly action: 'uploaded' | 'replaced' | 'skipped';
  /** For a skipped asset: how it was found to be the same. */
  readonly basis?: SameBasis;
}

export interface PublishResult {
  /** The release's page. */
  readonly url: string;
  readonly tag: string;
  /** `owner/name`. */
  readonly repo: string;
  readonly releaseId: number;
  readonly created: boolean;
  readonly draft: boolean;
  readonly prerelease: boolean;
  readonly assets: readonly PublishedAsset[];
  /** What happened to SHA256SUMS. */
  readonly checksums: 'uploaded' | 'replaced' | 'unchanged' | 'off';
}

const BASIS_TEXT: Record<SameBasis, string> = {
  digest: 'same size and sha256 digest',
  checksums: 'same size and SHA256SUMS entry; GitHub gave no digest',
  size: 'same size; compared by size only: GitHub gave no digest and SHA256SUMS has no entry',
};

async function hashFiles(files: readonly AssetFile[], log: Logger): Promise<HashedFile[]> {
  const hashed: HashedFile[] = [];
  for (const file of files) {
    const sha256 = await sha256File(file.path);
    log.debug(`sha256 ${sha256}  ${file.shown} (${file.size} bytes)`);
    hashed.push({ ...file, sha256 });
  }
  return hashed;
}

/** The release's SHA256SUMS entries, when it has that asset. */
async function existingChecksums(
  client: GitHubClient,
  repo: RepoRef,
  assets: readonly GitHubAsset[],
  log: Logger,
): Promise<{ asset: GitHubAsset; text: string; entries: Map<string, string> } | undefined> {
  const asset = assets.find((a) => a.name === CHECKSUMS_NAME && a.state === 'uploaded');
  if (!asset) return undefined;
  const text = await downloadAssetText(client, repo, asset);
  const entries = parseChecksums(text);
  log.debug(`the release's ${CHECKSUMS_NAME} lists ${entries.size} assets`);
  return { asset, text, entries };
}

function conflictError(steps: readonly AssetStep[], tag: string): DuatError {
  const conflicts = steps.filter(
    (s): s is Extract<AssetStep, { action: 'conflict' }> => s.action === 'conflict',
  );
  const list = conflicts.map((s) => `${s.file.name} (${s.reason})`).join('; ');
  return new DuatError(
    `${conflicts.length === 1 ? 'an asset differs' : `${conflicts.length} assets differ`} from the release ${tag}: ${list}`,
    { hint: 'pass --replace to overwrite them, or bump the version' },
  );
}

/** Checks what GitHub computed against what was sent, when it says. */
function checkArrived(asset: GitHubAsset, sha256: string, size: number): void {
  const digest = sha256OfDigest(asset.digest);
  if (asset.size !== size || (digest !== undefined && digest !== sha256)) {
    throw new DuatError(
      `${asset.name} arrived damaged: GitHub holds ${asset.size} bytes${digest ? ` with sha256 ${digest}` : ''}, the file has ${size} bytes with sha256 ${sha256}`,
      { hint: 'run again with --replace' },
    );
  }
}

function requireToken(token: string): void {
  if (!token) {
    throw new UsageError('no GitHub token', {
      hint: 'set GITHUB_TOKEN (or GH_TOKEN), or pass -github-token; it needs write access to the repository contents',
    });
  }
  registerSecret(token);
}

/** Resolves the target, then publishes. */
export async function publishRelease(options: PublishOptions): Promise<PublishResult> {
  requireToken(options.token);
  const target = resolveReleaseTarget(options);
  return publishToTarget(target, options);
}

/** Publishes `options.files` to the release described by `target`. */
export async function publishToTarget(
  target: ReleaseTarget,
  options: PublishOptions,
): Promise<PublishResult> {
  const log = options.log ?? silentLogger;
  const tuning = options.tuning ?? {};
  requireToken(options.token);
  const withChecksums = options.checksums !== false;
  const expanded = expandFilePatterns(options.files, options.cwd ?? process.cwd());
  for (const warning of expanded.warnings) log.warn(warning);
  if (withChecksums && expanded.files.some((f) => f.name === CHECKSUMS_NAME)) {
    throw new UsageError(`${CHECKSUMS_NAME} is the checksum asset duat writes`, {
      hint: `pass --no-checksums to upload your own ${CHECKSUMS_NAME}`,
    });
  }
  log.debug(
    `${target.slug} at ${target.apiUrl}: tag ${target.tag} (version ${target.version} from ${target.versionFile}) on ${target.commit}`,
  );
  const files = await hashFiles(expanded.files, log);

  const client = createGitHubClient({
    token: options.token,
    apiUrl: target.apiUrl,
    log,
    retries: tuning.retries,
    retryUnitMs: tuning.retryUnitMs,
    writeIntervalMs: tuning.writeIntervalMs,
    maxRateLimitWaitSeconds: tuning.maxRateLimitWaitSeconds,
    requestTimeoutMs: tuning.requestTimeoutMs,
  });
  const { release, created } = await ensureRelease(
    client,
    target.repo,
    {
      tag: target.tag,
      commit: target.commit,
      prerelease: target.prerelease,
      draft: options.draft,
      notes: options.notes,
      generateNotes: options.generateNotes,
    },
    log,
  );

  const existing = await listAssets(client, target.repo, release.id);
  const sums =
    withChecksums || existing.some((a) => sha256OfDigest(a.digest) === undefined)
      ? await existingChecksums(client, target.repo, existing, log)
      : undefined;
  const steps = planAssets(files, existing, sums?.entries, options.replace === true);
  if (steps.some((s) => s.action === 'conflict')) throw conflictError(steps, target.tag);

  const upload = (file: HashedFile) =>
    uploadAsset(
      client,
      target.repo,
      release,
      {
        path: file.path,
        name: file.name,
        size: file.size,
        sha256: file.sha256,
        onProgress: options.onProgress,
        attempts: tuning.uploadAttempts,
        retryUnitMs: tuning.retryUnitMs,
      },
      log,
    );

  const published: PublishedAsset[] = [];
  for (const step of steps) {
    const { file } = step;
    if (step.action === 'skip') {
      log.info(`${step.asset.name} is already there (${BASIS_TEXT[step.basis]}): skipped`);
      published.push({
        name: step.asset.name,
        file: file.shown,
        size: file.size,
        sha256: file.sha256,
        action: 'skipped',
        basis: step.basis,
      });
      continue;
    }
    if (step.action === 'replace') {
      log.info(`replacing ${step.asset.name} (${step.reason})`);
      await deleteAsset(client, target.repo, step.asset);
    }
    const started = Date.now();
    const asset = await upload(file);
    checkArrived(asset, file.sha256, file.size);
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    log.info(`uploaded ${asset.name} (${formatBytes(file.size)} in ${seconds.toFixed(1)} s)`);
    if (asset.name !== githubAssetName(file.name)) log.warn(`GitHub stored ${file.name} as ${asset.name}`);
    published.push({
      name: asset.name,
      file: file.shown,
      size: file.size,
      sha256: file.sha256,
      action: step.action === 'replace' ? 'replaced' : 'uploaded',
    });
  }

  let checksums: PublishResult['checksums'] = 'off';
  if (withChecksums) {
    checksums = await publishChecksums(client, target, release, existing, sums, published, tuning, log);
  }
  return {
    url: release.html_url,
    tag: release.tag_name,
    repo: target.slug,
    releaseId: release.id,
    created,
    draft: release.draft,
    prerelease: release.prerelease,
    assets: published,
    checksums,
  };
}

/**
 * Uploads SHA256SUMS listing this run's assets and every other asset of the release whose digest is
 * known (from GitHub or the previous SHA256SUMS), replacing an older SHA256SUMS that says otherwise.
 */
async function publishChecksums(
  client: GitHubClient,
  target: ReleaseTarget,
  release: GitHubRelease,
  existing: readonly GitHubAsset[],
  previous: { asset: GitHubAsset; text: string; entries: Map<string, string> } | undefined,
  published: readonly PublishedAsset[],
  tuning: PublishTuning,
  log: Logger,
): Promise<PublishResult['checksums']> {
  const entries = new Map<string, string>();
  const ours = new Set(published.map((a) => a.name));
  for (const asset of existing) {
    if (asset.name === CHECKSUMS_NAME || ours.has(asset.name) || asset.state !== 'uploaded') continue;
    const known = sha256OfDigest(asset.digest) ?? previous?.entries.get(asset.name);
    if (known) entries.set(asset.name, known);
    else log.debug(`${asset.name} is left out of ${CHECKSUMS_NAME}: its digest is unknown`);
  }
  for (const asset of published) entries.set(asset.name, asset.sha256);
  const text = formatChecksums(entries);
  const stale = findAsset(existing, CHECKSUMS_NAME);
  if (previous && previous.text === text) {
    log.info(`${CHECKSUMS_NAME} is up to date`);
    return 'unchanged';
  }
  if (stale) {
    log.info(`${CHECKSUMS_NAME} changed: replacing it`);
    await deleteAsset(client, target.repo, stale);
  }
  const content = Buffer.from(text, 'utf8');
  const sha256 = createHash('sha256').update(content).digest('hex');
  const asset = await uploadAsset(
    client,
    target.repo,
    release,
    {
      content,
      name: CHECKSUMS_NAME,
      size: content.length,
      sha256,
      contentType: 'text/plain; charset=utf-8',
      attempts: tuning.uploadAttempts,
      retryUnitMs: tuning.retryUnitMs,
    },
    log,
  );
  checkArrived(asset, sha256, content.length);
  log.info(`uploaded ${CHECKSUMS_NAME} (${entries.size} assets, ${sha256Digest(sha256)})`);
  return stale ? 'replaced' : 'uploaded';
}
