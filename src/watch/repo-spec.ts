/**
 * Repository arguments of git-watch: `URL[^branch]`, where URL is an https/http, ssh (`ssh://` or
 * `user@host:path`), git:// or file:// URL, or a path to a local repository. Credentials written into
 * an http(s) URL are taken out of it at once: the URL that git sees, logs show and state files keep
 * never holds them; they travel to git through its environment (see git-auth.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { remotePath, repositoryName } from '../git/remote-url.js';

export type Transport = 'http' | 'ssh' | 'git' | 'local';

export interface RepoCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RepoSpec {
  /** The URL given to git: no credentials; local paths made absolute. Part of every run's identity. */
  readonly url: string;
  /** The branch asked for after `^`; undefined means the remote's default branch (its HEAD). */
  readonly branch: string | undefined;
  /** How git reaches it; tokens are only sent over http(s). */
  readonly transport: Transport;
  /** user:password taken out of an http(s) URL. */
  readonly credentials: RepoCredentials | undefined;
  /** What logs and status show: the URL and `^branch` when one was given. */
  readonly display: string;
  /** A short file-name-safe key (`owner-name-1a2b3c4d5e`) for the repository's mirror. */
  readonly key: string;
}

/** A branch name git would accept (git check-ref-format, for one branch). */
export function isValidBranch(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-') || name.startsWith('/') || name.endsWith('/'))
    return false;
  if (
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('..') ||
    name.includes('@{') ||
    name.includes('//')
  )
    return false;
  if (name.split('/').some((part) => part.startsWith('.'))) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git forbids
  return !/[\x00-\x20\x7f~^:?*[\\]/.test(name);
}

function transportOf(url: string): Transport {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'git') return 'git';
  if (scheme === 'file') return 'local';
  if (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git') return 'ssh';
  if (scheme)
    throw new UsageError(`unsupported URL scheme "${scheme}://"`, {
      hint: 'use https://, ssh://, git://, file:// or a path',
    });
  return remotePath(url).kind === 'local' ? 'local' : 'ssh';
}

/** Takes `user:password@` out of an http(s) URL. */
function takeCredentials(url: string): { url: string; credentials: RepoCredentials | undefined } {
  const match = /^(https?:\/\/)([^/@]*)@/i.exec(url);
  if (!match) return { url, credentials: undefined };
  const userinfo = match[2] ?? '';
  const colon = userinfo.indexOf(':');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const password = colon === -1 ? '' : decode(userinfo.slice(colon + 1));
  // A lone user name in an https URL is how tokens are often written (https://TOKEN@github.com/...).
  registerSecret(password || username);
  registerSecret(userinfo);
  return { url: match[1] + url.slice(match[0].length), credentials: { username, password } };
}

/** The file-name-safe key of a repository URL. */
export function repoKey(url: string): string {
  const name = (repositoryName(url) ?? 'repository').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 10);
  return `${name.slice(-40) || 'repository'}-${hash}`;
}

/** Parses one `URL[^branch]` argument; relative paths are resolved against `cwd`. */
export function parseRepoSpec(argument: string, cwd: string = process.cwd()): RepoSpec {
  const text = argument.trim();
  const caret = text.lastIndexOf('^');
  const rawUrl = caret === -1 ? text : text.slice(0, caret);
  let branch = caret === -1 ? undefined : text.slice(caret + 1).replace(/^refs\/heads\//, '');
  if (rawUrl === '')
    throw new UsageError(`"${argument}" has no repository URL`, { hint: 'write URL^branch' });
  if (rawUrl.startsWith('-'))
    throw new UsageError(`"${rawUrl}" is not a repository URL`, {
      hint: 'write ./PATH for a directory whose name starts with "-"',
    });
  if (branch !== undefined && !isValidBranch(branch)) {
    throw new UsageError(`"${branch}" is not a valid branch name (in ${rawUrl}^${branch})`, {
      hint: 'write URL^branch, or URL alone for the default branch',
    });
  }
  if (branch === '') branch = undefined;
  const transport = transportOf(rawUrl);
  let { url, credentials } = takeCredentials(rawUrl);
  if (transport === 'local' && !/^file:\/\//i.test(url)) {
    url = resolve(cwd, url);
    if (!existsSync(url)) {
      throw new UsageError(`no repository at ${url}`, {
        hint: 'give a URL, or the path of a git repository',
      });
    }
  }
  const display = branch === undefined ? url : `${url}^${branch}`;
  return { url, branch, transport, credentials, display, key: repoKey(url) };
}
