/**
 * The rendered job template as Kubernetes objects: parsed (one or more YAML documents), checked (exactly
 * one Job, every object named, cluster-scoped objects only when allowed) and prepared for the run: moved
 * into the run's namespace, labelled with the run, the Job named after the run and given the commit's
 * source volume. Pure functions: the API server is asked elsewhere which kinds are namespaced.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { DuatError } from '../../../core/errors.js';
import { stripUrlCredentials } from '../../../core/redact.js';
import {
  ATTEMPT_LABEL,
  BRANCH_ANNOTATION,
  COMMIT_ANNOTATION,
  JOB_LABEL,
  jobName,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  RUN_LABEL,
  SOURCE_VOLUME,
  TEMPLATE_ANNOTATION,
  URL_ANNOTATION,
} from './names.js';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON.
export type KObject = Record<string, any>;

export interface ManifestDoc {
  /** 1-based, counting every YAML document of the rendered output (empty ones too). */
  readonly index: number;
  /** The line of the rendered output where the document starts. */
  readonly line: number;
  readonly object: KObject;
}

/** The template's name, a document and what is wrong with it: `ci.yaml: document 2 (Job build, line 14): ...`. */
export class ManifestError extends DuatError {}

export function describeDoc(doc: ManifestDoc): string {
  const kind = typeof doc.object.kind === 'string' ? doc.object.kind : undefined;
  const name = typeof doc.object.metadata?.name === 'string' ? doc.object.metadata.name : undefined;
  const what = kind ? ` (${kind}${name ? ` ${name}` : ''}, line ${doc.line})` : ` (line ${doc.line})`;
  return `document ${doc.index}${what}`;
}

function fail(templateName: string, doc: ManifestDoc | undefined, message: string, hint?: string): never {
  const where = doc ? `${describeDoc(doc)}: ` : '';
  throw new ManifestError(`${templateName}: ${where}${message}`, { hint });
}

/** The Kubernetes objects of a rendered template, in order. Empty documents are skipped. */
export function parseManifest(text: string, templateName: string): ManifestDoc[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const docs: ManifestDoc[] = [];
  const all = Array.isArray(parsed) ? parsed : [];
  all.forEach((document, i) => {
    const index = i + 1;
    const start = document.contents?.range?.[0] ?? document.range[0];
    const line = lineCounter.linePos(start).line;
    const placeholder: ManifestDoc = { index, line, object: {} };
    if (document.errors.length > 0) {
      const first = document.errors[0];
      const at = first?.linePos?.[0];
      const message = (first?.message ?? 'invalid YAML').split('\n')[0] ?? 'invalid YAML';
      fail(
        templateName,
        placeholder,
        `is not valid YAML${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${message.replace(/ at line \d+, column \d+:?$/, '')}`,
      );
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      fail(
        templateName,
        placeholder,
        'is not a Kubernetes object (a YAML mapping with apiVersion, kind and metadata.name)',
        'the kubernetes runner needs a job template of Kubernetes objects (a Job, and any Secret, Service, ConfigMap... it uses)',
      );
    }
    const object = value as KObject;
    const doc: ManifestDoc = { index, line, object };
    if (
      typeof object.apiVersion !== 'string' ||
      object.apiVersion === '' ||
      typeof object.kind !== 'string' ||
      object.kind === ''
    ) {
      fail(
        templateName,
        doc,
        'has no apiVersion and kind: it is not a Kubernetes object',
        'the kubernetes runner needs a job template of Kubernetes objects (a Job, and any Secret, Service, ConfigMap... it uses)',
      );
    }
    if (object.kind === 'List' || object.kind.endsWith('List')) {
      fail(templateName, doc, `is a ${object.kind}: give each object as its own document (separated by ---)`);
    }
    if (object.metadata !== undefined && (typeof object.metadata !== 'object' || object.metadata === null)) {
      fail(templateName, doc, 'has a metadata that is not a mapping');
    }
    if (typeof object.metadata?.name !== 'string' || object.metadata.name === '') {
      fail(
        templateName,
        doc,
        object.metadata?.generateName
          ? 'uses metadata.generateName: give it a metadata.name'
          : 'has no metadata.name',
        'every object needs a fixed name, so that a restarted git-watch finds what it created (use {{.ID}} for names unique to a run)',
      );
    }
    docs.push(doc);
  });
  if (docs.length === 0)
    fail(
      templateName,
      undefined,
      'the rendered template holds no Kubernetes objects',
      'it needs at least a Job',
    );
  return docs;
}

