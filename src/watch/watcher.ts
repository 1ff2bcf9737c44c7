/**
 * The watcher: a level-triggered reconcile loop in the spirit of controller-runtime. Each turn compares
 * what should be (the newest commit of every watched branch, learnt by polling) with what is recorded
 * (the run journal) and acts so that they agree: a commit without a run record gets one (queued); a
 * repository with a pending run and no run going starts it when a job slot is free. Every action is
 * idempotent and recorded before it is taken, so a watcher killed at any moment and started again
 * simply continues: runs it finds started are asked of the runner (finished meanwhile, still going,
 * lost), and nothing that finished is run again.
 *
 * Data path: poll -> journal (queued) -> workspace -> job -> journal (started) -> runner -> journal (result).
 */

import { setMaxListeners } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { formatDuration } from '../core/duration.js';
import { DuatError, errorMessage, UsageError } from '../core/errors.js';
import { acquireFileLock } from '../core/lock.js';
import { type Logger, silentLogger } from '../core/log.js';
import { redact, registerSecret } from '../core/redact.js';
import { credentialPlan, type GitAuth, gitEnvFor } from './git-auth.js';
import { gitExec } from './git-exec.js';
import { defaultNamespace, type JobSource, renderJob } from './job.js';
import { defaultStateDir, ensureStateDir, RunJournal, type StateLayout } from './journal.js';
import { WatchMetrics } from './metrics.js';
import { type PollResult, pollRepository } from './poller.js';
import { parseRepoSpec, type RepoSpec } from './repo-spec.js';
import { LocalRunner } from './runners/local.js';
import type { JobSpec, RunHandle, Runner, RunOutcome } from './runners/runner.js';
import {
  bySeenAt,
  isFinished,
  isPending,
  MAX_ATTEMPTS,
  phaseOf,
  type RunRecord,
  runId,
  updateRecord,
} from './runs.js';
import { backoffDelay, jittered, type Random } from './schedule.js';
import { parseListenAddress, type RunningServer, startServer } from './server.js';
import type { RepoCondition, RepoSnapshot, StatusSource, WatcherSnapshot } from './status.js';
import { type PushEvent, repositoryIdentity } from './webhook.js';
import { CommitUnavailableError, Workspaces } from './workspace.js';

export interface WatchOptions {
  /** Repositories as `URL[^branch]`. */
  readonly repositories: readonly string[];
  /** Default: defaultStateDir(). */
  readonly stateDir?: string;
  /** Time between polls of a repository (ms, ±10% jitter). Default 60 s. */
  readonly intervalMs?: number;
  /** The longest wait between polls of an unreachable repository (ms). Default 10 min. */
  readonly maxBackoffMs?: number;
  /** One poll of each repository, run what is new, wait for the runs, end. */
  readonly once?: boolean;
  /** Jobs running at the same time, all repositories together. Default: the number of CPUs. */
  readonly maxJobs?: number;
  /** What each run executes. Default: the built-in test job. */
  readonly job?: JobSource;
  /** Token for https repositories (see git-auth.ts for where it goes). */
  readonly token?: string;
  /** More hosts the token is for, besides github.com, GH_HOST and GITHUB_SERVER_URL's host. */
  readonly tokenHosts?: readonly string[];
  /** Let credentials go over plain http to a loopback host. */
  readonly insecureHttpToken?: boolean;
  /** The namespace for every run (default: gw-VERSION from the commit's README). */
  readonly namespace?: string;
  readonly ignoreWarn?: boolean;
  readonly ignoreAwsErrors?: boolean;
  /** Keep workspaces after their runs (-debug). */
  readonly keepWorkspaces?: boolean;
  readonly runner?: Runner;
  readonly log?: Logger;
  /** The environment jobs inherit (and git runs with). Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Serve /healthz, /metrics and /webhook on this address. */
  readonly listen?: string;
  readonly webhookSecret?: string;
  /** With `listen`: the status pages' actions ("poll now") are allowed from other machines with this token. */
  readonly uiToken?: string;
  /** On stop, how long running jobs may take to finish before they are stopped (ms). Default 30 s. */
  readonly gracePeriodMs?: number;
  /** Polls in flight at once. Default 16. */
  readonly pollConcurrency?: number;
  /** Limit for one poll (ms). Default 60 s. */
  readonly pollTimeoutMs?: number;
  /** Directory relative repository paths are resolved against. */
  readonly cwd?: string;
  readonly random?: Random;
}

export interface WatchSummary {
  /** Runs that ended while this watcher ran, in the order they ended (the last 1,000 of them). */
  readonly runs: readonly RunRecord[];
  /** Polls that failed. */
  readonly pollErrors: number;
  /** Runs that could not be prepared (their commit could not be fetched) and wait for a later watcher. */
  readonly blocked: number;
  /** True when every run succeeded and nothing failed: the exit status of --once. */
  readonly ok: boolean;
}

