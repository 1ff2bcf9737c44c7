/**
 * The cluster's own image registry, for the template's .RegistryIP and .RegistryPort, as the original
 * found it: microk8s runs it as the one Running pod labelled app=registry in namespace
 * container-registry (its pod IP and its first container's first port); a minikube cluster (a node
 * labelled kubernetes.io/hostname=minikube) is given 127.0.0.1 and 2375.
 */
import type { KubeClient } from './client.js';
import type { KObject } from './manifest.js';

export interface Registry {
  readonly ip: string;
  readonly port: string;
  /** microk8s or minikube. */
  readonly kind: string;
}

export async function findRegistry(
  client: KubeClient,
  debug?: (message: string) => void,
): Promise<Registry | undefined> {
  try {
    const pods = await client.request<{ items?: KObject[] }>(
      'GET',
      '/api/v1/namespaces/container-registry/pods',
      {
        query: { labelSelector: 'app=registry' },
        timeoutMs: 10_000,
      },
    );
    const running = (pods.items ?? []).filter((p) => p.status?.phase === 'Running');
    if (running.length === 1) {
      const pod = running[0] as KObject;
      const ip = pod.status?.podIP;
      const port = pod.spec?.containers?.[0]?.ports?.[0]?.containerPort;
      if (typeof ip === 'string' && ip !== '' && port !== undefined)
        return { ip, port: String(port), kind: 'microk8s' };
    } else if (running.length > 1) {
      debug?.(`${running.length} registry pods run in namespace container-registry: not choosing one`);
    }
  } catch (err) {
    debug?.(`no microk8s registry: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const nodes = await client.request<{ items?: KObject[] }>('GET', '/api/v1/nodes', {
      query: { labelSelector: 'kubernetes.io/hostname=minikube' },
      timeoutMs: 10_000,
    });
    if ((nodes.items ?? []).length > 0) return { ip: '127.0.0.1', port: '2375', kind: 'minikube' };
  } catch (err) {
    debug?.(`not minikube, or cannot tell: ${err instanceof Error ? err.message : String(err)}`);
  }
  return undefined;
}
