/**
 * A real Kubernetes control plane for tests, without Docker (../shared/spec/k8s-test.md): etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler and KWOK, built from source by
 * scripts/k8s-control-plane.sh (cached under ~/.cache/duat-test/k8s-v1.36.3/) and started here on
 * 127.0.0.1 with certificates made by openssl, as controller-runtime's envtest does.
 *
 * What is real: the API server (validation, admission, RBAC, server-side apply, watch, the pod log
 * endpoint), etcd, the controllers (Jobs make Pods and finish, namespaces are emptied and deleted,
 * ttlSecondsAfterFinished, garbage collection) and the scheduler. What KWOK fakes: the node and its
 * containers. Pods move Pending -> Running -> Succeeded by KWOK's stages (test/k8s/kwok/stages.yaml);
 * init containers are marked completed; nothing runs. A Pod labelled duat.test/hold stays Running until
 * the label is removed; one labelled pod-container-running-failed.stage.kwok.x-k8s.io=true fails (exit
 * code from the annotation pod-container-running-failed.stage.kwok.x-k8s.io/exit-code, default 1).
 * Container logs come from CRI-format files (ClusterLogs) and are served through the real API log
 * endpoint; exec runs the command on this machine (ClusterExec) in a work directory.
 *
 * Every process is stopped by its id: stop() (call it from `after`), and a process-exit handler as the
 * last resort. If the control plane cannot start, startControlPlane throws with the component's log.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './git-server.js';
import { repoRoot } from './paths.js';

export const K8S_VERSION = 'v1.36.3';
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;

export function binDir(): string {
  const cache = process.env.DUAT_TEST_CACHE || join(homedir(), '.cache', 'duat-test');
  return join(cache, `k8s-${K8S_VERSION}`);
}

function haveBinaries(dir: string): boolean {
  return BINARIES.every((b) => existsSync(join(dir, b)));
}

/**
 * The control plane's binaries, built (scripts/k8s-control-plane.sh, about 5 minutes cold) when they are
 * not cached. Throws, never skips, when they cannot be had.
 */
export function ensureBinaries(): string {
  const dir = binDir();
  if (haveBinaries(dir)) return dir;
  process.stderr.write(
    `# the Kubernetes control plane is not in ${dir}: building it (scripts/k8s-control-plane.sh)\n`,
  );
  const result = spawnSync('bash', [join(repoRoot, 'scripts', 'k8s-control-plane.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: process.env,
  });
  if (result.status !== 0 || !haveBinaries(dir)) {
    throw new Error(
      `the Kubernetes control plane could not be built (scripts/k8s-control-plane.sh exited ${result.status ?? result.signal}); ` +
        `the Kubernetes tests need it: see the build log above (also under ${join(dir, '..', 'logs')})`,
    );
  }
  return dir;
}

export interface LogSpec {
  /** Containers (by name) whose logs are this file's lines; none: every container. */
  readonly containers?: readonly string[];
  /** The lines (without the CRI prefix). */
  readonly lines: readonly string[];
}

export interface ControlPlaneOptions {
  /** Container logs served for every Pod. Default: one line for container "main". */
  readonly logs?: readonly LogSpec[];
  /** Exec in these containers runs locally in `workDir` (KWOK's ClusterExec). */
  readonly exec?: { readonly containers: readonly string[]; readonly workDir: string };
}

export interface ControlPlane {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly server: string;
  /** The environment a client needs (KUBECONFIG), for runDuat. */
  readonly env: Record<string, string>;
  /** Kills the API server (SIGKILL: as a crash), waits until it is gone. */
  stopApiServer(): Promise<void>;
  /** Starts the API server again on the same port and waits until it is ready. */
  startApiServer(): Promise<void>;
  /** The last lines of a component's log, for a failing test's message. */
  logTail(component: string, lines?: number): string;
  stop(): Promise<void>;
}

interface Component {
  readonly name: string;
  readonly args: readonly string[];
  child: ChildProcess | undefined;
}

const live = new Set<ChildProcess>();
let exitHandlerInstalled = false;

function killLive(): void {
  for (const child of live) {
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The last resort: whatever way this process ends, the control plane's processes end with it. */
function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', killLive);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killLive();
      process.kill(process.pid, signal);
    });
  }
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, the API server's serving certificate, an admin client certificate and the service-account keys. */
function makeCertificates(dir: string): void {
  const days = '7';
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    days,
    '-subj',
    '/CN=duat-test-ca',
  );
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' +
      'extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n',
  );
  writeFileSync(
    join(dir, 'client.ext'),
    'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n',
  );
  for (const [name, subject, ext] of [
    ['server', '/CN=kube-apiserver', 'server.ext'],
    ['admin', '/O=system:masters/CN=duat-test-admin', 'client.ext'],
  ] as const) {
    openssl(
      dir,
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    );
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      days,
      '-extfile',
      ext,
    );
  }
  openssl(dir, 'genrsa', '-out', 'sa.key', '2048');
  openssl(dir, 'rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
}

