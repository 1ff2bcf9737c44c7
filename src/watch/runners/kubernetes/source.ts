/**
 * The commit's files for the Job, as a volume its containers mount (SOURCE_VOLUME at the mount path,
 * both given to the template as .SourceVolume and .SourceMountPath). Two ways:
 *
 * - init (the default): an emptyDir that an init container fills with exactly the commit, fetched
 *   from the repository inside the cluster (git fetch of the commit, shallow where the server allows
 *   it); credentials (the token, or those of the repository's URL) reach git through a Secret the run
 *   creates, under the same rule as git-watch's own git (git-auth.ts): only for the URL's protocol and
 *   host, only when the server asks (a 401), by git-auth's credential helper reading the Secret's
 *   values from the environment; never in a URL, an argument or a header sent with every request.
 * - pvc (the original's way): a PersistentVolumeClaim named after the run (.SourceClaim, the run id,
 *   which the original's templates used as {{.ID}}), filled by git-watch itself: a small pod mounts
 *   the claim and git-watch streams `git archive` of the commit into it (exec of tar), then removes the
 *   pod. Works for repositories the cluster cannot reach (local paths, ssh with the watcher's keys).
 */
import { spawn } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { DuatError, errorMessage } from '../../../core/errors.js';
import { stripUrlCredentials } from '../../../core/redact.js';
import { CREDENTIAL_HELPER_CONFIG } from '../../git-auth.js';
import type { RepoCredentials } from '../../repo-spec.js';
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
  /** The Secret holding the credentials (sourceSecret), when they go to this repository. */
  readonly secretName?: string;
  /** `protocol://host[:port]` the credentials are for (git-auth's credentialPlan target). */
  readonly credentialsFor?: string;
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
  const config: (readonly [string, string])[] = [['safe.directory', '*']];
  if (options.secretName && options.credentialsFor) {
    config.push(...CREDENTIAL_HELPER_CONFIG);
    const fromSecret = (key: string) => ({ secretKeyRef: { name: options.secretName, key } });
    env.push(
      { name: 'DUAT_GIT_CREDENTIAL_FOR', value: options.credentialsFor },
      { name: 'DUAT_GIT_USERNAME', valueFrom: fromSecret('username') },
      { name: 'DUAT_GIT_PASSWORD', valueFrom: fromSecret('password') },
    );
  }
  env.push({ name: 'GIT_CONFIG_COUNT', value: String(config.length) });
  // Kubernetes expands $(NAME) in env values; $$ keeps a `$(` of the shell helper as it is.
  const literal = (text: string) => text.replaceAll('$(', '$$(');
  config.forEach(([key, value], i) => {
    env.push(
      { name: `GIT_CONFIG_KEY_${i}`, value: literal(key) },
      { name: `GIT_CONFIG_VALUE_${i}`, value: literal(value) },
    );
  });
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

/** The Secret with the git credentials of the init container (read by git-auth's credential helper). */
export function sourceSecret(name: string, namespace: string, credentials: RepoCredentials): KObject {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    data: { username: b64(credentials.username), password: b64(credentials.password) },
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
