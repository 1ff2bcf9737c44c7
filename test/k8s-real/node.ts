/**
 * A REAL node for the tests: the project's control plane (test/helpers/control-plane.ts, KWOK's fake
 * node beside it, unused here) plus a real kubelet v1.36.3 (scripts/k8s-real-node.sh) on Debian's
 * containerd 1.6 + runc, cgroup v1 (cgroupfs), a CNI bridge. Pods really run: containers' output, exit
 * codes, exec and logs go through the API server to the kubelet. The recipe and its measurements are
 * in ../shared/spec/k8s-real-node.md; it must run inside the suite's network namespace (netns.ts).
 *
 * The four things that do not work out of the box on this machine, and how they are fixed here:
 * 1. runc cannot lower oom_score_adj (root lacks CAP_SYS_RESOURCE): containerd's CRI
 *    `restrict_oom_score_adj = true`, the kubelet's `oomScoreAdj: 0`.
 * 2. The kubelet refuses a loopback node IP: the CNI bridge kube-br0 is made here first, with the pod
 *    network's gateway 10.244.0.1, and is the node IP and the kubelet's listen address.
 * 3. The API server dials a kubelet by its Hostname address first, and the node's name does not
 *    resolve: the node is named by its IP (`--hostname-override 10.244.0.1`), so its Hostname address
 *    is an IP literal. (The spec's other way, kube-apiserver --kubelet-preferred-address-types, would
 *    need a second control-plane recipe; this keeps the project's one.) The API server's kubelet client
 *    has no certificate in that recipe, so the kubelet allows anonymous requests; it listens only on
 *    the bridge inside the suite's namespace.
 * 4. Without a CNI config the node never turns Ready: a bridge conflist (10.244.0.0/24).
 * Also: `failCgroupV1: false` (1.36 refuses cgroup v1 by default), and the host sysctls the kubelet
 * sets at start (vm.overcommit_memory, kernel.panic...) are put back when it stops.
 *
 * One real node per machine at a time (the kubelet owns /sys/fs/cgroup/<each>/kubepods and those
 * sysctls): a lock (flock on $DUAT_TEST_CACHE/k8s-real-node.lock, held by a child whose stdin is ours,
 * so it is let go however this process ends) makes a second suite wait. stop() ends everything it
 * started by process id: the kubelet, every container task, the shims, containerd; then unmounts what
 * is left under its directory, removes the pod cgroups and restores the sysctls. If the node cannot
 * start, startRealNode throws with the failing component's log.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../../src/watch/runners/kubernetes/client.js';
import type { KObject } from '../../src/watch/runners/kubernetes/manifest.js';
import { type ControlPlane, startControlPlane } from '../helpers/control-plane.js';
import { repoRoot } from '../helpers/paths.js';
import { pauseImage, skopeoImage, toolsImage } from './images.js';

export const NODE_IP = '10.244.0.1';
export const NODE_NAME = NODE_IP;
export const POD_CIDR = '10.244.0.0/24';
/** Jobs for the real node select it with this label (KWOK's fake node has type=kwok). */
export const NODE_SELECTOR = { type: 'real' } as const;
export const TOOLS_IMAGE = 'duat.test/tools:1';
export const SKOPEO_IMAGE = 'duat.test/skopeo:1';
const PAUSE_IMAGE = 'duat.test/pause:1';
const BRIDGE = 'kube-br0';
const SYSCTLS = [
  'vm.overcommit_memory',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
];

export interface RealNode {
  readonly cp: ControlPlane;
  readonly client: KubeClient;
  /** Where the node keeps its state (and the tests their files). */
  readonly dir: string;
  /** Seconds from the kubelet's start to the Node being Ready (for the note). */
  readonly readySeconds: number;
  /** Imports an OCI image archive into the node's containerd. */
  importImage(archive: string): void;
  /** The last lines of kubelet's or containerd's log (or a control-plane component's). */
  logTail(component: string, lines?: number): string;
  stop(): Promise<void>;
}

function cacheRoot(): string {
  return process.env.DUAT_TEST_CACHE || join(homedir(), '.cache', 'duat-test');
}

/** The kubelet and pause binaries (built by scripts/k8s-real-node.sh when not cached); throws, never skips. */
export function ensureNodeBinaries(): string {
  const result = spawnSync('bash', [join(repoRoot, 'scripts', 'k8s-real-node.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: process.env,
  });
  const dir = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !existsSync(join(dir, 'kubelet')))
    throw new Error(
      `the real node's kubelet could not be had (scripts/k8s-real-node.sh exited ${result.status ?? result.signal}): see its message above`,
    );
  return dir;
}

/** Holds the machine-wide real-node lock until release() (or until this process ends). */
async function takeLock(timeoutMs: number): Promise<() => void> {
  mkdirSync(cacheRoot(), { recursive: true });
  const child = spawn('flock', [join(cacheRoot(), 'k8s-real-node.lock'), '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const locked = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  const release = () => {
    child.stdin.end();
    child.kill();
  };
  if (!locked) {
    release();
    throw new Error(
      `another real-node suite held ${join(cacheRoot(), 'k8s-real-node.lock')} for ${timeoutMs / 1000}s`,
    );
  }
  return release;
}

function run(cmd: string, args: readonly string[], what: string): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(
      `${what}: ${cmd} ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr.trim()}`,
    );
  return result.stdout;
}

