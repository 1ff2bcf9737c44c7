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
 * sysctls): the machine's real-node lock (node-lock.ts) makes a second suite wait. Once
 * it has the lock, a node first removes what dead runs left (a run killed with -9 never stopped its
 * node: leftovers.ts), and records in its own run's record (leftovers.ts) its directory, its
 * processes, the sysctls' old values and that a kubelet ran, so that if this process is killed, the
 * next start (or `bash scripts/k8s-real-node.sh --down`) removes the rest. stop() ends everything it
 * started by process id: the kubelet, every container task, the shims, containerd; then unmounts what
 * is left under its directory, removes the pod cgroups and restores the sysctls. If the node cannot
 * start, startRealNode throws with the failing component's log. startRuntime is the first half alone
 * (the bridge, containerd and the images: no control plane, no kubelet), for the clean-up's test.
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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../../src/watch/runners/kubernetes/client.js';
import type { KObject } from '../../src/watch/runners/kubernetes/manifest.js';
import { type ControlPlane, startControlPlane } from '../helpers/control-plane.js';
import { repoRoot } from '../helpers/paths.js';
import { pauseImage, skopeoImage, toolsImage } from './images.js';
import {
  currentRun,
  describeReaped,
  mountsUnder,
  type Run,
  reapDeadRuns,
  removePodCgroups,
} from './leftovers.js';
import { takeNodeLock } from './node-lock.js';

export const NODE_IP = '10.244.0.1';
export const NODE_NAME = NODE_IP;
export const POD_CIDR = '10.244.0.0/24';
/** Jobs for the real node select it with this label (KWOK's fake node has type=kwok). */
export const NODE_SELECTOR = { type: 'real' } as const;
export const TOOLS_IMAGE = 'duat.test/tools:1';
export const SKOPEO_IMAGE = 'duat.test/skopeo:1';
export const PAUSE_IMAGE = 'duat.test/pause:1';
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

