/**
 * The Kubernetes runner: each run is a Kubernetes Job in the run's namespace, made from the rendered
 * job template (any namespaced objects; the one Job is the run), applied with server-side apply under
 * the `duat` field manager, followed by watching (not polling) the Job and its Pods, with the
 * containers' logs streamed into the run's log. The run's result is the Job's.
 *
 * Exactly once: every name derives from the run id and attempt, and what was applied is recorded in the
 * run's directory before it is applied. A git-watch restarted after a crash finds the Job its
 * predecessor made and follows it (or records how it ended) instead of making another; a restarted
 * API server only interrupts the watch, which resumes from where it was.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuatError, errorMessage } from '../../../core/errors.js';
import { type Logger, silentLogger } from '../../../core/log.js';
import { redact, stripUrlCredentials } from '../../../core/redact.js';
import { credentialPlan } from '../../git-auth.js';
import { parseRepoSpec } from '../../repo-spec.js';
import type { JobSpec, Recovery, RunHandle, Runner, RunOutcome, RunPhase } from '../runner.js';
import {
  type ClusterOptions,
  describeApiError,
  isConflict,
  isNotFound,
  isTransient,
  KubeApiError,
  KubeClient,
} from './client.js';
import { followContainerLog, LogProgress } from './logs.js';
import {
  describeDoc,
  type KObject,
  type PreparedObject,
  parseManifest,
  prepareRun,
  type SourcePlan,
} from './manifest.js';
import {
  copyPodName,
  DEFAULT_COPY_IMAGE,
  DEFAULT_SOURCE_IMAGE,
  FIELD_MANAGER,
  JOB_LABEL,
  LAST_USED_ANNOTATION,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  NAMESPACE_LABEL,
  RUN_LABEL,
  SOURCE_MOUNT_PATH,
  SOURCE_VOLUME,
  sourceClaimName,
  sourceSecretName,
} from './names.js';
import { findRegistry } from './registry.js';
import {
  claimSourcePlan,
  copyCommitIntoPod,
  copyPod,
  fetchableInCluster,
  initSourcePlan,
  type SourceMode,
  sourceClaim,
  sourceSecret,
} from './source.js';
import { type AttemptState, logProgressPath, type ObjectRef, readState, writeState } from './state.js';
import { watchLoop } from './watch.js';

export interface KubernetesRunnerOptions {
  /** Which cluster: kubeconfig, context, environment. */
  readonly cluster?: ClusterOptions;
  /** A client to use instead (tests). */
  readonly client?: KubeClient;
  readonly log?: Logger;
  /** Keep what a run created after it ends (-debug). */
  readonly keep?: boolean;
  /** Let templates create cluster-scoped objects. */
  readonly allowClusterScoped?: boolean;
  /** How the commit reaches the Job: init container (default) or a PersistentVolumeClaim. */
  readonly source?: SourceMode;
  /** The init container's image (git and sh). */
  readonly sourceImage?: string;
  /**
   * The copy pod's image (tar and sleep), source mode pvc. Default: the source image when one is given
   * (an image with git and sh has them: one image to provide in a cluster that cannot pull), else busybox.
   */
  readonly copyImage?: string;
  /** Where containers see the commit. Default /workspace/source. */
  readonly sourceMountPath?: string;
  /** Size and storage class of the source claim, source mode pvc. */
  readonly claimSize?: string;
  readonly storageClass?: string;
  /**
   * Token for http(s) repositories, and where it may go (git-auth.ts's rule, as for git-watch's own
   * git): given to the init container through a Secret, with the credentials of a repository's URL.
   */
  readonly token?: string;
  readonly tokenHosts?: readonly string[];
  readonly insecureHttpToken?: boolean;
  /** The environment GH_HOST / GITHUB_SERVER_URL are read from. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Job defaults when the template does not set them. */
  readonly ttlSecondsAfterFinished?: number;
  readonly backoffLimit?: number;
  /** How long a run keeps trying to reach the API server while dispatching (ms). Default 2 minutes. */
  readonly dispatchTimeoutMs?: number;
  /** How long a finished run waits for its logs to be read to the end (ms). Default 30 s. */
  readonly logDrainMs?: number;
}

