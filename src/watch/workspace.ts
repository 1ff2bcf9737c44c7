/**
 * Workspaces: a directory holding exactly one commit for one run. Each repository has a bare mirror
 * under the state directory, cloned once and fetched when a commit is missing, so the second checkout
 * costs a small fetch and a local `git worktree add`, not a clone. The worktree's HEAD is detached at
 * the commit, which also keeps the commit from garbage collection while the job runs, even if a
 * force-push took it off the branch.
 *
 * The mirror holds branches and tags only: `git clone --mirror` would also download every pull-request
 * ref that GitHub publishes (refs/pull/*), which a job never needs.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DuatError } from '../core/errors.js';
import { gitExec } from './git-exec.js';
import type { StateLayout } from './journal.js';
import type { RepoSpec } from './repo-spec.js';

/** The commit cannot be had: the remote no longer has it (force-pushed away). Retrying will not help. */
export class CommitUnavailableError extends DuatError {}

export interface WorkspaceOptions {
  /** Limit for a clone or fetch (ms). */
  fetchTimeoutMs?: number;
}

const LOCAL_TIMEOUT_MS = 120_000;
// Automatic gc after a fetch runs in the foreground: a detached gc would outlive a stopped watcher.
const GC_IN_FOREGROUND = ['-c', 'gc.autoDetach=false', '-c', 'maintenance.autoDetach=false'];

export class Workspaces {
  private readonly swept = new Set<string>();
  private readonly fetchTimeoutMs: number;

  constructor(
    private readonly layout: StateLayout,
    options: WorkspaceOptions = {},
  ) {
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 10 * 60_000;
    // Clones that a crash interrupted never became mirrors: remove them.
    for (const name of safeReaddir(layout.mirrors)) {
      if (name.startsWith('.tmp-')) rmSync(join(layout.mirrors, name), { recursive: true, force: true });
    }
  }

  mirrorPath(spec: RepoSpec): string {
    return join(this.layout.mirrors, `${spec.key}.git`);
  }

  workspacePath(id: string): string {
    return join(this.layout.workspaces, id);
  }

  /** Makes sure the mirror of `spec` holds `commit`, cloning or fetching as needed; returns the mirror. */
  async ensureCommit(
    spec: RepoSpec,
    commit: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<string> {
    const mirror = this.mirrorPath(spec);
    if (!existsSync(mirror)) await this.clone(spec, mirror, env, signal);
    else this.sweepStaleLocks(mirror);
    if (await this.hasCommit(mirror, commit, env)) return mirror;
    await gitExec(
      [
        ...GC_IN_FOREGROUND,
        '--git-dir',
        mirror,
        'fetch',
        '--prune',
        '--quiet',
        spec.url,
        '+refs/heads/*:refs/heads/*',
        '+refs/tags/*:refs/tags/*',
      ],
      { env, timeoutMs: this.fetchTimeoutMs, signal },
    );
    if (await this.hasCommit(mirror, commit, env)) return mirror;
    throw new CommitUnavailableError(`commit ${commit} is no longer on ${spec.display} (force-pushed away?)`);
  }

  /** Checks `commit` out into `dir` (replacing anything there) as a detached worktree of `mirror`. */
  async checkout(
    mirror: string,
    commit: string,
    dir: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<void> {
    rmSync(dir, { recursive: true, force: true });
    // --force twice: a worktree entry that a crash left behind (missing, even locked while git made it) is replaced.
    await gitExec(
      ['--git-dir', mirror, 'worktree', 'add', '--detach', '--force', '--force', '--quiet', dir, commit],
      {
        env,
        timeoutMs: LOCAL_TIMEOUT_MS,
        signal,
      },
    );
  }

  /** Removes a workspace and its worktree entry in the mirror. */
  async remove(mirror: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
    rmSync(dir, { recursive: true, force: true });
    if (existsSync(mirror)) {
      await gitExec(['--git-dir', mirror, 'worktree', 'prune'], { env, timeoutMs: LOCAL_TIMEOUT_MS }).catch(
        () => {},
      );
    }
  }

  private async hasCommit(mirror: string, commit: string, env: NodeJS.ProcessEnv): Promise<boolean> {
    try {
      await gitExec(['--git-dir', mirror, 'cat-file', '-e', `${commit}^{commit}`], {
        env,
        timeoutMs: LOCAL_TIMEOUT_MS,
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Clones into a temporary name and renames it into place: a mirror is complete or absent. */
  private async clone(
    spec: RepoSpec,
    mirror: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<void> {
    const temp = join(this.layout.mirrors, `.tmp-${spec.key}-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    try {
      await gitExec(['clone', '--bare', '--quiet', '--', spec.url, temp], {
        env,
        timeoutMs: this.fetchTimeoutMs,
        signal,
      });
      renameSync(temp, mirror);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    this.swept.add(mirror);
  }

  /**
   * Lock files that a git process killed with the watcher left in the mirror (packed-refs.lock,
   * refs/heads/x.lock...) would fail every later fetch. The caller holds the state directory's lock, so
   * no other watcher uses the mirror: once per process, remove them. Jobs' own locks in worktrees/ stay.
   */
  private sweepStaleLocks(mirror: string): void {
    if (this.swept.has(mirror)) return;
    this.swept.add(mirror);
    const walk = (dir: string, depth: number) => {
      for (const name of safeReaddir(dir)) {
        const path = join(dir, name);
        if (name.endsWith('.lock')) {
          try {
            unlinkSync(path);
          } catch {
            // gone
          }
          continue;
        }
        if (depth < 8 && name !== 'objects' && name !== 'worktrees' && isDirectory(path))
          walk(path, depth + 1);
      }
    };
    walk(mirror, 0);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
