/**
 * The Kubernetes runner through restarts and cleanup, against a real API server: the API server
 * killed and started again while a Job runs (the watch resumes; nothing polled), git-watch killed
 * (kill -9) and started again while its Job runs (it follows that Job; no second Job is made),
 * cleanup, ttlSecondsAfterFinished, `duat git-watch gc`, and the original's PersistentVolumeClaim way
 * of giving the Job the commit.
 *
 * A Job is kept running by the label duat.test/hold on its pod template (KWOK's stages leave such a
 * Pod Running); the test ends it by removing the label from the Pod.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKey } from '../../src/watch/runners/kubernetes/names.js';
import { cleanEnv, runDuat } from '../helpers/cli.js';
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

const T = { timeout: 240_000 };

/** The running Pod of a run's Job, once there is one. */
async function runningPod(fx: Fixture, ns: string): Promise<string> {
  return waitFor(
    `a running pod in ${ns}`,
    async () => {
      const pods = await list(fx, `/api/v1/namespaces/${ns}/pods`, 'duat.dev/job');
      const pod = pods.find((p) => p.status?.phase === 'Running');
      return pod?.metadata?.name as string | undefined;
    },
    90_000,
  );
}

/** Lets a held Pod finish (KWOK then moves it to Succeeded). */
async function release(fx: Fixture, ns: string, pod: string): Promise<void> {
  await fx.client.request('PATCH', `/api/v1/namespaces/${ns}/pods/${pod}`, {
    body: { metadata: { labels: { 'duat.test/hold': null } } },
    contentType: 'application/merge-patch+json',
  });
}