const JOBS = (ns: string) => `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs`;
const PODS = (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
const NAMESPACE = (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}`;

/** The REST path of an object (or of its collection, without a name). */
export function objectPath(
  ref: { apiVersion: string; kind: string; namespace?: string },
  resource: string,
  name?: string,
): string {
  const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const ns = ref.namespace !== undefined ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  return `${base}${ns}/${resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** The resources the API server serves, by group/version (discovery), cached per runner. */
class Discovery {
  private readonly cache = new Map<string, Promise<ApiResource[] | undefined>>();
  constructor(private readonly client: KubeClient) {}

  resources(apiVersion: string): Promise<ApiResource[] | undefined> {
    let entry = this.cache.get(apiVersion);
    if (!entry) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      entry = this.client
        .request<{ resources?: ApiResource[] }>('GET', path, { timeoutMs: 15_000 })
        .then((list) => (list.resources ?? []).filter((r) => !r.name.includes('/')))
        .catch((err: unknown) => {
          this.cache.delete(apiVersion);
          if (isNotFound(err)) return undefined;
          throw err;
        });
      this.cache.set(apiVersion, entry);
    }
    return entry;
  }

  async find(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const resources = await this.resources(apiVersion);
    let found = resources?.find((r) => r.kind === kind);
    if (!found && resources) {
      // A CRD installed since: ask again once.
      this.cache.delete(apiVersion);
      found = (await this.resources(apiVersion))?.find((r) => r.kind === kind);
    }
    return found;
  }
}

/** Retries `action` while it fails transiently (API server unreachable, 5xx, 429), until `deadline`. */
async function retrying<T>(
  deadline: number,
  signal: AbortSignal | undefined,
  action: () => Promise<T>,
): Promise<T> {
  let wait = 250;
  for (;;) {
    try {
      return await action();
    } catch (err) {
      if (!isTransient(err) || Date.now() + wait > deadline || signal?.aborted) throw err;
      await sleep(wait);
      wait = Math.min(wait * 2, 4000);
    }
  }
}

function jobResult(job: KObject | undefined): 'succeeded' | 'failed' | undefined {
  const conditions: KObject[] = Array.isArray(job?.status?.conditions) ? job.status.conditions : [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'succeeded';
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'failed';
  return undefined;
}

function failedCondition(job: KObject | undefined): string | undefined {
  const conditions: KObject[] = Array.isArray(job?.status?.conditions) ? job.status.conditions : [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (!failed) return undefined;
  return [failed.reason, failed.message].filter(Boolean).join(': ');
}

interface ContainerInfo {
  readonly name: string;
  readonly init: boolean;
}

function containersOfPod(pod: KObject): ContainerInfo[] {
  const init = (Array.isArray(pod.spec?.initContainers) ? pod.spec.initContainers : []).map((c: KObject) => ({
    name: String(c.name),
    init: true,
  }));
  const main = (Array.isArray(pod.spec?.containers) ? pod.spec.containers : []).map((c: KObject) => ({
    name: String(c.name),
    init: false,
  }));
  return [...init, ...main];
}

function containerState(pod: KObject | undefined, name: string): KObject | undefined {
  if (!pod) return undefined;
  const all: KObject[] = [
    ...(Array.isArray(pod.status?.initContainerStatuses) ? pod.status.initContainerStatuses : []),
    ...(Array.isArray(pod.status?.containerStatuses) ? pod.status.containerStatuses : []),
  ];
  return all.find((s) => s.name === name)?.state;
}

/** A failed pod's exit code and why: the first non-zero terminated container, main containers first. */
function podFailure(pod: KObject): { exitCode?: number; detail?: string } {
  const statuses: KObject[] = [
    ...(Array.isArray(pod.status?.containerStatuses) ? pod.status.containerStatuses : []),
    ...(Array.isArray(pod.status?.initContainerStatuses) ? pod.status.initContainerStatuses : []),
  ];
  for (const status of statuses) {
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (terminated && Number(terminated.exitCode) !== 0) {
      const why = [terminated.reason, terminated.message].filter(Boolean).join(': ');
      return {
        exitCode: Number(terminated.exitCode),
        detail: `container ${status.name} exited ${terminated.exitCode}${why ? ` (${why})` : ''}`,
      };
    }
  }
  const why = [pod.status?.reason, pod.status?.message].filter(Boolean).join(': ');
  return why ? { detail: why } : {};
}

/**
 * One run's handle: follows its Job until it ends, then cleans up. Made by start() (after dispatch) or
 * by recover() (for a Job an earlier git-watch made).
 */
class KubernetesRunHandle implements RunHandle {
  readonly id: string;
  readonly done: Promise<RunOutcome>;
  private settle!: (outcome: RunOutcome) => void;
  private settled = false;
  private ending = false;
  private readonly listeners: ((phase: RunPhase, detail: string) => void)[] = [];
  private readonly stopWatching = new AbortController();
  private readonly stopLogs = new AbortController();
  private cancelled: string | undefined;
  private state: AttemptState | undefined;
  private job: KObject | undefined;
  private jobSeen = false;
  private readonly pods = new Map<string, KObject>();
  private readonly podPhases = new Map<string, string>();
  private readonly logReaders = new Map<string, Promise<void>>();
  private readonly podWaiters = new Set<() => void>();
  private progress: LogProgress | undefined;
  private runningReported = false;

  constructor(
    private readonly runner: KubernetesRunner,
    readonly spec: JobSpec,
  ) {
    this.id = spec.id;
    this.done = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  onPhase(listener: (phase: RunPhase, detail: string) => void): void {
    this.listeners.push(listener);
  }

  phase(phase: RunPhase, detail: string): void {
    for (const listener of this.listeners) {
      try {
        listener(phase, detail);
      } catch {
        // a listener's problem is not the run's
      }
    }
  }

  get isSettled(): boolean {
    return this.settled;
  }

  get cancelReason(): string | undefined {
    return this.cancelled;
  }

  /** Ends the run without a Job to follow (dispatch failed, or the run was cancelled first). */
  finish(outcome: RunOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.stopWatching.abort();
    this.stopLogs.abort();
    this.progress?.flush();
    this.phase(
      outcome.result === 'succeeded' ? 'Succeeded' : outcome.result === 'failed' ? 'Failed' : 'Interrupted',
      outcome.detail ?? '',
    );
    this.settle(outcome);
  }

  cancel(reason: string): void {
    if (this.settled || this.cancelled !== undefined) return;
    this.cancelled = reason;
    const state = this.state;
    if (!state) return; // dispatch sees it and stops
    void this.runner.deleteJob(state).then(
      () => {
        // The watch sees the Job go (or it had ended first).
        setTimeout(() => {
          if (!this.settled && !this.ending) void this.end({ result: 'interrupted', detail: reason });
        }, 15_000).unref();
      },
      (err: unknown) => {
        this.runner.log.warn(`run ${this.id}: cannot delete Job ${state.job}: ${describeApiError(err)}`);
        if (!this.ending) void this.end({ result: 'interrupted', detail: reason });
      },
    );
  }

  /** Follows the Job of `state` until it ends. */
  follow(state: AttemptState): void {
    this.state = state;
    this.progress = new LogProgress(logProgressPath(this.spec));
    const { client } = this.runner;
    const signal = this.stopWatching.signal;
    const ns = state.namespace;
    let outage = false;
    const disconnected = (why: string) => {
      if (outage) return;
      outage = true;
      this.runner.log.warn(
        `run ${this.id}: lost the API server (${redact(why)}): watching Job ${state.job} again when it answers`,
      );
      this.note(`lost the API server (${why}): waiting for it`);
    };
    const reconnected = () => {
      if (!outage) return;
      outage = false;
      this.runner.log.info(`run ${this.id}: the API server answers again: watching Job ${state.job}`);
      this.note('the API server answers again: watching the Job');
    };
    const failed = (err: unknown) => {
      if (!this.ending)
        void this.end({
          result: 'interrupted',
          detail: `cannot watch Job ${state.job}: ${describeApiError(err)}`,
        });
    };
    void watchLoop(
      client,
      { path: JOBS(ns), fieldSelector: `metadata.name=${state.job}` },
      {
        sync: (items) => this.jobChanged(items.find((j) => j.metadata?.name === state.job)),
        event: (type, object) => this.jobChanged(type === 'DELETED' ? undefined : object),
        disconnected,
        reconnected,
        failed,
      },
      signal,
      this.runner.watchOptions,
    );
    void watchLoop(
      client,
      { path: PODS(ns), labelSelector: `${JOB_LABEL}=${state.job}` },
      {
        sync: (items) => {
          const names = new Set(items.map((p) => String(p.metadata?.name)));
          for (const name of [...this.pods.keys()]) if (!names.has(name)) this.podChanged(name, undefined);
          for (const pod of items) this.podChanged(String(pod.metadata?.name), pod);
        },
        event: (type, pod) =>
          this.podChanged(String(pod.metadata?.name), type === 'DELETED' ? undefined : pod),
        disconnected,
        reconnected,
        failed,
      },
      signal,
      this.runner.watchOptions,
    );
  }

  private note(text: string): void {
    try {
      appendFileSync(this.spec.logPath, redact(`--- duat git-watch: ${text}\n`), { mode: 0o600 });
    } catch {
      // the log directory is the watcher's
    }
  }

  private jobChanged(job: KObject | undefined): void {
    if (this.settled || this.ending) return;
    if (!job) {
      if (this.jobSeen || this.state?.phase === 'applied') {
        void this.end({
          result: 'interrupted',
          detail: this.cancelled ?? `Job ${this.state?.job} was deleted before it finished`,
        });
      }
      return;
    }
    this.jobSeen = true;
    this.job = job;
    const result = jobResult(job);
    if (result) void this.end(undefined);
  }

  private podChanged(name: string, pod: KObject | undefined): void {
    if (!pod) {
      this.pods.delete(name);
      this.wakePodWaiters();
      return;
    }
    this.pods.set(name, pod);
    const phase = String(pod.status?.phase ?? 'Pending');
    if (this.podPhases.get(name) !== phase) {
      this.podPhases.set(name, phase);
      const state = this.state as AttemptState;
      const why = [pod.status?.reason, pod.status?.message].filter(Boolean).join(': ');
      this.runner.taskLog(
        this.id,
        `pod update namespace: ${state.namespace} pod: ${name}${why ? ` reason: ${why}` : ''}`,
        phase,
      );
      this.note(`pod ${name} ${phase}${why ? ` (${why})` : ''}`);
      // A pod seen first when it has already ended ran too (a fast Job): the run was Running.
      if (phase !== 'Pending' && !this.runningReported) {
        this.runningReported = true;
        this.phase('Running', `job: ${state.job} pod: ${name}`);
      }
    }
    this.startLogReaders(name, pod);
    this.wakePodWaiters();
  }

  private wakePodWaiters(): void {
    for (const wake of [...this.podWaiters]) wake();
  }

  /** Waits until `check` is true (re-checked on every pod change), or logs stop. */
  private until(check: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.stopLogs.signal;
      const test = () => {
        if (signal.aborted || check()) {
          this.podWaiters.delete(test);
          signal.removeEventListener('abort', test);
          resolve();
        }
      };
      this.podWaiters.add(test);
      signal.addEventListener('abort', test);
      test();
    });
  }

  private startLogReaders(podName: string, pod: KObject): void {
    if (this.logReaders.has(podName)) return;
    const containers = containersOfPod(pod);
    const mains = containers.filter((c) => !c.init);
    const started = (c: ContainerInfo) => {
      const state = containerState(this.pods.get(podName), c.name);
      return state?.running !== undefined || state?.terminated !== undefined;
    };
    const ended = (c: ContainerInfo) => {
      const current = this.pods.get(podName);
      if (!current) return true;
      if (current.status?.phase === 'Succeeded' || current.status?.phase === 'Failed') return true;
      return containerState(current, c.name)?.terminated !== undefined;
    };
    const state = this.state as AttemptState;
    const read = async (c: ContainerInfo) => {
      await this.until(() => started(c) || ended(c));
      // A container that never started (its pod ended first) has no log.
      if (this.stopLogs.signal.aborted || !started(c)) return;
      await followContainerLog({
        client: this.runner.client,
        namespace: state.namespace,
        pod: podName,
        container: c.name,
        prefix: c.init || mains.length > 1 ? `[${c.name}] ` : '',
        logPath: this.spec.logPath,
        progress: this.progress as LogProgress,
        ended: () => ended(c),
        signal: this.stopLogs.signal,
        debug: (m) => this.runner.log.debug(`run ${this.id}: ${m}`),
      });
    };
    // Init containers run one after another, then the others together: their logs in that order.
    const reader = (async () => {
      for (const c of containers.filter((x) => x.init)) await read(c);
      await Promise.all(mains.map(read));
    })().catch((err: unknown) =>
      this.runner.log.debug(`run ${this.id}: logs of ${podName}: ${errorMessage(err)}`),
    );
    this.logReaders.set(podName, reader);
  }

  /** The Job ended (or went away): settle its logs, record the outcome, clean up, report. */
  async end(forced: RunOutcome | undefined): Promise<void> {
    if (this.ending || this.settled) return;
    this.ending = true;
    const state = this.state as AttemptState;
    let outcome: RunOutcome;
    if (forced) outcome = forced;
    else {
      // The pods' final states: a fresh list, in case their last events have not arrived yet.
      try {
        const list = await this.runner.client.request<{ items?: KObject[] }>('GET', PODS(state.namespace), {
          query: { labelSelector: `${JOB_LABEL}=${state.job}` },
          timeoutMs: 10_000,
        });
        for (const pod of list.items ?? []) this.podChanged(String(pod.metadata?.name), pod);
      } catch {
        // the watch's view will do
      }
      outcome = this.outcomeOfJob();
    }
    // Logs: read to the end (bounded), then stop.
    this.wakePodWaiters();
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.logReaders.values()),
      new Promise<void>((resolve) => {
        drainTimer = setTimeout(resolve, this.runner.logDrainMs);
      }),
    ]);
    clearTimeout(drainTimer);
    this.stopWatching.abort();
    this.stopLogs.abort();
    this.progress?.flush();
    const finished: AttemptState = { ...state, phase: 'finished', outcome };
    this.runner.saveState(this.spec, finished);
    await this.runner.cleanup(this.spec, finished);
    this.finish(outcome);
  }

  private outcomeOfJob(): RunOutcome {
    const result = jobResult(this.job);
    if (result === 'succeeded') return { result: 'succeeded', exitCode: 0 };
    const pods = [...this.pods.values()].filter((p) => p.status?.phase === 'Failed');
    const failure = pods.length > 0 ? podFailure(pods[pods.length - 1] as KObject) : {};
    const condition = failedCondition(this.job);
    const detail = [condition, failure.detail].filter(Boolean).join('; ') || 'the Job failed';
    if (this.cancelled !== undefined)
      return { result: 'interrupted', exitCode: failure.exitCode, detail: this.cancelled };
    return { result: 'failed', exitCode: failure.exitCode, detail };
  }
}

