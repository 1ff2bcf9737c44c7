/**
 * What to do with each file given what the release already holds. An asset of the same name is the
 * same file when its size matches and its digest does: GitHub's own `digest` field when it has one,
 * else the release's SHA256SUMS entry, else the size alone (the plan says which). A different asset is
 * a conflict unless replacing is allowed; a half-uploaded one (state `open`) is always replaced.
 */
import { findAsset, type GitHubAsset } from './assets.js';
import { sha256OfDigest } from './checksums.js';
import type { AssetFile } from './files.js';

/** A file to release with its SHA-256 (hex). */
export interface HashedFile extends AssetFile {
  readonly sha256: string;
}

/** How an existing asset was found equal: by GitHub's digest, the SHA256SUMS entry, or the size only. */
export type SameBasis = 'digest' | 'checksums' | 'size';

export type AssetStep =
  | { readonly action: 'upload'; readonly file: HashedFile }
  | {
      readonly action: 'skip';
      readonly file: HashedFile;
      readonly asset: GitHubAsset;
      readonly basis: SameBasis;
    }
  | {
      readonly action: 'replace';
      readonly file: HashedFile;
      readonly asset: GitHubAsset;
      readonly reason: string;
    }
  | {
      readonly action: 'conflict';
      readonly file: HashedFile;
      readonly asset: GitHubAsset;
      readonly reason: string;
    };

/** Why `asset` is not `file`, or undefined when it is (with the basis of that judgement). */
export function compareAsset(
  file: HashedFile,
  asset: GitHubAsset,
  checksums: ReadonlyMap<string, string> | undefined,
): { differs: string } | { same: SameBasis } {
  if (asset.size !== file.size) return { differs: `${asset.size} bytes there, ${file.size} here` };
  const digest = sha256OfDigest(asset.digest);
  if (digest !== undefined) {
    return digest === file.sha256
      ? { same: 'digest' }
      : { differs: `sha256 ${digest.slice(0, 12)}… there, ${file.sha256.slice(0, 12)}… here` };
  }
  const listed = checksums?.get(asset.name);
  if (listed !== undefined) {
    return listed === file.sha256
      ? { same: 'checksums' }
      : { differs: `SHA256SUMS lists ${listed.slice(0, 12)}…, ${file.sha256.slice(0, 12)}… here` };
  }
  return { same: 'size' };
}

/** One step a file, in the order given. */
export function planAssets(
  files: readonly HashedFile[],
  existing: readonly GitHubAsset[],
  checksums: ReadonlyMap<string, string> | undefined,
  replace: boolean,
): AssetStep[] {
  return files.map((file): AssetStep => {
    const asset = findAsset(existing, file.name);
    if (!asset) return { action: 'upload', file };
    if (asset.state !== 'uploaded') {
      return { action: 'replace', file, asset, reason: `a ${asset.state} upload was left by an earlier run` };
    }
    const verdict = compareAsset(file, asset, checksums);
    if ('same' in verdict) return { action: 'skip', file, asset, basis: verdict.same };
    return replace
      ? { action: 'replace', file, asset, reason: verdict.differs }
      : { action: 'conflict', file, asset, reason: verdict.differs };
  });
}

/** Whether any asset needs a digest GitHub did not give (so the release's SHA256SUMS is worth reading). */
export function needsChecksums(files: readonly AssetFile[], existing: readonly GitHubAsset[]): boolean {
  return files.some((file) => {
    const asset = findAsset(existing, file.name);
    return asset !== undefined && asset.state === 'uploaded' && sha256OfDigest(asset.digest) === undefined;
  });
}
