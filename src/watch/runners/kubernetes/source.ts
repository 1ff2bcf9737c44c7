/**
 * The commit's files for the Job, as a volume its containers mount (SOURCE_VOLUME at the mount path,
 * both given to the template as .SourceVolume and .SourceMountPath). Two ways:
 *
 * - init (the default): an emptyDir that an init container fills with exactly the commit, fetched
 *   from the repository inside the cluster (git fetch of the commit, shallow where the server allows
 *   it); a token reaches git through a Secret the run creates, as an http.extraHeader, never in a URL
 *   or an argument.
 * - pvc (the original's way): a PersistentVolumeClaim named after the run (.SourceClaim, the run id,
 *   which the original's templates used as {{.ID}}), filled by git-watch itself: a small pod mounts
 *   the claim and git-watch streams `git archive` of the commit into it (exec of tar), then removes the
 *   pod. Works for repositories the cluster cannot reach (local paths, ssh with the watcher's keys).
 */
import { spawn } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { DuatError, errorMessage } from '../../../core/errors.js';
import { stripUrlCredentials } from '../../../core/redact.js';
import { TOKEN_USERNAME } from '../../git-auth.js';
import type { KubeClient } from './client.js';
import type { KObject, SourcePlan } from './manifest.js';
import { SOURCE_CONTAINER, SOURCE_VOLUME, sourceClaimName } from './names.js';

export type SourceMode = 'init' | 'pvc';

/** The init container's script: fetch exactly the commit into the (empty) source directory. */
export const FETCH_SCRIPT = `set -eu
dir="$DUAT_SOURCE_DIR"
cd "$dir"
git init -q .
git remote add origin "$DUAT_URL" 2>/dev/null || git remote set-url origin "$DUAT_URL"
if ! git fetch -q --depth 1 origin "$DUAT_COMMIT" 2>/dev/null; then
  git fetch -q origin "+refs/heads/$DUAT_BRANCH:refs/remotes/origin/$DUAT_BRANCH"
fi
git -c advice.detachedHead=false checkout -q --detach "$DUAT_COMMIT"
echo "duat: $DUAT_URL at $(git rev-parse HEAD) in $dir"
`;

/** Can a pod fetch this URL by itself? (http, https and git:// can; local paths and ssh cannot.) */
export function fetchableInCluster(url: string): boolean {
  return /^(https?|git):\/\//i.test(url);
}

export interface InitSourceOptions {
  readonly url: string;
  readonly branch: string;
  readonly commit: string;
  readonly mountPath: string;
  readonly image: string;
  /** The Secret holding the Authorization header, when there is a token. */
  readonly secretName?: string;
}

/** The emptyDir and the init container that fills it. */
export function initSourcePlan(options: InitSourceOptions): SourcePlan {
  const env: KObject[] = [
    { name: 'DUAT_URL', value: stripUrlCredentials(options.url) },
    { name: 'DUAT_BRANCH', value: options.branch },
    { name: 'DUAT_COMMIT', value: options.commit },
    { name: 'DUAT_SOURCE_DIR', value: options.mountPath },
    { name: 'GIT_TERMINAL_PROMPT', value: '0' },
    { name: 'HOME', value: '/tmp' },
  ];
  if (options.secretName) {
    env.push(
      { name: 'GIT_CONFIG_COUNT', value: '2' },
      { name: 'GIT_CONFIG_KEY_0', value: `http.${stripUrlCredentials(options.url)}.extraHeader` },
      {
        name: 'GIT_CONFIG_VALUE_0',
        valueFrom: { secretKeyRef: { name: options.secretName, key: 'header' } },
      },
      { name: 'GIT_CONFIG_KEY_1', value: 'safe.directory' },
      { name: 'GIT_CONFIG_VALUE_1', value: '*' },
    );
  } else {
    env.push(
      { name: 'GIT_CONFIG_COUNT', value: '1' },
      { name: 'GIT_CONFIG_KEY_0', value: 'safe.directory' },
      { name: 'GIT_CONFIG_VALUE_0', value: '*' },
    );
  }
  return {
    volume: { name: SOURCE_VOLUME, emptyDir: {} },
    mountPath: options.mountPath,
    initContainer: {
      name: SOURCE_CONTAINER,
      image: options.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', '-c', FETCH_SCRIPT],
      env,
      workingDir: options.mountPath,
      volumeMounts: [{ name: SOURCE_VOLUME, mountPath: options.mountPath }],
    },
  };
}

