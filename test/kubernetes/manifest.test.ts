/**
 * The Kubernetes runner's pure parts: parsing the rendered template, checking and preparing its
 * objects, names derived from the run. No cluster needed (the API server's side is in dispatch.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CREDENTIAL_HELPER_CONFIG } from '../../src/watch/git-auth.js';
import {
  ManifestError,
  type PrepareContext,
  parseManifest,
  prepareRun,
} from '../../src/watch/runners/kubernetes/manifest.js';
import { derivedName, jobName, runKey, SOURCE_VOLUME } from '../../src/watch/runners/kubernetes/names.js';
import {
  fetchableInCluster,
  initSourcePlan,
  sourceSecret,
} from '../../src/watch/runners/kubernetes/source.js';

const ID = '3b8e99c8-aed8-80d0-8ccd-82c8db391ff5';

function context(overrides: Partial<PrepareContext> = {}): PrepareContext {
  return {
    templateName: 'ci.yaml',
    id: ID,
    attempt: 1,
    namespace: 'gw-0-1-0',
    commit: 'a'.repeat(40),
    branch: 'main',
    url: 'https://user:secret@example.com/o/r.git',
    namespaced: (_apiVersion, kind) =>
      kind === 'ClusterRole' || kind === 'Namespace' ? false : kind === 'Widget' ? undefined : true,
    allowClusterScoped: false,
    source: initSourcePlan({
      url: 'https://example.com/o/r.git',
      branch: 'main',
      commit: 'a'.repeat(40),
      mountPath: '/workspace/source',
      image: 'alpine/git:2.49.1',
    }),
    env: { DUAT_COMMIT: 'a'.repeat(40) },
    backoffLimit: 0,
    ttlSecondsAfterFinished: 86400,
    ...overrides,
  };
}

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: imagebuilder
  namespace: elsewhere
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
`;

describe('parseManifest', () => {
  it('reads several documents, skipping empty ones, with their index and line', () => {
    const docs = parseManifest(
      `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n---\n---\n${JOB}`,
      'ci.yaml',
    );
    assert.deepEqual(
      docs.map((d) => [d.index, d.line, d.object.kind]),
      [
        [1, 2, 'Secret'],
        [3, 8, 'Job'],
      ],
    );
  });

  it('names the template, the document and the line of a YAML error', () => {
    assert.throws(
      () => parseManifest(`${JOB}---\napiVersion: v1\nkind: Secret\n  bad: [\n`, 'ci.yaml'),
      (err: unknown) =>
        err instanceof ManifestError &&
        /^ci\.yaml: document 2 \(line 14\): is not valid YAML/.test(err.message),
    );
  });

  it('refuses what is not a Kubernetes object (a shell script), naming the document', () => {
    assert.throws(
      () => parseManifest('#!/bin/sh\nmake test\n', 'ci.tmpl'),
      (err: unknown) =>
        err instanceof ManifestError && /ci\.tmpl: document 1 .*not a Kubernetes object/.test(err.message),
    );
  });

  it('needs a fixed metadata.name (generateName would make a restarted git-watch create another)', () => {
    assert.throws(
      () => parseManifest('apiVersion: v1\nkind: Secret\nmetadata:\n  generateName: s-\n', 'ci.yaml'),
      (err: unknown) =>
        err instanceof ManifestError &&
        /document 1 \(Secret, line 1\): uses metadata.generateName/.test(err.message),
    );
  });
});

describe('prepareRun', () => {
  it('moves objects into the run namespace, labels them, names the Job after the run, adds the source', () => {
    const docs = parseManifest(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n---\n${JOB}`, 'ci.yaml');
    const run = prepareRun(docs, context());
    assert.equal(run.objects.length, 2);
    assert.equal(run.objects[1], run.job, 'the Job is applied last');
    const job = run.job.object;
    assert.equal(job.metadata.name, `imagebuilder-${runKey(ID)}`);
    assert.equal(job.metadata.namespace, 'gw-0-1-0');
    assert.equal(job.metadata.labels['duat.dev/run'], ID);
    assert.equal(
      job.metadata.annotations['duat.dev/url'],
      'https://example.com/o/r.git',
      'no credentials in annotations',
    );
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(job.spec.ttlSecondsAfterFinished, 86400);
    assert.equal(job.spec.template.metadata.labels['duat.dev/job'], job.metadata.name);
    const pod = job.spec.template.spec;
    assert.deepEqual(pod.volumes, [{ name: SOURCE_VOLUME, emptyDir: {} }]);
    assert.equal(pod.initContainers[0].name, 'duat-source');
    assert.deepEqual(pod.containers[0].volumeMounts, [
      { name: SOURCE_VOLUME, mountPath: '/workspace/source' },
    ]);
    assert.deepEqual(pod.containers[0].env, [{ name: 'DUAT_COMMIT', value: 'a'.repeat(40) }]);
    assert.equal(pod.containers[0].workingDir, '/workspace/source', 'starts in the commit');
    assert.match(run.notes[0] ?? '', /moved from namespace elsewhere into the run's namespace gw-0-1-0/);
    assert.equal(docs[1]?.object.metadata.name, 'imagebuilder', 'the parsed documents are not changed');
  });

  it('keeps what the template says: its own source volume, backoffLimit, TTL', () => {
    const text = JOB.replace(
      'spec:\n  template:',
      'spec:\n  backoffLimit: 2\n  ttlSecondsAfterFinished: 5\n  template:',
    ).replace(
      '      containers:',
      '      volumes:\n      - name: source\n        persistentVolumeClaim:\n          claimName: mine\n      containers:',
    );
    const job = prepareRun(parseManifest(text, 'ci.yaml'), context()).job.object;
    assert.equal(job.spec.backoffLimit, 2);
    assert.equal(job.spec.ttlSecondsAfterFinished, 5);
    assert.deepEqual(job.spec.template.spec.volumes, [
      { name: 'source', persistentVolumeClaim: { claimName: 'mine' } },
    ]);
  });

  it('starts containers in the source mount unless they set workingDir (theirs, or the mount they chose)', () => {
    const text = JOB.replace(
      '        image: busybox\n',
      '        image: busybox\n        workingDir: /build\n      - name: second\n        image: busybox\n' +
        '        volumeMounts:\n        - name: source\n          mountPath: /src\n',
    );
    const pod = prepareRun(parseManifest(text, 'ci.yaml'), context()).job.object.spec.template.spec;
    assert.equal(pod.containers[0].workingDir, '/build');
    assert.equal(pod.containers[1].workingDir, '/src');
    assert.equal(pod.initContainers[0].workingDir, '/workspace/source');
  });

  it('needs exactly one Job', () => {
    assert.throws(
      () =>
        prepareRun(
          parseManifest('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n', 'ci.yaml'),
          context(),
        ),
      /ci\.yaml: the rendered template has no Job/,
    );
    assert.throws(
      () =>
        prepareRun(parseManifest(`${JOB}---\n${JOB.replace('imagebuilder', 'other')}`, 'ci.yaml'), context()),
      /ci\.yaml: document 2 \(Job other, line \d+\): is a second Job \(the first is document 1\)/,
    );
  });

  it('refuses cluster-scoped objects unless allowed, and kinds the API server does not know', () => {
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n';
    assert.throws(
      () => prepareRun(parseManifest(`${JOB}---\n${role}`, 'ci.yaml'), context()),
      (err: unknown) =>
        err instanceof ManifestError &&
        /document 2 \(ClusterRole r, line \d+\): ClusterRole is cluster-scoped/.test(err.message) &&
        /--allow-cluster-scoped/.test(err.hint ?? ''),
    );
    const allowed = prepareRun(
      parseManifest(`${JOB}---\n${role}`, 'ci.yaml'),
      context({ allowClusterScoped: true }),
    );
    assert.equal(allowed.objects[0]?.object.metadata.namespace, undefined);
    assert.equal(allowed.objects[0]?.namespaced, false);
    assert.throws(
      () =>
        prepareRun(
          parseManifest(
            `${JOB}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n`,
            'ci.yaml',
          ),
          context(),
        ),
      /document 2 \(Widget w, line \d+\): the API server does not know Widget in example.com\/v1/,
    );
  });
});

describe('names', () => {
  it('derives names from the run: a DNS label, the key at the end, the attempt after', () => {
    assert.equal(runKey(ID), '3b8e99c8aed8');
    assert.equal(jobName('imagebuilder', ID, 1), 'imagebuilder-3b8e99c8aed8');
    assert.equal(jobName('imagebuilder', ID, 2), 'imagebuilder-3b8e99c8aed8-a2');
    const long = derivedName('a-very-long-job-name-that-goes-on-and-on-and-on-until-it-is-too-long', ID, 2);
    assert.ok(long.length <= 63, long);
    assert.match(long, /^a-very-long-.*-3b8e99c8aed8-a2$/);
    assert.equal(derivedName('Build_Image', ID, 1), 'build-image-3b8e99c8aed8');
  });
});

describe('source', () => {
  it('fetches in the cluster only what a pod can reach', () => {
    assert.ok(fetchableInCluster('https://github.com/o/r.git'));
    assert.ok(fetchableInCluster('git://127.0.0.1:9418/r'));
    assert.ok(!fetchableInCluster('/home/me/repo'));
    assert.ok(!fetchableInCluster('git@github.com:o/r.git'));
  });

  it("gives credentials to git through a Secret, for the URL's host only when asked, never in the URL", () => {
    const plan = initSourcePlan({
      url: 'https://x:y@example.com/o/r.git',
      branch: 'main',
      commit: 'c',
      mountPath: '/src',
      image: 'git',
      secretName: 'creds',
      credentialsFor: 'https://example.com',
    });
    const env = plan.initContainer?.env as { name: string; value?: string; valueFrom?: unknown }[];
    const value = (name: string) => env.find((e) => e.name === name);
    assert.equal(value('DUAT_URL')?.value, 'https://example.com/o/r.git');
    assert.equal(value('DUAT_GIT_CREDENTIAL_FOR')?.value, 'https://example.com');
    assert.deepEqual(value('DUAT_GIT_USERNAME')?.valueFrom, {
      secretKeyRef: { name: 'creds', key: 'username' },
    });
    assert.deepEqual(value('DUAT_GIT_PASSWORD')?.valueFrom, {
      secretKeyRef: { name: 'creds', key: 'password' },
    });
    const config = Array.from({ length: Number(value('GIT_CONFIG_COUNT')?.value) }, (_, i) => [
      value(`GIT_CONFIG_KEY_${i}`)?.value,
      value(`GIT_CONFIG_VALUE_${i}`)?.value,
    ]);
    // No header sent with every request: git-watch's own credential helper, alone.
    assert.ok(!config.some(([key]) => /extraheader/i.test(key ?? '')), JSON.stringify(config));
    assert.deepEqual(
      config.filter(([key]) => key === 'credential.helper').map(([, v]) => v),
      CREDENTIAL_HELPER_CONFIG.map(([, v]) => v),
    );
    const secret = sourceSecret('creds', 'ns', { username: 'x-access-token', password: 'tok3n' });
    assert.equal(Buffer.from(secret.data.username, 'base64').toString('utf8'), 'x-access-token');
    assert.equal(Buffer.from(secret.data.password, 'base64').toString('utf8'), 'tok3n');
    const none = initSourcePlan({
      url: 'https://example.com/o/r.git',
      branch: 'main',
      commit: 'c',
      mountPath: '/src',
      image: 'git',
    });
    assert.ok(
      !((none.initContainer?.env ?? []) as { name: string }[]).some((e) => e.name.startsWith('DUAT_GIT_')),
    );
  });
});
