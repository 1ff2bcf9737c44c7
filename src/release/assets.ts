/**
 * Release assets: list, delete, read one, and upload one streaming from disk. An upload goes to the
 * release's `upload_url` (followed as the URI template it is, so GitHub Enterprise and test servers work
 * alike) with the file's exact Content-Length. It is retried with back-off on a 5xx or a dropped
 * connection, honouring `Retry-After`; before a retry a half-made asset left by the failure is deleted
 * (or kept, if it turns out the upload had completed). Rate limits are waited out by the throttling
 * plugin, which re-reads the file from the start.
 */
import { createReadStream } from 'node:fs';
import { RequestError } from '@octokit/request-error';
import { DuatError, describeFsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { sha256OfDigest } from './checksums.js';
import { contentTypeFor } from './content-type.js';
import { githubAssetName } from './files.js';
import { apiUrlOf, checkUploadUrl, type GitHubClient } from './github-client.js';
import { describeGitHubError, githubMessage, isConnectionFailure } from './github-errors.js';
import { checkAsset, checkAssets } from './github-shapes.js';
import { type RepoRef, repoSlug } from './release.js';

/** The fields of GitHub's release asset object duat uses. */
export interface GitHubAsset {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** `uploaded`, or `open` for an upload that did not finish. */
  readonly state: string;
  readonly content_type: string;
  /** `sha256:<hex>` on github.com since 2025; null or absent on older servers. */
  readonly digest?: string | null;
  readonly browser_download_url: string;
}

export interface UploadProgress {
  readonly name: string;
  /** Bytes read from the file and handed to the connection so far. */
  readonly sent: number;
  readonly total: number;
  /** 1 for the first try. */
  readonly attempt: number;
}

export interface UploadOptions {
  /** The file to send, read as a stream... */
  readonly path?: string;
  /** ...or the bytes themselves (small generated assets such as SHA256SUMS). */
  readonly content?: Uint8Array;
  readonly name: string;
  readonly size: number;
  /** Its SHA-256 (hex), to recognise an asset whose upload completed although the answer was lost. */
  readonly sha256?: string;
  readonly contentType?: string;
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Tries in all (default 5). */
  readonly attempts?: number;
  /** Milliseconds in a back-off "second" (default 1000). */
  readonly retryUnitMs?: number;
  /** The longest `Retry-After` honoured, in seconds (default 300). */
  readonly maxRetryAfterSeconds?: number;
}

const ASSET_PAGES = 20; // 100 a page: GitHub allows 1000 assets a release

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every asset of a release. */
export async function listAssets(
  client: GitHubClient,
  repo: RepoRef,
  releaseId: number,
): Promise<GitHubAsset[]> {
  const assets: GitHubAsset[] = [];
  for (let page = 1; page <= ASSET_PAGES; page++) {
    let batch: GitHubAsset[];
    try {
      const response = await client.request('GET /repos/{owner}/{repo}/releases/{release_id}/assets', {
        ...repo,
        release_id: releaseId,
        per_page: 100,
        page,
      });
      batch = checkAssets(response.data, 'list the release assets');
    } catch (err) {
      throw describeGitHubError(err, {
        repo: repoSlug(repo),
        apiUrl: apiUrlOf(client),
        doing: 'list the release assets',
      });
    }
    assets.push(...batch);
    if (batch.length < 100) break;
  }
  return assets;
}

export async function deleteAsset(client: GitHubClient, repo: RepoRef, asset: GitHubAsset): Promise<void> {
  try {
    await client.request('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: asset.id,
    });
  } catch (err) {
    if (err instanceof RequestError && err.status === 404) return; // already gone
    throw describeGitHubError(err, {
      repo: repoSlug(repo),
      apiUrl: apiUrlOf(client),
      doing: `delete the asset ${asset.name}`,
    });
  }
}

/** The content of a (small, text) asset: GitHub redirects to its storage, which fetch follows. */
export async function downloadAssetText(
  client: GitHubClient,
  repo: RepoRef,
  asset: GitHubAsset,
): Promise<string> {
  try {
    const response = await client.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    const data: unknown = response.data;
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
    if (ArrayBuffer.isView(data))
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
    return JSON.stringify(data);
  } catch (err) {
    throw describeGitHubError(err, {
      repo: repoSlug(repo),
      apiUrl: apiUrlOf(client),
      doing: `download ${asset.name}`,
    });
  }
}

/**
 * A file as a request body that can be read more than once: every iteration opens the file again, so a
 * retried request sends it from the start. Reading is paced by the connection (fetch pulls a chunk when
 * the socket takes one), so memory stays flat whatever the size.
 */
export class FileBody implements AsyncIterable<Uint8Array> {
  private attempt = 0;
  constructor(
    private readonly path: string,
    private readonly name: string,
    private readonly size: number,
    private readonly onProgress?: (progress: UploadProgress) => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.attempt++;
    const attempt = this.attempt;
    let sent = 0;
    this.onProgress?.({ name: this.name, sent, total: this.size, attempt });
    const stream = createReadStream(this.path, { highWaterMark: 1 << 20 });
    try {
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        sent += bytes.length;
        if (sent > this.size) throw new FileChangedError(this.path, this.size);
        yield bytes;
        this.onProgress?.({ name: this.name, sent, total: this.size, attempt });
      }
    } catch (err) {
      if (err instanceof FileChangedError) throw err;
      throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: this.path, cause: err });
    } finally {
      stream.destroy();
    }
    if (sent !== this.size) throw new FileChangedError(this.path, this.size);
  }
}