export class KubernetesRunner implements Runner {
  readonly name = 'kubernetes';
  readonly log: Logger;
  readonly logDrainMs: number;
  readonly watchOptions: { watchSeconds?: number; retryMaxMs?: number } = {};
  private clientValue: KubeClient | undefined;
  private discovery: Discovery | undefined;
  private readonly source: SourceMode;
  private readonly mountPath: string;

  constructor(private readonly options: KubernetesRunnerOptions = {}) {
    this.log = options.log ?? silentLogger;
    this.logDrainMs = options.logDrainMs ?? 30_000;
    this.clientValue = options.client;
    this.source = options.source ?? 'init';
    this.mountPath = options.sourceMountPath ?? SOURCE_MOUNT_PATH;
    if (this.source !== 'init' && this.source !== 'pvc') {
      throw new DuatError(`--source ${String(this.source)} is not a source mode`, {
        exitCode: 2,
        hint: 'choose init or pvc',
      });
    }
  }

  get client(): KubeClient {
    if (!this.clientValue) throw new Error('the Kubernetes runner was not prepared');
    return this.clientValue;
  }

  private get api(): Discovery {
    this.discovery = this.discovery ?? new Discovery(this.client);
    return this.discovery;
  }

  /** Loads the cluster configuration and checks that the API server answers. */
  async prepare(): Promise<void> {
    if (!this.clientValue) this.clientValue = await KubeClient.connect(this.options.cluster);
    const client = this.clientValue;
    try {
      const version = await client.request<{ gitVersion?: string }>('GET', '/version', { timeoutMs: 15_000 });
      this.log.debug(
        `Kubernetes ${version.gitVersion ?? '?'} at ${client.server} (context ${client.context}, from ${client.source})`,
      );
    } catch (err) {
      throw new DuatError(
        `cannot reach the Kubernetes API server ${client.server} (context ${client.context}, from ${client.source}): ${describeApiError(err)}`,
        {
          cause: err,
          hint: 'check KUBECONFIG / --context, and that the cluster is running',
        },
      );
    }
  }

