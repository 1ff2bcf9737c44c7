/**
 * Everything duat needs to know about the git checkout it runs in: where it is, the branch, the commit,
 * the tag at HEAD, the remote URL (credentials removed) and the repository name. Read from the
 * repository's files without the network and, in the common cases, without running git.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DuatError } from '../core/errors.js';
import { stripUrlCredentials } from '../core/redact.js';
import { compareVersions, parseVersion } from '../version/semver.js';
import { runGit } from './command.js';
import { configGet, type GitConfig, parseGitConfig, remoteNames } from './config.js';
import { listTagRefs, peelTag, readHead, type TagRef, usesReftable } from './refs.js';
import { remotePath, repositoryName } from './remote-url.js';
import { type RepositoryLocation, requireRepository } from './repository.js';

export interface GitInfo {
  /** Top directory of the working tree. */
  readonly dir: string;
  /** This working tree's git directory. */
  readonly gitDir: string;
  /** The branch checked out, or on a detached HEAD the branch CI says it builds. */
  readonly branch: string | undefined;
  /** Where the branch came from: 'HEAD', or the CI variable that gave it ('env:GITHUB_REF_NAME'). */
  readonly branchSource: string | undefined;
  readonly detached: boolean;
  /** Full commit hash of HEAD; undefined before the first commit. */
  readonly hash: string | undefined;
  readonly shortHash: string | undefined;
  /** A tag pointing at HEAD (the highest version when several do). */
  readonly tag: string | undefined;
  /** Name of the remote used for the URL. */
  readonly remote: string | undefined;
  /** The remote's URL without credentials. */
  readonly url: string | undefined;
  /** `owner/name` from the URL (for local remotes the last two path components). */
  readonly repoName: string | undefined;
  /** Host of the remote URL, when it has one. */
  readonly host: string | undefined;
}

export interface GitInfoOptions {
  /** A directory inside the repository (default: the working directory). */
  dir?: string;
  /** Environment for CI branch variables (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** CI variables that name the branch of a detached checkout, in order of trust. */
export const CI_BRANCH_VARIABLES = [
  'GITHUB_HEAD_REF',
  'GITHUB_REF_NAME',
  'CI_COMMIT_BRANCH',
  'CI_COMMIT_REF_NAME',
  'BUILDKITE_BRANCH',
  'CIRCLE_BRANCH',
  'DRONE_BRANCH',
  'BITBUCKET_BRANCH',
  'TRAVIS_BRANCH',
  'BRANCH_NAME',
  'GIT_BRANCH',
] as const;

function branchFromEnv(env: NodeJS.ProcessEnv): { branch: string; source: string } | undefined {
  for (const name of CI_BRANCH_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (name === 'GITHUB_REF_NAME' && env.GITHUB_REF_TYPE === 'tag') continue;
    const branch = name === 'GIT_BRANCH' ? value.replace(/^(origin|refs\/heads)\//, '') : value;
    return { branch, source: `env:${name}` };
  }
  return undefined;
}

function readConfig(repo: RepositoryLocation): GitConfig {
  try {
    return parseGitConfig(readFileSync(join(repo.commonDir, 'config'), 'utf8'));
  } catch {
    return new Map();
  }
}

function pickRemote(config: GitConfig, branch: string | undefined): string | undefined {
  const names = remoteNames(config);
  const tracked = branch ? configGet(config, `branch.${branch}.remote`) : undefined;
  if (tracked && names.includes(tracked)) return tracked;
  if (names.includes('origin')) return 'origin';
  return names[0];
}

function tagAtHead(repo: RepositoryLocation, head: string): string | undefined {
  let candidates: string[];
  if (usesReftable(repo)) {
    candidates = runGit(['tag', '--points-at', head], { cwd: repo.topDir }).split('\n').filter(Boolean);
  } else {
    const tags = listTagRefs(repo);
    candidates = [];
    const unknown: TagRef[] = [];
    for (const tag of tags) {
      if (tag.target === head || tag.peeled === head) {
        candidates.push(tag.name);
        continue;
      }
      const commit = peelTag(repo, tag);
      if (commit === 'unknown') unknown.push(tag);
      else if (commit === head) candidates.push(tag.name);
    }
    if (unknown.length > 0) {
      // Tag objects stored in packs: let git peel them.
      const pointing = new Set(runGit(['tag', '--points-at', head], { cwd: repo.topDir }).split('\n'));
      for (const tag of unknown) if (pointing.has(tag.name)) candidates.push(tag.name);
    }
  }
  if (candidates.length <= 1) return candidates[0];
  const versions = candidates.flatMap((name) => {
    try {
      return [{ name, version: parseVersion(name) }];
    } catch {
      return [];
    }
  });
  if (versions.length > 0) {
    versions.sort((a, b) => compareVersions(a.version, b.version));
    return versions[versions.length - 1]?.name;
  }
  return candidates.sort().pop();
}

/** Reads the git metadata of the repository holding `options.dir`. */
export function gitInfo(options: GitInfoOptions = {}): GitInfo {
  const repo = requireRepository(options.dir ?? process.cwd());
  const env = options.env ?? process.env;
  let head = usesReftable(repo) ? undefined : readHead(repo);
  if (head === undefined || (head.ref === undefined && head.hash === undefined)) {
    let ref: string | undefined;
    try {
      ref = runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.topDir });
    } catch {
      ref = undefined; // detached
    }
    let hash: string | undefined;
    try {
      hash = runGit(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: repo.topDir });
    } catch {
      hash = undefined;
    }
    head = { ...(ref ? { ref } : {}), ...(hash ? { hash } : {}) };
  }
  let branch: string | undefined;
  let branchSource: string | undefined;
  if (head.ref?.startsWith('refs/heads/')) {
    branch = head.ref.slice('refs/heads/'.length);
    branchSource = 'HEAD';
  } else {
    const fromEnv = branchFromEnv(env);
    branch = fromEnv?.branch;
    branchSource = fromEnv?.source;
  }
  const config = readConfig(repo);
  const remote = pickRemote(config, head.ref?.startsWith('refs/heads/') ? branch : undefined);
  const rawUrl = remote ? configGet(config, `remote.${remote}.url`) : undefined;
  const url = rawUrl === undefined ? undefined : stripUrlCredentials(rawUrl);
  return {
    dir: repo.topDir,
    gitDir: repo.gitDir,
    branch,
    branchSource,
    detached: head.ref === undefined,
    hash: head.hash,
    shortHash: head.hash?.slice(0, 7),
    tag: head.hash ? tagAtHead(repo, head.hash) : undefined,
    remote,
    url,
    repoName: url ? repositoryName(url) : undefined,
    host: url ? remotePath(url).host : undefined,
  };
}

/** The branch for a pre-release, or an error explaining how to provide one on a detached HEAD. */
export function requireBranch(info: GitInfo): string {
  if (info.branch) return info.branch;
  if (info.detached) {
    throw new DuatError(
      `HEAD is detached at ${info.shortHash ?? 'an unknown commit'} in ${basename(info.dir)}, so there is no branch name`,
      {
        hint: `check out a branch, or set one of the CI variables ${CI_BRANCH_VARIABLES.slice(0, 4).join(', ')}...`,
      },
    );
  }
  throw new DuatError('no branch is checked out');
}