export function isJob(object: KObject): boolean {
  return (
    object.kind === 'Job' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('batch/')
  );
}

/** What the runner adds to the Job's pod so that it has the commit's files. */
export interface SourcePlan {
  /** The volume named SOURCE_VOLUME (unless the template has one of that name). */
  readonly volume: KObject;
  /** Where every container gets it mounted (unless it mounts the volume, or something there, itself). */
  readonly mountPath: string;
  /** Runs first in the pod (source mode "init"). */
  readonly initContainer?: KObject;
}

export interface PrepareContext {
  readonly templateName: string;
  readonly id: string;
  readonly attempt: number;
  readonly namespace: string;
  readonly commit: string;
  readonly branch: string;
  readonly url: string;
  /** Is this kind namespaced? undefined: the API server does not know it. */
  readonly namespaced: (apiVersion: string, kind: string) => boolean | undefined;
  readonly allowClusterScoped: boolean;
  readonly source: SourcePlan;
  /** Environment variables each container gets unless it sets them itself. */
  readonly env: Readonly<Record<string, string>>;
  /** Job defaults, when the template does not say. */
  readonly backoffLimit: number;
  readonly ttlSecondsAfterFinished: number;
}

export interface PreparedObject {
  readonly doc: ManifestDoc;
  readonly object: KObject;
  readonly namespaced: boolean;
}

