/**
 * What the Kubernetes runner knows about one attempt of a run, kept in the run's directory (which
 * survives restarts): where its objects are, whether they were applied, how the run ended and whether
 * cleanup is done. Written before each step, so a restarted git-watch knows what to look for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import type { JobSpec, RunOutcome } from '../runner.js';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
}

export interface AttemptState {
  readonly format: 1;
  readonly namespace: string;
  readonly job: string;
  /** Everything applied for this attempt, the Job last. */
  readonly objects: readonly ObjectRef[];
  /** 'applying' before the first object is sent; 'applied' once the Job exists. */
  readonly phase: 'applying' | 'applied' | 'finished';
  readonly outcome?: RunOutcome;
  readonly cleaned?: boolean;
}

export function statePath(job: Pick<JobSpec, 'runDir' | 'attempt'>): string {
  return join(job.runDir, `kubernetes-attempt-${job.attempt}.json`);
}

export function logProgressPath(job: Pick<JobSpec, 'runDir' | 'attempt'>): string {
  return join(job.runDir, `kubernetes-attempt-${job.attempt}-logs.json`);
}

export function readState(job: Pick<JobSpec, 'runDir' | 'attempt'>): AttemptState | undefined {
  try {
    const value = JSON.parse(readFileSync(statePath(job), 'utf8')) as AttemptState;
    return value && value.format === 1 && typeof value.job === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(job: Pick<JobSpec, 'runDir' | 'attempt'>, state: AttemptState): void {
  writeFileAtomic(statePath(job), `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
}