  /** The template's Kubernetes values: the source volume and, when the cluster has one, its registry. */
  async templateData(job: JobSpec): Promise<Record<string, unknown>> {
    const data: Record<string, unknown> = {
      SourceVolume: SOURCE_VOLUME,
      SourceMountPath: this.mountPath,
    };
    if (this.source === 'pvc') data.SourceClaim = sourceClaimName(job.id);
    const registry = await findRegistry(this.client, (m) => this.log.debug(m));
    if (registry) {
      data.RegistryIP = registry.ip;
      data.RegistryPort = registry.port;
    }
    return data;
  }

  taskLog(id: string, text: string, phase: string): void {
    this.log.info(`task update id: ${id} text: ${text} phase: ${phase}`);
  }

  saveState(job: JobSpec, state: AttemptState): void {
    try {
      writeState(job, state);
    } catch (err) {
      this.log.warn(`run ${job.id}: cannot record its Kubernetes state: ${errorMessage(err)}`);
    }
  }

  start(job: JobSpec): RunHandle {
    const handle = new KubernetesRunHandle(this, job);
    this.appendLog(
      job,
      `--- duat git-watch: run ${job.id} attempt ${job.attempt}, commit ${job.commit} of ${stripUrlCredentials(job.url)} (${job.branch}), ${new Date().toISOString()}, namespace ${job.namespace}\n`,
    );
    void this.dispatch(job, handle).catch((err: unknown) => {
      const message = err instanceof DuatError ? err.describe() : describeApiError(err);
      this.appendLog(job, `--- duat git-watch: ${message}\n`);
      handle.finish({ result: isTransient(err) ? 'interrupted' : 'failed', detail: message });
    });
    return handle;
  }

