/**
 * Run records: one per (repository, branch, commit), the unit of "exactly once". The id is derived from
 * those three, so seeing the same commit again — after a restart, a force-push back, a webhook and a
 * poll at once — finds the same record instead of making a second run.
 *
 *   queued ──> started ──> succeeded | failed
 *                 │
 *                 └──> interrupted ──> started (attempt 2, once) ──> ...
 *
 * A record is written before each step is taken (queued before anything else, started before the
 * job is launched), so a restart knows what to resume.
 */
import { createHash } from 'node:crypto';

export type RunState = 'queued' | 'started' | 'succeeded' | 'failed' | 'interrupted';
export type RunResult = 'succeeded' | 'failed' | 'interrupted';

/** An interrupted run is started again once: two attempts in all. */
export const MAX_ATTEMPTS = 2;

export interface RunRecord {
  readonly format: 1;
  readonly id: string;
  /** The repository URL (no credentials) and the branch, as polled. */
  readonly url: string;
  readonly branch: string;
  readonly commit: string;
  /** The repository as logs show it. */
  readonly display: string;
  readonly state: RunState;
  /** Attempts started so far (0 while first queued). */
  readonly attempt: number;
  /** When a poll (or webhook) first saw the commit (ISO time). */
  readonly seenAt: string;
  readonly seenBy: 'poll' | 'webhook';
  readonly runner: string;
  readonly namespace?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly exitCode?: number;
  readonly signal?: string;
  /** Why the run failed or was interrupted when no exit code says it (a template error, a stop). */
  readonly error?: string;
  /** The commit's author name and subject line, recorded once the commit was fetched. */
  readonly author?: string;
  readonly subject?: string;
}

/** The run id: a UUID-shaped (version 8) rendering of sha256(url, branch, commit). */
export function runId(url: string, branch: string, commit: string): string {
  const hex = createHash('sha256')
    .update(`${url}\n${branch}\n${commit}`)
    .digest('hex')
    .slice(0, 32)
    .split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function isFinished(record: RunRecord): boolean {
  return (
    record.state === 'succeeded' ||
    record.state === 'failed' ||
    (record.state === 'interrupted' && record.attempt >= MAX_ATTEMPTS)
  );
}

/** A run waiting for its turn: queued, or interrupted with an attempt left. */
export function isPending(record: RunRecord): boolean {
  return record.state === 'queued' || (record.state === 'interrupted' && record.attempt < MAX_ATTEMPTS);
}

/** Oldest first: the order in which a repository's pending runs are started. */
export function bySeenAt(a: RunRecord, b: RunRecord): number {
  return a.seenAt < b.seenAt ? -1 : a.seenAt > b.seenAt ? 1 : a.id < b.id ? -1 : 1;
}

/** The record with `changes` applied (records are immutable values). */
export function updateRecord(
  record: RunRecord,
  changes: Partial<Omit<RunRecord, 'format' | 'id'>>,
): RunRecord {
  return { ...record, ...changes };
}

/** The phase word the original printed for a state. */
export function phaseOf(state: RunState): string {
  switch (state) {
    case 'queued':
      return 'Queued';
    case 'started':
      return 'Running';
    case 'succeeded':
      return 'Succeeded';
    case 'failed':
      return 'Failed';
    case 'interrupted':
      return 'Interrupted';
  }
}
