/**
 * The boundary between the watcher, which decides what runs and records it, and a runner, which runs one
 * job and reports how it goes. The local runner runs a script on this machine; a Kubernetes runner
 * (issue 6) implements the same interface with a Job. Nothing here knows which one it talks to.
 */

export interface JobSpec {
  /** The run id (derived from repository, branch and commit). */
  readonly id: string;
  /** Which attempt this is (1, or 2 after an interruption). */
  readonly attempt: number;
  /** A directory the runner may keep its own files in for this run; it survives restarts. */
  readonly runDir: string;
  /** Where the job's output goes. */
  readonly logPath: string;
  /** The workspace: a checkout of exactly the commit. */
  readonly dir: string;
  /** The rendered job (a script for the local runner). */
  readonly script: string;
  /** The job's whole environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly namespace: string;
  readonly url: string;
  readonly branch: string;
  readonly commit: string;
  /** The job template's path, when the job came from one (for messages naming it). */
  readonly template?: string;
}

export type RunPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Interrupted';

export interface RunOutcome {
  readonly result: 'succeeded' | 'failed' | 'interrupted';
  readonly exitCode?: number;
  readonly signal?: string;
  /** What happened, when no exit code says it. */
  readonly detail?: string;
}

export interface RunHandle {
  readonly id: string;
  /** Settles once with the outcome; never rejects. */
  readonly done: Promise<RunOutcome>;
  /** Called on each change of phase, with a few words of detail. */
  onPhase(listener: (phase: RunPhase, detail: string) => void): void;
  /** Stops the job; `done` then settles as interrupted (or with the job's result if it ended first). */
  cancel(reason: string): void;
}

/** What became of a run that was recorded as started before the watcher restarted. */
export type Recovery =
  /** It ended while nobody watched: here is how. */
  | { readonly kind: 'finished'; readonly outcome: RunOutcome }
  /** It is still going: follow it with this handle. */
  | { readonly kind: 'running'; readonly handle: RunHandle }
  /** It began and is gone without a result. */
  | { readonly kind: 'lost'; readonly detail: string }
  /** It never began: starting this attempt now is safe. */
  | { readonly kind: 'not-started' };

export interface Runner {
  /** 'local', 'kubernetes'. */
  readonly name: string;
  /** Checks once, before anything runs, that jobs can run at all (a shell, a reachable cluster). */
  prepare(): Promise<void>;
  start(job: JobSpec): RunHandle;
  /** Finds out what became of a job started by an earlier watcher process. */
  recover(job: JobSpec): Promise<Recovery>;
  /**
   * Values this runner adds to the job template's data (the Kubernetes runner: .SourceVolume,
   * .SourceMountPath, .RegistryIP...), asked before each render. Optional.
   */
  templateData?(job: JobSpec): Promise<Record<string, unknown>>;
}
