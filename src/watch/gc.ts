/**
 * `duat git-watch gc`: removes the namespaces git-watch made (labelled duat.dev/git-watch=true) that
 * nothing uses any more: no Job of a run is still going in them, and none was used for a while
 * (--older-than). Runs delete their own namespaces when they end; what stays behind is what -debug
 * kept, or what a git-watch that went away for good left.
 */
import type { Logger } from '../core/log.js';
import type { ClusterOptions, KubeClient } from './runners/kubernetes/client.js';
import type { KObject } from './runners/kubernetes/manifest.js';

export interface GcOptions {
  readonly cluster?: ClusterOptions;
  /** A client to use instead (tests). */
  readonly client?: KubeClient;
  /** Namespaces used less than this long ago are kept (ms). */
  readonly olderThanMs: number;
  /** Only say what would be removed. */
  readonly dryRun?: boolean;
  readonly log?: Logger;
  readonly now?: number;
}

export interface GcNamespace {
  readonly name: string;
  /** When a run last used it (ISO). */
  readonly lastUsed: string;
  readonly action: 'deleted' | 'would delete' | 'kept';
  readonly why: string;
}

function latest(...times: (string | undefined)[]): number {
  let best = 0;
  for (const t of times) {
    const ms = t ? Date.parse(t) : Number.NaN;
    if (!Number.isNaN(ms) && ms > best) best = ms;
  }
  return best;
}

function finished(job: KObject): boolean {
  const conditions: KObject[] = Array.isArray(job.status?.conditions) ? job.status.conditions : [];
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export async function gcNamespaces(options: GcOptions): Promise<GcNamespace[]> {
  const { KubeClient, isNotFound } = await import('./runners/kubernetes/client.js');
  const { NAMESPACE_LABEL, LAST_USED_ANNOTATION, RUN_LABEL } = await import('./runners/kubernetes/names.js');
  const client = options.client ?? (await KubeClient.connect(options.cluster));
  const now = options.now ?? Date.now();
  const list = await client.request<{ items?: KObject[] }>('GET', '/api/v1/namespaces', {
    query: { labelSelector: `${NAMESPACE_LABEL}=true` },
  });
  const results: GcNamespace[] = [];
  for (const ns of list.items ?? []) {
    const name = String(ns.metadata?.name);
    if (ns.status?.phase === 'Terminating') continue;
    const jobs = await client.request<{ items?: KObject[] }>(
      'GET',
      `/apis/batch/v1/namespaces/${encodeURIComponent(name)}/jobs`,
      {
        query: { labelSelector: RUN_LABEL },
      },
    );
    const items = jobs.items ?? [];
    const used = latest(
      ns.metadata?.creationTimestamp,
      ns.metadata?.annotations?.[LAST_USED_ANNOTATION],
      ...items.flatMap((j) => [j.metadata?.creationTimestamp, j.status?.completionTime]),
    );
    const lastUsed = new Date(used || now).toISOString();
    const going = items.filter((j) => !finished(j));
    if (going.length > 0) {
      results.push({ name, lastUsed, action: 'kept', why: `Job ${going[0]?.metadata?.name} is still going` });
      continue;
    }
    const idle = now - used;
    if (idle < options.olderThanMs) {
      results.push({ name, lastUsed, action: 'kept', why: `used ${Math.round(idle / 60_000)} minutes ago` });
      continue;
    }
    if (options.dryRun) {
      results.push({ name, lastUsed, action: 'would delete', why: `idle since ${lastUsed}` });
      continue;
    }
    try {
      await client.request('DELETE', `/api/v1/namespaces/${encodeURIComponent(name)}`, {
        query: { propagationPolicy: 'Background' },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    options.log?.debug(`deleted namespace ${name}`);
    results.push({ name, lastUsed, action: 'deleted', why: `idle since ${lastUsed}` });
  }
  return results;
}
