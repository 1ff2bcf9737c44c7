/**
 * The release of a tag: found by its tag (or, for a draft, which GitHub does not find by tag, in the
 * list of releases), else created on the given commit. Two runs racing to create it end with one
 * release: the loser finds the winner's.
 */
import { RequestError } from '@octokit/request-error';
import { DuatError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { apiUrlOf, type GitHubClient } from './github-client.js';
import { describeGitHubError, githubMessage, hasErrorCode, isStatus } from './github-errors.js';
import { checkRelease, checkReleases } from './github-shapes.js';

/** The fields of GitHub's release object duat uses. */
export interface GitHubRelease {
  readonly id: number;
  readonly tag_name: string;
  readonly name: string | null;
  readonly html_url: string;
  /** A URI template, `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`. */
  readonly upload_url: string;
  readonly draft: boolean;
  readonly prerelease: boolean;
  readonly target_commitish: string;
}

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** `owner/name`. */
export function repoSlug(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`;
}

export interface ReleaseRequest {
  readonly tag: string;
  /** The commit a new tag is created on. */
  readonly commit: string;
  readonly prerelease: boolean;
  readonly draft?: boolean;
  /** The release notes (Markdown) of a new release. */
  readonly notes?: string;
  /** Let GitHub write the notes of a new release from the merged pull requests. */
  readonly generateNotes?: boolean;
}

export interface EnsuredRelease {
  readonly release: GitHubRelease;
  readonly created: boolean;
}

/** Pages of releases searched for a draft (100 a page). */
const DRAFT_SEARCH_PAGES = 10;

/** The published release of `tag`, or undefined when there is none (GitHub answers 404). */
export async function getReleaseByTag(
  client: GitHubClient,
  repo: RepoRef,
  tag: string,
): Promise<GitHubRelease | undefined> {
  let data: unknown;
  try {
    data = (await client.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...repo, tag })).data;
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw describeGitHubError(err, {
      repo: repoSlug(repo),
      apiUrl: apiUrlOf(client),
      doing: `find the release ${tag}`,
    });
  }
  return checkRelease(data, `find the release ${tag}`);
}

/**
 * A draft release of `tag`. Drafts have no tag yet, so only the list of releases shows them; a 404 here
 * means the repository itself is missing or hidden from the token.
 */
export async function findDraftRelease(
  client: GitHubClient,
  repo: RepoRef,
  tag: string,
): Promise<GitHubRelease | undefined> {
  for (let page = 1; page <= DRAFT_SEARCH_PAGES; page++) {
    let releases: GitHubRelease[];
    try {
      const response = await client.request('GET /repos/{owner}/{repo}/releases', {
        ...repo,
        per_page: 100,
        page,
      });
      releases = checkReleases(response.data, 'list the releases');
    } catch (err) {
      throw describeGitHubError(err, {
        repo: repoSlug(repo),
        apiUrl: apiUrlOf(client),
        doing: 'list the releases',
      });
    }
    const draft = releases.find((r) => r.draft && r.tag_name === tag);
    if (draft) return draft;
    if (releases.length < 100) return undefined;
  }
  return undefined;
}

async function createRelease(
  client: GitHubClient,
  repo: RepoRef,
  request: ReleaseRequest,
): Promise<GitHubRelease> {
  const response = await client.request('POST /repos/{owner}/{repo}/releases', {
    ...repo,
    tag_name: request.tag,
    target_commitish: request.commit,
    name: request.tag,
    draft: request.draft === true,
    prerelease: request.prerelease,
    ...(request.notes !== undefined ? { body: request.notes } : {}),
    ...(request.generateNotes ? { generate_release_notes: true } : {}),
  });
  return checkRelease(response.data, `create the release ${request.tag}`);
}

/** Finds the release of `request.tag`, or creates it. */
export async function ensureRelease(
  client: GitHubClient,
  repo: RepoRef,
  request: ReleaseRequest,
  log: Logger,
): Promise<EnsuredRelease> {
  const find = async () =>
    (await getReleaseByTag(client, repo, request.tag)) ?? (await findDraftRelease(client, repo, request.tag));
  const existing = await find();
  if (existing) {
    log.info(`found the ${existing.draft ? 'draft ' : ''}release ${existing.tag_name} of ${repoSlug(repo)}`);
    if (request.notes !== undefined || request.generateNotes) {
      log.warn('the release already exists: its notes are left as they are');
    }
    if (request.draft && !existing.draft) log.warn(`the release ${existing.tag_name} is already published`);
    return { release: existing, created: false };
  }
  try {
    const release = await createRelease(client, repo, request);
    log.info(
      `created the ${release.draft ? 'draft ' : ''}${release.prerelease ? 'pre-' : ''}release ${release.tag_name} of ${repoSlug(repo)} on ${request.commit.slice(0, 12)}`,
    );
    return { release, created: true };
  } catch (err) {
    if (hasErrorCode(err, 'already_exists')) {
      // Another run created it between our look and our create.
      const raced = await find();
      if (raced) return { release: raced, created: false };
    }
    if (err instanceof RequestError && err.status === 422 && /target_commitish/i.test(githubMessage(err))) {
      throw new DuatError(`GitHub refused to create the release ${request.tag}: ${githubMessage(err)}`, {
        cause: err,
        hint: `push the commit ${request.commit.slice(0, 12)} to GitHub first: the new tag is made on it`,
      });
    }
    throw describeGitHubError(err, {
      repo: repoSlug(repo),
      apiUrl: apiUrlOf(client),
      doing: `create the release ${request.tag}`,
    });
  }
}
