/**
 * The seed's pipeline on a REAL node (node.ts: a kubelet on containerd + runc; no KWOK, no fakes):
 * a commit pushed to a git server -> `duat git-watch --runner kubernetes --once` -> a Job whose init
 * container fetches exactly that commit -> its main container runs the repository's tests in it ->
 * the run's log holds their real output -> the run's result is theirs.
 *
 * Images (see images.ts): the init and main containers run duat.test/tools:1, built here from
 * Debian's busybox-static and this machine's git; nothing is pulled (the default source image,
 * alpine/git, could not be, so a run that fetches at all proves --source-image is used).
 * Everything runs inside a network namespace this file makes (netns.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { TOKEN_USERNAME } from '../../src/watch/git-auth.js';
import type { KObject } from '../../src/watch/runners/kubernetes/manifest.js';
import type { CliResult } from '../helpers/cli.js';
import { git } from '../helpers/git.js';
import { pushCommit, startGitHttpServer } from '../helpers/git-server.js';
import { repoRoot } from '../helpers/paths.js';
import { skopeo, skopeoPolicy, skopeoTags, startRegistry } from '../helpers/registry.js';
import {
  commitTests,
  duat,
  type Fixture,
  forwardFromBridge,
  makeRepo,
  runLog,
  runsOf,
  startDuat,
  startFixture,
  testJobTemplate,
  waitFor,
  writeFile,
} from './fixture.js';
import { buildkitFiles, buildkitImage, gitWatchImage } from './images.js';
import { inNetns } from './netns.js';
import { SKOPEO_IMAGE, TOOLS_IMAGE } from './node.js';

const T = { timeout: 300_000 };
const BUILDKIT_IMAGE = 'duat.test/buildkit:1';

/** The files of an image's one layer, as skopeo fetches it from the registry. */
async function skopeoLayerFiles(ref: string): Promise<string[]> {
  const dir = mkdtempSync(`${tmpdir()}/duat-layer-`);
  try {
    await skopeo([
      '--policy',
      skopeoPolicy(dir),
      'copy',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `dir:${dir}/image`,
    ]);
    const manifest = JSON.parse(readFileSync(`${dir}/image/manifest.json`, 'utf8')) as {
      layers: { digest: string }[];
    };
    const layer = `${dir}/image/${manifest.layers[0]?.digest.replace('sha256:', '')}`;
    return execFileSync('tar', ['-tf', layer], { encoding: 'utf8' }).trim().split('\n').sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An image's layers as skopeo fetches them: each one's files (sorted, no ./), and a file's text. */
async function imageLayers(
  ref: string,
): Promise<{ layers: string[][]; read(layer: number, file: string): string; remove(): void }> {
  const dir = mkdtempSync(`${tmpdir()}/duat-layers-`);
  try {
    await skopeo([
      '--policy',
      skopeoPolicy(dir),
      'copy',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `dir:${dir}/image`,
    ]);
    const manifest = JSON.parse(readFileSync(`${dir}/image/manifest.json`, 'utf8')) as {
      layers: { digest: string }[];
    };
    const paths = manifest.layers.map((l) => `${dir}/image/${l.digest.replace('sha256:', '')}`);
    const layers = paths.map((p) =>
      execFileSync('tar', ['-tf', p], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((f) => f.replace(/^\.\//, ''))
        .filter(Boolean)
        .sort(),
    );
    return {
      layers,
      read: (layer, file) =>
        execFileSync('tar', ['-xOf', paths[layer] as string, file], { encoding: 'utf8' }),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Seconds from git-watch seeing the commit to its pod Running and to the run recorded (its log's clock). */
function phaseTimes(stderr: string): string {
  const at = (pattern: RegExp) => {
    const time = new RegExp(`^(\\d\\d):(\\d\\d):(\\d\\d\\.\\d+) .*${pattern.source}`, 'm').exec(stderr);
    return time ? Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]) : Number.NaN;
  };
  const seen = at(/new commit .* phase: Queued/);
  return `pod Running ${(at(/pod update .* phase: Running/) - seen).toFixed(1)}s, run recorded ${(at(/task completed/) - seen).toFixed(1)}s after the commit was seen`;
}

/** git-watch's output and its runs' logs, for a failing assertion's message. */
function explain(r: CliResult, state: string): string {
  const logs = runsOf(r.stdout).map((run) => {
    try {
      return `--- run ${run.id} (${run.state}) log:\n${runLog(state, run.id)}`;
    } catch {
      return `--- run ${run.id}: no log`;
    }
  });
  return [r.stdout, r.stderr, ...logs].join('\n');
}

if (inNetns(import.meta.url)) {
  describe('real node: git-watch --runner kubernetes runs the commit for real', {
    timeout: 1_800_000,
  }, () => {
    let fx: Fixture;
    before(async () => {
      fx = await startFixture();
    });
    after(async () => {
      await fx?.stop();
    });

    /** A PersistentVolume of no storage class on a new directory of the node (returned). */
    const hostPathVolume = async (name: string, size: string): Promise<string> => {
      const path = `${fx.dir}/pv-${name}`;
      mkdirSync(path);
      await fx.node.client.request('POST', '/api/v1/persistentvolumes', {
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name },
          spec: {
            capacity: { storage: size },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            hostPath: { path, type: 'Directory' },
          },
        },
      });
      return path;
    };

    /** `git-watch --once --runner kubernetes` with the tools image as the source image. */
    const watchArgs = (state: string, template: string, url: string, ...extra: string[]) => [
      'git-watch',
      '--once',
      '--runner',
      'kubernetes',
      '--source-image',
      TOOLS_IMAGE,
      '--persistent-state-dir',
      state,
      '--job-template',
      template,
      ...extra,
      url,
    ];
    const watchOnce = (state: string, template: string, url: string, ...extra: string[]) =>
      duat(fx, watchArgs(state, template, url, ...extra));

    it(
      '--source init from git daemon: the exact commit, its tests run in it, success then failure with the exit code',
      T,
      async () => {
        const repo = makeRepo(fx.served, `${fx.dir}/work`, '0.1.0-real', 'commit one');
        const template = writeFile(fx, 'tests.yaml', testJobTemplate());
        const state = `${fx.dir}/state-init`;
        const url = fx.daemon.url(repo.name);

        const first = await watchOnce(state, template, url);
        assert.equal(first.code, 0, explain(first, state));
        const [run] = runsOf(first.stdout);
        assert.equal(run?.state, 'succeeded', explain(first, state));
        process.stderr.write(
          `# real node: passing run: ${phaseTimes(first.stderr)}; git-watch --once took ${first.seconds.toFixed(1)}s\n`,
        );
        const log = runLog(state, run?.id as string);
        // The init container's own line (only git in duat.test/tools:1 could print it), then the tests'.
        assert.match(
          log,
          new RegExp(`\\[duat-source\\] duat: ${url} at ${repo.commit} in /workspace/source`),
        );
        assert.match(log, /running the tests in \/workspace\/source: commit one\n/);
        assert.match(log, /README\.md\nmessage\.txt\ntest\.sh\n/);
        assert.match(log, /tests done, exit 0\n/);

        const failing = commitTests(repo.work, 'commit two', 3);
        const second = await watchOnce(state, template, url);
        assert.equal(second.code, 1, explain(second, state));
        const [failed] = runsOf(second.stdout);
        assert.equal(failed?.state, 'failed', explain(second, state));
        const failedLog = runLog(state, failed?.id as string);
        assert.match(failedLog, new RegExp(`duat: ${url} at ${failing} in /workspace/source`));
        assert.match(failedLog, /running the tests in \/workspace\/source: commit two\n/);
        const status = JSON.parse(
          (await duat(fx, ['git-watch', 'status', '--json', '--persistent-state-dir', state])).stdout,
        ) as { runs: { id: string; exitCode?: number; error?: string }[] };
        const record = status.runs.find((r) => r.id === failed?.id);
        assert.equal(record?.exitCode, 3, JSON.stringify(record));
        assert.match(record?.error ?? '', /container main exited 3/);
      },
    );

    it(
      '--source init from git http-backend with basic auth: the token reaches the init container through the Secret',
      T,
      async () => {
        const token = 'real-node-token-7f3a9c';
        const http = await startGitHttpServer(`${fx.dir}/http-served`, { password: token });
        try {
          const repo = makeRepo(
            `${fx.dir}/http-served`,
            `${fx.dir}/http-work`,
            '0.2.0-real-http',
            'over http',
          );
          const template = writeFile(fx, 'tests-http.yaml', testJobTemplate());
          const state = `${fx.dir}/state-http`;
          const url = http.url(repo.name);
          const before = http.requests.length;
          // Plain http on this namespace's loopback: the token goes there only when named and allowed.
          const r = await watchOnce(
            state,
            template,
            url,
            '--github-token',
            token,
            '--token-hosts',
            new URL(url).host,
            '--insecure-http-token',
          );
          assert.equal(r.code, 0, explain(r, state));
          const [run] = runsOf(r.stdout);
          assert.equal(run?.state, 'succeeded', explain(r, state));
          const log = runLog(state, run?.id as string);
          assert.match(log, new RegExp(`duat: ${url} at ${repo.commit} in /workspace/source`));
          assert.match(log, /running the tests in \/workspace\/source: over http\n/);
          const expected = `Basic ${Buffer.from(`${TOKEN_USERNAME}:${token}`).toString('base64')}`;
          const requests = http.requests.slice(before);
          assert.ok(
            requests.some((q) => q.authorization === expected),
            'the token was sent as basic auth',
          );
          // Only when asked: each client's first request goes without it and gets the 401.
          assert.ok(
            requests.some((q) => q.authorization === undefined && q.status === 401),
            'a request without the token was answered 401 first',
          );
          assert.ok(!log.includes(token) && !r.stderr.includes(token), 'the token is in no log');
        } finally {
          await http.stop();
        }
      },
    );

    it(
      '--source pvc with a hostPath PersistentVolume: git-watch copies the commit in, the tests run in it',
      T,
      async () => {
        // The volume the claim binds to: a directory on the node (no storage class, so the run's claim,
        // which names none, binds to it; there is no provisioner on this node).
        const path = await hostPathVolume('duat-real-source', '1Gi');
        const repo = makeRepo(fx.served, `${fx.dir}/work`, '0.3.0-real-pvc', 'through a claim');
        const template = writeFile(fx, 'tests-pvc.yaml', testJobTemplate());
        const state = `${fx.dir}/state-pvc`;
        const r = await watchOnce(state, template, fx.daemon.url(repo.name), '--source', 'pvc');
        assert.equal(r.code, 0, explain(r, state));
        const [run] = runsOf(r.stdout);
        assert.equal(run?.state, 'succeeded', explain(r, state));
        process.stderr.write(
          `# real node: --source pvc run recorded ${r.seconds.toFixed(1)}s after git-watch started\n`,
        );
        const log = runLog(state, run?.id as string);
        assert.match(log, new RegExp(`copied commit ${repo.commit} into claim`));
        assert.match(log, /running the tests in \/workspace\/source: through a claim\n/);
        assert.match(log, /README\.md\nmessage\.txt\ntest\.sh\n/);
        // What the copy pod wrote is on the node's disk: the commit's files, nothing else.
        assert.equal(readFileSync(`${path}/message.txt`, 'utf8'), 'through a claim\n');
      },
    );

    it(
      'git-watch killed with -9 while a real pod runs: the next one follows that Job to its end, once',
      T,
      async () => {
        const repo = makeRepo(fx.served, `${fx.dir}/work`, '0.4.0-real-kill', 'killed');
        // The tests wait for a file the test makes (a hostPath on the node) between their two lines.
        const gate = `${fx.dir}/gate`;
        mkdirSync(gate);
        pushCommit(
          repo.work,
          'test.sh',
          'echo "first line"\nwhile [ ! -e /gate/open ]; do sleep 0.2; done\necho "second line"\n',
        );
        const template = writeFile(
          fx,
          'tests-gate.yaml',
          `${testJobTemplate()}        volumeMounts: [{name: gate, mountPath: /gate}]\n      volumes: [{name: gate, hostPath: {path: ${gate}, type: Directory}}]\n`,
        );
        const state = `${fx.dir}/state-kill`;
        const args = watchArgs(state, template, fx.daemon.url(repo.name));
        const first = startDuat(fx, args);
        const id = await waitFor(
          'the first line in the run log',
          () => {
            const runs = existsSync(`${state}/runs`) ? readdirSync(`${state}/runs`) : [];
            return runs.find(
              (r) => existsSync(`${state}/runs/${r}/log`) && /first line/.test(runLog(state, r)),
            );
          },
          180_000,
        );
        first.kill('SIGKILL');
        await first.result;
        const jobs = async () =>
          (
            (
              await fx.node.client.request<{ items?: KObject[] }>(
                'GET',
                `/apis/batch/v1/namespaces/${repo.namespace}/jobs`,
                {
                  query: { labelSelector: `duat.dev/run=${id}` },
                },
              )
            ).items ?? []
          ).map((j) => j.metadata.name);
        const made = await jobs();
        assert.equal(made.length, 1, `one Job: ${made}`);

        const second = startDuat(fx, args);
        await waitFor(
          'the second git-watch to take the run up',
          () => second.stderr().includes(id) || undefined,
          120_000,
        );
        assert.deepEqual(await jobs(), made, 'the same Job, not a second one');
        writeFileSync(`${gate}/open`, '');
        const r = await second.result;
        assert.equal(r.code, 0, explain(r, state));
        assert.deepEqual(
          runsOf(r.stdout).map((x) => [x.id, x.state]),
          [[id, 'succeeded']],
          explain(r, state),
        );
        const log = runLog(state, id);
        assert.equal(log.match(/first line/g)?.length, 1, log);
        assert.equal(log.match(/second line/g)?.length, 1, log);
      },
    );

    it(
      'examples/kubernetes/build-image-layer.yaml makes the commit an image under its `semver pre` version; image exists, promote, prune',
      T,
      async () => {
        const registry = await startRegistry();
        // The example's pods are not on the host network: they reach the registry and the git daemon
        // through the node's bridge address.
        const toRegistry = await forwardFromBridge(registry.port);
        const toGit = await forwardFromBridge(fx.daemon.port);
        try {
          const repo = makeRepo(fx.served, `${fx.dir}/work`, '0.5.0', 'an image');
          const url = `git://${toGit.address}/${repo.name}`;
          const name = repo.name.replace(/\.git$/, '');
          const state = `${fx.dir}/state-image`;
          const day = 86_400;
          const now = Math.floor(Date.now() / 1000);
          // A developer's pre-release: `duat semver pre` in the clone, committed and pushed; then the build.
          const preRelease = async (epoch: number) => {
            const semver = await duat(fx, ['semver', 'pre'], {
              cwd: repo.work,
              env: { SOURCE_DATE_EPOCH: String(epoch) },
            });
            assert.equal(semver.code, 0, semver.stderr);
            const version = semver.stdout.trim();
            git(repo.work, 'commit', '-qam', `pre-release ${version}`);
            git(repo.work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
            const r = await duat(
              fx,
              watchArgs(state, `${repoRoot}/examples/kubernetes/build-image-layer.yaml`, url),
              { env: { REGISTRY: toRegistry.address, BUILD_IMAGE: SKOPEO_IMAGE } },
            );
            assert.equal(r.code, 0, explain(r, state));
            const [run] = runsOf(r.stdout);
            assert.equal(run?.state, 'succeeded', explain(r, state));
            assert.match(
              runLog(state, run?.id as string),
              new RegExp(`pushed ${toRegistry.address}/${name}:${version} \\(sha256:`),
            );
            process.stderr.write(
              `# real node: image build run recorded ${r.seconds.toFixed(1)}s after git-watch started\n`,
            );
            return version;
          };
          const older = await preRelease(now - 2 * day);
          const newer = await preRelease(now - day);
          assert.match(older, /^0\.5\.0-main-/);
          const image = (tag: string) => `${registry.host}/${name}:${tag}`;
          const exists = await duat(fx, ['image', 'exists', image(newer), '--digest']);
          assert.equal(exists.code, 0, exists.stderr);
          // The image holds the commit's files (and no .git).
          const files = await skopeoLayerFiles(image(newer));
          assert.deepEqual(files, ['./', './README.md', './message.txt', './test.sh']);
          const promoted = await duat(fx, ['image', 'promote', image(newer), image('0.5.0')]);
          assert.equal(promoted.code, 0, promoted.stderr);
          assert.equal(promoted.stdout.trim(), `${image('0.5.0')}@${exists.stdout.trim()}`);
          const pruned = await duat(fx, [
            'image',
            'prune',
            `${registry.host}/${name}`,
            '--keep',
            '1',
            '--yes',
          ]);
          assert.equal(pruned.code, 0, pruned.stderr);
          assert.deepEqual((await skopeoTags(`${registry.host}/${name}`)).sort(), ['0.5.0', newer].sort());
          assert.equal(
            (await duat(fx, ['image', 'exists', image(older)])).code,
            1,
            'the older pre-release is gone',
          );
        } finally {
          toRegistry.close();
          toGit.close();
          await registry.stop();
        }
      },
    );

    it(
      "examples/kubernetes/build-image-buildkit.yaml: BuildKit builds the commit's Dockerfile on the node and pushes it under its version",
      T,
      async () => {
        const registry = await startRegistry();
        const toRegistry = await forwardFromBridge(registry.port);
        const toGit = await forwardFromBridge(fx.daemon.port);
        try {
          const imaged = Date.now();
          fx.node.importImage(buildkitImage(fx.dir, buildkitFiles(), BUILDKIT_IMAGE));
          process.stderr.write(
            `# real node: BuildKit image made and imported in ${((Date.now() - imaged) / 1000).toFixed(1)}s\n`,
          );
          const repo = makeRepo(fx.served, `${fx.dir}/work`, '0.7.0-buildkit', 'built by BuildKit');
          // A Dockerfile that needs no base image (nothing can be pulled here): the commit's files, with
          // a static busybox among them, and a RUN step (runc in BuildKit's container, on cgroup v1).
          mkdirSync(`${repo.work}/bin`);
          execFileSync('cp', ['/bin/busybox', `${repo.work}/bin/busybox`]);
          writeFileSync(`${repo.work}/.dockerignore`, '.git\n');
          git(repo.work, 'add', '.dockerignore', 'bin/busybox');
          const commit = pushCommit(
            repo.work,
            'Dockerfile',
            'FROM scratch\nCOPY . /\nRUN ["/bin/busybox", "sh", "-c", "/bin/busybox tr a-z A-Z < /message.txt > /built.txt"]\n',
          );
          const url = `git://${toGit.address}/${repo.name}`;
          const name = repo.name.replace(/\.git$/, '');
          const state = `${fx.dir}/state-buildkit`;
          const r = await duat(
            fx,
            watchArgs(state, `${repoRoot}/examples/kubernetes/build-image-buildkit.yaml`, url),
            { env: { REGISTRY: toRegistry.address, BUILD_IMAGE: BUILDKIT_IMAGE } },
          );
          assert.equal(r.code, 0, explain(r, state));
          const [run] = runsOf(r.stdout);
          assert.equal(run?.state, 'succeeded', explain(r, state));
          process.stderr.write(
            `# real node: BuildKit image build run recorded ${r.seconds.toFixed(1)}s after git-watch started\n`,
          );
          const log = runLog(state, run?.id as string);
          // BuildKit's own progress (--progress=plain) in the run's log: the steps, then the push.
          assert.match(log, /\[1\/2\] COPY \. \/\n#\d+ DONE/, log);
          assert.match(log, /\[2\/2\] RUN \["\/bin\/busybox", "sh", "-c", .*\]\n#\d+ DONE/, log);
          assert.match(
            log,
            new RegExp(
              `pushing manifest for ${toRegistry.address}/${name}:0\\.7\\.0-buildkit@sha256:[0-9a-f]{64} .*done`,
            ),
            log,
          );
          const ref = `${registry.host}/${name}:0.7.0-buildkit`;
          assert.equal((await duat(fx, ['image', 'exists', ref])).code, 0, `${ref} is in the registry`);
          // Its two layers: the commit's files (no .git), then what the RUN step wrote (and the mount
          // points runc made for it).
          const image = await imageLayers(ref);
          const built = image.read(1, 'built.txt');
          image.remove();
          assert.deepEqual(image.layers[0], [
            '.dockerignore',
            'Dockerfile',
            'README.md',
            'bin/',
            'bin/busybox',
            'message.txt',
            'test.sh',
          ]);
          assert.deepEqual(image.layers[1], ['built.txt', 'dev/', 'proc/', 'sys/']);
          assert.equal(built, 'BUILT BY BUILDKIT\n');
          const config = JSON.parse(
            await skopeo(['inspect', '--tls-verify=false', '--config', `docker://${ref}`]),
          ) as { config?: { Labels?: Record<string, string> } };
          assert.equal(config.config?.Labels?.['org.opencontainers.image.revision'], commit);
        } finally {
          toRegistry.close();
          toGit.close();
          await registry.stop();
        }
      },
    );

    it(
      'git-watch in the cluster from deploy/: in-cluster service account, a pushed commit dispatched as a Job, /metrics and /webhook through the Service',
      T,
      async () => {
        // The node has no kube-proxy: the test plays its part with DNAT rules in this namespace for the
        // two Services used (the API's 10.0.0.1:443, and git-watch's), to a forwarder on the bridge
        // and to the pod. And no cluster DNS: git-watch watches the git daemon by the bridge's address.
        const api = new URL(fx.node.cp.server);
        const toApi = await forwardFromBridge(Number(api.port));
        const toGit = await forwardFromBridge(fx.daemon.port);
        const iptables = (...args: string[]) => execFileSync('iptables', ['-w', '-t', 'nat', ...args]);
        const [apiHost, apiPort] = toApi.address.split(':') as [string, string];
        iptables(
          '-A',
          'PREROUTING',
          '-d',
          '10.0.0.1',
          '-p',
          'tcp',
          '--dport',
          '443',
          '-j',
          'DNAT',
          '--to-destination',
          `${apiHost}:${apiPort}`,
        );
        const client = fx.node.client;
        try {
          fx.node.importImage(gitWatchImage(`${fx.dir}`, repoRoot));
          const repo = makeRepo(fx.served, `${fx.dir}/work`, '0.6.0-in-cluster', 'from the cluster');
          const url = `git://${toGit.address}/${repo.name}`;
          const secret = 'in-cluster-webhook-secret';
          // The state volume: a directory on the node, for deploy/state.yaml's claim (its user is git-watch's).
          execFileSync('chown', ['10001:10001', await hostPathVolume('duat-real-state', '5Gi')]);
          // deploy/ as `kubectl apply -k deploy/` applies it, with this test's repository, job and secret.
          const kustomization = parseYaml(readFileSync(`${repoRoot}/deploy/kustomization.yaml`, 'utf8')) as {
            resources: string[];
          };
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
          for (const file of kustomization.resources) {
            for (const doc of parseAllDocuments(readFileSync(`${repoRoot}/deploy/${file}`, 'utf8'))) {
              const object = doc.toJS() as KObject | null;
              if (!object) continue;
              if (object.kind === 'ConfigMap') {
                object.data.REPOSITORIES = `${url}^main`;
                object.data.GIT_WATCH_SOURCE_IMAGE = TOOLS_IMAGE;
                object.data['job.yaml'] = testJobTemplate().replace(/\n\s*hostNetwork: true/, '');
              }
              if (object.kind === 'Secret') object.stringData.GIT_WATCH_WEBHOOK_SECRET = secret;
              const resource = resources[object.kind];
              assert.ok(resource, `${file}: ${object.kind} is known to this test`);
              const group = object.apiVersion.includes('/')
                ? `/apis/${object.apiVersion}`
                : `/api/${object.apiVersion}`;
              const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
              await client.request('PATCH', `${group}${ns}/${resource}/${object.metadata.name}`, {
                query: { fieldManager: 'duat-test' },
                body: object,
                contentType: 'application/apply-patch+yaml',
              });
            }
          }
          const pod = await waitFor(
            "git-watch's pod Ready",
            async () => {
              const pods = await client.request<{ items?: KObject[] }>('GET', '/api/v1/namespaces/duat/pods');
              return pods.items?.find((p) =>
                p.status?.conditions?.some((c: KObject) => c.type === 'Ready' && c.status === 'True'),
              );
            },
            240_000,
          ).catch(async (err) => {
            const pods = await client.request<{ items?: KObject[] }>('GET', '/api/v1/namespaces/duat/pods');
            throw new Error(
              `${err}: ${JSON.stringify(
                pods.items?.map((p) => p.status),
                null,
                1,
              )}`,
            );
          });
          const service = await client.request<KObject>('GET', '/api/v1/namespaces/duat/services/git-watch');
          // This namespace has no default route: the Services' range goes to the bridge, where the rule applies.
          execFileSync('ip', ['route', 'add', '10.0.0.0/24', 'dev', 'kube-br0']);
          const podLog = async () => {
            const lines: string[] = [];
            await client
              .stream(`/api/v1/namespaces/duat/pods/${pod.metadata.name}/log`, (line) => lines.push(line))
              .catch((err: unknown) => lines.push(`(no more log: ${err})`));
            return lines.join('\n');
          };
          const withLog = async (err: unknown): Promise<never> => {
            throw new Error(`${err}\n--- git-watch's log:\n${await podLog()}`);
          };
          iptables(
            '-A',
            'OUTPUT',
            '-d',
            service.spec.clusterIP,
            '-p',
            'tcp',
            '--dport',
            '8080',
            '-j',
            'DNAT',
            '--to-destination',
            `${pod.status.podIP}:8080`,
          );
          const base = `http://${service.spec.clusterIP}:8080`;
          const metric = async (result: string) => {
            const text = await (await fetch(`${base}/metrics`)).text();
            return Number(
              new RegExp(`^duat_git_watch_runs_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ??
                0,
            );
          };
          // The commit there when it started: a Job in the run's namespace, run to its end.
          await waitFor(
            'the first run to succeed (duat_git_watch_runs_total)',
            async () => (await metric('succeeded')) === 1 || undefined,
            240_000,
          ).catch(withLog);
          // A second commit, announced by a signed push webhook (the poll interval is 5 minutes).
          const second = commitTests(repo.work, 'after the webhook', 0);
          const body = JSON.stringify({
            ref: 'refs/heads/main',
            after: second,
            repository: { git_url: url },
          });
          const hook = await fetch(`${base}/webhook`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-GitHub-Event': 'push',
              'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
            },
            body,
          });
          assert.equal(hook.status, 202, await hook.text());
          await waitFor(
            'the second run to succeed',
            async () => (await metric('succeeded')) === 2 || undefined,
            240_000,
          ).catch(withLog);
          const log = await podLog();
          assert.match(
            log,
            new RegExp(`task completed id: \\S+ text: job succeeded repo: ${url}\\^main commit: ${second}`),
            log,
          );
          assert.doesNotMatch(log, new RegExp(secret));
        } finally {
          await client.request('DELETE', '/api/v1/namespaces/duat').catch(() => {});
          toApi.close();
          toGit.close();
        }
      },
    );
  });
}