interface RepoWatch {
  readonly spec: RepoSpec;
  readonly identity: string;
  readonly gitEnv: NodeJS.ProcessEnv;
  branch: string | undefined;
  condition: RepoCondition;
  lastSeen: string | undefined;
  lastPollAt: number | undefined;
  nextPollAt: number;
  polled: boolean;
  polling: boolean;
  pollRequested: boolean;
  pollVia: 'poll' | 'webhook';
  failures: number;
  lastError: string | undefined;
  /** Look for pending runs on the next turn. */
  checkPending: boolean;
  /** No run starts before this time (its commit could not be fetched). */
  blockedUntil: number;
  prepareFailures: number;
}

interface ActiveRun {
  /** Set once the job has started (before that the run is being prepared). */
  handle: RunHandle | undefined;
}

/** Wakes the loop early: a poll or a run ended, a webhook arrived, a stop was asked. */
class Wakeup {
  private waiting: (() => void) | undefined;
  private pending = false;
  notify(): void {
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = undefined;
      wake();
    } else this.pending = true;
  }
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolvePromise();
      }, ms);
      this.waiting = () => {
        clearTimeout(timer);
        resolvePromise();
      };
    });
  }
}

const STATUS_FLUSH_MS = 1000;
const ONCE = Number.POSITIVE_INFINITY;

export class Watcher {
  readonly metrics: WatchMetrics;
  readonly stateDir: string;
  private readonly layout: StateLayout;
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly runner: Runner;
  private readonly random: Random;
  private readonly intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxJobs: number;
  private readonly pollConcurrency: number;
  private readonly pollTimeoutMs: number;
  private readonly gracePeriodMs: number;
  private readonly job: JobSource;
  private readonly repos: RepoWatch[];
  private readonly journal: RunJournal;
  private readonly workspaces: Workspaces;
  private readonly active = new Map<string, ActiveRun>();
  /** Repository-and-branch slots with a run going: runs of one branch never overlap. */
  private readonly busy = new Set<string>();
  private readonly finished: RunRecord[] = [];
  /** How each run that ended last ended (a run interrupted then run again counts by its rerun). */
  private readonly results = new Map<string, RunRecord['state']>();
  private readonly wake = new Wakeup();
  private readonly abort = new AbortController();
  private readonly startedAt = new Date();
  private pollsInFlight = 0;
  private pollErrors = 0;
  private stopReason: string | undefined;
  /** The stop's grace period is over: jobs still going are being stopped. */
  private gracePeriodOver = false;
  private statusDirty = true;
  private statusTimer: NodeJS.Timeout | undefined;
  private server: RunningServer | undefined;
  private releaseLock: (() => void) | undefined;
  private loopDone: Promise<WatchSummary> | undefined;

  private constructor(
    private readonly options: WatchOptions,
    specs: RepoSpec[],
    layout: StateLayout,
    journal: RunJournal,
    releaseLock: () => void,
  ) {
    this.layout = layout;
    this.stateDir = layout.root;
    this.journal = journal;
    this.releaseLock = releaseLock;
    this.log = options.log ?? silentLogger;
    this.env = options.env ?? process.env;
    this.runner = options.runner ?? new LocalRunner();
    this.random = options.random ?? Math.random;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10 * 60_000;
    this.maxJobs = Math.max(1, options.maxJobs ?? availableParallelism());
    this.pollConcurrency = Math.max(1, options.pollConcurrency ?? 16);
    this.pollTimeoutMs = options.pollTimeoutMs ?? 60_000;
    this.gracePeriodMs = options.gracePeriodMs ?? 30_000;
    this.job = options.job ?? { kind: 'default' };
    this.workspaces = new Workspaces(layout, { warn: (message) => this.log.warn(message) });
    // Every git process in flight listens for the stop: hundreds at once is expected, not a leak.
    setMaxListeners(0, this.abort.signal);
    const auth = authOf(options);
    for (const spec of specs) {
      const plan = credentialPlan(spec, auth, this.env);
      if (!plan.send && plan.why) this.log.info(`${spec.display}: ${plan.why}`);
    }
    const now = Date.now();
    this.repos = specs.map((spec) => ({
      spec,
      identity: repositoryIdentity(spec.url),
      gitEnv: gitEnvFor(spec, auth, this.env),
      branch: spec.branch,
      condition: 'new',
      lastSeen: undefined,
      lastPollAt: undefined,
      nextPollAt: now,
      polled: false,
      polling: false,
      pollRequested: false,
      pollVia: 'poll',
      failures: 0,
      lastError: undefined,
      checkPending: true,
      blockedUntil: 0,
      prepareFailures: 0,
    }));
    this.metrics = new WatchMetrics({
      repositories: () => this.repos.length,
      unreachable: () => this.repos.filter((r) => r.condition === 'unreachable').length,
      activeRuns: () => this.active.size,
      queuedRuns: () => this.journal.all().filter(isPending).length,
    });
  }

