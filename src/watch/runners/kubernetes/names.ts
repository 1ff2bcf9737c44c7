/**
 * Names and labels of what the Kubernetes runner creates. Every name derives from the run's identity
 * (its id, a hash of repository, branch and commit, and the attempt), so a git-watch restarted after a
 * crash computes the same names and finds what its predecessor created instead of creating it again.
 */
import { DNS_LABEL_MAX, trimWords } from '../../namespace.js';

/** The field manager of every server-side apply. */
export const FIELD_MANAGER = 'duat';

/** On everything the runner creates. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'duat';
/** On namespaces git-watch created: what `duat git-watch gc` looks for. */
export const NAMESPACE_LABEL = 'duat.dev/git-watch';
/** The run id, on every object a run creates (and on its Pods). */
export const RUN_LABEL = 'duat.dev/run';
/** The attempt, on the Job and its Pods. */
export const ATTEMPT_LABEL = 'duat.dev/attempt';
/** The Job's name, on its Pods (set in the Job's pod template), to watch them. */
export const JOB_LABEL = 'duat.dev/job';
export const COMMIT_ANNOTATION = 'duat.dev/commit';
export const BRANCH_ANNOTATION = 'duat.dev/branch';
export const URL_ANNOTATION = 'duat.dev/url';
export const TEMPLATE_ANNOTATION = 'duat.dev/template';
/** On a namespace: when a run last used it (ISO time), for gc. */
export const LAST_USED_ANNOTATION = 'duat.dev/last-used';

/** The volume that holds the commit's files, and where containers see it. */
export const SOURCE_VOLUME = 'source';
export const SOURCE_MOUNT_PATH = '/workspace/source';
/** The init container that fetches the commit (source mode "init"). */
export const SOURCE_CONTAINER = 'duat-source';
/** A maintained image with git and a POSIX shell for that init container. */
export const DEFAULT_SOURCE_IMAGE = 'alpine/git:2.49.1';
/** The image of the pod that fills the source PersistentVolumeClaim (source mode "pvc"). */
export const DEFAULT_COPY_IMAGE = 'busybox:1.37';

/** A short key of the run (12 hex digits of its id): enough to be unique among runs in one namespace. */
export function runKey(id: string): string {
  return id.replace(/-/g, '').slice(0, 12).toLowerCase();
}

/** `base-KEY` (and `-aN` for a later attempt), trimmed by words to a DNS label. */
export function derivedName(base: string, id: string, attempt: number): string {
  const suffix = `-${runKey(id)}${attempt > 1 ? `-a${attempt}` : ''}`;
  const safe =
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '') || 'job';
  const room = DNS_LABEL_MAX - suffix.length;
  const head = safe.length <= room ? safe : trimWords(safe, room).replace(/-+$/, '');
  return `${head}${suffix}`;
}

/** The Job of a run: the template's Job name with the run's key (and attempt). */
export function jobName(templateName: string, id: string, attempt: number): string {
  return derivedName(templateName, id, attempt);
}

/** The Secret holding the git credentials of the source init container. */
export function sourceSecretName(id: string, attempt: number): string {
  return derivedName('duat-source', id, attempt);
}

/** The source PersistentVolumeClaim: the run id, as the original named it (templates used {{.ID}}). */
export function sourceClaimName(id: string): string {
  return id.toLowerCase();
}

/** The pod that copies the commit into the claim. */
export function copyPodName(id: string, attempt: number): string {
  return derivedName('duat-copy', id, attempt);
}