  private appendLog(job: JobSpec, text: string): void {
    try {
      appendFileSync(job.logPath, redact(text), { mode: 0o600 });
    } catch (err) {
      this.log.debug(`cannot write ${job.logPath}: ${errorMessage(err)}`);
    }
  }

  private templateName(job: JobSpec): string {
    return job.template ? basename(job.template) : 'the job template';
  }

  /** Makes the run's objects and starts following its Job. */
  private async dispatch(job: JobSpec, handle: KubernetesRunHandle): Promise<void> {
    const deadline = Date.now() + (this.options.dispatchTimeoutMs ?? 120_000);
    const templateName = this.templateName(job);
    const text = readFileSync(job.script, 'utf8');
    const docs = parseManifest(text, templateName);
    const ns = job.namespace;
    // Which kinds are namespaced: the API server says (a kind it does not serve is an error).
    const scopes = new Map<string, boolean | undefined>();
    for (const doc of docs) {
      const key = `${doc.object.apiVersion} ${doc.object.kind}`;
      if (scopes.has(key)) continue;
      const resource = await retrying(deadline, undefined, () =>
        this.api.find(doc.object.apiVersion, doc.object.kind),
      );
      scopes.set(key, resource?.namespaced);
    }
    let plan: SourcePlan;
    let secret: KObject | undefined;
    if (this.source === 'init') {
      if (!fetchableInCluster(job.url)) {
        throw new DuatError(
          `a pod cannot fetch ${stripUrlCredentials(job.url)} by itself (only http, https and git:// URLs)`,
          {
            hint: 'use --source pvc: git-watch then copies the commit into a PersistentVolumeClaim',
          },
        );
      }
      const credentials = credentialPlan(
        parseRepoSpec(job.url),
        {
          token: this.options.token,
          tokenHosts: this.options.tokenHosts,
          insecureHttpToken: this.options.insecureHttpToken,
        },
        this.options.env ?? process.env,
      );
      const secretName = credentials.send ? sourceSecretName(job.id, job.attempt) : undefined;
      if (credentials.send && secretName) secret = sourceSecret(secretName, ns, credentials.credentials);
      plan = initSourcePlan({
        url: job.url,
        branch: job.branch,
        commit: job.commit,
        mountPath: this.mountPath,
        image: this.options.sourceImage ?? DEFAULT_SOURCE_IMAGE,
        secretName,
        credentialsFor: credentials.send ? credentials.target : undefined,
      });
    } else {
      plan = claimSourcePlan(job.id, this.mountPath);
    }
    const prepared = prepareRun(docs, {
      templateName,
      id: job.id,
      attempt: job.attempt,
      namespace: ns,
      commit: job.commit,
      branch: job.branch,
      url: job.url,
      namespaced: (apiVersion, kind) => scopes.get(`${apiVersion} ${kind}`),
      allowClusterScoped: this.options.allowClusterScoped === true,
      source: plan,
      env: {
        DUAT_COMMIT: job.commit,
        DUAT_BRANCH: job.branch,
        DUAT_URL: stripUrlCredentials(job.url),
        DUAT_RUN_ID: job.id,
        DUAT_NAMESPACE: ns,
        GIT_HOME: this.mountPath,
      },
      backoffLimit: this.options.backoffLimit ?? 0,
      ttlSecondsAfterFinished: this.options.ttlSecondsAfterFinished ?? 86_400,
    });
    for (const note of prepared.notes) this.appendLog(job, `--- duat git-watch: ${note}\n`);
    // What this attempt applies, recorded before anything is applied.
    const extra: { object: KObject; namespaced: boolean; label: string }[] = [];
    if (secret)
      extra.push({ object: secret, namespaced: true, label: `the source Secret ${secret.metadata.name}` });
    let claim: KObject | undefined;
    if (this.source === 'pvc') {
      claim = sourceClaim(job.id, ns, this.options.claimSize ?? '1Gi', this.options.storageClass);
      extra.push({ object: claim, namespaced: true, label: `the source claim ${claim.metadata.name}` });
    }
    for (const e of extra) {
      e.object.metadata.labels = {
        ...(e.object.metadata.labels ?? {}),
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [RUN_LABEL]: job.id,
      };
    }
    const refOf = (object: KObject, namespaced: boolean): ObjectRef => ({
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(namespaced ? { namespace: ns } : {}),
    });
    const jobName = prepared.job.object.metadata.name as string;
    const state: AttemptState = {
      format: 1,
      namespace: ns,
      job: jobName,
      objects: [
        ...extra.map((e) => refOf(e.object, true)),
        ...prepared.objects.map((o) => refOf(o.object, o.namespaced)),
      ],
      phase: 'applying',
    };
    this.saveState(job, state);
    if (handle.cancelReason !== undefined) {
      handle.finish({ result: 'interrupted', detail: handle.cancelReason });
      return;
    }
    // The namespace, then a dry run of everything (so an invalid object creates nothing), then for real.
    await this.ensureNamespace(ns, job.id, deadline);
    for (const e of extra) await this.apply(e.object, e.namespaced, deadline, false);
    const refused: string[] = [];
    for (const object of prepared.objects) {
      try {
        await this.apply(object.object, object.namespaced, deadline, true);
      } catch (err) {
        if (isTransient(err)) throw err;
        refused.push(this.refusal(templateName, object, err));
      }
    }
    if (refused.length > 0) {
      for (const line of refused) this.appendLog(job, `--- duat git-watch: ${line}\n`);
      const outcome: RunOutcome = { result: 'failed', detail: refused.join('; ') };
      this.saveState(job, { ...state, phase: 'finished', outcome });
      await this.cleanup(job, { ...state, phase: 'finished', outcome });
      handle.finish(outcome);
      return;
    }
    if (claim) await this.fillClaim(job, prepared.job.object, deadline);
    for (const object of prepared.objects) {
      try {
        await this.apply(object.object, object.namespaced, deadline, false);
      } catch (err) {
        if (isTransient(err)) throw err;
        const message = this.refusal(templateName, object, err);
        this.appendLog(job, `--- duat git-watch: ${message}\n`);
        const outcome: RunOutcome = { result: 'failed', detail: message };
        this.saveState(job, { ...state, phase: 'finished', outcome });
        await this.cleanup(job, { ...state, phase: 'finished', outcome });
        handle.finish(outcome);
        return;
      }
    }
    const applied: AttemptState = { ...state, phase: 'applied' };
    this.saveState(job, applied);
    this.taskLog(
      job.id,
      `job applied namespace: ${ns} job: ${jobName} objects: ${state.objects.length}`,
      'Pending',
    );
    this.appendLog(
      job,
      `--- duat git-watch: applied ${state.objects.map((o) => `${o.kind} ${o.name}`).join(', ')} in namespace ${ns}\n`,
    );
    handle.phase('Pending', `namespace: ${ns} job: ${jobName}`);
    handle.follow(applied);
    if (handle.cancelReason !== undefined) {
      const reason = handle.cancelReason;
      void this.deleteJob(applied).finally(() => void handle.end({ result: 'interrupted', detail: reason }));
    }
  }