  /** Checks the options, takes the state directory, and starts watching. */
  static async start(options: WatchOptions): Promise<Watcher> {
    const specs = parseSpecs(options.repositories, options.cwd ?? process.cwd());
    // Credentials that may not go where they would: refused before anything starts.
    for (const spec of specs) credentialPlan(spec, authOf(options), options.env ?? process.env);
    if (options.listen !== undefined && options.once) {
      throw new UsageError('--listen serves a long-running git-watch: it cannot be used with --once');
    }
    if (options.intervalMs !== undefined && !(options.intervalMs > 0))
      throw new UsageError('the poll interval must be positive');
    if (options.job?.kind === 'template' && !existsSync(options.job.path)) {
      throw new UsageError(`the job template ${options.job.path} does not exist`, {
        hint: 'give -job-template an existing file',
      });
    }
    const runner = options.runner ?? new LocalRunner();
    await runner.prepare();
    const layout = ensureStateDir(resolve(options.stateDir ?? defaultStateDir(options.env)));
    let releaseLock: () => void;
    try {
      releaseLock = acquireFileLock(layout.lockTarget, { timeoutMs: 2_000 });
    } catch (err) {
      throw new DuatError(`another git-watch is using the state directory ${layout.root}`, {
        cause: err,
        hint: `${err instanceof DuatError ? err.describe() : errorMessage(err)}; give this one its own -persistent-state-dir`,
      });
    }
    const log = options.log ?? silentLogger;
    try {
      const journal = RunJournal.load(layout, (m) => log.warn(m));
      const watcher = new Watcher({ ...options, runner }, specs, layout, journal, releaseLock);
      if (options.listen !== undefined) await watcher.listen(options.listen);
      watcher.loopDone = watcher.loop();
      return watcher;
    } catch (err) {
      releaseLock();
      throw err;
    }
  }

  /** The address /healthz, /metrics and /webhook are served on, when listening. */
  get url(): string | undefined {
    return this.server?.url;
  }

  /** Settles when the watcher has ended (stopped, or --once done). */
  get done(): Promise<WatchSummary> {
    return this.loopDone as Promise<WatchSummary>;
  }

  /**
   * Stops polling and lets running jobs finish within the grace period; those still going are then
   * stopped and recorded as interrupted (they run again once on the next start).
   */
  stop(reason = 'stopped'): Promise<WatchSummary> {
    if (this.stopReason === undefined) {
      this.stopReason = reason;
      this.log.info(
        `stopping (${reason}): no more polls; waiting up to ${formatDuration(this.gracePeriodMs)} for ${this.active.size} running job(s)`,
      );
      this.abort.abort();
      this.wake.notify();
    }
    return this.done;
  }

  /** Polls one repository watch now (the status pages' "poll now"); false when there is no such watch. */
  pollNow(display: string): boolean {
    const repo = this.repos.find((r) => r.spec.display === display);
    if (!repo || this.stopReason !== undefined) return false;
    repo.pollRequested = true;
    this.wake.notify();
    return true;
  }

  /** What this watcher knows, from memory, for the status pages and /api/ (src/watch/status.ts). */
  statusSource(): StatusSource {
    return {
      stateDir: this.stateDir,
      snapshot: () => this.snapshot(false),
      running: () => this.stopReason === undefined,
      runs: () => this.journal.all(),
      run: (id) => this.journal.get(id),
      forRepo: (url, branch) => this.journal.forRepo(url, branch),
    };
  }

  /** Polls the repositories a push event is about, now. Returns what was triggered. */
  trigger(event: PushEvent): string[] {
    const identities = new Set(event.urls.map(repositoryIdentity));
    const triggered: string[] = [];
    for (const repo of this.repos) {
      if (!identities.has(repo.identity)) continue;
      const branch = repo.spec.branch ?? repo.branch;
      if (event.branch === undefined || (branch !== undefined && branch !== event.branch)) continue;
      repo.pollRequested = true;
      repo.pollVia = 'webhook';
      triggered.push(repo.spec.display);
    }
    if (triggered.length > 0) this.wake.notify();
    return triggered;
  }

  // ---- the loop ---------------------------------------------------------------------------------

