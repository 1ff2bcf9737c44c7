/**
 * Following objects with the API's list-and-watch, as client-go's reflector does: list once (a
 * consistent snapshot and its resourceVersion), then watch from that version; when the watch ends
 * (the server's timeout, a broken connection, an API server restarted) watch again from the last
 * version seen; when that version is too old (410 Gone) list again. Nothing is polled: changes arrive
 * as they happen, and a reconnection misses none of them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../../core/errors.js';
import { isTransient, KubeApiError, type KubeClient } from './client.js';
import type { KObject } from './manifest.js';

export interface WatchHandlers {
  /** After each list: every object there is now (the consumer replaces what it knew). */
  sync(items: readonly KObject[]): void;
  /** ADDED / MODIFIED / DELETED. */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KObject): void;
  /** The connection was lost (once per outage), with why; and when it is back. */
  disconnected?(why: string): void;
  reconnected?(): void;
  /** An error the loop cannot get past (not transient: 403, 404 of the resource type...): it stops. */
  failed?(err: unknown): void;
}

export interface WatchTarget {
  /** The collection, e.g. /apis/batch/v1/namespaces/NS/jobs. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface WatchLoopOptions {
  /** The server ends each watch after this long (it is then made again). */
  readonly watchSeconds?: number;
  /** Waits between attempts while the API server cannot be reached: from min doubling to max. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Runs until `signal` aborts (or handlers.failed is called). Transient errors are retried forever with
 * a bounded wait: the caller decides, by aborting, how long to keep trying.
 */
export async function watchLoop(
  client: KubeClient,
  target: WatchTarget,
  handlers: WatchHandlers,
  signal: AbortSignal,
  options: WatchLoopOptions = {},
): Promise<void> {
  const watchSeconds = options.watchSeconds ?? 240;
  const retryMin = options.retryMinMs ?? 250;
  const retryMax = options.retryMaxMs ?? 4000;
  let resourceVersion: string | undefined;
  let retry = retryMin;
  let down: string | undefined;
  const selectors = { labelSelector: target.labelSelector, fieldSelector: target.fieldSelector };
  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined) {
        const list = await client.request<{ metadata?: { resourceVersion?: string }; items?: KObject[] }>(
          'GET',
          target.path,
          {
            query: selectors,
            signal,
          },
        );
        resourceVersion = list.metadata?.resourceVersion;
        if (down !== undefined) {
          down = undefined;
          handlers.reconnected?.();
        }
        handlers.sync(list.items ?? []);
      }
      let gone = false;
      await client
        .stream(
          target.path,
          (line) => {
            if (line.trim() === '') return;
            const event = JSON.parse(line) as { type?: string; object?: KObject };
            const object = event.object ?? {};
            switch (event.type) {
              case 'ADDED':
              case 'MODIFIED':
              case 'DELETED':
                if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
                handlers.event(event.type, object);
                break;
              case 'BOOKMARK':
                if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
                break;
              case 'ERROR':
                // 410 Gone: the version is older than the server keeps. Anything else: start over too.
                gone = true;
                throw new KubeApiError(
                  Number(object.code) || 500,
                  String(object.message ?? 'watch error'),
                  object as never,
                );
            }
          },
          {
            query: {
              ...selectors,
              watch: true,
              resourceVersion,
              allowWatchBookmarks: true,
              timeoutSeconds: watchSeconds,
            },
            signal,
            idleTimeoutMs: (watchSeconds + 30) * 1000,
            // Back as soon as the watch is open: a quiet watch sends nothing until the next change,
            // and the server ends it only after watchSeconds.
            onOpen: () => {
              retry = retryMin;
              if (down !== undefined) {
                down = undefined;
                handlers.reconnected?.();
              }
            },
          },
        )
        .catch((err: unknown) => {
          if (gone) resourceVersion = undefined;
          else throw err;
        });
      if (down !== undefined) {
        down = undefined;
        handlers.reconnected?.();
      }
      retry = retryMin;
    } catch (err) {
      if (signal.aborted) return;
      if (!isTransient(err) && !(err instanceof KubeApiError && err.status === 410)) {
        handlers.failed?.(err);
        return;
      }
      if (err instanceof KubeApiError && err.status === 410) {
        resourceVersion = undefined;
        continue;
      }
      if (down === undefined) {
        down = errorMessage(err);
        handlers.disconnected?.(down);
      }
      try {
        await sleep(retry, undefined, { signal });
      } catch {
        return;
      }
      retry = Math.min(retry * 2, retryMax);
    }
  }
}
