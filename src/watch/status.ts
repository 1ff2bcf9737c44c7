/**
 * What `duat git-watch status` and `logs` show, as data: one source for the command line (text and
 * --json), the JSON API under /api/ and the status pages (src/watch/ui). Each reads a StatusSource:
 * the state directory read without locking it (what the command line uses, and works while a watcher
 * runs: run records are replaced atomically and status.json is rewritten whole), or the running
 * watcher's memory (what its --listen server uses, so a page never re-reads thousands of records).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DuatError, describeFsError, errorCode, UsageError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { RunJournal, stateLayout } from './journal.js';
import { isFinished, isPending, type RunRecord, runId } from './runs.js';

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

/** The commit a repository was last seen at, described once its run fetched it. */
export interface CommitInfo {
  readonly commit: string;
  readonly author: string | undefined;
  readonly subject: string | undefined;
}

export interface RepoStatus extends RepoSnapshot {
  /** A short, stable name of the repository watch (for URLs: /runs?repo=KEY, /api/repos/KEY/poll). */
  readonly key: string;
  /** The last commit seen, with its author and subject when known. */
  readonly lastCommit: CommitInfo | undefined;
  /** The newest run of this repository and branch. */
  readonly lastRun: RunRecord | undefined;
  readonly queued: number;
  /** True while polls fail: the repository is polled less and less often (up to --max-backoff). */
  readonly backingOff: boolean;
}

export type WatcherStatus = Omit<WatcherSnapshot, 'repositories'> & { readonly running: boolean };

export interface WatchStatus {
  readonly stateDir: string;
  /** The watcher that wrote status.json, and whether it still runs. */
  readonly watcher: WatcherStatus | undefined;
  readonly repositories: readonly RepoStatus[];
  /** The most recent runs, newest first. */
  readonly runs: readonly RunRecord[];
}

/** Where status data comes from: the state directory on disk, or a running watcher's memory. */
export interface StatusSource {
  readonly stateDir: string;
  snapshot(): WatcherSnapshot | undefined;
  /** Whether the watcher runs, when the source knows better than the pid in the snapshot. */
  running?(): boolean;
  /** Every run record (any order). */
  runs(): readonly RunRecord[];
  run(id: string): RunRecord | undefined;
  forRepo(url: string, branch: string): readonly RunRecord[];
}

/** One page of a list, newest first. */
export interface Page<T> {
  readonly items: readonly T[];
  /** 1-based; a page past the end is the last page. */
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly pages: number;
}

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

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

/** The state directory as it is now (read once: status.json and every run record). */
export function diskSource(stateDir: string): StatusSource {
  const snapshot = readSnapshot(stateDir);
  const journal = RunJournal.read(stateLayout(stateDir));
  return {
    stateDir,
    snapshot: () => snapshot,
    runs: () => journal.all(),
    run: (id) => journal.get(id),
    forRepo: (url, branch) => journal.forRepo(url, branch),
  };
}