function run_(cmd: string, args: readonly string[], what: string): string {
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

function adminClient(cp: ControlPlane): Promise<KubeClient> {
  return KubeClient.connect({ kubeconfig: cp.kubeconfig });
}

/** The first half of a node: its bridge, containerd and the images imported (see the header). */
export interface Runtime {
  /** Where the node keeps its state (and the tests their files). */
  readonly dir: string;
  /** The run's record (leftovers.ts). */
  readonly run: Run;
  /** The containerd socket. */
  readonly socket: string;
  readonly containerdPid: number;
  /** `ctr -n k8s.io ARGS` on the node's containerd; its stdout. */
  ctr(...args: string[]): string;
  importImage(archive: string): void;
  logTail(component: string, lines?: number): string;
  stop(): Promise<void>;
}

interface RuntimeParts extends Runtime {
  launch(name: string, cmd: string, args: readonly string[]): ChildProcess;
  failure(name: string, what: string): Error;
  halt(name: string): Promise<void>;
  /** Added to stop(): what the node's second half undoes first (the kubelet, the control plane). */
  onStop(first: () => Promise<void>, last: () => Promise<void>): void;
  /** Where logTail looks for a component whose log is not the runtime's (the control plane's). */
  addLogSource(tail: (name: string, lines: number) => string | undefined): void;
  /** Why containerd is gone (its exit code), or undefined while it runs. */
  containerdExited(): number | string | undefined;
}

async function startRuntimeParts(bin: string): Promise<RuntimeParts> {
  const release = await takeNodeLock(30 * 60_000);
  // What runs killed with -9 left: removed before anything else (this run holds the lock).
  try {
    for (const reaped of await reapDeadRuns()) process.stderr.write(`# ${describeReaped(reaped)}\n`);
  } catch (err) {
    release();
    throw err;
  }
  const run = currentRun();
  const dir = mkdtempSync(join(tmpdir(), 'duat-real-node-'));
  run.add('dir', dir);
  const logs = join(dir, 'logs');
  for (const d of ['logs', 'containerd', 'cni/net.d', 'kubelet', 'images'])
    mkdirSync(join(dir, d), { recursive: true });
  const children = new Map<string, ChildProcess>();
  const logPath = (name: string) => join(logs, `${name}.log`);
  const socket = join(dir, 'containerd', 'containerd.sock');
  const ctr = (...args: string[]) =>
    run_('ctr', ['--address', socket, '-n', 'k8s.io', ...args], 'containerd');
  const extraLogs: ((name: string, lines: number) => string | undefined)[] = [];
  let stopFirst: () => Promise<void> = async () => {};
  let stopLast: () => Promise<void> = async () => {};

  const launch = (name: string, cmd: string, args: readonly string[]): ChildProcess => {
    const out = openSync(logPath(name), 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out], cwd: dir });
    closeSync(out);
    children.set(name, child);
    run.addPid(child.pid);
    return child;
  };
  const logTail = (name: string, lines = 40): string => {
    if (!existsSync(logPath(name))) {
      for (const other of extraLogs) {
        const tail = other(name, lines);
        if (tail !== undefined) return tail;
      }
      return '(no log)';
    }
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
    await stopFirst();
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
    await stopLast();
    spawnSync('ip', ['link', 'del', BRIDGE]);
    process.off('exit', killAll);
    if (!process.env.DUAT_KEEP_K8S) rmSync(dir, { recursive: true, force: true });
    // Stopped cleanly: nothing of this node is left for a later run to remove; a record this process
    // owns (no netns.ts around it) goes too.
    if (run.ownedHere) rmSync(run.dir, { recursive: true, force: true });
    release();
  };

  try {
    // The images (see images.ts for how each is made).
    const pause = pauseImage(join(dir, 'images'), join(bin, 'pause'), PAUSE_IMAGE);
    const tools = toolsImage(join(dir, 'images'), TOOLS_IMAGE);
    const skopeo = skopeoImage(join(dir, 'images'), SKOPEO_IMAGE);

    // Fix 2: the bridge, with the node's address, before containerd starts.
    if (spawnSync('ip', ['link', 'show', BRIDGE]).status === 0)
      throw new Error(`a link ${BRIDGE} is already there: is this the suite's own network namespace?`);
    run_('ip', ['link', 'add', BRIDGE, 'type', 'bridge'], 'the node bridge');
    run_('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE], 'the node bridge');
    run_('ip', ['link', 'set', BRIDGE, 'up'], 'the node bridge');

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
    return {
      dir,
      run,
      socket,
      containerdPid: containerd.pid as number,
      ctr,
      importImage: (archive) => void ctr('images', 'import', archive),
      logTail,
      stop,
      launch,
      failure,
      halt,
      onStop(first, last) {
        stopFirst = first;
        stopLast = last;
      },
      addLogSource: (tail) => void extraLogs.push(tail),
      containerdExited: () => containerd.exitCode ?? containerd.signalCode ?? undefined,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

/** A node's bridge, containerd and images, and no more (see the header). */
export async function startRuntime(): Promise<Runtime> {
  return startRuntimeParts(ensureNodeBinaries());
}

export async function startRealNode(): Promise<RealNode> {
  const bin = ensureNodeBinaries();
  const rt = await startRuntimeParts(bin);
  const { dir, run } = rt;
  let cp: ControlPlane | undefined;
  let sysctlsSaved: [string, string][] | undefined;
  rt.addLogSource((name, lines) => cp?.logTail(name, lines));
  rt.onStop(
    () => rt.halt('kubelet'),
    async () => {
      removePodCgroups();
      for (const [key, value] of sysctlsSaved ?? []) spawnSync('sysctl', ['-qw', `${key}=${value}`]);
      await cp?.stop();
    },
  );
  try {
    // The control plane's directory goes under the node's (os.tmpdir() reads TMPDIR when called), so
    // that a killed run's record names one directory for both.
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      cp = await startControlPlane();
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    // KWOK's fake node goes: the real one is then the only node, and templates (examples/) need no
    // nodeSelector to land on it.
    await adminClient(cp).then((c) => c.request('DELETE', '/api/v1/nodes/kwok-node-0'));
    sysctlsSaved = SYSCTLS.map((k) => [k, execFileSync('sysctl', ['-n', k], { encoding: 'utf8' }).trim()]);
    for (const [key, value] of sysctlsSaved) run.add('sysctl', `${key}=${value}`);
    run.add('kubepods');
    const kubeletYaml = join(dir, 'kubelet', 'config.yaml');
    writeFileSync(kubeletYaml, kubeletConfig(dir));
    const started = Date.now();
    const kubelet = rt.launch('kubelet', join(bin, 'kubelet'), [
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
      if (kubelet.exitCode !== null) throw rt.failure('kubelet', `the kubelet exited (${kubelet.exitCode})`);
      if (rt.containerdExited() !== undefined)
        throw rt.failure('containerd', `containerd exited (${rt.containerdExited()})`);
      const node = await client.request<KObject>('GET', `/api/v1/nodes/${NODE_NAME}`).catch(() => undefined);
      const ready = node?.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      );
      if (ready && (node?.spec?.taints ?? []).length === 0) break;
      if (Date.now() > deadline)
        throw rt.failure('kubelet', `node ${NODE_NAME} was not Ready and untainted within 120s`);
      await sleep(200);
    }
    const readySeconds = (Date.now() - started) / 1000;
    return {
      cp,
      client,
      dir,
      readySeconds,
      importImage: rt.importImage,
      logTail: rt.logTail,
      stop: rt.stop,
    };
  } catch (err) {
    await rt.stop().catch(() => {});
    throw err;
  }
}
