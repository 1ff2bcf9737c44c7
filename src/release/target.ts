/**
 * Where a release goes and what it is called, from the checkout: the repository (`owner/name` of the
 * git remote, or given), the API base (GITHUB_API_URL as CI sets it, or given, or GitHub Enterprise's
 * `https://HOST/api/v3` for a remote on another host), the tag (the version from the version file,
 * optionally prefixed) and the commit a new tag is made on.
 *
 * `module` is the original's component directory: the git repository is the one holding it, and a
 * relative version file is looked for at that repository's top (as the original did), then in the
 * working directory.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DuatError, UsageError } from '../core/errors.js';
import { type GitInfo, gitInfo } from '../git/info.js';
import { remotePath } from '../git/remote-url.js';
import { formatVersion } from '../version/semver.js';
import { DEFAULT_VERSION_FILES, findVersionFile, loadVersionFile } from '../version/version-file.js';
import { DEFAULT_API_URL, normalizeApiUrl } from './github-client.js';
import type { RepoRef } from './release.js';

export interface ReleaseTargetOptions {
  /** The component directory (default: the working directory). */
  readonly module?: string;
  /** Version file candidates (default README.md, README.adoc); the first that exists is read. */
  readonly versionFile?: string | readonly string[];
  /** `owner/name`, instead of the git remote's. */
  readonly repo?: string;
  /** The REST API base, instead of GITHUB_API_URL or the default. */
  readonly apiUrl?: string;
  /** Put before the version in the tag: `v` makes `v1.2.3`. */
  readonly tagPrefix?: string;
  /** For GITHUB_API_URL and the CI branch variables (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The working directory relative paths are resolved against (default process.cwd()). */
  readonly cwd?: string;
}

export interface ReleaseTarget {
  readonly repo: RepoRef;
  /** `owner/name`. */
  readonly slug: string;
  readonly apiUrl: string;
  /** The version in normal form (`v1.2` in the file is `1.2.0`). */
  readonly version: string;
  readonly tag: string;
  /** True when the version has a pre-release part (`1.2.3-rc.1`). */
  readonly prerelease: boolean;
  /** The commit (full hash) a new tag is created on: HEAD of the module's repository. */
  readonly commit: string;
  readonly versionFile: string;
  readonly git: GitInfo;
}

/** `owner/name` as a pair, or a usage error. */
export function parseRepoSlug(text: string): RepoRef {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!m || m[2] === '.' || m[2] === '..') {
    throw new UsageError(`"${text}" is not a repository name`, {
      hint: 'give it as owner/name, e.g. acme/widget',
    });
  }
  return { owner: m[1] as string, repo: (m[2] as string).replace(/\.git$/, '') };
}

/** Tag prefixes must keep the tag a valid git ref name. */
function checkTagPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9._/-]*$/.test(prefix) || prefix.startsWith('/') || prefix.includes('..')) {
    throw new UsageError(`"${prefix}" cannot start a tag name`, {
      hint: 'use letters, digits, ".", "_", "-", e.g. v',
    });
  }
  return prefix;
}

function requireVersionFile(candidates: string | readonly string[], top: string, cwd: string): string {
  const list = (typeof candidates === 'string' ? candidates.split(',') : [...candidates])
    .map((c) => c.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError('no version file given', { hint: 'name it with -f FILE' });
  const found = findVersionFile(list, { top, cwd });
  if (found !== undefined) return found;
  throw new DuatError(
    `no version file: ${list.join(', ')} ${list.length === 1 ? 'is' : 'are'} not in ${top}`,
    {
      hint: 'name the file holding the version with -f FILE',
    },
  );
}

/** The API base: given, else GITHUB_API_URL, else GitHub Enterprise's for a remote elsewhere, else github.com's. */
export function apiUrlFor(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  remoteHost: string | undefined,
): string {
  if (given) return normalizeApiUrl(given);
  if (env.GITHUB_API_URL) return normalizeApiUrl(env.GITHUB_API_URL);
  const host = remoteHost?.replace(/:\d+$/, '').toLowerCase();
  if (host && host !== 'github.com' && host !== 'www.github.com' && host.includes('.')) {
    return `https://${host}/api/v3`;
  }
  return DEFAULT_API_URL;
}

/** Reads the version, repository and commit for a release from the checkout. */
export function resolveReleaseTarget(options: ReleaseTargetOptions = {}): ReleaseTarget {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const moduleDir = resolve(cwd, options.module ?? '.');
  if (!existsSync(moduleDir)) {
    throw new UsageError(`the module directory ${options.module} does not exist`);
  }
  const git = gitInfo({ dir: moduleDir, env });
  const versionFile = requireVersionFile(options.versionFile ?? DEFAULT_VERSION_FILES, git.dir, cwd);
  const version = loadVersionFile(versionFile).version;
  const normal = formatVersion(version);
  let repo: RepoRef;
  if (options.repo) repo = parseRepoSlug(options.repo);
  else if (git.url && remotePath(git.url).kind === 'network' && /^[^/]+\/[^/]+$/.test(git.repoName ?? '')) {
    repo = parseRepoSlug(git.repoName as string);
  } else {
    throw new UsageError(
      git.url
        ? `cannot tell the GitHub repository from the remote ${git.url}`
        : `the repository at ${git.dir} has no remote to tell the GitHub repository from`,
      { hint: 'name it with --repo owner/name' },
    );
  }
  if (!git.hash) {
    throw new DuatError(`the repository at ${git.dir} has no commit yet`, {
      hint: 'commit and push first: the release tag is made on the current commit',
    });
  }
  const prefix = checkTagPrefix(options.tagPrefix ?? '');
  return {
    repo,
    slug: `${repo.owner}/${repo.repo}`,
    apiUrl: apiUrlFor(options.apiUrl, env, git.host),
    version: normal,
    tag: `${prefix}${normal}`,
    prerelease: version.prerelease !== '',
    commit: git.hash,
    versionFile,
    git,
  };
}
