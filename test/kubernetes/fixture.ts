/**
 * What the Kubernetes tests share: a control plane per test file, a git daemon serving the watched
 * repositories (git:// on 127.0.0.1, which the source init container would fetch from), git-watch run
 * as a user runs it (the built CLI), and a client to look at the cluster.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../../src/watch/runners/kubernetes/client.js';
import type { KObject } from '../../src/watch/runners/kubernetes/manifest.js';
import { type CliResult, cleanEnv, runDuat } from '../helpers/cli.js';
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from '../helpers/control-plane.js';
import { createServedRepo, type GitDaemon, pushCommit, startGitDaemon } from '../helpers/git-server.js';
import { cliPath } from '../helpers/paths.js';

export interface Fixture {
  readonly cp: ControlPlane;
  readonly client: KubeClient;
  readonly daemon: GitDaemon;
  readonly dir: string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** One control plane and git daemon for a test file; stop() in `after`. */
export async function startFixture(options: ControlPlaneOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'duat-k8s-test-'));
  const cp = await startControlPlane(options);
  let daemon: GitDaemon;
  let client: KubeClient;
  try {
    daemon = await startGitDaemon(join(dir, 'served'));
    try {
      client = await KubeClient.connect({ kubeconfig: cp.kubeconfig });
    } catch (err) {
      await daemon.stop();
      throw err;
    }
  } catch (err) {
    await cp.stop();
    throw err;
  }
  return {
    cp,
    client,
    daemon,
    dir,
    async stop() {
      for (const child of children)
        if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
      await daemon.stop();
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let repoCount = 0;

export interface Repo {
  readonly url: string;
  readonly work: string;
  readonly commit: string;
  /** The namespace git-watch derives from its README's version. */
  readonly namespace: string;
}

/** A served repository whose README holds `version` (so its runs get namespace gw-VERSION). */
export function makeRepo(fx: Fixture, version: string): Repo {
  const name = `repo-${++repoCount}.git`;
  const work = createServedRepo(join(fx.dir, 'served'), name, join(fx.dir, 'work', name));
  const commit = pushCommit(
    work,
    'README.md',
    `# test\n\nVersion : <repo-version>${version}</repo-version>\n`,
  );
  return {
    url: fx.daemon.url(name),
    work,
    commit,
    namespace: `gw-${version.replace(/\./g, '-').toLowerCase()}`,
  };
}

export function writeTemplate(fx: Fixture, name: string, text: string): string {
  const path = join(fx.dir, name);
  writeFileSync(path, text);
  return path;
}

export function stateDir(fx: Fixture, name: string): string {
  return join(fx.dir, 'state', name);
}

/** `duat git-watch --once --runner kubernetes ...`, waited for. */
export function gitWatchOnce(fx: Fixture, args: string[], state: string): CliResult {
  return runDuat(
    ['git-watch', '--once', '--runner', 'kubernetes', '--persistent-state-dir', state, ...args],
    {
      env: cleanEnv(fx.cp.env),
    },
  );
}

export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code (or -1 for a signal). */
  readonly exited: Promise<number>;
}

/** git-watch in the background (to kill it, or to do things while it runs). */
export function gitWatchStart(
  fx: Fixture,
  args: string[],
  state: string,
  env: Record<string, string> = {},
): Running {
  const child = spawn(
    process.execPath,
    [cliPath, 'git-watch', '--runner', 'kubernetes', '--persistent-state-dir', state, ...args],
    {
      env: cleanEnv({ ...fx.cp.env, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code ?? -1);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits (bounded) until `check` gives a value. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}

export async function list(fx: Fixture, path: string, labelSelector?: string): Promise<KObject[]> {
  const result = await fx.client.request<{ items?: KObject[] }>('GET', path, { query: { labelSelector } });
  return result.items ?? [];
}

export async function get(fx: Fixture, path: string): Promise<KObject | undefined> {
  try {
    return await fx.client.request<KObject>('GET', path);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/** The run log of a run id (from the state directory). */
export function runLog(state: string, id: string): string {
  return readFileSync(join(state, 'runs', id, 'log'), 'utf8');
}

/** The run ids and results git-watch --once printed. */
export function runsOf(stdout: string): { id: string; state: string }[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, state] = line.split(' ');
      return { id: id ?? '', state: state ?? '' };
    });
}

/** A Job template; `pod` extra pod-template metadata lines (labels for KWOK), `extra` more documents. */
export function jobTemplate(
  options: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    extra?: string;
    containerExtra?: string;
  } = {},
): string {
  const labels = Object.entries(options.labels ?? {})
    .map(([k, v]) => `        ${JSON.stringify(k)}: ${JSON.stringify(v)}\n`)
    .join('');
  const annotations = Object.entries(options.annotations ?? {})
    .map(([k, v]) => `        ${JSON.stringify(k)}: ${JSON.stringify(v)}\n`)
    .join('');
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${options.name ?? 'ci'}
spec:
  template:
    metadata:
      labels:
        app: ci
${labels}      annotations:
        duat.test/commit: "{{ .Commit }}"
${annotations}    spec:
      restartPolicy: Never
      nodeSelector:
        type: kwok
      containers:
      - name: main
        image: busybox:1.37
        command: ["sh", "-c", "cd {{ .SourceMountPath }} && make test"]
${options.containerExtra ?? ''}${options.extra ?? ''}`;
}