  private async loop(): Promise<WatchSummary> {
    this.statusTimer = setInterval(() => this.flushStatus(), STATUS_FLUSH_MS);
    this.statusTimer.unref();
    try {
      this.recoverStartedRuns();
      this.removeLeftoverWorkspaces();
      for (;;) {
        if (this.stopReason !== undefined) break;
        const now = Date.now();
        this.startDuePolls(now);
        this.startPendingRuns(now);
        if (this.options.once && this.onceDone()) break;
        await this.wake.wait(this.nextTurnIn(Date.now()));
      }
      await this.drainRuns();
    } finally {
      clearInterval(this.statusTimer);
      this.flushStatus(true);
      await this.server?.close();
      this.releaseLock?.();
      this.releaseLock = undefined;
    }
    const blocked = this.repos.filter((r) => r.blockedUntil === ONCE).length;
    return {
      runs: this.finished,
      pollErrors: this.pollErrors,
      blocked,
      ok:
        this.pollErrors === 0 &&
        blocked === 0 &&
        [...this.results.values()].every((state) => state === 'succeeded'),
    };
  }

  private onceDone(): boolean {
    if (this.active.size > 0 || this.pollsInFlight > 0) return false;
    for (const repo of this.repos) {
      if (!repo.polled) return false;
      if (repo.blockedUntil === ONCE) continue;
      if (this.nextPending(repo) !== undefined) return false;
    }
    return true;
  }

  private nextTurnIn(now: number): number {
    let next = now + 60_000;
    for (const repo of this.repos) {
      if (!repo.polling && repo.nextPollAt < next) next = repo.nextPollAt;
      if (repo.blockedUntil > now && repo.blockedUntil < next) next = repo.blockedUntil;
    }
    return Math.min(Math.max(next - now, 0), 60_000);
  }

  // ---- polling ----------------------------------------------------------------------------------

  private startDuePolls(now: number): void {
    for (const repo of this.repos) {
      if (this.pollsInFlight >= this.pollConcurrency) return;
      if (repo.polling || !(repo.pollRequested || repo.nextPollAt <= now)) continue;
      void this.poll(repo);
    }
  }

  private async poll(repo: RepoWatch): Promise<void> {
    repo.polling = true;
    repo.pollRequested = false;
    const via = repo.pollVia;
    repo.pollVia = 'poll';
    this.pollsInFlight++;
    const began = performance.now();
    try {
      const result = await pollRepository(repo.spec, {
        env: repo.gitEnv,
        timeoutMs: this.pollTimeoutMs,
        signal: this.abort.signal,
      });
      this.metrics.polls.inc();
      this.metrics.pollSeconds.observe((performance.now() - began) / 1000);
      this.polled(repo, result, via);
    } catch (err) {
      if (this.stopReason === undefined) {
        this.metrics.polls.inc();
        this.metrics.pollErrors.inc();
        this.metrics.pollSeconds.observe((performance.now() - began) / 1000);
        this.pollFailed(repo, err);
      }
    } finally {
      repo.polling = false;
      repo.polled = true;
      repo.lastPollAt = Date.now();
      this.pollsInFlight--;
      this.statusDirty = true;
      this.wake.notify();
    }
  }

  private polled(repo: RepoWatch, result: PollResult, via: 'poll' | 'webhook'): void {
    if (this.stopReason !== undefined) return; // stopping: record nothing new
    const was = repo.condition;
    repo.failures = 0;
    repo.lastError = undefined;
    repo.nextPollAt = this.options.once ? ONCE : Date.now() + jittered(this.intervalMs, this.random);
    if (result.branch !== undefined) repo.branch = result.branch;
    if (result.commit === undefined || result.branch === undefined) {
      repo.condition = result.branch === undefined ? 'empty' : 'no-branch';
      if (repo.condition !== was) {
        this.log.warn(
          repo.condition === 'empty'
            ? `${repo.spec.display} has no commits yet: waiting for the first`
            : `${repo.spec.display}: branch ${result.branch} does not exist (deleted?): waiting for it`,
        );
      }
      return;
    }
    repo.condition = 'ok';
    // The branch may be known only now: runs left pending by an earlier watcher can be found.
    repo.checkPending = true;
    if (was === 'unreachable') this.log.info(`${repo.spec.display} is reachable again`);
    else if (was === 'no-branch' || was === 'empty')
      this.log.info(`${repo.spec.display}: branch ${result.branch} is at ${result.commit.slice(0, 12)}`);
    repo.lastSeen = result.commit;
    this.observe(repo, result.branch, result.commit, via);
  }

  private pollFailed(repo: RepoWatch, err: unknown): void {
    this.pollErrors++;
    repo.failures++;
    const message = redact(errorMessage(err));
    const delay = backoffDelay(repo.failures, this.intervalMs, this.maxBackoffMs, this.random);
    repo.nextPollAt = this.options.once ? ONCE : Date.now() + delay;
    if (repo.condition !== 'unreachable') {
      this.log.warn(
        `${repo.spec.display} cannot be polled: ${message}${this.options.once ? '' : ` (polling it less often until it answers: next in ${formatDuration(delay >= 1000 ? Math.round(delay / 1000) * 1000 : Math.round(delay))})`}`,
      );
    } else {
      this.log.debug(`${repo.spec.display} still cannot be polled (${repo.failures} in a row): ${message}`);
    }
    repo.condition = 'unreachable';
    repo.lastError = message;
  }

