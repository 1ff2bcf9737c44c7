/** Shared set-up for the github-release tests: a checkout with a GitHub remote, files, the fake, the CLI. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { PublishTuning } from '../../src/release/publish.js';
import { cleanEnv } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import { type FakeGitHub, type FakeGitHubOptions, start } from '../helpers/github-server.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

export const TOKEN = 'ghp_fakeTokenForTests0123456789';

/** Retries and pacing in milliseconds instead of seconds, so failure tests stay fast. */
export const FAST: PublishTuning = { retryUnitMs: 5, writeIntervalMs: 0, uploadAttempts: 3 };

/** A checkout whose README holds `version`, with origin https://github.com/acme/widget.git. */
export function releaseRepo(t: TestContext, version = '0.1.0', files: Record<string, string> = {}): string {
  const dir = initRepo(join(tempDir(t, 'duat-release-'), 'widget'), {
    files: { 'README.md': `# widget\n\nVersion : <repo-version>${version}</repo-version>\n`, ...files },
  });
  git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/widget.git');
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Starts the fake GitHub and stops it when the test ends. */
export async function fakeGitHub(t: TestContext, options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const gh = await start({ token: TOKEN, ...options });
  t.after(() => gh.stop());
  return gh;
}

/** Asserts the fake saw nothing that GitHub's OpenAPI description does not allow. */
export function assertNoViolations(gh: FakeGitHub): void {
  assert.deepEqual(gh.violations, [], 'requests and answers must fit the OpenAPI description');
}

/** A logger that keeps its lines (verbose). */
export function memoryLogger(verbose = false): Logger & { lines: string[]; text(): string } {
  const lines: string[] = [];
  const log = createLogger({ verbose, prefix: 'duat github-release', write: (line) => lines.push(line) });
  return Object.assign(log, { lines, text: () => lines.join('') });
}

export interface AsyncCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI without blocking the event loop (the fake GitHub answers from this process), with
 * a deadline after which it is killed.
 */
export function runDuatAsync(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<AsyncCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The environment for a CLI run against the fake. */
export function cliEnv(gh: FakeGitHub, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cleanEnv({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.apiUrl, ...extra });
}