class FileChangedError extends DuatError {
  constructor(path: string, size: number) {
    super(`changed while it was being uploaded (it had ${size} bytes)`, {
      file: path,
      hint: 'release files that are finished being written',
    });
  }
}

/** The DuatError a request failed with because our own body failed (unreadable or changed file). */
function bodyError(err: unknown): DuatError | undefined {
  let cause: unknown = err;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    if (cause instanceof DuatError) return cause;
    cause = cause.cause;
  }
  return undefined;
}

function retryable(err: unknown): boolean {
  return (
    isConnectionFailure(err) || (err instanceof RequestError && (err.status >= 500 || err.status === 408))
  );
}

/** `Retry-After` in seconds (a number or an HTTP date), when the response has one. */
function retryAfterSeconds(err: unknown): number | undefined {
  if (!(err instanceof RequestError)) return undefined;
  const value = err.response?.headers?.['retry-after'];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function failureText(err: unknown): string {
  if (err instanceof RequestError) {
    return isConnectionFailure(err)
      ? `connection failed: ${err.message}`
      : `${err.status} ${githubMessage(err)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The asset named `name` (or the name GitHub turns it into) among `assets`. */
export function findAsset(assets: readonly GitHubAsset[], name: string): GitHubAsset | undefined {
  return assets.find((a) => a.name === name) ?? assets.find((a) => a.name === githubAssetName(name));
}

/**
 * After a failed try: the asset if the upload completed after all (same size and digest), else
 * undefined once any half-made asset of that name is deleted.
 */
async function settleFailedUpload(
  client: GitHubClient,
  repo: RepoRef,
  releaseId: number,
  options: UploadOptions,
  log: Logger,
): Promise<GitHubAsset | undefined> {
  const left = findAsset(await listAssets(client, repo, releaseId), options.name);
  if (!left) return undefined;
  const digest = sha256OfDigest(left.digest);
  if (
    left.state === 'uploaded' &&
    left.size === options.size &&
    (digest === undefined || options.sha256 === undefined || digest === options.sha256)
  ) {
    return left;
  }
  log.debug(`deleting the ${left.state} asset ${left.name} (${left.size} bytes) the failed upload left`);
  await deleteAsset(client, repo, left);
  return undefined;
}

/** fetch for uploads: see the comment where it is used. */
const streamingFetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> =>
  fetch(url, { ...init, window: null });

/** The upload URL template of a release; a bare URL gets GitHub's `{?name,label}`. */
function uploadTemplate(uploadUrl: string): string {
  return uploadUrl.includes('{') ? uploadUrl : `${uploadUrl}{?name,label}`;
}

/** Uploads one file as an asset of the release, retrying as described above. */
export async function uploadAsset(
  client: GitHubClient,
  repo: RepoRef,
  release: { readonly id: number; readonly upload_url: string },
  options: UploadOptions,
  log: Logger,
): Promise<GitHubAsset> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const unit = options.retryUnitMs ?? 1000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 300;
  if (options.content === undefined && options.path === undefined) {
    throw new DuatError(`nothing to upload as ${options.name}: give a path or the content`);
  }
  const url = checkUploadUrl(uploadTemplate(release.upload_url), apiUrlOf(client));
  const body =
    options.content ?? new FileBody(options.path ?? '', options.name, options.size, options.onProgress);
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await client.request({
        method: 'POST',
        url,
        name: options.name,
        data: body,
        headers: {
          'content-type': options.contentType ?? contentTypeFor(options.name),
          'content-length': String(options.size),
        },
        request: {
          // This loop retries uploads: it can clean up after a failure first.
          retries: 0,
          // fetch keeps a copy of a request body for replaying it on a redirect (it tees the stream,
          // and the unread branch buffers the whole file) unless redirects are errors and the request
          // has no window: then the body streams with flat memory.
          redirect: 'error',
          fetch: streamingFetch,
        },
      });
      return checkAsset(response.data, `upload ${options.name}`);
    } catch (err) {
      const own = bodyError(err);
      if (own) throw own;
      const doing = `upload ${options.name}`;
      if (!retryable(err)) {
        throw describeGitHubError(err, { repo: repoSlug(repo), apiUrl: apiUrlOf(client), doing });
      }
      if (attempt >= attempts) {
        const last = describeGitHubError(err, { repo: repoSlug(repo), apiUrl: apiUrlOf(client), doing });
        throw new DuatError(`${last.message} (after ${attempts} tries)`, {
          cause: err,
          hint: 'run again: assets already uploaded are kept and skipped',
        });
      }
      const wait = Math.min(retryAfterSeconds(err) ?? 2 ** (attempt - 1), maxRetryAfter);
      log.warn(
        `uploading ${options.name} failed (${failureText(err)}); try ${attempt + 1} of ${attempts} in ${wait} s`,
      );
      await sleep(wait * unit);
      const completed = await settleFailedUpload(client, repo, release.id, options, log);
      if (completed) {
        log.info(`${options.name} had arrived after all`);
        return completed;
      }
    }
  }
}