  /** The reconcile step for one repository: a commit without a run record gets one, queued. */
  private observe(repo: RepoWatch, branch: string, commit: string, via: 'poll' | 'webhook'): void {
    const id = runId(repo.spec.url, branch, commit);
    if (this.journal.get(id)) return;
    const record: RunRecord = {
      format: 1,
      id,
      url: repo.spec.url,
      branch,
      commit,
      display: `${repo.spec.url}^${branch}`,
      state: 'queued',
      attempt: 0,
      seenAt: new Date().toISOString(),
      seenBy: via,
      runner: this.runner.name,
    };
    this.journal.put(record);
    repo.checkPending = true;
    this.taskLog(
      record,
      `new commit repo: ${record.display} commit: ${commit}${via === 'webhook' ? ' via: webhook' : ''}`,
    );
  }

  // ---- runs -------------------------------------------------------------------------------------

  private nextPending(repo: RepoWatch): RunRecord | undefined {
    const branch = repo.spec.branch ?? repo.branch;
    if (branch === undefined) return undefined;
    return this.journal.forRepo(repo.spec.url, branch).filter(isPending).sort(bySeenAt)[0];
  }

  private startPendingRuns(now: number): void {
    if (this.active.size >= this.maxJobs) return;
    const candidates: { repo: RepoWatch; record: RunRecord }[] = [];
    for (const repo of this.repos) {
      if (!repo.checkPending || repo.blockedUntil > now) continue;
      const branch = repo.spec.branch ?? repo.branch;
      if (branch === undefined) continue; // not polled yet
      if (this.busy.has(slotKey(repo.spec.url, branch))) continue;
      const record = this.nextPending(repo);
      if (record) candidates.push({ repo, record });
      else repo.checkPending = false;
    }
    // Across repositories, the commit seen first starts first.
    candidates.sort((a, b) => bySeenAt(a.record, b.record));
    for (const { repo, record } of candidates) {
      if (this.active.size >= this.maxJobs) return;
      // `URL` and `URL^main` may be two watches of one branch: the slot is the branch's, not the watch's.
      if (this.busy.has(slotKey(record.url, record.branch))) continue;
      this.track(record, this.run(repo, record));
    }
  }

  /** Counts a run as active, holding its repository and branch's slot, until `work` ends. */
  private track(record: RunRecord, work: Promise<void>): void {
    const slot = slotKey(record.url, record.branch);
    this.busy.add(slot);
    this.active.set(record.id, { handle: undefined });
    work
      .catch((err: unknown) => {
        const message = redact(errorMessage(err));
        this.log.error(`run ${record.id}: ${message}`);
        // A run that fails before its job starts fails for good: left queued it would fail again on
        // every turn and after every restart.
        const now = this.journal.get(record.id);
        if (this.stopReason === undefined && now?.state === 'queued')
          this.finish(now, { result: 'failed', detail: `git-watch could not start it: ${message}` });
      })
      .finally(() => {
        this.active.delete(record.id);
        this.busy.delete(slot);
        for (const other of this.repos) if (other.spec.url === record.url) other.checkPending = true;
        this.wake.notify();
      });
  }