function containerdConfig(dir: string): string {
  return `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
[grpc]
  address = "${dir}/containerd/containerd.sock"
[ttrpc]
  address = "${dir}/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # Fix 1: this machine's root lacks CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj (a
  # sandbox asks for -998): clamp to containerd's own score.
  restrict_oom_score_adj = true
  # Pod network namespaces under the state directory (not /run/netns), so that stop() finds its own.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${dir}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni/net.d"
`;
}

/** Fix 4: a bridge network for pods that are not hostNetwork; the node is NotReady without one. */
function cniConfig(dir: string): string {
  return JSON.stringify({
    cniVersion: '0.4.0',
    name: 'duat-real-node',
    plugins: [
      {
        type: 'bridge',
        bridge: BRIDGE,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: POD_CIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: `${dir}/cni/ipam`,
        },
      },
      { type: 'loopback' },
    ],
  });
}

function kubeletConfig(dir: string): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
# Fix 1: no CAP_SYS_RESOURCE here, the kubelet cannot lower its own oom_score_adj (default -999).
oomScoreAdj: 0
containerRuntimeEndpoint: unix://${dir}/containerd/containerd.sock
# Fix 2: the node's address is the bridge's (a loopback node IP is refused).
address: ${NODE_IP}
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
# The API server's kubelet client has no certificate in the project's control plane (see the header).
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization:
  mode: AlwaysAllow
