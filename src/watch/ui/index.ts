/**
 * The status pages and JSON API of a long-running git-watch, served beside /healthz, /metrics and
 * /webhook (server.ts hands every other request here):
 *
 *   GET  /                       repositories and recent runs (?repos=N pages the repositories)
 *   GET  /runs                   runs, newest first (?page=N, ?repo=KEY)
 *   GET  /runs/ID                a run and its log, followed live while it runs
 *   GET  /runs/ID/log            the log as plain text (?follow=1: until the run ends)
 *   POST /repos/KEY/poll         "poll now" (a form: session CSRF token and same Origin)
 *   GET|POST /login, POST /logout   signing in with --ui-token (for actions from another machine)
 *   GET  /assets/NAME            the stylesheet, the script and the icon (built in)
 *   GET  /api/status             what `duat git-watch status --json` prints
 *   GET  /api/repos, /api/runs, /api/runs/ID, /api/runs/ID/log (?offset=N; ?follow=1: Server-Sent Events)
 *   POST /api/repos/KEY/poll     "poll now" for scripts (Authorization: Bearer TOKEN, or session + X-CSRF-Token)
 *
 * Every answer comes from the functions of status.ts over a StatusSource: the JSON API, the pages and
 * `git-watch status --json` show one set of data.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DuatError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { isPending, type RunRecord } from '../runs.js';
import {
  findRepository,
  findRunIn,
  listRepositories,
  listRuns,
  type RepoStatus,
  repoStatus,
  runLogOf,
  type StatusSource,
  statusOf,
  watcherStatus,
} from '../status.js';
import { Access } from './access.js';
import { ASSETS } from './assets.js';
import { shown } from './format.js';
import { streamLog } from './live-log.js';
import { type Counts, loginPage, messagePage, overviewPage, runPage, runsPage } from './pages.js';
import {
  hostAllowed,
  isLoopbackAddress,
  isLoopbackHost,
  type Session,
  sameOrigin,
  securityHeaders,
  setCookies,
} from './security.js';
import { MIN_TOKEN_LENGTH } from './token-rules.js';

export { isLocalRequest, isLoopbackAddress } from './security.js';
export { MIN_TOKEN_LENGTH };

/** How much of a log the run page shows at first (the rest is a link away). */
const PAGE_LOG_TAIL = 512 * 1024;
/** Log followers at once (each reads the log a few times a second). */
const MAX_STREAMS = 64;
const MAX_FORM_BYTES = 8 * 1024;

export interface UiOptions {
  readonly source: StatusSource;
  /** Polls the repository watch with this display name now (the webhook's trigger); false if unknown. */
  pollNow(display: string): boolean;
  /** With a token, actions are allowed from other machines to whoever signs in with it. */
  readonly token?: string;
  /** Called for every wrong UI token (sign-in form or bearer): for a counter in /metrics. */
  wrongToken?(via: 'login' | 'bearer'): void;
}

export interface UiContext extends UiOptions {
  readonly log: Logger;
  /** The address the server is bound to (its host part). */
  readonly listenHost: string;
  /** Whether a request comes from this machine (default: isLocalRequest). Tests may replace it. */
  readonly isLocal?: (req: IncomingMessage) => boolean;
}

export interface Ui {
  /** Answers the request if it is the UI's; false when the path is not (the server answers 404). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const UI_PATH = /^\/(?:$|runs(?:\/|$)|repos\/|api\/|assets\/|login$|logout$|favicon\.ico$)/;
const RUN_ID = /^[0-9a-f][0-9a-f-]{3,35}$/;
const KEY = /^[0-9a-f]{12}$/;

function pageNumber(value: string | null): number {
  const n = Number.parseInt(value ?? '1', 10);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(`${JSON.stringify(value, null, 1)}\n`);
}

function sendHtml(res: ServerResponse, status: number, body: string, session?: Session): void {
  if (session) setCookies(res, session.setCookies);
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, cookies: readonly string[] = []): void {
  setCookies(res, cookies);
  res.writeHead(303, { ...securityHeaders(), location, 'cache-control': 'no-store' });
  res.end();
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        if (!done) resolve(undefined);
        done = true;
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (type !== '' && type !== 'application/x-www-form-urlencoded') resolve(new URLSearchParams());
      else resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', () => {
      if (!done) resolve(undefined);
      done = true;
    });
  });
}

/** Counts shown on the overview, over every repository and run (cheap: all in memory). */
function countsOf(source: StatusSource, runs: readonly RunRecord[]): Counts {
  const repos = source.snapshot()?.repositories ?? [];
  let running = 0;
  let queued = 0;
  for (const run of runs) {
    if (run.state === 'started') running++;
    else if (isPending(run)) queued++;
  }
  return {
    repositories: repos.length,
    unreachable: repos.filter((r) => r.condition === 'unreachable').length,
    running,
    queued,
  };
}

/** Answers GET /assets/NAME from the built-in assets; false when there is no such asset. */
function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): boolean {
  // Own names only: `__proto__`, `constructor` or `toString` are not assets.
  const found = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!found) return false;
  if (req.headers['if-none-match'] === found.etag) {
    res.writeHead(304, { etag: found.etag });
    res.end();
    return true;
  }
  res.writeHead(200, {
    ...securityHeaders(),
    'content-type': found.type,
    etag: found.etag,
    'cache-control': 'public, max-age=31536000, immutable',
  });
  res.end(found.body);
  return true;
}

