/**
 * What the real-node tests share: the node (node.ts), git servers on the namespace's 127.0.0.1 (the
 * Jobs' pods use hostNetwork, so their init containers reach them there too), repositories with a
 * test script, git-watch run as a user runs it (the built CLI, asynchronously: the git http server
 * answers from this process while git-watch runs), and Job templates that select the real node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { type CliResult, cleanEnv } from '../helpers/cli.js';
import { git } from '../helpers/git.js';
import { createServedRepo, type GitDaemon, pushCommit, startGitDaemon } from '../helpers/git-server.js';
import { cliPath } from '../helpers/paths.js';

export { runLog, runsOf, waitFor } from '../kubernetes/fixture.js';

import { NODE_IP, NODE_SELECTOR, type RealNode, startRealNode, TOOLS_IMAGE } from './node.js';

export interface Fixture {
  readonly node: RealNode;
  readonly daemon: GitDaemon;
  /** Where the git daemon's repositories are. */
  readonly served: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const node = await startRealNode();
  const dir = mkdtempSync(join(node.dir, 'test-'));
  let daemon: GitDaemon;
  try {
    daemon = await startGitDaemon(join(dir, 'served'));
  } catch (err) {
    await node.stop();
    throw err;
  }
  process.stderr.write(`# real node Ready ${node.readySeconds.toFixed(1)}s after the kubelet started\n`);
  return {
    node,
    daemon,
    served: join(dir, 'served'),
    dir,
    async stop() {
      await daemon.stop();
      await node.stop();
    },
  };
}

let repoCount = 0;

export interface Repo {
  readonly name: string;
  readonly work: string;
  readonly commit: string;
  readonly namespace: string;
}

/**
 * A repository under `served` whose README holds `version` (its runs get namespace gw-VERSION) and
 * whose tests are test.sh: it prints message.txt and where it runs, and exits with `exitCode`.
 */
export function makeRepo(served: string, work: string, version: string, message: string, exitCode = 0): Repo {
  const name = `repo-${++repoCount}.git`;
  const clone = createServedRepo(served, name, join(work, name));
  pushCommit(clone, 'README.md', `# test\n\nVersion : <repo-version>${version}</repo-version>\n`);
  const commit = commitTests(clone, message, exitCode);
  return { name, work: clone, commit, namespace: `gw-${version.replace(/\./g, '-').toLowerCase()}` };
}

/** A commit whose test.sh prints `message` and exits `exitCode`; returns it. */
export function commitTests(clone: string, message: string, exitCode: number): string {
  writeFileSync(join(clone, 'message.txt'), `${message}\n`);
  git(clone, 'add', 'message.txt');
  return pushCommit(
    clone,
    'test.sh',
    `echo "running the tests in $(pwd): $(cat message.txt)"\nls\necho "tests done, exit ${exitCode}"\nexit ${exitCode}\n`,
  );
}

/**
 * The repository's test Job for the real node. Its container sets no workingDir and runs `sh test.sh`:
 * it must start in the commit's files. hostNetwork: the pod shares the namespace's loopback, where the
 * git servers listen (there is no cluster DNS or kube-proxy on this node).
 */
export function testJobTemplate(image = TOOLS_IMAGE): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: tests
spec:
  template:
    spec:
      restartPolicy: Never
      hostNetwork: true
      nodeSelector: ${JSON.stringify(NODE_SELECTOR)}
      containers:
      - name: main
        image: ${image}
        imagePullPolicy: IfNotPresent
        command: ["sh", "test.sh"]
`;
}

export function writeFile(fx: Fixture, name: string, text: string): string {
  const path = join(fx.dir, name);
  writeFileSync(path, text);
  return path;
}

export interface Started {
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Its result once it exits (killed with SIGKILL after `timeoutMs`). */
  readonly result: Promise<CliResult & { seconds: number }>;
}

/** `duat ARGS` with KUBECONFIG for the node's cluster, in the background; bounded by `timeoutMs`. */
export function startDuat(
  fx: Fixture,
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {},
): Started {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const started = Date.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: cleanEnv({ ...fx.node.cp.env, ...options.env }),
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise<CliResult & { seconds: number }>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout,
        stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr,
        seconds: (Date.now() - started) / 1000,
      });
    }),
  );
  return { stdout: () => stdout, stderr: () => stderr, kill: (signal) => child.kill(signal), result };
}

/** `duat ARGS`, waited for. */
export function duat(
  fx: Fixture,
  args: string[],
  options: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult & { seconds: number }> {
  return startDuat(fx, args, options).result;
}

/**
 * Pods off the host network (the examples' Jobs) reach this machine at the node's bridge address: a
 * TCP forwarder there to a server on the namespace's 127.0.0.1. Returns NODE_IP:PORT; close() ends it.
 */
export async function forwardFromBridge(targetPort: number): Promise<{ address: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((incoming) => {
    const outgoing = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [incoming, outgoing]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        incoming.destroy();
        outgoing.destroy();
      });
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  await new Promise<void>((resolve) => server.listen(0, NODE_IP, resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `${NODE_IP}:${port}`,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
