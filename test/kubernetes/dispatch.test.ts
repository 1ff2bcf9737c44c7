/**
 * `duat git-watch --runner kubernetes` against a real API server (test/helpers/control-plane.ts):
 * dispatch and success, a failed Job, a template with a Secret, a Service and a ConfigMap, validation
 * errors, cluster-scoped objects, the registry values, the examples.
 *
 * Real here: the API server's validation, defaulting and server-side apply (managedFields show the
 * duat manager), the Job controller making the Pod and finishing the Job, the scheduler, the pod log
 * endpoint (the run's log is what it streamed), namespace deletion. Faked by KWOK: the containers —
 * Pods go Running then Succeeded (or Failed, by label), init containers are marked completed, logs
 * are lines from a file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import type { KObject } from '../../src/watch/runners/kubernetes/manifest.js';
import { runKey } from '../../src/watch/runners/kubernetes/names.js';
import { cleanEnv, runDuat } from '../helpers/cli.js';
import { createServedRepo, pushCommit, startGitHttpServer } from '../helpers/git-server.js';
import { repoRoot } from '../helpers/paths.js';
import {
  type Fixture,
  get,
  gitWatchOnce,
  gitWatchStart,
  jobTemplate,
  list,
  makeRepo,
  runLog,
  runsOf,
  startFixture,
  stateDir,
  waitFor,
  writeTemplate,
} from './fixture.js';

const T = { timeout: 180_000 };

describe('git-watch --runner kubernetes: dispatch', { timeout: 900_000 }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture({
      logs: [
        { containers: ['main', 'tests'], lines: ['hello from the job', 'make test: 3 passed'] },
        { containers: ['duat-source'], lines: ['duat: fetched the commit'] },
      ],
    });
  });
  after(async () => {
    await fx?.stop();
  });

  it('dispatches a Job, follows it to success, streams its logs and removes its namespace', T, async () => {
    const repo = makeRepo(fx, '0.1.0-dispatch');
    const template = writeTemplate(fx, 'ci.yaml', jobTemplate());
    const state = stateDir(fx, 'success');
    const r = gitWatchOnce(fx, ['--job-template', template, repo.url], state);
    assert.equal(r.code, 0, r.stderr);
    const [run] = runsOf(r.stdout);
    assert.equal(run?.state, 'succeeded', r.stdout);
    const id = run?.id as string;
    const job = `ci-${runKey(id)}`;
    // The original's log lines, one per change of phase.
    assert.match(
      r.stderr,
      new RegExp(
        `task update id: ${id} text: job applied namespace: gw-0-1-0-dispatch job: ${job} objects: 1 phase: Pending`,
      ),
    );
    // KWOK runs a Job's Pod to its end in milliseconds: its Running may come and go between two events.
    assert.match(
      r.stderr,
      new RegExp(
        `task update id: ${id} text: pod update namespace: gw-0-1-0-dispatch pod: ${job}-\\w+ phase: Succeeded`,
      ),
    );
    assert.match(
      r.stderr,
      new RegExp(
        `task update id: ${id} text: job started .* namespace: gw-0-1-0-dispatch job: ${job} pod: ${job}-\\w+ phase: Running`,
      ),
    );
    assert.match(r.stderr, new RegExp(`task completed id: ${id} text: job succeeded`));
    // The containers' logs, through the API's log endpoint: the init container's first, prefixed.
    const log = runLog(state, id);
    assert.match(
      log,
      /\[duat-source\] duat: fetched the commit\n(--- .*\n)*hello from the job\nmake test: 3 passed\n/,
    );
    // Cleanup: the namespace git-watch made is deleted (the namespace controller empties it).
    await waitFor(
      'the run namespace to be gone',
      async () => (await get(fx, '/api/v1/namespaces/gw-0-1-0-dispatch')) === undefined,
      60_000,
    );
  });

  it(
    '-namespace: runs in a namespace it did not make, and removes only its own objects from it',
    T,
    async () => {
      await fx.client.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-ci' } } });
      await fx.client.request('POST', '/api/v1/namespaces/team-ci/configmaps', {
        body: { metadata: { name: 'theirs' }, data: { a: 'b' } },
      });
      const repo = makeRepo(fx, '0.1.1-given');
      const extra =
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ours\ndata:\n  id: "{{ .ID }}"\n';
      const template = writeTemplate(fx, 'given.yaml', jobTemplate({ extra }));
      const r = gitWatchOnce(
        fx,
        ['-namespace', 'team-ci', '--job-template', template, repo.url],
        stateDir(fx, 'given'),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /objects deleted namespace: team-ci objects: 2/);
      const ns = await get(fx, '/api/v1/namespaces/team-ci');
      assert.equal(ns?.status?.phase, 'Active');
      assert.equal(ns?.metadata?.labels?.['duat.dev/git-watch'], undefined, "not labelled as git-watch's");
      assert.ok(await get(fx, '/api/v1/namespaces/team-ci/configmaps/theirs'));
      assert.equal(await get(fx, '/api/v1/namespaces/team-ci/configmaps/ours'), undefined);
      assert.deepEqual(await list(fx, '/apis/batch/v1/namespaces/team-ci/jobs', 'duat.dev/run'), []);
    },
  );

  it('records a failed Job as a failed run, with the container exit code', T, async () => {
    const repo = makeRepo(fx, '0.2.0-fail');
    const template = writeTemplate(
      fx,
      'fail.yaml',
      jobTemplate({
        labels: { 'pod-container-running-failed.stage.kwok.x-k8s.io': 'true' },
        annotations: { 'pod-container-running-failed.stage.kwok.x-k8s.io/exit-code': '3' },
      }),
    );
    const state = stateDir(fx, 'fail');
    const r = gitWatchOnce(fx, ['--job-template', template, repo.url], state);
    assert.equal(r.code, 1, r.stderr);
    const [run] = runsOf(r.stdout);
    assert.equal(run?.state, 'failed');
    assert.match(r.stderr, /phase: Failed/);
    const status = JSON.parse(
      runDuat(['git-watch', 'status', '--json', '--persistent-state-dir', state], { env: cleanEnv() }).stdout,
    ) as {
      runs: { id: string; exitCode?: number; error?: string }[];
    };
    const record = status.runs.find((x) => x.id === run?.id);
    assert.equal(record?.exitCode, 3);
    assert.match(record?.error ?? '', /BackoffLimitExceeded/);
    assert.match(record?.error ?? '', /container main exited 3/);
  });

  it(
    'applies a Secret, a Service and a ConfigMap with the Job (server-side apply, labelled); -debug keeps them',
    T,
    async () => {
      const served = join(fx.dir, 'http-served');
      const http = await startGitHttpServer(served, { password: 's3cr3t-token' });
      try {
        const work = createServedRepo(served, 'private.git', join(fx.dir, 'work', 'private'));
        pushCommit(work, 'README.md', 'Version : <repo-version>0.3.0-objects</repo-version>\n');
        const extra = `---
apiVersion: v1
kind: Secret
metadata:
  name: registry-config
type: Opaque
stringData:
  registry.yaml: "{{ .Namespace }}"
---
apiVersion: v1
kind: Service
metadata:
  name: cache
spec:
  selector:
    app: cache
  ports:
  - port: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: somewhere-else
data:
  commit: "{{ .Commit }}"
`;
        const template = writeTemplate(fx, 'objects.yaml', jobTemplate({ extra }));
        const state = stateDir(fx, 'objects');
        // In the background: the git server answers from this process, which must not block on the CLI.
        const watcher = gitWatchStart(
          fx,
          [
            '--once',
            '-debug',
            // A test server on plain http: the token goes to it only when named and allowed.
            '--token-hosts',
            new URL(http.url('x')).host,
            '--insecure-http-token',
            '--job-template',
            template,
            http.url('private.git'),
          ],
          state,
          {
            GITHUB_TOKEN: 's3cr3t-token',
          },
        );
        const code = await watcher.exited;
        const r = { code, stdout: watcher.stdout(), stderr: watcher.stderr() };
        assert.equal(r.code, 0, r.stderr);
        const [run] = runsOf(r.stdout);
        const id = run?.id as string;
        const ns = 'gw-0-3-0-objects';
        assert.doesNotMatch(r.stderr, /s3cr3t-token/);
        assert.doesNotMatch(runLog(state, id), /s3cr3t-token/);
        for (const [path, kind] of [
          [`/api/v1/namespaces/${ns}/secrets/registry-config`, 'Secret'],
          [`/api/v1/namespaces/${ns}/services/cache`, 'Service'],
          [`/api/v1/namespaces/${ns}/configmaps/settings`, 'ConfigMap'],
          [`/apis/batch/v1/namespaces/${ns}/jobs/ci-${runKey(id)}`, 'Job'],
        ] as const) {
          const object = await get(fx, path);
          assert.ok(object, `${kind} ${path} exists`);
          assert.equal(object.metadata.labels['duat.dev/run'], id, `${kind} is labelled with the run`);
          assert.ok(
            (object.metadata.managedFields as { manager: string; operation: string }[]).some(
              (m) => m.manager === 'duat' && m.operation === 'Apply',
            ),
            `${kind} was server-side applied by the duat field manager`,
          );
        }
        const service = await get(fx, `/api/v1/namespaces/${ns}/services/cache`);
        assert.match(
          String(service?.spec.clusterIP),
          /^10\.0\.0\./,
          'the API server allocated the Service an address',
        );
        const configMap = await get(fx, `/api/v1/namespaces/${ns}/configmaps/settings`);
        assert.equal(configMap?.data.commit.length, 40);
        // The Job as git-watch made it: named after the run, with the source init container and volume.
        const job = await get(fx, `/apis/batch/v1/namespaces/${ns}/jobs/ci-${runKey(id)}`);
        assert.equal(job?.spec.backoffLimit, 0);
        assert.equal(job?.spec.ttlSecondsAfterFinished, 86400);
        const pod = job?.spec.template.spec;
        assert.equal(pod.initContainers[0].name, 'duat-source');
        assert.deepEqual(
          pod.volumes.find((v: { name: string }) => v.name === 'source'),
          { name: 'source', emptyDir: {} },
        );
        assert.equal(pod.containers[0].command[2], 'cd /workspace/source && make test');
        // The token reaches the init container's git only through a Secret, for this host only.
        const secretName = `duat-source-${runKey(id)}`;
        const secret = await get(fx, `/api/v1/namespaces/${ns}/secrets/${secretName}`);
        assert.equal(Buffer.from(secret?.data.password, 'base64').toString('utf8'), 's3cr3t-token');
        assert.equal(Buffer.from(secret?.data.username, 'base64').toString('utf8'), 'x-access-token');
        const env = pod.initContainers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
        assert.deepEqual(env.find((e) => e.name === 'DUAT_GIT_PASSWORD')?.valueFrom, {
          secretKeyRef: { name: secretName, key: 'password' },
        });
        assert.equal(
          env.find((e) => e.name === 'DUAT_GIT_CREDENTIAL_FOR')?.value,
          `http://${new URL(http.url('x')).host}`,
        );
        assert.equal(env.find((e) => e.name === 'DUAT_URL')?.value, http.url('private.git'));
        assert.match(r.stderr, /kept \(-debug\) namespace: gw-0-3-0-objects/);
      } finally {
        await http.stop();
      }
    },
  );

  it(
    'reports what the API server refuses with the template name and document, and creates nothing',
    T,
    async () => {
      const repo = makeRepo(fx, '0.4.0-invalid');
      const template = writeTemplate(
        fx,
        'invalid.yaml',
        `apiVersion: v1
kind: Secret
metadata:
  name: early
stringData:
  a: b
---
${jobTemplate().replace('        image: busybox:1.37\n', '').replace('restartPolicy: Never', 'restartPolicy: Sometimes')}`,
      );
      const state = stateDir(fx, 'invalid');
      const r = gitWatchOnce(fx, ['-debug', '--job-template', template, repo.url], state);
      assert.equal(r.code, 1, r.stderr);
      const [run] = runsOf(r.stdout);
      assert.equal(run?.state, 'failed');
      const id = run?.id as string;
      const log = runLog(state, id);
      const message = new RegExp(
        `invalid\\.yaml: document 2 \\(Job ci, line 8\\): the API server refused it: Job\\.batch "ci-${runKey(id)}" is invalid: .*spec\\.template\\.spec\\.containers\\[0\\]\\.image: Required value`,
      );
      assert.match(log, message);
      assert.match(log, /restartPolicy: Unsupported value: "Sometimes"/);
      // Everything was checked first (a dry run): the valid Secret before it was not created either.
      assert.equal(await get(fx, '/api/v1/namespaces/gw-0-4-0-invalid/secrets/early'), undefined);
    },
  );

  it('refuses cluster-scoped objects unless --allow-cluster-scoped', T, async () => {
    const repo = makeRepo(fx, '0.5.0-cluster');
    const role = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: duat-test-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get"]
`;
    const template = writeTemplate(fx, 'cluster.yaml', jobTemplate({ extra: role }));
    const refused = gitWatchOnce(fx, ['--job-template', template, repo.url], stateDir(fx, 'cluster-refused'));
    assert.equal(refused.code, 1);
    const [run] = runsOf(refused.stdout);
    const log = runLog(stateDir(fx, 'cluster-refused'), run?.id as string);
    assert.match(
      log,
      /cluster\.yaml: document 2 \(ClusterRole duat-test-reader, line \d+\): ClusterRole is cluster-scoped.*--allow-cluster-scoped/,
    );
    assert.equal(
      await get(fx, '/apis/rbac.authorization.k8s.io/v1/clusterroles/duat-test-reader'),
      undefined,
    );
    const allowed = gitWatchOnce(
      fx,
      ['--allow-cluster-scoped', '--job-template', template, repo.url],
      stateDir(fx, 'cluster-allowed'),
    );
    assert.equal(allowed.code, 0, allowed.stderr);
    const roleObject = await get(fx, '/apis/rbac.authorization.k8s.io/v1/clusterroles/duat-test-reader');
    assert.equal(roleObject?.metadata.labels['app.kubernetes.io/managed-by'], 'duat');
  });

  it('deploy/ is accepted by the API server (a server-side dry run of every object)', T, async () => {
    const resources: Record<string, string> = {
      Namespace: 'namespaces',
      ServiceAccount: 'serviceaccounts',
      ClusterRole: 'clusterroles',
      ClusterRoleBinding: 'clusterrolebindings',
      PersistentVolumeClaim: 'persistentvolumeclaims',
      ConfigMap: 'configmaps',
      Secret: 'secrets',
      Deployment: 'deployments',
      Service: 'services',
    };
    const kustomization = parse(readFileSync(join(repoRoot, 'deploy', 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    let count = 0;
    for (const file of kustomization.resources) {
      for (const doc of parseAllDocuments(readFileSync(join(repoRoot, 'deploy', file), 'utf8'))) {
        const object = doc.toJS() as KObject | null;
        if (!object) continue;
        const resource = resources[object.kind];
        assert.ok(resource, `${file}: ${object.kind} is known to this test`);
        const group = object.apiVersion.includes('/')
          ? `/apis/${object.apiVersion}`
          : `/api/${object.apiVersion}`;
        const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
        // The namespace for real (the others are namespaced in it), everything else as a dry run.
        await fx.client.request('PATCH', `${group}${ns}/${resource}/${object.metadata.name}`, {
          query: { fieldManager: 'duat-test', dryRun: object.kind === 'Namespace' ? undefined : 'All' },
          body: object,
          contentType: 'application/apply-patch+yaml',
        });
        count++;
      }
    }
    assert.equal(count, 9);
  });

  it(
    'gives templates the microk8s registry as .RegistryIP and .RegistryPort, and runs the examples',
    T,
    async () => {
      // A microk8s-style registry: the Running pod labelled app=registry in namespace container-registry.
      await fx.client.request('POST', '/api/v1/namespaces', {
        body: { metadata: { name: 'container-registry' } },
      });
      await fx.client.request('POST', '/api/v1/namespaces/container-registry/pods', {
        body: {
          metadata: { name: 'registry', labels: { app: 'registry' } },
          spec: {
            nodeSelector: { type: 'kwok' },
            containers: [{ name: 'registry', image: 'registry:2', ports: [{ containerPort: 5000 }] }],
          },
        },
      });
      const ip = await waitFor('the registry pod to run', async () => {
        const pod = await get(fx, '/api/v1/namespaces/container-registry/pods/registry');
        return pod?.status?.phase === 'Running' ? (pod.status.podIP as string | undefined) : undefined;
      });
      const repo = makeRepo(fx, '0.6.0-examples');
      const build = gitWatchOnce(
        fx,
        [
          '-debug',
          '--job-template',
          join(repoRoot, 'examples', 'kubernetes', 'build-image-buildkit.yaml'),
          repo.url,
        ],
        stateDir(fx, 'example-build'),
      );
      assert.equal(build.code, 0, build.stderr);
      const [run] = runsOf(build.stdout);
      const job = await get(
        fx,
        `/apis/batch/v1/namespaces/gw-0-6-0-examples/jobs/imagebuilder-${runKey(run?.id as string)}`,
      );
      const args = ((job?.spec.template.spec.containers[0].args ?? []) as string[]).join(' ');
      assert.ok(
        args.includes(
          `name=${ip}:5000/${repo.url.split('/').pop()?.replace('.git', '')}:0.6.0-examples,push=true`,
        ),
        args,
      );
      assert.ok(args.includes('context=/workspace/source'), args);
      const tests = gitWatchOnce(
        fx,
        ['--job-template', join(repoRoot, 'examples', 'kubernetes', 'run-tests.yaml'), repo.url],
        stateDir(fx, 'example-tests'),
      );
      assert.equal(tests.code, 0, tests.stderr);
      assert.match(
        runLog(stateDir(fx, 'example-tests'), runsOf(tests.stdout)[0]?.id as string),
        /make test: 3 passed/,
      );
      // Jobs left for the other tests' namespaces are not ours to look at here.
      assert.ok((await list(fx, '/apis/batch/v1/jobs', 'duat.dev/run')).length >= 1);
    },
  );
});