export function createUi(context: UiContext): Ui {
  const { source, log } = context;
  if (context.token !== undefined && context.token !== '' && context.token.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(`--ui-token must be at least ${MIN_TOKEN_LENGTH} characters`, {
      hint: 'make one with: openssl rand -hex 24',
    });
  }
  const access = new Access({
    token: context.token,
    log,
    isLocal: context.isLocal,
    wrongToken: context.wrongToken,
  });
  const { sessions } = access;
  const viewerOf = (req: IncomingMessage, session: Session) => access.viewerOf(req, session);
  const authorize = (req: IncomingMessage, session: Session, csrf: string | undefined) =>
    access.authorize(req, session, csrf);
  // listenHost is an address as given to listen(): `::1`, not `[::1]`, so it is not a Host header value.
  const boundToLoopback = isLoopbackAddress(context.listenHost) || isLoopbackHost(context.listenHost);
  let streams = 0;

  const pollNow = (req: IncomingMessage, key: string, via: string): RepoStatus | undefined => {
    const repo = KEY.test(key) ? findRepository(source, key) : undefined;
    if (!repo || !context.pollNow(repo.display)) return undefined;
    log.info(`poll now: ${repo.display} (asked from ${req.socket.remoteAddress ?? 'unknown'}, ${via})`);
    return repoStatus(source, repo);
  };

  // ---- pages ------------------------------------------------------------------------------------

  const overview = (req: IncomingMessage, res: ServerResponse, url: URL, session: Session) => {
    const now = Date.now();
    const runs = listRuns(source, { pageSize: 20 });
    const polledKey = url.searchParams.get('polled');
    const polled = polledKey && KEY.test(polledKey) ? findRepository(source, polledKey)?.url : undefined;
    const body = overviewPage(
      {
        watcher: watcherStatus(source),
        repos: listRepositories(source, { page: pageNumber(url.searchParams.get('repos')) }),
        runs,
        counts: countsOf(source, source.runs()),
        polled,
      },
      viewerOf(req, session),
      now,
    );
    sendHtml(res, 200, body, session);
  };

  const runsList = (req: IncomingMessage, res: ServerResponse, url: URL, session: Session) => {
    const key = url.searchParams.get('repo') ?? undefined;
    const repo = key !== undefined && KEY.test(key) ? findRepository(source, key) : undefined;
    if (key !== undefined && !repo) {
      sendHtml(res, 404, messagePage('Not found', 'No such repository.', viewerOf(req, session)), session);
      return;
    }
    const runs = listRuns(source, { page: pageNumber(url.searchParams.get('page')), repo: key });
    const body = runsPage(runs, repo && repoStatus(source, repo), key, viewerOf(req, session), Date.now());
    sendHtml(res, 200, body, session);
  };

  const lookupRun = (id: string): RunRecord | undefined => {
    if (!RUN_ID.test(id)) return undefined;
    try {
      return findRunIn(source, id);
    } catch (err) {
      if (err instanceof DuatError) return undefined;
      throw err;
    }
  };

  const runDetail = (req: IncomingMessage, res: ServerResponse, id: string, session: Session) => {
    const run = lookupRun(id);
    if (!run) {
      sendHtml(res, 404, messagePage('Not found', 'No such run.', viewerOf(req, session)), session);
      return;
    }
    const logData = runLogOf(source, run.id, { tail: PAGE_LOG_TAIL });
    sendHtml(res, 200, runPage(logData, !logData.complete, viewerOf(req, session), Date.now()), session);
  };

  const follow = async (
    req: IncomingMessage,
    res: ServerResponse,
    run: RunRecord,
    offset: number,
    format: 'sse' | 'text',
  ) => {
    if (streams >= MAX_STREAMS) {
      sendJson(
        res,
        503,
        { error: 'too many logs followed at once: try again later' },
        { 'retry-after': '10' },
      );
      return;
    }
    streams++;
    try {
      await streamLog(req, res, { source, id: run.id, offset, format });
    } finally {
      streams--;
    }
  };

  const rawLog = async (req: IncomingMessage, res: ServerResponse, id: string, url: URL) => {
    const run = lookupRun(id);
    if (!run) {
      res.writeHead(404, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' });
      res.end('no such run\n');
      return;
    }
    if (url.searchParams.get('follow') === '1') {
      await follow(req, res, run, 0, 'text');
      return;
    }
    const data = runLogOf(source, run.id, { wholeLines: false });
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(data.log);
  };

  const formAction = async (
    req: IncomingMessage,
    res: ServerResponse,
    act: (form: URLSearchParams) => void | Promise<void>,
  ) => {
    const form = await readForm(req);
    if (!form) {
      sendHtml(res, 413, messagePage('Refused', 'The form is too large.', undefined));
      return undefined;
    }
    await act(form);
    return form;
  };

  const pollForm = async (req: IncomingMessage, res: ServerResponse, key: string, session: Session) => {
    await formAction(req, res, (form) => {
      const verdict = authorize(req, session, form.get('csrf') ?? undefined);
      if (!verdict.ok) {
        access.logRefusal(req, verdict);
        sendHtml(
          res,
          verdict.status,
          messagePage('Refused', verdict.reason, viewerOf(req, session)),
          session,
        );
        return;
      }
      const repo = pollNow(req, key, verdict.via);
      if (!repo) {
        sendHtml(res, 404, messagePage('Not found', 'No such repository.', viewerOf(req, session)), session);
        return;
      }
      redirect(res, `/?polled=${repo.key}`, session.setCookies);
    });
  };

  const login = async (req: IncomingMessage, res: ServerResponse, session: Session) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      sendHtml(res, 200, loginPage(viewerOf(req, session), undefined), session);
      return;
    }
    await formAction(req, res, (form) => {
      const viewer = viewerOf(req, session);
      if (!sessions.tokenRequired) {
        sendHtml(res, 404, loginPage(viewer, undefined), session);
        return;
      }
      if (!sameOrigin(req) || !sessions.csrfValid(session, form.get('csrf') ?? undefined)) {
        sendHtml(res, 403, loginPage(viewer, 'Refused: reload the page and try again.'), session);
        return;
      }
      if (access.blocked(req)) {
        sendHtml(res, 429, loginPage(viewer, 'Too many failed tries: wait a minute.'), session);
        return;
      }
      if (!sessions.tokenMatches(form.get('token') ?? undefined)) {
        access.wrongToken(req, 'login');
        sendHtml(res, 403, loginPage(viewer, 'That is not the token.'), session);
        return;
      }
      redirect(res, '/', [...session.setCookies, sessions.signInCookie(req, session)]);
    });
  };

  const logout = async (req: IncomingMessage, res: ServerResponse, session: Session) => {
    await formAction(req, res, (form) => {
      if (!sameOrigin(req) || !sessions.csrfValid(session, form.get('csrf') ?? undefined)) {
        sendHtml(
          res,
          403,
          messagePage('Refused', 'Reload the page and try again.', viewerOf(req, session)),
          session,
        );
        return;
      }
      redirect(res, '/', [sessions.signOutCookie(req)]);
    });
  };

  // ---- the JSON API -----------------------------------------------------------------------------

  const api = async (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => {
    const get = req.method === 'GET' || req.method === 'HEAD';
    const page = { page: pageNumber(url.searchParams.get('page')), pageSize: pageSize(url) };
    if (get && path === '/api/status') return sendJson(res, 200, statusOf(source));
    if (get && path === '/api/repos')
      return sendJson(res, 200, { watcher: watcherStatus(source), ...listRepositories(source, page) });
    if (get && path === '/api/runs') {
      const key = url.searchParams.get('repo') ?? undefined;
      if (key !== undefined && !(KEY.test(key) && findRepository(source, key)))
        return sendJson(res, 404, { error: 'no such repository' });
      return sendJson(res, 200, listRuns(source, { ...page, repo: key }));
    }
    const poll = /^\/api\/repos\/([^/]+)\/poll$/.exec(path);
    if (poll) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' });
      const session = sessions.session(req);
      const header = req.headers['x-csrf-token'];
      const verdict = authorize(req, session, typeof header === 'string' ? header : undefined);
      if (!verdict.ok) {
        access.logRefusal(req, verdict);
        return sendJson(res, verdict.status, { error: verdict.reason });
      }
      const repo = pollNow(req, decodeURIComponent(poll[1] as string), verdict.via);
      if (!repo) return sendJson(res, 404, { error: 'no such repository' });
      return sendJson(res, 202, { polling: repo.display, key: repo.key });
    }
    const runMatch = /^\/api\/runs\/([^/]+)(\/log)?$/.exec(path);
    if (runMatch && get) {
      const run = lookupRun(decodeURIComponent(runMatch[1] as string));
      if (!run) return sendJson(res, 404, { error: 'no such run' });
      if (!runMatch[2]) return sendJson(res, 200, { run });
      const lastEventId = req.headers['last-event-id'];
      const from = Number.parseInt(
        (typeof lastEventId === 'string' ? lastEventId : undefined) ?? url.searchParams.get('offset') ?? '0',
        10,
      );
      const offset = Number.isFinite(from) && from > 0 ? from : 0;
      const wantsStream =
        url.searchParams.get('follow') === '1' ||
        String(req.headers.accept ?? '').includes('text/event-stream');
      if (wantsStream) return follow(req, res, run, offset, 'sse');
      const { path: _path, ...data } = runLogOf(source, run.id, { offset, wholeLines: false });
      return sendJson(res, 200, data);
    }
    if (runMatch || /^\/api\/(status|repos|runs)$/.test(path))
      return sendJson(res, 405, { error: `${req.method} is not allowed here` });
    return sendJson(res, 404, {
      error: 'not found: /api/status, /api/repos, /api/runs, /api/runs/ID, /api/runs/ID/log',
    });
  };

  return {
    async handle(req, res) {
      const url = parseRequestUrl(req.url);
      if (url === undefined) {
        // A request target that is no URL, or a path whose %-encoding is not UTF-8: the client's mistake.
        sendJson(res, 400, { error: 'bad request: the path is not a valid URL path' });
        return true;
      }
      const path = url.pathname;
      if (!UI_PATH.test(path)) return false;
      if (!hostAllowed(req, boundToLoopback)) {
        res.writeHead(421, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' });
        res.end('misdirected request: this server answers to its loopback address only\n');
        return true;
      }
      const method = req.method ?? 'GET';
      const get = method === 'GET' || method === 'HEAD';
      if (path.startsWith('/api/')) {
        await api(req, res, path, url);
        return true;
      }
      if (path.startsWith('/assets/') && get) {
        if (serveAsset(req, res, path.slice('/assets/'.length))) return true;
      }
      if (path === '/favicon.ico' && get) {
        redirect(res, '/assets/icon.svg');
        return true;
      }
      const session = sessions.session(req);
      const runMatch = /^\/runs\/([^/]+)(\/log)?$/.exec(path);
      const pollMatch = /^\/repos\/([^/]+)\/poll$/.exec(path);
      if (get && path === '/') overview(req, res, url, session);
      else if (get && path === '/runs') runsList(req, res, url, session);
      else if (get && runMatch && !runMatch[2])
        runDetail(req, res, decodeURIComponent(runMatch[1] as string), session);
      else if (get && runMatch) await rawLog(req, res, decodeURIComponent(runMatch[1] as string), url);
      else if (method === 'POST' && pollMatch)
        await pollForm(req, res, decodeURIComponent(pollMatch[1] as string), session);
      else if (path === '/login' && (get || method === 'POST')) await login(req, res, session);
      else if (method === 'POST' && path === '/logout') await logout(req, res, session);
      else if (pollMatch || path === '/' || path === '/runs' || runMatch || path === '/logout') {
        res.setHeader('allow', pollMatch || path === '/logout' ? 'POST' : 'GET, HEAD');
        sendHtml(
          res,
          405,
          messagePage('Not allowed', `${method} is not allowed here.`, viewerOf(req, session)),
        );
      } else
        sendHtml(
          res,
          404,
          messagePage('Not found', `Nothing at ${shown(path)}.`, viewerOf(req, session)),
          session,
        );
      return true;
    },
  };
}

/**
 * The request's URL, or undefined when it cannot be one or its path does not decode (bad %-encoding):
 * every decodeURIComponent of a path segment afterwards then succeeds, since a literal "/" never sits
 * inside an encoded UTF-8 sequence.
 */
export function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    const url = new URL(target ?? '/', 'http://localhost');
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return undefined;
  }
}

function pageSize(url: URL): number | undefined {
  const value = url.searchParams.get('page_size');
  if (value === null) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
