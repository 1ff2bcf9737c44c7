/**
 * Workspaces: a directory holding exactly one commit for one run. Each repository has a bare mirror
 * under the state directory, cloned once and fetched when a commit is missing, so the second checkout
 * costs a small fetch and a local `git worktree add`, not a clone. The worktree's HEAD is detached at
 * the commit, which also keeps the commit from garbage collection while the job runs, even if a
 * force-push took it off the branch.
 *
 * The mirror holds branches and tags only: `git clone --mirror` would also download every pull-request
 * ref that GitHub publishes (refs/pull/*), which a job never needs.
 *
 * Any number of runs (two branches of one repository, say) may need one mirror at once: everything that
 * changes a mirror (clone, check, fetch, worktree add and prune) runs one at a time per mirror, and a clone goes into a
 * directory of its own (mkdtemp) that is renamed into place whole, so a mirror is complete or absent.
 * A mirror is checked before its first use by this process and after a failed fetch (HEAD, refs and
 * the objects they name must all be there); a broken one is moved aside and cloned again.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
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
  /** Told when a broken mirror is rebuilt. */
  warn?: (message: string) => void;
}

const LOCAL_TIMEOUT_MS = 120_000;
// Automatic gc after a fetch runs in the foreground: a detached gc would outlive a stopped watcher.
const GC_IN_FOREGROUND = ['-c', 'gc.autoDetach=false', '-c', 'maintenance.autoDetach=false'];

export class Workspaces {
  private readonly swept = new Set<string>();
  private readonly fetchTimeoutMs: number;
  private readonly warn: (message: string) => void;
  /** The tail of the queue of work on each mirror (see the module comment). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly layout: StateLayout,
    options: WorkspaceOptions = {},
  ) {
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 10 * 60_000;
    this.warn = options.warn ?? (() => {});
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
  ensureCommit(
    spec: RepoSpec,
    commit: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<string> {
    const mirror = this.mirrorPath(spec);
    return this.exclusive(mirror, () => this.ensureCommitNow(spec, mirror, commit, env, signal));
  }

  /** Runs `work` after all work queued before it on `key` has settled. */
  private exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => {});
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }

  private async ensureCommitNow(
    spec: RepoSpec,
    mirror: string,
    commit: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<string> {
    // Re-checked here, under the mirror's turn: another run may have made it while this one waited.
    if (existsSync(mirror) && !this.swept.has(mirror)) {
      this.sweepStaleLocks(mirror);
      await this.rebuildIfBroken(spec, mirror, env, signal);
    }
    if (!existsSync(mirror)) await this.clone(spec, mirror, env, signal);
    if (await this.hasCommit(mirror, commit, env)) return mirror;
    try {
      await this.fetch(spec, mirror, env, signal);
    } catch (err) {
      if (signal?.aborted || !(await this.rebuildIfBroken(spec, mirror, env, signal))) throw err;
    }
    if (await this.hasCommit(mirror, commit, env)) return mirror;
    throw new CommitUnavailableError(`commit ${commit} is no longer on ${spec.display} (force-pushed away?)`);
  }

  private fetch(
    spec: RepoSpec,
    mirror: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<string> {
    return gitExec(
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
  }

  /**
   * A mirror is sound when git takes it for a bare repository and every ref names an object that is
   * there (a cheap check: the refs' own objects, not their history). A broken one is moved aside,
   * removed and cloned again; returns whether that happened.
   */
  private async rebuildIfBroken(
    spec: RepoSpec,
    mirror: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const problem = await this.mirrorProblem(mirror, env);
    if (problem === undefined) return false;
    this.warn(`the mirror of ${spec.display} is broken (${problem}): cloning it again`);
    const aside = mkdtempSync(join(this.layout.mirrors, `.tmp-broken-${spec.key}-`));
    renameSync(mirror, join(aside, 'mirror.git'));
    rmSync(aside, { recursive: true, force: true, maxRetries: 3 });
    await this.clone(spec, mirror, env, signal);
    return true;
  }

  private async mirrorProblem(mirror: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
    const local = { env, timeoutMs: LOCAL_TIMEOUT_MS };
    try {
      const bare = await gitExec(['--git-dir', mirror, 'rev-parse', '--is-bare-repository'], local);
      if (bare.trim() !== 'true') return 'not a bare repository';
      await gitExec(['--git-dir', mirror, 'rev-list', '--no-walk', '--all', '--quiet'], local);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
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
    // In the mirror's queue: a `worktree prune` of another run's end must not run while git makes this one.
    // --force twice: a worktree entry that a crash left behind (missing, even locked while git made it) is replaced.
    await this.exclusive(mirror, () =>
      gitExec(
        ['--git-dir', mirror, 'worktree', 'add', '--detach', '--force', '--force', '--quiet', dir, commit],
        { env, timeoutMs: LOCAL_TIMEOUT_MS, signal },
      ),
    );
  }

  /** Removes a workspace and its worktree entry in the mirror. */
  async remove(mirror: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
    rmSync(dir, { recursive: true, force: true });
    await this.exclusive(mirror, async () => {
      if (existsSync(mirror))
        await gitExec(['--git-dir', mirror, 'worktree', 'prune'], { env, timeoutMs: LOCAL_TIMEOUT_MS }).catch(
          () => {},
        );
    });
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

  /**
   * Clones into a directory of its own and renames it into place: a mirror is complete or absent, and
   * two clones (of two processes, say) never write into one directory.
   */
  private async clone(
    spec: RepoSpec,
    mirror: string,
    env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ): Promise<void> {
    const temp = mkdtempSync(join(this.layout.mirrors, `.tmp-${spec.key}-`));
    const into = join(temp, 'mirror.git');
    try {
      await gitExec(['clone', '--bare', '--quiet', '--', spec.url, into], {
        env,
        timeoutMs: this.fetchTimeoutMs,
        signal,
      });
      try {
        renameSync(into, mirror);
      } catch (err) {
        // Another process put a mirror there first: that one is as good.
        if (!existsSync(mirror)) throw err;
      }
    } finally {
      rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
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