/** The Secret with the git credentials of the init container. */
export function sourceSecret(name: string, namespace: string, token: string): KObject {
  const header = `Authorization: Basic ${Buffer.from(`${TOKEN_USERNAME}:${token}`, 'utf8').toString('base64')}`;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    data: { header: Buffer.from(header, 'utf8').toString('base64') },
  };
}

/** The claim as the Job's source volume. */
export function claimSourcePlan(id: string, mountPath: string): SourcePlan {
  return {
    volume: { name: SOURCE_VOLUME, persistentVolumeClaim: { claimName: sourceClaimName(id) } },
    mountPath,
  };
}

export function sourceClaim(
  id: string,
  namespace: string,
  size: string,
  storageClass: string | undefined,
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: sourceClaimName(id), namespace },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(storageClass !== undefined ? { storageClassName: storageClass } : {}),
    },
  };
}

/** The pod that holds the claim while git-watch copies the commit into it. */
export function copyPod(
  name: string,
  namespace: string,
  id: string,
  image: string,
  mountPath: string,
  jobPod: KObject,
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      ...(jobPod.nodeSelector ? { nodeSelector: jobPod.nodeSelector } : {}),
      ...(jobPod.tolerations ? { tolerations: jobPod.tolerations } : {}),
      containers: [
        {
          name: 'copy',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '3600'],
          volumeMounts: [{ name: SOURCE_VOLUME, mountPath }],
        },
      ],
      volumes: [{ name: SOURCE_VOLUME, persistentVolumeClaim: { claimName: sourceClaimName(id) } }],
    },
  };
}

/**
 * Streams `git archive` of `commit` (from the workspace `dir`) into the copy pod's tar, which unpacks it
 * at `mountPath`. Resolves when tar has finished successfully.
 */
export async function copyCommitIntoPod(
  client: KubeClient,
  namespace: string,
  pod: string,
  dir: string,
  commit: string,
  mountPath: string,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  const { Exec } = await import('@kubernetes/client-node');
  const archive = spawn('git', ['-C', dir, 'archive', '--format=tar', commit], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let archiveError = '';
  archive.stderr.on('data', (chunk: Buffer) => {
    archiveError += chunk.toString('utf8');
  });
  const stdin = new PassThrough();
  archive.stdout.pipe(stdin);
  let output = '';
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (output.length < 4000) output += chunk.toString('utf8');
        callback();
      },
    });
  const exec = new Exec(client.kc);
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      archive.kill();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () => settle(new Error(`copying the commit took more than ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    archive.on('exit', (code) => {
      if (code !== 0 && code !== null)
        settle(new Error(`git archive failed: ${archiveError.trim() || `exit ${code}`}`));
    });
    exec
      .exec(
        namespace,
        pod,
        'copy',
        ['tar', '-x', '-f', '-', '-C', mountPath],
        sink(),
        sink(),
        stdin,
        false,
        (status) => {
          if (status.status === 'Success') settle();
          else
            settle(
              new Error(
                `tar in the copy pod failed: ${status.message ?? status.reason ?? 'unknown'}${output ? `: ${output.trim()}` : ''}`,
              ),
            );
        },
      )
      .then((ws) => {
        ws.on('close', () =>
          settle(
            new Error(`the copy stream closed before tar finished${output ? `: ${output.trim()}` : ''}`),
          ),
        );
        ws.on('error', (err: Error) => settle(err));
      })
      .catch((err: unknown) =>
        settle(new DuatError(`cannot exec tar in the copy pod ${pod}: ${errorMessage(err)}`)),
      );
  });
}