describe('git-watch --runner kubernetes: restarts and cleanup', { timeout: 1_200_000 }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture({
      logs: [
        { containers: ['main'], lines: ['first line', 'second line', 'third line'] },
        { containers: ['duat-source'], lines: ['duat: fetched the commit'] },
      ],
      exec: { containers: ['copy'], workDir: '/' },
    });
  });
  after(async () => {
    await fx?.stop();
  });

  it('keeps following the Job when the API server is restarted mid-run', T, async () => {
    const repo = makeRepo(fx, '1.1.0-apiserver');
    const template = writeTemplate(fx, 'held.yaml', jobTemplate({ labels: { 'duat.test/hold': 'true' } }));
    const state = stateDir(fx, 'apiserver');
    const watcher = gitWatchStart(fx, ['--once', '--job-template', template, repo.url], state);
    const pod = await runningPod(fx, repo.namespace);
    await waitFor(
      'the Running phase to be logged',
      () => watcher.stderr().includes('phase: Running') || undefined,
    );
    await fx.cp.stopApiServer();
    await waitFor(
      'git-watch to notice the API server is gone',
      () => /lost the API server/.test(watcher.stderr()) || undefined,
      120_000,
    );
    await fx.cp.startApiServer();
    await waitFor(
      'git-watch to watch again',
      () => /the API server answers again/.test(watcher.stderr()) || undefined,
      120_000,
    );
    await release(fx, repo.namespace, pod);
    const code = await watcher.exited;
    assert.equal(code, 0, watcher.stderr());
    const [run] = runsOf(watcher.stdout());
    assert.equal(run?.state, 'succeeded');
    const log = runLog(state, run?.id as string);
    assert.match(log, /lost the API server/);
    // Each line once, though the log was read before and after the outage.
    assert.equal(log.match(/first line/g)?.length, 1, log);
    assert.equal(log.match(/third line/g)?.length, 1, log);
  });

  it('follows the Job of a git-watch killed while it ran, and makes no second Job', T, async () => {
    const repo = makeRepo(fx, '1.2.0-restart');
    const template = writeTemplate(fx, 'held2.yaml', jobTemplate({ labels: { 'duat.test/hold': 'true' } }));
    const state = stateDir(fx, 'restart');
    const first = gitWatchStart(fx, ['--once', '-debug', '--job-template', template, repo.url], state);
    const pod = await runningPod(fx, repo.namespace);
    await waitFor(
      'the logs to be streamed',
      () => (existsSync(join(state, 'runs')) && /third line/.test(readAllLogs(state))) || undefined,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const jobsBefore = await list(fx, `/apis/batch/v1/namespaces/${repo.namespace}/jobs`, 'duat.dev/run');
    assert.equal(jobsBefore.length, 1);
    const second = gitWatchStart(fx, ['--once', '-debug', '--job-template', template, repo.url], state);
    await waitFor(
      'the new git-watch to follow the Job',
      () => /still running after a restart: following it/.test(second.stderr()) || undefined,
      60_000,
    );
    await release(fx, repo.namespace, pod);
    assert.equal(await second.exited, 0, second.stderr());
    const [run] = runsOf(second.stdout());
    assert.equal(run?.state, 'succeeded');
    const jobs = await list(
      fx,
      `/apis/batch/v1/namespaces/${repo.namespace}/jobs`,
      `duat.dev/run=${run?.id}`,
    );
    assert.deepEqual(
      jobs.map((j) => j.metadata.name),
      [`ci-${runKey(run?.id as string)}`],
      'one Job for the run, the one the first git-watch made',
    );
    assert.equal(jobs[0]?.metadata.labels['duat.dev/attempt'], '1');
    const log = runLog(state, run?.id as string);
    assert.equal(log.match(/first line/g)?.length, 1, `no line twice across the restart:\n${log}`);
  });

  it(
    'a stopped git-watch deletes the Jobs still going after the grace period; the run goes again as attempt 2',
    T,
    async () => {
      const repo = makeRepo(fx, '1.2.5-stop');
      const template = writeTemplate(
        fx,
        'held-stop.yaml',
        jobTemplate({ labels: { 'duat.test/hold': 'true' } }),
      );
      const state = stateDir(fx, 'stop');
      const first = gitWatchStart(
        fx,
        ['--once', '-debug', '--grace-period', '1s', '--job-template', template, repo.url],
        state,
      );
      await runningPod(fx, repo.namespace);
      first.child.kill('SIGTERM');
      await first.exited;
      assert.match(first.stderr(), /job interrupted .*git-watch was stopped/);
      await waitFor(
        'the Job to be deleted',
        async () =>
          (await list(fx, `/apis/batch/v1/namespaces/${repo.namespace}/jobs`, 'duat.dev/run')).length === 0 ||
          undefined,
      );
      const second = gitWatchStart(fx, ['--once', '-debug', '--job-template', template, repo.url], state);
      const pod = await runningPod(fx, repo.namespace);
      await release(fx, repo.namespace, pod);
      assert.equal(await second.exited, 0, second.stderr());
      const [run] = runsOf(second.stdout());
      const jobs = await list(
        fx,
        `/apis/batch/v1/namespaces/${repo.namespace}/jobs`,
        `duat.dev/run=${run?.id}`,
      );
      assert.deepEqual(
        jobs.map((j) => [j.metadata.name, j.metadata.labels['duat.dev/attempt']]),
        [[`ci-${runKey(run?.id as string)}-a2`, '2']],
      );
    },
  );

  it('records a Job that ended while git-watch was down, and cleans up after it', T, async () => {
    const repo = makeRepo(fx, '1.3.0-ended');
    const template = writeTemplate(fx, 'held3.yaml', jobTemplate({ labels: { 'duat.test/hold': 'true' } }));
    const state = stateDir(fx, 'ended');
    const first = gitWatchStart(fx, ['--once', '--job-template', template, repo.url], state);
    const pod = await runningPod(fx, repo.namespace);
    first.child.kill('SIGKILL');
    await first.exited;
    await release(fx, repo.namespace, pod);
    await waitFor('the Job to complete', async () => {
      const jobs = await list(fx, `/apis/batch/v1/namespaces/${repo.namespace}/jobs`, 'duat.dev/run');
      return jobs[0]?.status?.succeeded === 1 || undefined;
    });
    const second = gitWatchOnce(fx, ['--job-template', template, repo.url], state);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /job succeeded while git-watch was not running/);
    await waitFor(
      'the namespace to be gone',
      async () => (await get(fx, `/api/v1/namespaces/${repo.namespace}`)) === undefined,
      60_000,
    );
  });

  it('lets ttlSecondsAfterFinished remove a kept Job', T, async () => {
    const repo = makeRepo(fx, '1.4.0-ttl');
    const template = writeTemplate(
      fx,
      'ttl.yaml',
      jobTemplate().replace('spec:\n  template:', 'spec:\n  ttlSecondsAfterFinished: 1\n  template:'),
    );
    const r = gitWatchOnce(fx, ['-debug', '--job-template', template, repo.url], stateDir(fx, 'ttl'));
    assert.equal(r.code, 0, r.stderr);
    // -debug kept it; the TTL controller removes it.
    await waitFor(
      'the TTL controller to delete the Job',
      async () =>
        (await list(fx, `/apis/batch/v1/namespaces/${repo.namespace}/jobs`, 'duat.dev/run')).length === 0 ||
        undefined,
      60_000,
    );
    assert.ok(await get(fx, `/api/v1/namespaces/${repo.namespace}`), 'the namespace is kept');
  });

  it(
    'gc removes idle git-watch namespaces, keeps busy ones and leaves other namespaces alone',
    T,
    async () => {
      // A kept namespace with a finished Job, a namespace whose Job runs, a namespace not git-watch's.
      const idle = makeRepo(fx, '1.5.0-idle');
      const template = writeTemplate(fx, 'gc.yaml', jobTemplate());
      assert.equal(
        gitWatchOnce(fx, ['-debug', '--job-template', template, idle.url], stateDir(fx, 'gc-idle')).code,
        0,
      );
      const busy = makeRepo(fx, '1.5.0-busy');
      const held = writeTemplate(fx, 'gc-held.yaml', jobTemplate({ labels: { 'duat.test/hold': 'true' } }));
      const watcher = gitWatchStart(
        fx,
        ['--once', '-debug', '--job-template', held, busy.url],
        stateDir(fx, 'gc-busy'),
      );
      const pod = await runningPod(fx, busy.namespace);
      await fx.client.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'not-duat' } } });
      const env = cleanEnv(fx.cp.env);
      const dry = runDuat(['git-watch', 'gc', '--older-than', '0s', '--dry-run'], { env });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`would delete ${idle.namespace} `));
      assert.match(dry.stdout, new RegExp(`kept ${busy.namespace} \\(Job ci-\\w+ is still going\\)`));
      assert.doesNotMatch(dry.stdout, /not-duat/);
      assert.ok(await get(fx, `/api/v1/namespaces/${idle.namespace}`), '--dry-run deletes nothing');
      const recent = runDuat(['git-watch', 'gc'], { env });
      assert.match(
        recent.stdout,
        new RegExp(`kept ${idle.namespace} \\(used \\d+ minutes ago\\)`),
        'the default --older-than 1h keeps it',
      );
      const gc = runDuat(['git-watch', 'gc', '--older-than', '0s'], { env });
      assert.equal(gc.code, 0, gc.stderr);
      assert.match(gc.stdout, new RegExp(`deleted ${idle.namespace} `));
      await waitFor(
        'the idle namespace to be gone',
        async () => (await get(fx, `/api/v1/namespaces/${idle.namespace}`)) === undefined,
        60_000,
      );
      assert.ok(await get(fx, `/api/v1/namespaces/${busy.namespace}`));
      assert.ok(await get(fx, '/api/v1/namespaces/not-duat'));
      await release(fx, busy.namespace, pod);
      assert.equal(await watcher.exited, 0);
    },
  );

  it("--source pvc copies the commit into a claim named after the run (the original's way)", T, async () => {
    const repo = makeRepo(fx, '1.6.0-pvc');
    // KWOK runs the copy pod's exec (tar) here, in "/": the mount path is a directory of this machine.
    const mount = join(fx.dir, 'pvc-mount');
    mkdirSync(mount, { recursive: true });
    const template = writeTemplate(
      fx,
      'pvc.yaml',
      jobTemplate().replace(
        '      containers:',
        '      volumes:\n      - name: context\n        persistentVolumeClaim:\n          claimName: "{{ .ID }}"\n      containers:',
      ),
    );
    // A volume for the claim, so that the (real) persistent volume controller binds it.
    await fx.client.request('POST', '/api/v1/persistentvolumes', {
      body: {
        metadata: { name: 'duat-test-pv' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: mount },
          storageClassName: '',
        },
      },
    });
    const state = stateDir(fx, 'pvc');
    const r = runDuat(
      [
        'git-watch',
        '--once',
        '--runner',
        'kubernetes',
        '--source',
        'pvc',
        '--source-mount-path',
        mount,
        '-debug',
        '--persistent-state-dir',
        state,
        '--job-template',
        template,
        repo.url,
      ],
      { env: cleanEnv(fx.cp.env) },
    );
    assert.equal(r.code, 0, r.stderr);
    const [run] = runsOf(r.stdout);
    const id = run?.id as string;
    assert.match(r.stderr, /volume update namespace: gw-1-6-0-pvc volume: /);
    assert.equal(
      readFileSync(join(mount, 'README.md'), 'utf8'),
      '# test\n\nVersion : <repo-version>1.6.0-pvc</repo-version>\n',
    );
    const claim = await get(fx, `/api/v1/namespaces/${repo.namespace}/persistentvolumeclaims/${id}`);
    assert.equal(claim?.status?.phase, 'Bound');
    const job = await get(fx, `/apis/batch/v1/namespaces/${repo.namespace}/jobs/ci-${runKey(id)}`);
    const volumes = job?.spec.template.spec.volumes as {
      name: string;
      persistentVolumeClaim?: { claimName: string };
    }[];
    assert.equal(volumes.find((v) => v.name === 'source')?.persistentVolumeClaim?.claimName, id);
    assert.equal(
      volumes.find((v) => v.name === 'context')?.persistentVolumeClaim?.claimName,
      id,
      "the original's {{.ID}} claim name works",
    );
    assert.equal(job?.spec.template.spec.initContainers, undefined);
    assert.match(runLog(state, id), /copied commit \w+ into claim/);
  });
});

function readAllLogs(state: string): string {
  try {
    return readdirSync(join(state, 'runs'))
      .map((id) => {
        try {
          return readFileSync(join(state, 'runs', id, 'log'), 'utf8');
        } catch {
          return '';
        }
      })
      .join('');
  } catch {
    return '';
  }
}
