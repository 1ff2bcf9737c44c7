/** Words and times as the status pages show them (also sent to the live log when a run ends). */
import { formatDuration } from '../../core/duration.js';
import { redact, stripUrlCredentials } from '../../core/redact.js';
import { isPending, type RunRecord } from '../runs.js';
import type { RepoCondition, RepoStatus } from '../status.js';

/** Text that came from outside (a URL, a subject, an error), fit to show: no credential in it. */
export function shown(text: string | undefined): string {
  return text === undefined ? '' : redact(stripUrlCredentials(text));
}

export function shortHash(commit: string): string {
  return commit.slice(0, 7);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** The word for a run's state; a run interrupted with an attempt left says it runs again. */
export function runLabel(run: RunRecord): string {
  switch (run.state) {
    case 'started':
      return 'running';
    case 'interrupted':
      return isPending(run) ? 'interrupted, runs again' : 'interrupted';
    default:
      return run.state;
  }
}

export function conditionLabel(condition: RepoCondition): string {
  switch (condition) {
    case 'new':
      return 'not polled yet';
    case 'no-branch':
      return 'no such branch';
    case 'empty':
      return 'no commits';
    default:
      return condition;
  }
}

/** 42s, 3m, 2h 5m, 3d: coarse, for "ago" and "in". */
export function coarse(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

export function ago(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  if (Math.abs(ms) < 1500) return 'just now';
  return ms >= 0 ? `${coarse(ms)} ago` : `in ${coarse(ms)}`;
}

/** 2025-01-31 14:05:09 UTC */
export function absolute(iso: string | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '—';
  return `${t.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function runDuration(run: RunRecord, now: number): string {
  if (!run.startedAt) return '—';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const ms = Math.max(0, end - Date.parse(run.startedAt));
  return formatDuration(ms >= 10_000 ? Math.round(ms / 1000) * 1000 : Math.round(ms / 100) * 100);
}

export function exitText(run: RunRecord): string {
  if (run.exitCode !== undefined) return String(run.exitCode);
  if (run.signal) return run.signal;
  return '—';
}

/** When a repository is polled next, or why it is not. */
export function nextPollText(repo: RepoStatus, running: boolean, now: number): string {
  if (!running) return 'watcher not running';
  if (!repo.nextPollAt) return repo.condition === 'new' ? 'now' : '—';
  const ms = Date.parse(repo.nextPollAt) - now;
  return ms <= 1000 ? 'now' : `in ${coarse(ms)}`;
}

/** The fields of a run's page that change when it ends (the live log sends them). */
export function runFields(run: RunRecord, now: number): Record<string, string> {
  return {
    started: run.startedAt ? `${absolute(run.startedAt)} (${ago(run.startedAt, now)})` : 'not yet',
    finished: run.finishedAt ? `${absolute(run.finishedAt)} (${ago(run.finishedAt, now)})` : '—',
    duration: runDuration(run, now),
    exit: exitText(run),
    error: shown(run.error) || '—',
    attempt: run.attempt === 0 ? 'not started' : String(run.attempt),
    subject:
      run.subject === undefined ? '' : `${shown(run.subject)}${run.author ? ` — ${shown(run.author)}` : ''}`,
  };
}