podCIDR: ${POD_CIDR}
podLogsDir: ${dir}/pod-logs
resolvConf: /etc/resolv.conf
serializeImagePulls: false
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
`;
}

/** Everything under `root` that is mounted, deepest first. */
function mountsUnder(root: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .map((path) => path.replace(/\\040/g, ' '))
    .filter((path) => path.startsWith(`${root}/`))
    .sort()
    .reverse();
}

/** Removes a cgroup directory tree, deepest first (cgroup v1: rmdir only). */
function removeCgroupTree(path: string): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return;
  }
  for (const entry of entries) removeCgroupTree(join(path, entry));
  try {
    rmdirSync(path);
  } catch {
    // still in use, or gone
  }
}

function adminClient(cp: ControlPlane): Promise<KubeClient> {
  return KubeClient.connect({ kubeconfig: cp.kubeconfig });
}

export async function startRealNode(): Promise<RealNode> {
  const bin = ensureNodeBinaries();
  const release = await takeLock(30 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'duat-real-node-'));
  const logs = join(dir, 'logs');
  for (const d of ['logs', 'containerd', 'cni/net.d', 'kubelet', 'images'])
    mkdirSync(join(dir, d), { recursive: true });
  const children = new Map<string, ChildProcess>();
  const logPath = (name: string) => join(logs, `${name}.log`);
  const socket = join(dir, 'containerd', 'containerd.sock');
  const ctr = (...args: string[]) => run('ctr', ['--address', socket, '-n', 'k8s.io', ...args], 'containerd');
  let cp: ControlPlane | undefined;
  let sysctlsSaved: [string, string][] | undefined;

  const launch = (name: string, cmd: string, args: readonly string[]): ChildProcess => {
    const out = openSync(logPath(name), 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out], cwd: dir });
    closeSync(out);
    children.set(name, child);
    return child;
  };
  const logTail = (name: string, lines = 40): string => {
    if (!existsSync(logPath(name))) return cp ? cp.logTail(name, lines) : '(no log)';
    return readFileSync(logPath(name), 'utf8').split('\n').slice(-lines).join('\n');
  };
  const failure = (name: string, what: string) =>
    new Error(
      `the real node did not start: ${what}\n--- last lines of ${name}'s log (${logPath(name)}) ---\n${logTail(name)}\n---`,
    );
  const halt = async (name: string) => {
    const child = children.get(name);
    children.delete(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  const killAll = () => {
    for (const child of children.values()) child.kill('SIGKILL');
  };
  process.on('exit', killAll);

  const stop = async () => {
    await halt('kubelet');
    // Containers: every task containerd runs, then the shims (not containerd's children: their
    // process ids are in its state directory), then containerd.
    if (existsSync(socket)) {
      const tasks = () =>
        spawnSync('ctr', ['--address', socket, '-n', 'k8s.io', 'tasks', 'ls', '-q'], {
          encoding: 'utf8',
          timeout: 20_000,
        })
          .stdout?.split('\n')
          .filter(Boolean) ?? [];
      for (const id of tasks())
        spawnSync('ctr', ['--address', socket, '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', id], {
          timeout: 10_000,
        });
      for (const id of tasks())
        spawnSync('ctr', ['--address', socket, '-n', 'k8s.io', 'tasks', 'delete', '-f', id], {
          timeout: 10_000,
        });
    }
    const shims = join(dir, 'containerd', 'state', 'io.containerd.runtime.v2.task', 'k8s.io');
    if (existsSync(shims)) {
      for (const id of readdirSync(shims)) {
        try {
          process.kill(Number(readFileSync(join(shims, id, 'shim.pid'), 'utf8')), 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await halt('containerd');
    for (const d of ['/run/containerd/s', '/run/containerd/fifo', '/run/containerd']) {
      try {
        rmdirSync(d); // containerd 1.6 makes these; only when empty
      } catch {
        // in use by another containerd, or gone
      }
    }
    for (const mount of mountsUnder(dir)) spawnSync('umount', ['-l', mount]);
    for (const hierarchy of readdirSync('/sys/fs/cgroup'))
      removeCgroupTree(join('/sys/fs/cgroup', hierarchy, 'kubepods'));
    for (const [key, value] of sysctlsSaved ?? []) spawnSync('sysctl', ['-qw', `${key}=${value}`]);
    spawnSync('ip', ['link', 'del', BRIDGE]);
    await cp?.stop();
    process.off('exit', killAll);
    release();
    if (!process.env.DUAT_KEEP_K8S) rmSync(dir, { recursive: true, force: true });
  };

  try {
    // The images (see images.ts for how each is made).
    const pause = pauseImage(join(dir, 'images'), join(bin, 'pause'), PAUSE_IMAGE);
    const tools = toolsImage(join(dir, 'images'), TOOLS_IMAGE);
    const skopeo = skopeoImage(join(dir, 'images'), SKOPEO_IMAGE);

    // Fix 2: the bridge, with the node's address, before containerd starts.
    if (spawnSync('ip', ['link', 'show', BRIDGE]).status === 0)
      throw new Error(`a link ${BRIDGE} is already there: is this the suite's own network namespace?`);
    run('ip', ['link', 'add', BRIDGE, 'type', 'bridge'], 'the node bridge');
    run('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE], 'the node bridge');
    run('ip', ['link', 'set', BRIDGE, 'up'], 'the node bridge');

    const config = join(dir, 'containerd', 'config.toml');
    writeFileSync(config, containerdConfig(dir));
    writeFileSync(join(dir, 'cni', 'net.d', '10-bridge.conflist'), cniConfig(dir));
    const containerd = launch('containerd', 'containerd', ['--config', config]);
    for (let i = 0; ; i++) {
      if (containerd.exitCode !== null)
        throw failure('containerd', `containerd exited (${containerd.exitCode})`);
      if (spawnSync('ctr', ['--address', socket, 'version'], { timeout: 10_000 }).status === 0) break;
      if (i > 300) throw failure('containerd', 'containerd did not answer within 60s');
      await sleep(200);
    }
    ctr('images', 'import', pause);
    ctr('images', 'import', tools);
    ctr('images', 'import', skopeo);

    cp = await startControlPlane();
    // KWOK's fake node goes: the real one is then the only node, and templates (examples/) need no
    // nodeSelector to land on it.
    await adminClient(cp).then((c) => c.request('DELETE', '/api/v1/nodes/kwok-node-0'));
    sysctlsSaved = SYSCTLS.map((k) => [k, execFileSync('sysctl', ['-n', k], { encoding: 'utf8' }).trim()]);
    const kubeletYaml = join(dir, 'kubelet', 'config.yaml');
    writeFileSync(kubeletYaml, kubeletConfig(dir));
    const started = Date.now();
    const kubelet = launch('kubelet', join(bin, 'kubelet'), [
      '--config',
      kubeletYaml,
      '--kubeconfig',
      cp.kubeconfig,
      '--root-dir',
      join(dir, 'kubelet'),
      '--cert-dir',
      join(dir, 'kubelet', 'pki'),
      // Fix 3: named by its IP, so the API server's dial of its Hostname address needs no DNS.
      '--hostname-override',
      NODE_NAME,
      '--node-ip',
      NODE_IP,
      '--node-labels',
      Object.entries(NODE_SELECTOR)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      '--v',
      '1',
    ]);
    const client = await adminClient(cp);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (kubelet.exitCode !== null) throw failure('kubelet', `the kubelet exited (${kubelet.exitCode})`);
      if (containerd.exitCode !== null)
        throw failure('containerd', `containerd exited (${containerd.exitCode})`);
      const node = await client.request<KObject>('GET', `/api/v1/nodes/${NODE_NAME}`).catch(() => undefined);
      const ready = node?.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      );
      if (ready && (node?.spec?.taints ?? []).length === 0) break;
      if (Date.now() > deadline)
        throw failure('kubelet', `node ${NODE_NAME} was not Ready and untainted within 120s`);
      await sleep(200);
    }
    const readySeconds = (Date.now() - started) / 1000;
    return {
      cp,
      client,
      dir,
      readySeconds,
      importImage: (archive) => void ctr('images', 'import', archive),
      logTail,
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