  /** `ci.yaml: document 2 (Job build, line 14): the API server refused it: ...`. */
  private refusal(templateName: string, object: PreparedObject, err: unknown): string {
    return `${templateName}: ${describeDoc(object.doc)}: the API server refused it: ${describeApiError(err)}`;
  }

  /** Server-side apply (or its dry run) under the duat field manager. */
  private async apply(
    object: KObject,
    namespaced: boolean,
    deadline: number,
    dryRun: boolean,
  ): Promise<KObject> {
    const resource = await retrying(deadline, undefined, () => this.api.find(object.apiVersion, object.kind));
    if (!resource) throw new DuatError(`the API server does not know ${object.kind} in ${object.apiVersion}`);
    const path = objectPath(
      {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: namespaced ? object.metadata.namespace : undefined,
      },
      resource.name,
      object.metadata.name,
    );
    return retrying(deadline, undefined, () =>
      this.client.request<KObject>('PATCH', path, {
        query: { fieldManager: FIELD_MANAGER, force: true, dryRun: dryRun ? 'All' : undefined },
        body: object,
        contentType: 'application/apply-patch+yaml',
      }),
    );
  }

  /**
   * The run's namespace exists: made (labelled as git-watch's, so gc can remove it) when it does not;
   * waited for when a finished run is deleting it. A namespace made by someone else is used as it is.
   */
  private async ensureNamespace(ns: string, id: string, deadline: number): Promise<void> {
    for (;;) {
      let existing: KObject | undefined;
      try {
        existing = await retrying(deadline, undefined, () =>
          this.client.request<KObject>('GET', NAMESPACE(ns)),
        );
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (existing && existing.status?.phase !== 'Terminating') {
        if (existing.metadata?.labels?.[NAMESPACE_LABEL] === 'true') {
          await this.client
            .request('PATCH', NAMESPACE(ns), {
              body: { metadata: { annotations: { [LAST_USED_ANNOTATION]: new Date().toISOString() } } },
              contentType: 'application/merge-patch+json',
            })
            .catch(() => {});
        }
        return;
      }
      if (existing) {
        if (Date.now() > deadline)
          throw new DuatError(`namespace ${ns} is still being deleted`, {
            hint: 'try again later, or give -namespace',
          });
        await sleep(1000);
        continue;
      }
      try {
        await retrying(deadline, undefined, () =>
          this.client.request('POST', '/api/v1/namespaces', {
            body: {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: {
                name: ns,
                labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [NAMESPACE_LABEL]: 'true' },
                annotations: {
                  [LAST_USED_ANNOTATION]: new Date().toISOString(),
                  'duat.dev/created-by-run': id,
                },
              },
            },
          }),
        );
        this.log.debug(`created namespace ${ns}`);
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  /** Source mode pvc: a pod mounts the claim, git-watch streams the commit into it, the pod goes. */
  private async fillClaim(job: JobSpec, jobObject: KObject, deadline: number): Promise<void> {
    const ns = job.namespace;
    const name = copyPodName(job.id, job.attempt);
    const pod = copyPod(
      name,
      ns,
      job.id,
      this.options.copyImage ?? this.options.sourceImage ?? DEFAULT_COPY_IMAGE,
      this.mountPath,
      jobObject.spec?.template?.spec ?? {},
    );
    pod.metadata.labels = { [MANAGED_BY_LABEL]: MANAGED_BY, [RUN_LABEL]: job.id };
    const path = `${PODS(ns)}/${encodeURIComponent(name)}`;
    // A copy pod left by a crash is started afresh: the claim is filled again from the commit.
    await this.client.request('DELETE', path, { query: { gracePeriodSeconds: 0 } }).catch(() => {});
    for (let i = 0; i < 60; i++) {
      try {
        await this.client.request('GET', path);
        await sleep(500);
      } catch {
        break;
      }
    }
    await retrying(deadline, undefined, () => this.client.request('POST', PODS(ns), { body: pod }));
    this.taskLog(
      job.id,
      `volume update namespace: ${ns} volume: ${sourceClaimName(job.id)} pod: ${name}`,
      'Pending',
    );
    const running = new AbortController();
    const timer = setTimeout(() => running.abort(), Math.max(deadline - Date.now(), 60_000));
    let phase = 'Pending';
    try {
      await new Promise<void>((resolve, reject) => {
        running.signal.addEventListener('abort', () =>
          reject(new DuatError(`the copy pod ${name} did not start running (it is ${phase})`)),
        );
        void watchLoop(
          this.client,
          { path: PODS(ns), fieldSelector: `metadata.name=${name}` },
          {
            sync: (items) => check(items[0]),
            event: (_type, object) => check(object),
            failed: (err) => reject(err),
          },
          running.signal,
        );
        const check = (object: KObject | undefined) => {
          phase = String(object?.status?.phase ?? phase);
          if (phase === 'Running') resolve();
          else if (phase === 'Failed' || phase === 'Succeeded')
            reject(new DuatError(`the copy pod ${name} ended (${phase}) before the copy`));
        };
      });
    } finally {
      clearTimeout(timer);
      running.abort();
    }
    await copyCommitIntoPod(this.client, ns, name, job.dir, job.commit, this.mountPath);
    this.taskLog(
      job.id,
      `volume update namespace: ${ns} volume: ${sourceClaimName(job.id)} text: commit copied`,
      'Bound',
    );
    this.appendLog(
      job,
      `--- duat git-watch: copied commit ${job.commit} into claim ${sourceClaimName(job.id)}\n`,
    );
    await this.client.request('DELETE', path, { query: { gracePeriodSeconds: 0 } }).catch(() => {});
  }

  /** Deletes a run's Job (its Pods go with it). */
  async deleteJob(state: AttemptState): Promise<void> {
    try {
      await retrying(Date.now() + 30_000, undefined, () =>
        this.client.request('DELETE', `${JOBS(state.namespace)}/${encodeURIComponent(state.job)}`, {
          query: { propagationPolicy: 'Background' },
        }),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Deletes what the run created (-debug keeps it): its namespace when git-watch made it and no other
   * run's Job is in it, else its own objects. The Job's ttlSecondsAfterFinished is the safety net when
   * this never happens (git-watch gone for good).
   */
  async cleanup(job: JobSpec, state: AttemptState): Promise<void> {
    if (state.cleaned) return;
    if (this.options.keep) {
      this.taskLog(
        job.id,
        `kept (-debug) namespace: ${state.namespace} job: ${state.job}`,
        state.outcome ? resultPhase(state.outcome) : 'Finished',
      );
      return;
    }
    const deadline = Date.now() + 60_000;
    try {
      let ours = false;
      try {
        const ns = await retrying(deadline, undefined, () =>
          this.client.request<KObject>('GET', NAMESPACE(state.namespace)),
        );
        ours = ns.metadata?.labels?.[NAMESPACE_LABEL] === 'true';
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.saveState(job, { ...state, cleaned: true });
        return;
      }
      let others = 0;
      if (ours) {
        const jobs = await retrying(deadline, undefined, () =>
          this.client.request<{ items?: KObject[] }>('GET', JOBS(state.namespace), {
            query: { labelSelector: `${RUN_LABEL},${RUN_LABEL}!=${job.id}` },
          }),
        );
        others = (jobs.items ?? []).length;
      }
      if (ours && others === 0) {
        await retrying(deadline, undefined, () =>
          this.client.request('DELETE', NAMESPACE(state.namespace), {
            query: { propagationPolicy: 'Background' },
          }),
        ).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        this.taskLog(
          job.id,
          `namespace deleted namespace: ${state.namespace}`,
          state.outcome ? resultPhase(state.outcome) : 'Finished',
        );
      } else {
        for (const ref of [...state.objects].reverse()) {
          const resource = await this.api.find(ref.apiVersion, ref.kind).catch(() => undefined);
          if (!resource) continue;
          await retrying(deadline, undefined, () =>
            this.client.request('DELETE', objectPath(ref, resource.name, ref.name), {
              query: { propagationPolicy: 'Background' },
            }),
          ).catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
        }
        this.taskLog(
          job.id,
          `objects deleted namespace: ${state.namespace} objects: ${state.objects.length}`,
          state.outcome ? resultPhase(state.outcome) : 'Finished',
        );
      }
      this.saveState(job, { ...state, cleaned: true });
    } catch (err) {
      this.log.warn(
        `run ${job.id}: cannot clean up namespace ${state.namespace}: ${describeApiError(err)} (duat git-watch gc, or the Job's ttlSecondsAfterFinished, removes it later)`,
      );
    }
  }

  async recover(job: JobSpec): Promise<Recovery> {
    const state = readState(job);
    if (state?.phase === 'finished' && state.outcome) {
      await this.cleanup(job, state);
      return { kind: 'finished', outcome: state.outcome };
    }
    if (!state) return { kind: 'not-started' };
    let found: KObject | undefined;
    const deadline = Date.now() + 30_000;
    try {
      found = await retrying(deadline, undefined, () =>
        this.client.request<KObject>('GET', `${JOBS(state.namespace)}/${encodeURIComponent(state.job)}`),
      );
    } catch (err) {
      if (isNotFound(err)) found = undefined;
      else if (isTransient(err)) {
        // The API server is away: follow the Job once it answers (the watch keeps trying).
        const handle = new KubernetesRunHandle(this, job);
        handle.follow({ ...state, phase: 'applied' });
        return { kind: 'running', handle };
      } else throw err;
    }
    if (!found) {
      if (state.phase === 'applying') return { kind: 'not-started' };
      return {
        kind: 'lost',
        detail: `Job ${state.job} is gone from namespace ${state.namespace} (deleted, or removed by its ttlSecondsAfterFinished)`,
      };
    }
    const handle = new KubernetesRunHandle(this, job);
    handle.follow({ ...state, phase: 'applied' });
    if (jobResult(found)) {
      // It ended while nobody watched: its logs are read and it is cleaned up before answering.
      const outcome = await handle.done;
      return { kind: 'finished', outcome };
    }
    return { kind: 'running', handle };
  }
}

function resultPhase(outcome: RunOutcome): string {
  return outcome.result === 'succeeded'
    ? 'Succeeded'
    : outcome.result === 'failed'
      ? 'Failed'
      : 'Interrupted';
}

export { KubeApiError };
