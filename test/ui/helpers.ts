/**
 * Shared pieces of the status page tests: a git-watch serving its pages for a repository on a local
 * `git daemon`, a browser session's cookie and CSRF token, Debian's chromium driven by playwright-core,
 * and screenshots saved under test-artifacts/ui/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { Watcher, type WatchOptions } from '../../src/watch/watcher.js';
import { git } from '../helpers/git.js';
import { repoRoot } from '../helpers/paths.js';
import { type CapturedLog, captureLog, type DaemonRepo, daemonRepo, watchEnv } from '../watch/helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(repoRoot, 'test-artifacts', 'ui');

/** Commits a change with this exact message in the working clone and pushes it; returns the commit. */
export function pushWithMessage(work: string, file: string, content: string, message: string): string {
  writeFileSync(join(work, file), content);
  git(work, 'add', file);
  git(work, 'commit', '-q', '-m', message);
  git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  return git(work, 'rev-parse', 'HEAD');
}

export interface UiWatch extends DaemonRepo {
  readonly watcher: Watcher;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  readonly log: CapturedLog;
}

/**
 * git-watch on one repository served by `git daemon`, polling only once an hour (so that only "poll now"
 * makes it poll again), with its pages on 127.0.0.1. `prepare` runs before it starts (to push the first
 * commits); `repositories` says what to watch (default: that one repository). Stopped after the test.
 */
export async function startUiWatch(
  t: TestContext,
  options: Partial<WatchOptions> = {},
  prepare: (repo: DaemonRepo) => void = () => {},
  repositories: (repo: DaemonRepo) => string[] = (repo) => [repo.url],
): Promise<UiWatch> {
  // Registered before daemonRepo's temporary directory: after-hooks run in the order they were added,
  // and the watcher (and every git process it has going in its mirrors) must end before its state
  // directory is removed, or the removal races a git still writing (ENOTEMPTY).
  let started: Watcher | undefined;
  t.after(() => started?.stop());
  const repo = await daemonRepo(t);
  prepare(repo);
  const log = captureLog();
  const watcher = await Watcher.start({
    repositories: repositories(repo),
    stateDir: repo.state,
    intervalMs: 3_600_000,
    listen: '127.0.0.1:0',
    job: { kind: 'command', command: 'echo quick' },
    env: watchEnv(),
    gracePeriodMs: 2_000,
    log: log.log,
    ...options,
  });
  started = watcher;
  return { ...repo, watcher, base: watcher.url as string, log };
}

/** polls made so far, from /metrics. */
export async function pollsMade(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /^duat_git_watch_polls_total (\d+)/m.exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

export interface BrowserSession {
  /** The Cookie header to send back. */
  readonly cookie: string;
  readonly csrf: string;
  /** The first poll-now form's action, e.g. /repos/KEY/poll. */
  readonly pollAction: string | undefined;
  readonly html: string;
}

/** What a browser gets from GET /: its session cookie and the CSRF token in the forms. */
export async function openSession(
  base: string,
  headers: Record<string, string> = {},
): Promise<BrowserSession> {
  const res = await fetch(`${base}/`, { headers });
  const html = await res.text();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1] ?? '';
  const pollAction = /action="(\/repos\/[0-9a-f]+\/poll)"/.exec(html)?.[1];
  return { cookie, csrf, pollAction, html };
}

/** Debian's chromium with a fresh profile, headless, no network beyond what pages ask (closed after the test). */
export async function launchBrowser(
  t: TestContext,
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'duat-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? { width: 1280, height: 860 },
    timeout: 30_000,
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

/** Saves a full-page screenshot as test-artifacts/ui/NAME.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Problems a page reported: script errors, refused resources (CSP), failed requests. */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}

export interface Answer {
  readonly status: number;
  readonly headers: import('node:http').IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP request with exactly these headers (Host, Origin, Cookie... as a browser or an attacker would send them). */
export function request(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''), // [::1] -> ::1
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: {
          ...(options.body !== undefined
            ? {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(options.body)),
              }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
