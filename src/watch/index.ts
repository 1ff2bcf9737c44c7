/**
 * git-watch as a library: everything `duat git-watch` does.
 *
 *   import { watch, pollOnce, readStatus, readRunLog } from 'duat';
 *   const summary = await pollOnce({ repositories: ['https://github.com/o/r.git^main'], job: { kind: 'command', command: 'make test' } });
 */
import { Watcher, type WatchOptions, type WatchSummary } from './watcher.js';

export interface WatchCallOptions extends WatchOptions {
  /** Aborting stops the watcher (as SIGTERM does: running jobs get the grace period). */
  readonly signal?: AbortSignal;
}

/** Watches until `signal` aborts (or, with `once`, until one pass and its runs are done). */
export async function watch(options: WatchCallOptions): Promise<WatchSummary> {
  const watcher = await Watcher.start(options);
  const { signal } = options;
  if (signal) {
    if (signal.aborted) void watcher.stop(String(signal.reason ?? 'aborted'));
    else
      signal.addEventListener('abort', () => void watcher.stop(String(signal.reason ?? 'aborted')), {
        once: true,
      });
  }
  return watcher.done;
}

/** One poll of every repository; runs what is new and waits for those runs. `ok` is the --once status. */
export function pollOnce(options: WatchCallOptions): Promise<WatchSummary> {
  return watch({ ...options, once: true });
}

export { type GcNamespace, type GcOptions, gcNamespaces } from './gc.js';
export {
  DEFAULT_JOB_SCRIPT,
  DEFAULT_JOB_SUMMARY,
  defaultNamespace,
  type JobSource,
  type JobValues,
} from './job.js';
export { defaultStateDir, stateLayout } from './journal.js';
export { DNS_LABEL_MAX, namespaceFor, trimWords } from './namespace.js';
export { parseRepoSpec, type RepoSpec } from './repo-spec.js';
export { KubernetesRunner, type KubernetesRunnerOptions } from './runners/kubernetes/runner.js';
export { LocalRunner } from './runners/local.js';
export type { JobSpec, Recovery, RunHandle, Runner, RunOutcome, RunPhase } from './runners/runner.js';
export { MAX_ATTEMPTS, type RunRecord, type RunState, runId } from './runs.js';
export {
  diskSource,
  findRun,
  listRepositories,
  listRuns,
  type RepoStatus,
  type RunLog,
  readRunLog,
  readStatus,
  runLogOf,
  type StatusSource,
  statusOf,
  type WatcherSnapshot,
  type WatchStatus,
} from './status.js';
export { Watcher, type WatchOptions, type WatchSummary } from './watcher.js';
export { verifyWebhook, type WebhookProvider } from './webhook.js';
