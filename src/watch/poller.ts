/**
 * One poll of one repository: `git ls-remote --symref URL HEAD [refs/heads/BRANCH]`. It lists refs
 * without fetching anything, so a poll costs one short git process and a few hundred bytes on the wire,
 * whatever the repository's size. Without a branch, the remote's HEAD names the default branch (the
 * original assumed `master`).
 */
import { DuatError } from '../core/errors.js';
import { gitExec } from './git-exec.js';
import type { RepoSpec } from './repo-spec.js';

export interface PollResult {
  /** The branch looked at: the one asked for, or the remote's default; undefined when it has none. */
  readonly branch: string | undefined;
  /** Its newest commit; undefined when the branch does not exist (deleted, or no commit yet). */
  readonly commit: string | undefined;
}

export interface PollOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Reads `git ls-remote --symref` output for the branch wanted (or HEAD's). */
export function parseLsRemote(output: string, branch: string | undefined): PollResult {
  const refs = new Map<string, string>();
  let headTarget: string | undefined;
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab === -1) continue;
    const left = line.slice(0, tab);
    const name = line.slice(tab + 1).trim();
    if (left.startsWith('ref: ')) {
      if (name === 'HEAD') headTarget = left.slice(5).trim();
    } else if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(left)) refs.set(name, left);
  }
  if (branch !== undefined) return { branch, commit: refs.get(`refs/heads/${branch}`) };
  if (headTarget?.startsWith('refs/heads/')) {
    const name = headTarget.slice('refs/heads/'.length);
    return { branch: name, commit: refs.get(headTarget) ?? refs.get('HEAD') };
  }
  if (refs.has('HEAD')) {
    throw new DuatError("the remote's HEAD is not a branch, so it has no default branch", {
      hint: 'name the branch to watch: URL^branch',
    });
  }
  return { branch: undefined, commit: undefined };
}

export async function pollRepository(spec: RepoSpec, options: PollOptions): Promise<PollResult> {
  const patterns = spec.branch === undefined ? ['HEAD'] : [`refs/heads/${spec.branch}`];
  const output = await gitExec(['ls-remote', '--symref', spec.url, ...patterns], {
    env: options.env,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  return parseLsRemote(output, spec.branch);
}