export interface PreparedRun {
  /** The objects to apply, in order: everything else in template order, the Job last. */
  readonly objects: readonly PreparedObject[];
  readonly job: PreparedObject;
  /** Notes for the run's log (objects moved into the run's namespace...). */
  readonly notes: readonly string[];
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function labelled(
  object: KObject,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): void {
  object.metadata = object.metadata ?? {};
  object.metadata.labels = { ...(object.metadata.labels ?? {}), ...labels };
  object.metadata.annotations = { ...(object.metadata.annotations ?? {}), ...annotations };
}

function containersOf(podSpec: KObject): KObject[] {
  const all: KObject[] = [];
  for (const key of ['initContainers', 'containers']) {
    const list = podSpec[key];
    if (Array.isArray(list)) for (const c of list) if (c && typeof c === 'object') all.push(c as KObject);
  }
  return all;
}

/**
 * Adds the source volume, the init container, mounts, environment and (where a container sets none)
 * the working directory to a pod spec.
 */
export function addSource(podSpec: KObject, plan: SourcePlan, env: Readonly<Record<string, string>>): void {
  podSpec.volumes = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  if (!podSpec.volumes.some((v: KObject) => v?.name === SOURCE_VOLUME))
    podSpec.volumes.push(clone(plan.volume));
  const theirs = containersOf(podSpec);
  for (const container of theirs) {
    container.volumeMounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
    const mounts = container.volumeMounts as KObject[];
    if (!mounts.some((m) => m?.name === SOURCE_VOLUME || m?.mountPath === plan.mountPath)) {
      mounts.push({ name: SOURCE_VOLUME, mountPath: plan.mountPath });
    }
    // A container that says nowhere else starts in the commit's files (a job written as the
    // original's, `make test`, works as it is), wherever it mounts them.
    if (container.workingDir === undefined) {
      const source = mounts.find((m) => m?.name === SOURCE_VOLUME) ?? { mountPath: plan.mountPath };
      container.workingDir = source.mountPath;
    }
    container.env = Array.isArray(container.env) ? container.env : [];
    const have = new Set((container.env as KObject[]).map((e) => e?.name));
    for (const [name, value] of Object.entries(env)) if (!have.has(name)) container.env.push({ name, value });
  }
  if (plan.initContainer) {
    podSpec.initContainers = Array.isArray(podSpec.initContainers) ? podSpec.initContainers : [];
    if (!podSpec.initContainers.some((c: KObject) => c?.name === plan.initContainer?.name)) {
      podSpec.initContainers.unshift(clone(plan.initContainer));
    }
  }
}

/** Checks the documents and makes the objects this run applies. */
export function prepareRun(docs: readonly ManifestDoc[], ctx: PrepareContext): PreparedRun {
  const notes: string[] = [];
  const jobs = docs.filter((d) => isJob(d.object));
  if (jobs.length === 0) {
    fail(
      ctx.templateName,
      undefined,
      'the rendered template has no Job (apiVersion: batch/v1, kind: Job)',
      "a run is one Job: its result is the run's",
    );
  }
  if (jobs.length > 1) {
    fail(
      ctx.templateName,
      jobs[1],
      `is a second Job (the first is document ${jobs[0]?.index}): a run is one Job`,
    );
  }
  const seen = new Map<string, ManifestDoc>();
  const objects: PreparedObject[] = [];
  let job: PreparedObject | undefined;
  const url = stripUrlCredentials(ctx.url);
  for (const doc of docs) {
    const object = clone(doc.object);
    const namespaced = ctx.namespaced(object.apiVersion, object.kind);
    if (namespaced === undefined) {
      fail(
        ctx.templateName,
        doc,
        `the API server does not know ${object.kind} in ${object.apiVersion}`,
        'check the apiVersion and kind (and that its CustomResourceDefinition is installed)',
      );
    }
    if (!namespaced) {
      if (!ctx.allowClusterScoped) {
        fail(
          ctx.templateName,
          doc,
          `${object.kind} is cluster-scoped: a run only creates objects in its namespace`,
          'pass --allow-cluster-scoped to let templates create cluster-scoped objects',
        );
      }
      if (object.metadata.namespace !== undefined) delete object.metadata.namespace;
    } else {
      const theirs = object.metadata.namespace;
      if (theirs !== undefined && theirs !== ctx.namespace) {
        notes.push(
          `${describeDoc(doc)} is moved from namespace ${theirs} into the run's namespace ${ctx.namespace}`,
        );
      }
      object.metadata.namespace = ctx.namespace;
    }
    const key = `${object.apiVersion.split('/').length > 1 ? object.apiVersion.split('/')[0] : ''}/${object.kind}/${object.metadata.name}`;
    const earlier = seen.get(key);
    if (earlier) fail(ctx.templateName, doc, `has the same kind and name as document ${earlier.index}`);
    seen.set(key, doc);
    const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGED_BY, [RUN_LABEL]: ctx.id };
    const annotations: Record<string, string> = {
      [COMMIT_ANNOTATION]: ctx.commit,
      [BRANCH_ANNOTATION]: ctx.branch,
      [URL_ANNOTATION]: url,
      [TEMPLATE_ANNOTATION]: ctx.templateName,
    };
    if (isJob(object)) {
      const name = jobName(object.metadata.name, ctx.id, ctx.attempt);
      object.metadata.name = name;
      labelled(object, { ...labels, [ATTEMPT_LABEL]: String(ctx.attempt) }, annotations);
      object.spec = object.spec && typeof object.spec === 'object' ? object.spec : {};
      const spec = object.spec as KObject;
      if (spec.backoffLimit === undefined) spec.backoffLimit = ctx.backoffLimit;
      if (spec.ttlSecondsAfterFinished === undefined)
        spec.ttlSecondsAfterFinished = ctx.ttlSecondsAfterFinished;
      spec.template = spec.template && typeof spec.template === 'object' ? spec.template : {};
      const template = spec.template as KObject;
      template.metadata = template.metadata && typeof template.metadata === 'object' ? template.metadata : {};
      template.metadata.labels = {
        ...(template.metadata.labels ?? {}),
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [RUN_LABEL]: ctx.id,
        [ATTEMPT_LABEL]: String(ctx.attempt),
        [JOB_LABEL]: name,
      };
      template.spec = template.spec && typeof template.spec === 'object' ? template.spec : {};
      addSource(template.spec as KObject, ctx.source, ctx.env);
      job = { doc, object, namespaced: true };
    } else {
      labelled(object, labels, annotations);
      objects.push({ doc, object, namespaced: namespaced === true });
    }
  }
  if (!job) throw new Error('unreachable: no Job');
  return { objects: [...objects, job], job, notes };
}