/** Newest first: started (or seen) most recently. */
function byRecent(a: RunRecord, b: RunRecord): number {
  const ta = a.startedAt ?? a.seenAt;
  const tb = b.startedAt ?? b.seenAt;
  return ta < tb ? 1 : ta > tb ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The key of a repository watch: 12 hex digits of sha256 of its display form (`URL[^branch]`). */
export function watchKey(display: string): string {
  return createHash('sha256').update(display).digest('hex').slice(0, 12);
}

export function watcherStatus(source: StatusSource): WatcherStatus | undefined {
  const snapshot = source.snapshot();
  if (!snapshot) return undefined;
  const { repositories: _, ...rest } = snapshot;
  const running = source.running
    ? source.running()
    : snapshot.stoppedAt === undefined && alive(snapshot.pid, snapshot.host);
  return { ...rest, running };
}

/** One repository with its last commit, last run and queue. */
export function repoStatus(source: StatusSource, repo: RepoSnapshot): RepoStatus {
  const own = repo.branch === undefined ? [] : [...source.forRepo(repo.url, repo.branch)];
  let lastRun: RunRecord | undefined;
  let queued = 0;
  for (const run of own) {
    if (lastRun === undefined || byRecent(run, lastRun) < 0) lastRun = run;
    if (isPending(run)) queued++;
  }
  let lastCommit: CommitInfo | undefined;
  if (repo.lastSeen !== undefined) {
    const seen =
      repo.branch === undefined ? undefined : source.run(runId(repo.url, repo.branch, repo.lastSeen));
    lastCommit = { commit: repo.lastSeen, author: seen?.author, subject: seen?.subject };
  }
  return {
    ...repo,
    key: watchKey(repo.display),
    lastCommit,
    lastRun,
    queued,
    backingOff: repo.condition === 'unreachable' && repo.failures > 0,
  };
}

function pageOf<T>(all: readonly T[], page: number | undefined, pageSize: number | undefined): Page<T> {
  const size = Math.min(Math.max(1, Math.floor(pageSize ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(all.length / size));
  const wanted = Number.isFinite(page) ? Math.floor(page as number) : 1;
  const current = Math.min(Math.max(1, wanted), pages);
  return {
    items: all.slice((current - 1) * size, current * size),
    page: current,
    pageSize: size,
    total: all.length,
    pages,
  };
}

export interface PageOptions {
  readonly page?: number;
  readonly pageSize?: number;
}

/** Repositories in the order they were given to the watcher, a page at a time. */
export function listRepositories(source: StatusSource, options: PageOptions = {}): Page<RepoStatus> {
  const repos = source.snapshot()?.repositories ?? [];
  const page = pageOf(repos, options.page, options.pageSize);
  return { ...page, items: page.items.map((repo) => repoStatus(source, repo)) };
}

/** The repository watch with this key, if any. */
export function findRepository(source: StatusSource, key: string): RepoSnapshot | undefined {
  return source.snapshot()?.repositories.find((repo) => watchKey(repo.display) === key);
}

/** Runs newest first, a page at a time; `repo` (a key) keeps one repository watch's runs. */
export function listRuns(
  source: StatusSource,
  options: PageOptions & { repo?: string } = {},
): Page<RunRecord> {
  let runs: RunRecord[];
  if (options.repo !== undefined) {
    const repo = findRepository(source, options.repo);
    runs = repo?.branch === undefined ? [] : [...source.forRepo(repo.url, repo.branch)];
  } else runs = [...source.runs()];
  return pageOf(runs.sort(byRecent), options.page, options.pageSize);
}

/** What `git-watch status --json` prints and GET /api/status serves. */
export function statusOf(source: StatusSource, options: { recentRuns?: number } = {}): WatchStatus {
  return {
    stateDir: source.stateDir,
    watcher: watcherStatus(source),
    repositories: (source.snapshot()?.repositories ?? []).map((repo) => repoStatus(source, repo)),
    runs: [...source.runs()].sort(byRecent).slice(0, options.recentRuns ?? 20),
  };
}

export function readStatus(stateDir: string, options: { recentRuns?: number } = {}): WatchStatus {
  return statusOf(diskSource(stateDir), options);
}

/** Finds a run by its id or a unique prefix of it (at least 4 characters). */
export function findRunIn(source: StatusSource, idOrPrefix: string): RunRecord {
  const wanted = idOrPrefix.trim().toLowerCase();
  const exact = source.run(wanted);
  if (exact) return exact;
  if (wanted.length < 4)
    throw new UsageError(`"${idOrPrefix}" is too short to name a run`, {
      hint: 'give at least 4 characters of the run id',
    });
  const matches = source.runs().filter((r) => r.id.startsWith(wanted));
  if (matches.length === 1) return matches[0] as RunRecord;
  if (matches.length === 0) {
    throw new DuatError(`no run ${idOrPrefix} in ${source.stateDir}`, {
      hint: 'duat git-watch status lists the recent runs',
    });
  }
  throw new UsageError(`"${idOrPrefix}" matches ${matches.length} runs`, {
    hint: 'give more characters of the run id',
  });
}

/** Finds a run by its id or a unique prefix of it (at least 4 characters). */
export function findRun(stateDir: string, idOrPrefix: string): RunRecord {
  return findRunIn(diskSource(stateDir), idOrPrefix);
}

export interface RunLog {
  readonly run: RunRecord;
  readonly path: string;
  /** The job's output from `offset` to `next` ('' when it has not started), credentials masked. */
  readonly log: string;
  /** Byte offsets in the log file: what was read is [offset, next); the file held `size` bytes. */
  readonly offset: number;
  readonly next: number;
  readonly size: number;
  /** The run has ended and everything it wrote has been read: nothing more will come. */
  readonly complete: boolean;
}

export interface LogOptions {
  /** Read from this byte offset (default 0). */
  readonly offset?: number;
  /** Without an offset: only the last this many bytes (from the first line start in them). */
  readonly tail?: number;
  /** Read at most this much (default: everything). */
  readonly maxBytes?: number;
  /**
   * While the run goes on, stop at the last newline read (default true): a line is masked whole, and
   * a multi-byte character is never cut. The rest comes with the next read.
   */
  readonly wholeLines?: boolean;
}

/** Bytes [from, to) of a file, or nothing when it does not exist. */
function readRange(path: string, from: number, maxBytes: number): { bytes: Buffer; size: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { bytes: Buffer.alloc(0), size: 0 };
    throw new DuatError(`cannot read the log: ${describeFsError(err)}`, { file: path });
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.min(from, size);
    const length = Math.max(0, Math.min(size - start, maxBytes));
    const bytes = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, bytes, done, length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    return { bytes: bytes.subarray(0, done), size };
  } finally {
    closeSync(fd);
  }
}

/** Where a prefix of `bytes` ends without cutting a UTF-8 character. */
function utf8Boundary(bytes: Buffer): number {
  let end = bytes.length;
  // Step back over continuation bytes to the start of the last character, keep it only if complete.
  let i = end - 1;
  while (i >= 0 && i >= end - 4 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
  if (i < 0) return end;
  const lead = bytes[i] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (end - i < need) end = i;
  return end;
}

/** A run's log, or part of it (see LogOptions), with credentials masked. */
export function runLogOf(source: StatusSource, idOrPrefix: string, options: LogOptions = {}): RunLog {
  const run = findRunIn(source, idOrPrefix);
  const path = join(stateLayout(source.stateDir).runs, run.id, 'log');
  const finished = isFinished(run);
  let from = Math.max(0, Math.floor(options.offset ?? 0));
  let { bytes, size } = readRange(path, from, options.maxBytes ?? Number.MAX_SAFE_INTEGER);
  if (options.offset === undefined && options.tail !== undefined && size > options.tail) {
    from = size - options.tail;
    ({ bytes, size } = readRange(path, from, options.maxBytes ?? Number.MAX_SAFE_INTEGER));
    const newline = bytes.indexOf(10);
    if (newline !== -1) {
      from += newline + 1;
      bytes = bytes.subarray(newline + 1);
    }
  }
  let used = bytes.length;
  const atEnd = from + used >= size;
  if (!(finished && atEnd)) {
    if (options.wholeLines !== false) {
      const newline = bytes.lastIndexOf(10);
      used = newline === -1 ? 0 : newline + 1;
    } else used = utf8Boundary(bytes);
  }
  const next = from + used;
  return {
    run,
    path,
    log: redact(bytes.subarray(0, used).toString('utf8')),
    offset: from,
    next,
    size,
    complete: finished && next >= size,
  };
}

/** A run's whole log (what `duat git-watch logs RUN` prints). */
export function readRunLog(stateDir: string, idOrPrefix: string): RunLog {
  return runLogOf(diskSource(stateDir), idOrPrefix, { wholeLines: false });
}