function kubeconfigText(dir: string, server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: duat-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${join(dir, 'ca.crt')}`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-certificate: ${join(dir, 'admin.crt')}`,
    `    client-key: ${join(dir, 'admin.key')}`,
    'contexts:',
    '- name: duat-test',
    '  context:',
    '    cluster: duat-test',
    '    user: admin',
    'current-context: duat-test',
    '',
  ].join('\n');
}

/** A GET with the admin certificate: status and body (status 0 when nothing answers). */
function adminGet(
  dir: string,
  port: number,
  path: string,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        ca: readFileSync(join(dir, 'ca.crt')),
        cert: readFileSync(join(dir, 'admin.crt')),
        key: readFileSync(join(dir, 'admin.key')),
        headers: body
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }
          : {},
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

function criLines(lines: readonly string[]): string {
  // One second apart, so that a client resuming with sinceTime and timestamps is tested for real.
  const base = Date.parse('2026-11-25T14:00:00Z');
  return lines
    .map((line, i) => `${new Date(base + i * 1000).toISOString().replace('Z', '000000Z')} stdout F ${line}\n`)
    .join('');
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bin = ensureBinaries();
  installExitHandler();
  const dir = mkdtempSync(join(tmpdir(), 'duat-k8s-'));
  makeCertificates(dir);
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  const [etcdPort, etcdPeerPort, apiPort, kcmPort, schedulerPort, kwokPort] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(dir, server), { mode: 0o600 });

  // KWOK's configuration: the stages, the logs, the exec.
  const logs = options.logs ?? [{ containers: ['main'], lines: ['hello from the job'] }];
  const kwokDocs = [readFileSync(join(repoRoot, 'test', 'k8s', 'kwok', 'stages.yaml'), 'utf8')];
  const logEntries = logs.map((spec, i) => {
    const file = join(dir, `logs-${i}.log`);
    writeFileSync(file, criLines(spec.lines));
    return { file, containers: spec.containers };
  });
  kwokDocs.push(
    [
      'apiVersion: kwok.x-k8s.io/v1alpha1',
      'kind: ClusterLogs',
      'metadata:',
      '  name: duat-test-logs',
      'spec:',
      '  logs:',
      ...logEntries.flatMap((e) => [
        `  - logsFile: ${JSON.stringify(e.file)}`,
        '    follow: false',
        ...(e.containers ? [`    containers: ${JSON.stringify(e.containers)}`] : []),
      ]),
    ].join('\n'),
  );
  if (options.exec) {
    mkdirSync(options.exec.workDir, { recursive: true });
    kwokDocs.push(
      [
        'apiVersion: kwok.x-k8s.io/v1alpha1',
        'kind: ClusterExec',
        'metadata:',
        '  name: duat-test-exec',
        'spec:',
        '  execs:',
        `  - containers: ${JSON.stringify(options.exec.containers)}`,
        '    local:',
        `      workDir: ${JSON.stringify(options.exec.workDir)}`,
      ].join('\n'),
    );
  }
  const kwokConfig = join(dir, 'kwok.yaml');
  writeFileSync(kwokConfig, `${kwokDocs.join('\n---\n')}\n`);

  const components: Component[] = [
    {
      name: 'etcd',
      args: [
        '--data-dir',
        join(dir, 'etcd'),
        '--listen-client-urls',
        `http://127.0.0.1:${etcdPort}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdPort}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeerPort}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeerPort}`,
        '--initial-cluster',
        `default=http://127.0.0.1:${etcdPeerPort}`,
        '--unsafe-no-fsync',
        '--log-level',
        'warn',
      ],
      child: undefined,
    },
    {
      name: 'kube-apiserver',
      args: [
        '--etcd-servers',
        `http://127.0.0.1:${etcdPort}`,
        '--bind-address',
        '127.0.0.1',
        '--advertise-address',
        '127.0.0.1',
        '--secure-port',
        String(apiPort),
        '--tls-cert-file',
        join(dir, 'server.crt'),
        '--tls-private-key-file',
        join(dir, 'server.key'),
        '--client-ca-file',
        join(dir, 'ca.crt'),
        '--service-cluster-ip-range',
        '10.0.0.0/24',
        '--service-account-issuer',
        'https://kubernetes.default.svc',
        '--service-account-key-file',
        join(dir, 'sa.pub'),
        '--service-account-signing-key-file',
        join(dir, 'sa.key'),
        '--authorization-mode',
        'RBAC',
        '--allow-privileged=true',
        '--v',
        '1',
      ],
      child: undefined,
    },
    {
      name: 'kube-controller-manager',
      args: [
        '--kubeconfig',
        kubeconfig,
        '--leader-elect=false',
        '--service-account-private-key-file',
        join(dir, 'sa.key'),
        '--root-ca-file',
        join(dir, 'ca.crt'),
        '--use-service-account-credentials=false',
        '--controllers',
        '*,-nodeipam',
        '--bind-address',
        '127.0.0.1',
        '--secure-port',
        String(kcmPort),
        '--v',
        '1',
      ],
      child: undefined,
    },
    {
      name: 'kube-scheduler',
      args: [
        '--kubeconfig',
        kubeconfig,
        '--leader-elect=false',
        '--bind-address',
        '127.0.0.1',
        '--secure-port',
        String(schedulerPort),
        '--v',
        '1',
      ],
      child: undefined,
    },
    {
      name: 'kwok',
      args: [
        '-c',
        kwokConfig,
        '--kubeconfig',
        kubeconfig,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--node-lease-duration-seconds',
        '40',
        '--node-ip',
        '127.0.0.1',
        // The node's kubelet port is where KWOK serves logs and exec: the API server connects there.
        '--node-port',
        String(kwokPort),
        '--server-address',
        `127.0.0.1:${kwokPort}`,
      ],
      child: undefined,
    },
  ];
  const byName = (name: string) => components.find((c) => c.name === name) as Component;
  const logPath = (name: string) => join(dir, `${name}.log`);

  const logTail = (name: string, lines = 40): string => {
    try {
      return readFileSync(logPath(name), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const launch = (component: Component): void => {
    const out = openSync(logPath(component.name), 'a');
    const child = spawn(join(bin, component.name), component.args, { stdio: ['ignore', out, out], cwd: dir });
    closeSync(out);
    component.child = child;
    live.add(child);
    child.on('exit', () => live.delete(child));
  };

  const halt = async (component: Component, signal: NodeJS.Signals): Promise<void> => {
    const child = component.child;
    component.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };

  const failure = (component: string, what: string): Error =>
    new Error(
      `the Kubernetes control plane did not start: ${what}\n--- last lines of ${component}'s log (${logPath(component)}) ---\n${logTail(component)}\n---`,
    );

  const waitFor = async (
    component: string,
    what: string,
    check: () => Promise<boolean>,
    timeoutMs = 60_000,
  ): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const child = byName(component).child;
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        throw failure(
          component,
          `${component} exited (${child.exitCode ?? child.signalCode}) before ${what}`,
        );
      }
      if (await check()) return;
      await sleep(200);
    }
    throw failure(component, `${what} took more than ${timeoutMs / 1000}s`);
  };

  const apiReady = async () => (await adminGet(dir, apiPort, '/readyz')).status === 200;

  const stopAll = async (): Promise<void> => {
    for (const component of [...components].reverse()) await halt(component, 'SIGTERM');
  };

  try {
    launch(byName('etcd'));
    await waitFor('etcd', 'etcd answered', async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${etcdPort}/health`);
        return res.ok;
      } catch {
        return false;
      }
    });
    launch(byName('kube-apiserver'));
    await waitFor('kube-apiserver', 'the API server was ready', apiReady, 90_000);
    launch(byName('kube-controller-manager'));
    launch(byName('kube-scheduler'));
    launch(byName('kwok'));
    // The fake node: KWOK manages Nodes with this annotation; the node lifecycle controller then lifts
    // the not-ready taint every new Node gets.
    const node = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kwok-node-0',
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          type: 'kwok',
          'kubernetes.io/hostname': 'kwok-node-0',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
        },
      },
      status: {
        capacity: { cpu: '32', memory: '256Gi', pods: '110' },
        allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      },
    });
    const created = await adminGet(dir, apiPort, '/api/v1/nodes', 'POST', node);
    if (created.status !== 201)
      throw failure('kube-apiserver', `creating the fake node answered ${created.status}: ${created.body}`);
    await waitFor(
      'kwok',
      'the fake node was ready and untainted',
      async () => {
        const res = await adminGet(dir, apiPort, '/api/v1/nodes/kwok-node-0');
        if (res.status !== 200) return false;
        const value = JSON.parse(res.body) as {
          spec?: { taints?: unknown[] };
          status?: { conditions?: { type: string; status: string }[] };
        };
        const ready = value.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        return ready === true && (value.spec?.taints ?? []).length === 0;
      },
      90_000,
    );
    // Pods need the default service account, which the controller manager makes.
    await waitFor(
      'kube-controller-manager',
      'the default service account existed',
      async () =>
        (await adminGet(dir, apiPort, '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
    );
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    dir,
    kubeconfig,
    server,
    env: { KUBECONFIG: kubeconfig },
    async stopApiServer() {
      await halt(byName('kube-apiserver'), 'SIGKILL');
    },
    async startApiServer() {
      launch(byName('kube-apiserver'));
      await waitFor('kube-apiserver', 'the API server was ready again', apiReady, 90_000);
    },
    logTail,
    async stop() {
      await stopAll();
      if (!process.env.DUAT_KEEP_K8S) rmSync(dir, { recursive: true, force: true });
    },
  };
}
