/**
 * What `duat git-watch status` and `logs` show, as data: one source for the command line (text and
 * --json) and for any later web page. It reads the state directory without locking it, so it works
 * while a watcher runs: run records are replaced atomically and status.json is rewritten whole.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DuatError, describeFsError, errorCode, UsageError } from '../core/errors.js';
import { RunJournal, stateLayout } from './journal.js';
import { isPending, type RunRecord } from './runs.js';

/** How a repository looked at its last poll. */
export type RepoCondition = 'new' | 'ok' | 'unreachable' | 'no-branch' | 'empty';

/** One repository in status.json, as the watcher writes it. */
export interface RepoSnapshot {
  readonly display: string;
  readonly url: string;
  /** The branch asked for, or the default branch found (undefined before the first poll). */
  readonly branch: string | undefined;
  readonly condition: RepoCondition;
  readonly lastSeen: string | undefined;
  readonly lastPollAt: string | undefined;
  readonly nextPollAt: string | undefined;
  readonly failures: number;
  readonly error: string | undefined;
}

/** status.json: the running (or last) watcher and its repositories. */
export interface WatcherSnapshot {
  readonly format: 1;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Set when the watcher ended cleanly. */
  readonly stoppedAt?: string;
  readonly once: boolean;
  readonly intervalMs: number;
  readonly runner: string;
  readonly listen?: string;
  readonly repositories: readonly RepoSnapshot[];
}

export interface RepoStatus extends RepoSnapshot {
  /** The newest run of this repository and branch. */
  readonly lastRun: RunRecord | undefined;
  readonly queued: number;
}

export interface WatchStatus {
  readonly stateDir: string;
  /** The watcher that wrote status.json, and whether it still runs. */
  readonly watcher: (Omit<WatcherSnapshot, 'repositories'> & { readonly running: boolean }) | undefined;
  readonly repositories: readonly RepoStatus[];
  /** The most recent runs, newest first. */
  readonly runs: readonly RunRecord[];
}

function alive(pid: number, host: string): boolean {
  if (host !== hostname()) return true; // cannot tell: assume it runs
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

export function readSnapshot(stateDir: string): WatcherSnapshot | undefined {
  try {
    const value = JSON.parse(readFileSync(stateLayout(stateDir).statusFile, 'utf8')) as WatcherSnapshot;
    return value?.format === 1 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Newest first: started (or seen) most recently. */
function byRecent(a: RunRecord, b: RunRecord): number {
  const ta = a.startedAt ?? a.seenAt;
  const tb = b.startedAt ?? b.seenAt;
  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

export function readStatus(stateDir: string, options: { recentRuns?: number } = {}): WatchStatus {
  const snapshot = readSnapshot(stateDir);
  const journal = RunJournal.read(stateLayout(stateDir));
  const runs = journal.all().sort(byRecent);
  const repositories: RepoStatus[] = (snapshot?.repositories ?? []).map((repo) => {
    const own = repo.branch === undefined ? [] : journal.forRepo(repo.url, repo.branch).sort(byRecent);
    return { ...repo, lastRun: own[0], queued: own.filter(isPending).length };
  });
  let watcher: WatchStatus['watcher'];
  if (snapshot) {
    const { repositories: _, ...rest } = snapshot;
    watcher = { ...rest, running: snapshot.stoppedAt === undefined && alive(snapshot.pid, snapshot.host) };
  }
  return { stateDir, watcher, repositories, runs: runs.slice(0, options.recentRuns ?? 20) };
}

/** Finds a run by its id or a unique prefix of it (at least 4 characters). */
export function findRun(stateDir: string, idOrPrefix: string): RunRecord {
  const journal = RunJournal.read(stateLayout(stateDir));
  const wanted = idOrPrefix.trim().toLowerCase();
  const exact = journal.get(wanted);
  if (exact) return exact;
  if (wanted.length < 4)
    throw new UsageError(`"${idOrPrefix}" is too short to name a run`, {
      hint: 'give at least 4 characters of the run id',
    });
  const matches = journal.all().filter((r) => r.id.startsWith(wanted));
  if (matches.length === 1) return matches[0] as RunRecord;
  if (matches.length === 0) {
    throw new DuatError(`no run ${idOrPrefix} in ${stateDir}`, {
      hint: 'duat git-watch status lists the recent runs',
    });
  }
  throw new UsageError(`"${idOrPrefix}" matches ${matches.length} runs`, {
    hint: 'give more characters of the run id',
  });
}

export interface RunLog {
  readonly run: RunRecord;
  readonly path: string;
  /** The job's output so far ('' when it has not started). */
  readonly log: string;
}

export function readRunLog(stateDir: string, idOrPrefix: string): RunLog {
  const run = findRun(stateDir, idOrPrefix);
  const path = join(stateLayout(stateDir).runs, run.id, 'log');
  let log = '';
  try {
    log = readFileSync(path, 'utf8');
  } catch (err) {
    if (errorCode(err) !== 'ENOENT')
      throw new DuatError(`cannot read the log: ${describeFsError(err)}`, { file: path });
  }
  return { run, path, log };
}
