/**
 * Container logs into the run's log, through the API's pod log endpoint (what kubectl logs uses).
 * Each container is followed from when it starts; lines come with their timestamps, so a stream that
 * breaks (an API server restart, a git-watch restart) resumes where it stopped — sinceTime, then the
 * lines already written at that very timestamp skipped — and no line is written twice. Where each
 * container got to is kept in the run's directory, so a restarted git-watch continues the same log.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../../core/errors.js';
import { redact } from '../../../core/redact.js';
import { isNotFound, type KubeClient } from './client.js';

/** How far a container's log has been written: its last timestamp, and how many lines carried it. */
export interface LogMark {
  readonly ts: string;
  readonly n: number;
}

export class LogProgress {
  private marks: Record<string, LogMark>;
  private readonly temp: string;

  constructor(private readonly path: string) {
    this.temp = `${path}.${process.pid}.tmp`;
    try {
      const value = JSON.parse(readFileSync(path, 'utf8')) as { marks?: Record<string, LogMark> };
      this.marks = value.marks ?? {};
    } catch {
      this.marks = {};
    }
  }

  get(key: string): LogMark | undefined {
    return this.marks[key];
  }

  /**
   * Records a mark at once (after each line written: a git-watch killed between the two repeats at most
   * that line). Not synced to disk: a machine crash may lose recent marks, a process crash does not.
   */
  set(key: string, mark: LogMark): void {
    this.marks[key] = mark;
    try {
      writeFileSync(this.temp, `${JSON.stringify({ marks: this.marks })}\n`, { mode: 0o600 });
      renameSync(this.temp, this.path);
    } catch {
      // the log itself matters more than where it got to
    }
  }

  flush(): void {
    // Every mark is written when it is set.
  }
}

/** A timestamp (RFC 3339, nanoseconds or less) as a string that sorts in time order. */
function sortable(ts: string): string {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!match) return ts;
  if (match[3] !== 'Z') {
    const ms = Date.parse(ts);
    if (Number.isNaN(ms)) return ts;
    const iso = new Date(ms).toISOString().slice(0, 19);
    return `${iso}.${(match[2] ?? '').padEnd(9, '0')}`;
  }
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
}

export interface ContainerLogOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Written before each line ('' for none). */
  readonly prefix: string;
  readonly logPath: string;
  readonly progress: LogProgress;
  /** True once the container has ended (its state is terminated) — as last seen by the pod watch. */
  readonly ended: () => boolean;
  readonly signal: AbortSignal;
  readonly debug?: (message: string) => void;
}

/**
 * Follows one container's log until it has read the log to the end after the container ended, the pod
 * is gone, or `signal` aborts. Never throws.
 */
export async function followContainerLog(options: ContainerLogOptions): Promise<void> {
  const { client, namespace, pod, container, progress, signal } = options;
  const key = `${pod}/${container}`;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
  let wait = 500;
  let failures = 0;
  for (;;) {
    if (signal.aborted) return;
    // The read that starts after the container ended reads its log to the end: the last one needed.
    const endedBefore = options.ended();
    const mark = progress.get(key);
    let skipAtMark = mark?.n ?? 0;
    let current = mark;
    // A following read ends when the container does; should it not (a node that keeps it open), it is
    // cut a moment after the pod watch says the container ended, and the final read below finishes.
    const read = new AbortController();
    const onAbort = () => read.abort();
    signal.addEventListener('abort', onAbort);
    let endedSeen = 0;
    const cut = endedBefore
      ? undefined
      : setInterval(() => {
          if (!options.ended()) return;
          if (endedSeen === 0) endedSeen = Date.now();
          else if (Date.now() - endedSeen >= 1000) read.abort();
        }, 250);
    try {
      await client.stream(
        path,
        (raw) => {
          const space = raw.indexOf(' ');
          if (space <= 0) return;
          const ts = raw.slice(0, space);
          const text = raw.slice(space + 1);
          const at = sortable(ts);
          if (mark) {
            const since = sortable(mark.ts);
            if (at < since) return;
            if (at === since && skipAtMark > 0) {
              skipAtMark--;
              return;
            }
          }
          appendFileSync(options.logPath, redact(`${options.prefix}${text}\n`), { mode: 0o600 });
          current = current && sortable(current.ts) === at ? { ts, n: current.n + 1 } : { ts, n: 1 };
          progress.set(key, current);
        },
        {
          query: {
            container,
            follow: !endedBefore,
            timestamps: true,
            sinceTime: mark ? `${mark.ts.slice(0, 19)}Z` : undefined,
          },
          signal: read.signal,
          idleTimeoutMs: 10 * 60_000,
        },
      );
      failures = 0;
      if (endedBefore) return;
      if (read.signal.aborted && !signal.aborted) continue;
    } catch (err) {
      if (signal.aborted) return;
      if (isNotFound(err)) {
        options.debug?.(`the log of ${key} is gone: ${errorMessage(err)}`);
        return;
      }
      failures++;
      // A container that ended and whose log cannot be read (several times) is given up on.
      if (options.ended() && failures >= 3) {
        options.debug?.(`cannot read the log of ${key}: ${errorMessage(err)}`);
        return;
      }
      if (failures === 1) options.debug?.(`reading the log of ${key}: ${errorMessage(err)} (trying again)`);
    } finally {
      clearInterval(cut);
      signal.removeEventListener('abort', onAbort);
    }
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      return;
    }
    wait = Math.min(wait * 2, 5000);
  }
}
