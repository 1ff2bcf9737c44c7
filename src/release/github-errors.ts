/**
 * GitHub's failures as one line a user can act on: a bad token says so (without showing it), a missing
 * permission names the repository, a rate limit says when it resets, a dropped connection names the
 * host. Everything passes through `redact` on its way out, so the token cannot leak here either.
 */
import { RequestError } from '@octokit/request-error';
import { DuatError, errorMessage } from '../core/errors.js';

export interface GitHubErrorContext {
  /** `owner/name`. */
  readonly repo: string;
  readonly apiUrl: string;
  /** What was being done, as a verb phrase: 'create the release 1.2.3'. */
  readonly doing: string;
}

interface ErrorBody {
  message?: string;
  errors?: { code?: string; field?: string; message?: string; resource?: string }[];
}

function bodyOf(err: RequestError): ErrorBody {
  const data = err.response?.data;
  return typeof data === 'object' && data !== null ? (data as ErrorBody) : {};
}

function headerOf(err: RequestError, name: string): string | undefined {
  const value = err.response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** GitHub's message and field errors, without the documentation link. */
export function githubMessage(err: RequestError): string {
  const body = bodyOf(err);
  const message = body.message ?? err.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
  const details = (body.errors ?? [])
    .map((e) => e.message ?? [e.resource, e.field, e.code].filter(Boolean).join(' '))
    .filter(Boolean);
  return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}

/** True for a request that failed without an answer (refused, reset, timed out). */
export function isConnectionFailure(err: unknown): boolean {
  return err instanceof RequestError && err.status === 500 && err.response === undefined;
}

/** True when GitHub answered with an error code `code` (e.g. already_exists) on a 422. */
export function hasErrorCode(err: unknown, code: string): boolean {
  return (
    err instanceof RequestError &&
    err.status === 422 &&
    (bodyOf(err).errors ?? []).some((e) => e.code === code)
  );
}

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof RequestError && err.status === status;
}

function isRateLimit(err: RequestError): boolean {
  if (err.status !== 403 && err.status !== 429) return false;
  return headerOf(err, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(githubMessage(err));
}

function resetTime(err: RequestError): string | undefined {
  const reset = Number(headerOf(err, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return new Date(reset * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').host;
  } catch {
    return url ?? 'GitHub';
  }
}

/** A DuatError (exit 1) describing `err`, which happened while doing `context.doing`. */
export function describeGitHubError(err: unknown, context: GitHubErrorContext): DuatError {
  if (err instanceof DuatError) return err;
  if (!(err instanceof RequestError)) {
    return new DuatError(`could not ${context.doing}: ${errorMessage(err)}`, { cause: err });
  }
  const { repo, doing } = context;
  const tokenHint = 'set GITHUB_TOKEN (or GH_TOKEN, or -github-token) to a valid token';
  const accessHint = `a fine-grained token needs "Contents: Read and write" on ${repo}; a classic token the repo scope (public_repo for a public repository)`;
  if (isConnectionFailure(err)) {
    const host = hostOf(err.request?.url);
    // The bounded fetch's own reasons name the host already.
    const reason = err.message.includes(host) ? err.message : `no answer from ${host} (${err.message})`;
    return new DuatError(`could not ${doing}: ${reason}`, {
      cause: err,
      hint: `check the API URL (${context.apiUrl}) and the network`,
    });
  }
  switch (err.status) {
    case 401:
      return new DuatError(`GitHub rejected the token (401 ${githubMessage(err)})`, {
        cause: err,
        hint: `${tokenHint}; it may be mistyped, expired or revoked`,
      });
    case 403:
    case 429:
      if (isRateLimit(err)) {
        const reset = resetTime(err);
        return new DuatError(
          `GitHub's rate limit stopped the attempt to ${doing} (${err.status} ${githubMessage(err)})`,
          {
            cause: err,
            hint: reset ? `the limit resets at ${reset}; run again then` : 'wait a while and run again',
          },
        );
      }
      return new DuatError(`the token may not ${doing} in ${repo} (${err.status} ${githubMessage(err)})`, {
        cause: err,
        hint: accessHint,
      });
    case 404:
      return new DuatError(
        `could not ${doing}: ${repo} was not found at ${context.apiUrl}, or the token cannot see it (404)`,
        { cause: err, hint: `check the repository (the git remote, or --repo) and the token; ${accessHint}` },
      );
    case 422:
      return new DuatError(`GitHub refused to ${doing}: ${githubMessage(err)}`, { cause: err });
    default:
      return new DuatError(`could not ${doing}: GitHub answered ${err.status} ${githubMessage(err)}`, {
        cause: err,
        hint: err.status >= 500 ? 'GitHub had trouble; run again to complete what is missing' : undefined,
      });
  }
}