  private jobEnv(record: RunRecord, dir: string, namespace: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, {
      GIT_HOME: dir,
      GIT_BRANCH: record.branch,
      DUAT_COMMIT: record.commit,
      DUAT_BRANCH: record.branch,
      DUAT_URL: record.url,
      DUAT_RUN_ID: record.id,
      DUAT_NAMESPACE: namespace,
    });
    return env;
  }

  private jobSpec(record: RunRecord, attempt: number, namespace: string): JobSpec {
    const dir = this.workspaces.workspacePath(record.id);
    return {
      id: record.id,
      attempt,
      runDir: this.journal.runDir(record.id),
      logPath: this.journal.logPath(record.id),
      dir,
      script: join(this.journal.runDir(record.id), 'job'),
      env: this.jobEnv(record, dir, namespace),
      namespace,
      url: record.url,
      branch: record.branch,
      commit: record.commit,
      template: this.job.kind === 'template' ? this.job.path : undefined,
    };
  }

  /** Records the commit's author and subject (for the status pages) once its mirror holds it. */
  private async describeCommit(
    record: RunRecord,
    mirror: string,
    gitEnv: NodeJS.ProcessEnv,
  ): Promise<RunRecord> {
    if (record.subject !== undefined) return record;
    try {
      const out = await gitExec(
        ['--git-dir', mirror, 'log', '-1', '--no-show-signature', '--format=%an%x00%s', record.commit],
        { env: gitEnv, timeoutMs: 10_000, signal: this.abort.signal },
      );
      const [author = '', subject = ''] = out.replace(/\n$/, '').split('\0');
      const described = updateRecord(record, {
        author: author.slice(0, 200),
        subject: subject.slice(0, 500),
      });
      this.journal.put(described);
      return described;
    } catch (err) {
      this.log.debug(`cannot describe commit ${record.commit.slice(0, 12)}: ${errorMessage(err)}`);
      return record;
    }
  }

  private readyMarker(id: string): string {
    return join(this.journal.runDir(id), 'workspace-ready');
  }

  /** Prepares, records and starts one pending run, then follows it to its end. */
  private async run(repo: RepoWatch, queued: RunRecord): Promise<void> {
    let record = queued;
    const attempt = record.attempt + 1;
    const dir = this.workspaces.workspacePath(record.id);
    const logPath = this.journal.logPath(record.id);
    // 1. The workspace. The record stays queued: a crash here only means doing this again.
    let mirror: string;
    try {
      mirror = await this.workspaces.ensureCommit(repo.spec, record.commit, repo.gitEnv, this.abort.signal);
      record = await this.describeCommit(record, mirror, repo.gitEnv);
      // A workspace made before a crash is reused: an earlier watcher's job may be in it.
      if (!existsSync(this.readyMarker(record.id)) || !existsSync(dir)) {
        await this.workspaces.checkout(mirror, record.commit, dir, repo.gitEnv, this.abort.signal);
        writeFileAtomic(this.readyMarker(record.id), `${record.commit}\n`, { mode: 0o600 });
      }
      repo.prepareFailures = 0;
    } catch (err) {
      if (this.stopReason !== undefined) return;
      if (err instanceof CommitUnavailableError) {
        this.appendLog(logPath, `duat git-watch: ${err.message}\n`);
        this.finish(record, { result: 'failed', detail: err.message });
        return;
      }
      repo.prepareFailures++;
      const delay = backoffDelay(repo.prepareFailures, this.intervalMs, this.maxBackoffMs, this.random);
      repo.blockedUntil = this.options.once ? ONCE : Date.now() + delay;
      const message = `cannot check out commit ${record.commit.slice(0, 12)} of ${record.display}: ${redact(errorMessage(err))}`;
      if (repo.prepareFailures === 1)
        this.log.warn(
          `${message}; the run waits${this.options.once ? ' for the next start' : ', trying again later'}`,
        );
      else this.log.debug(message);
      return;
    }
    // 2. The job. A template that fails, or a commit whose files git-watch must refuse to read, fails
    // this run, not the watcher.
    let namespace = this.options.namespace;
    let job: JobSpec;
    try {
      namespace ??= defaultNamespace(dir, record.url);
      job = this.jobSpec(record, attempt, namespace);
      const data = this.runner.templateData ? await this.runner.templateData(job) : undefined;
      const rendered = await renderJob(
        this.job,
        {
          ID: record.id,
          Namespace: namespace,
          Dir: dir,
          Commit: record.commit,
          URL: record.url,
          Branch: record.branch,
        },
        {
          env: job.env,
          ignoreWarn: this.options.ignoreWarn,
          ignoreAwsErrors: this.options.ignoreAwsErrors,
          data,
        },
      );
      writeFileAtomic(job.script, rendered.script, { mode: 0o700 });
      for (const warning of rendered.warnings)
        this.appendLog(logPath, `duat git-watch: template warning: ${warning}\n`);
    } catch (err) {
      const message = err instanceof DuatError ? err.describe() : errorMessage(err);
      this.appendLog(logPath, `duat git-watch: the job could not be made: ${message}\n`);
      this.finish(updateRecord(record, { namespace }), { result: 'failed', detail: message });
      await this.cleanWorkspace(record.id, mirror, repo.gitEnv);
      return;
    }
    if (this.stopReason !== undefined) return;
    // 3. Recorded as started before the job starts: a restart then asks the runner what became of it.
    record = updateRecord(record, {
      state: 'started',
      attempt,
      namespace,
      startedAt: new Date().toISOString(),
      finishedAt: undefined,
      exitCode: undefined,
      signal: undefined,
      error: undefined,
    });
    this.journal.put(record);
    if (attempt === 1)
      this.metrics.commitToStart.observe(Math.max(0, Date.now() - Date.parse(record.seenAt)) / 1000);
    // 4. Run it.
    const handle = this.runner.start(job);
    handle.onPhase((phase, detail) => {
      if (phase === 'Running') {
        const again = attempt > 1 ? ` attempt: ${attempt}` : '';
        this.taskLog(
          record,
          `job started repo: ${record.display} commit: ${record.commit} dir: ${dir} namespace: ${namespace}${again} ${detail}`,
          phase,
        );
      }
    });
    await this.follow(record, handle, mirror, repo.gitEnv);
  }

  /** Waits for a job's end and records it. */
  private async follow(
    record: RunRecord,
    handle: RunHandle,
    mirror: string | undefined,
    gitEnv: NodeJS.ProcessEnv,
  ): Promise<void> {
    const active = this.active.get(record.id);
    if (active) active.handle = handle;
    if (this.gracePeriodOver) handle.cancel(this.stopNote());
    const outcome = await handle.done;
    this.finish(record, outcome);
    if (mirror !== undefined) await this.cleanWorkspace(record.id, mirror, gitEnv);
  }

  /** Records how a run ended. */
  private finish(record: RunRecord, outcome: RunOutcome, note?: string): void {
    const done = updateRecord(record, {
      state: outcome.result,
      finishedAt: new Date().toISOString(),
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      error: outcome.detail,
    });
    this.journal.put(done);
    this.statusDirty = true; // status.json's time says the state directory is current as of a run's end
    this.metrics.runs.inc({ result: outcome.result });
    // A long-running watcher must not grow with every run: the summary keeps the latest.
    if (this.finished.length >= 1000) this.finished.shift();
    this.finished.push(done);
    this.results.set(done.id, done.state);
    const exit =
      outcome.exitCode !== undefined
        ? ` exit: ${outcome.exitCode}`
        : outcome.signal
          ? ` signal: ${outcome.signal}`
          : '';
    const why = outcome.detail ? ` error: ${outcome.detail}` : '';
    const retry =
      outcome.result === 'interrupted' && done.attempt < MAX_ATTEMPTS && done.attempt > 0
        ? ' (it runs again once)'
        : '';
    this.taskLog(
      done,
      `job ${outcome.result}${note ? ` ${note}` : ''} repo: ${done.display} commit: ${done.commit}${exit}${why}${retry} log: ${this.journal.logPath(done.id)}`,
      undefined,
      isFinished(done) || outcome.result !== 'interrupted',
    );
  }

  private async cleanWorkspace(id: string, mirror: string, gitEnv: NodeJS.ProcessEnv): Promise<void> {
    if (this.options.keepWorkspaces) return;
    try {
      unlinkSync(this.readyMarker(id));
    } catch {
      // not made
    }
    await this.workspaces.remove(mirror, this.workspaces.workspacePath(id), gitEnv);
  }

  // ---- restart ----------------------------------------------------------------------------------

  /** Runs recorded as started by an earlier watcher: ask the runner what became of each. */
  private recoverStartedRuns(): void {
    for (const record of this.journal.all()) {
      if (record.state !== 'started') continue;
      const repo = this.repos.find(
        (r) => r.spec.url === record.url && (r.spec.branch ?? record.branch) === record.branch,
      );
      if (repo && !repo.branch) repo.branch = record.branch;
      this.track(record, this.recover(record, repo));
    }
  }

  private async recover(record: RunRecord, repo: RepoWatch | undefined): Promise<void> {
    const namespace = record.namespace ?? '';
    const job = this.jobSpec(record, record.attempt, namespace);
    const mirror = repo ? this.workspaces.mirrorPath(repo.spec) : undefined;
    const gitEnv = repo?.gitEnv ?? this.env;
    const recovery = await this.runner.recover(job);
    switch (recovery.kind) {
      case 'finished':
        this.finish(record, recovery.outcome, 'while git-watch was not running');
        if (mirror) await this.cleanWorkspace(record.id, mirror, gitEnv);
        return;
      case 'running':
        this.taskLog(record, 'still running after a restart: following it', 'Running');
        await this.follow(record, recovery.handle, mirror, gitEnv);
        return;
      case 'lost':
        this.finish(record, { result: 'interrupted', detail: recovery.detail });
        return;
      case 'not-started':
        // Recorded as started, but the job never began: it is simply pending again, same attempt.
        this.journal.put(
          updateRecord(record, { state: 'queued', attempt: record.attempt - 1, startedAt: undefined }),
        );
        this.taskLog(record, 'was about to start when git-watch stopped: starting it', 'Queued');
        return;
    }
  }

  /** Workspaces whose runs are over (a crash came before their removal). */
  private removeLeftoverWorkspaces(): void {
    if (this.options.keepWorkspaces) return;
    let names: string[];
    try {
      names = readdirSync(this.layout.workspaces);
    } catch {
      return;
    }
    for (const id of names) {
      const record = this.journal.get(id);
      if (record && !isFinished(record)) continue;
      rmSync(join(this.layout.workspaces, id), { recursive: true, force: true });
    }
  }

  // ---- stopping ---------------------------------------------------------------------------------

  private stopNote(): string {
    return `git-watch was stopped (${this.stopReason}) before the job finished`;
  }

  /** After a stop: wait for running jobs within the grace period, then stop the rest. */
  private async drainRuns(): Promise<void> {
    // Polls are aborted by the stop; they end at once, and must, before the state lock is released.
    const idle = () => this.active.size === 0 && this.pollsInFlight === 0;
    const ended = () =>
      new Promise<void>((resolvePromise) => {
        const check = () => (idle() ? resolvePromise() : setTimeout(check, 50));
        check();
      });
    if (idle()) return;
    if (this.stopReason === undefined) {
      await ended();
      return;
    }
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([ended(), new Promise((r) => (graceTimer = setTimeout(r, this.gracePeriodMs)))]);
    clearTimeout(graceTimer);
    if (this.active.size === 0) return;
    this.gracePeriodOver = true;
    for (const active of this.active.values()) active.handle?.cancel(this.stopNote());
    await ended();
  }

  // ---- reporting --------------------------------------------------------------------------------

  /** One line per change of state, as the original: `task update id: ID text: ... phase: Running`. */
  private taskLog(record: RunRecord, text: string, phase?: string, completed = false): void {
    const shown = phase ?? phaseOf(record.state);
    this.log.info(
      `task ${completed ? 'completed' : 'update'} id: ${record.id} text: ${text} phase: ${shown}`,
    );
  }

  private appendLog(path: string, text: string): void {
    try {
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      appendFileSync(path, redact(text), { mode: 0o600 });
    } catch (err) {
      this.log.debug(`cannot write ${path}: ${errorMessage(err)}`);
    }
  }

  private snapshot(final: boolean): WatcherSnapshot {
    const iso = (ms: number | undefined) =>
      ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
    const repositories: RepoSnapshot[] = this.repos.map((repo) => ({
      display: repo.spec.display,
      url: repo.spec.url,
      branch: repo.spec.branch ?? repo.branch,
      condition: repo.condition,
      lastSeen: repo.lastSeen,
      lastPollAt: iso(repo.lastPollAt),
      nextPollAt: final ? undefined : iso(repo.nextPollAt),
      failures: repo.failures,
      error: repo.lastError,
    }));
    return {
      format: 1,
      pid: process.pid,
      host: hostname(),
      startedAt: this.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      ...(final ? { stoppedAt: new Date().toISOString() } : {}),
      once: this.options.once === true,
      intervalMs: this.intervalMs,
      runner: this.runner.name,
      ...(this.server ? { listen: this.server.url } : {}),
      repositories,
    };
  }

  private flushStatus(final = false): void {
    if (!this.statusDirty && !final) return;
    this.statusDirty = false;
    try {
      writeFileAtomic(this.layout.statusFile, `${JSON.stringify(this.snapshot(final), null, 1)}\n`, {
        mode: 0o600,
      });
    } catch (err) {
      this.log.debug(`cannot write ${this.layout.statusFile}: ${errorMessage(err)}`);
    }
  }

  private async listen(address: string): Promise<void> {
    registerSecret(this.options.webhookSecret);
    registerSecret(this.options.uiToken);
    this.server = await startServer(parseListenAddress(address), {
      log: this.log,
      webhookSecret: this.options.webhookSecret,
      metrics: () => this.metrics.render(),
      health: () => ({
        status: this.stopReason === undefined ? 'ok' : 'stopping',
        repositories: this.repos.length,
        unreachable: this.repos.filter((r) => r.condition === 'unreachable').length,
        activeRuns: this.active.size,
        uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      }),
      push: (event) => this.trigger(event),
      webhookOutcome: (outcome) => this.metrics.webhooks.inc({ outcome }),
      ui: {
        source: this.statusSource(),
        pollNow: (display) => this.pollNow(display),
        token: this.options.uiToken,
        wrongToken: (via) => this.metrics.wrongUiTokens.inc({ via }),
      },
    });
    this.log.info(`serving the status pages, /healthz, /metrics and /webhook on ${this.server.url}`);
  }
}

function authOf(options: WatchOptions): GitAuth {
  return {
    token: options.token,
    tokenHosts: options.tokenHosts,
    insecureHttpToken: options.insecureHttpToken,
  };
}

function slotKey(url: string, branch: string): string {
  return `${url}\n${branch}`;
}

/** Parses the repository arguments; the same repository and branch twice is one watch. */
function parseSpecs(args: readonly string[], cwd: string): RepoSpec[] {
  if (args.length === 0) {
    throw new UsageError('no repositories to watch', { hint: 'give one or more URL[^branch] arguments' });
  }
  const seen = new Map<string, RepoSpec>();
  for (const arg of args) {
    const spec = parseRepoSpec(arg, cwd);
    if (!seen.has(spec.display)) seen.set(spec.display, spec);
  }
  return [...seen.values()];
}
