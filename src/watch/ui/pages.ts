/**
 * The status pages as HTML, from the same data as the JSON API (src/watch/status.ts). Real tables, state
 * shown by word and colour, no inline script or style (the Content-Security-Policy forbids both), and
 * every value from outside escaped by the `html` tag.
 */

import type { RunRecord } from '../runs.js';
import type { Page, RepoStatus, RunLog, WatcherStatus } from '../status.js';
import { assetUrl } from './assets.js';
import {
  absolute,
  ago,
  conditionLabel,
  nextPollText,
  runDuration,
  runFields,
  runLabel,
  shortHash,
  shortId,
  shown,
} from './format.js';
import { html, type SafeHtml, stripAnsi, urlPart } from './html.js';

/** What a page needs to know about the reader. */
export interface Viewer {
  /** The CSRF token for this session's forms. */
  readonly csrf: string;
  /** May act (poll now): on this machine, or signed in with the UI token. */
  readonly canAct: boolean;
  readonly local: boolean;
  readonly signedIn: boolean;
  /** A UI token exists, so signing in is possible. */
  readonly tokenRequired: boolean;
}

export function layout(title: string, viewer: Viewer | undefined, body: SafeHtml): string {
  let who: SafeHtml = html``;
  if (viewer) {
    if (viewer.signedIn)
      who = html`<span>Signed in</span><form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${viewer.csrf}"><button type="submit">Sign out</button></form>`;
    else if (viewer.local) who = html`<span>This machine: actions allowed</span>`;
    else if (viewer.tokenRequired) who = html`<span>Read-only</span><a href="/login">Sign in</a>`;
    else who = html`<span>Read-only</span>`;
  }
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
${
  viewer
    ? html`<meta name="csrf-token" content="${viewer.csrf}">
`
    : ''
}<title>${title} · duat git-watch</title>
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="icon" href="${assetUrl('icon.svg')}" type="image/svg+xml">
<script src="${assetUrl('app.js')}" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="/">duat git-watch</a>
<nav aria-label="Main"><a href="/">Repositories</a><a href="/runs">Runs</a><a href="/api/status">JSON</a></nav>
<div class="who">${who}</div>
</header>
<main>
${body}
</main>
<footer>duat git-watch · <a href="/api/status">JSON API</a> · <a href="/metrics">metrics</a> · <a href="/healthz">health</a></footer>
</body>
</html>
`.value;
}

function runBadge(run: RunRecord, id?: string): SafeHtml {
  return html`<span class="state state-${run.state}"${id ? html` id="${id}"` : ''}>${runLabel(run)}</span>`;
}

function timeTag(iso: string | undefined, now: number): SafeHtml {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}" title="${absolute(iso)}">${ago(iso, now)}</time>`;
}

function pager(page: Page<unknown>, link: (n: number) => string, label: string): SafeHtml {
  if (page.pages <= 1) return html``;
  const prev =
    page.page > 1
      ? html`<a href="${link(page.page - 1)}" rel="prev">← Newer</a>`
      : html`<span class="off">← Newer</span>`;
  const next =
    page.page < page.pages
      ? html`<a href="${link(page.page + 1)}" rel="next">Older →</a>`
      : html`<span class="off">Older →</span>`;
  return html`<nav class="pager" aria-label="${label}">${prev}<span>Page ${page.page} of ${page.pages}</span>${next}</nav>`;
}

function range(page: Page<unknown>): string {
  if (page.total === 0) return 'none';
  const first = (page.page - 1) * page.pageSize + 1;
  const last = first + page.items.length - 1;
  return page.pages > 1 ? `${first}–${last} of ${page.total}` : String(page.total);
}

function repoRow(repo: RepoStatus, viewer: Viewer, running: boolean, now: number): SafeHtml {
  const commit = repo.lastCommit
    ? html`<code>${shortHash(repo.lastCommit.commit)}</code> <span class="subject">${shown(repo.lastCommit.subject) || '(subject not fetched yet)'}</span>${
        repo.lastCommit.author ? html`<span class="sub">${shown(repo.lastCommit.author)}</span>` : ''
      }`
    : html`<span class="muted">none seen</span>`;
  const last = repo.lastRun
    ? html`${runBadge(repo.lastRun)} <a href="/runs/${urlPart(repo.lastRun.id)}" class="mono">${shortId(repo.lastRun.id)}</a><span class="sub">${ago(repo.lastRun.startedAt ?? repo.lastRun.seenAt, now)}${repo.queued > 0 ? ` · ${repo.queued} queued` : ''}</span>`
    : html`<span class="muted">no runs</span>`;
  const condition = html`<span class="state state-${repo.condition}">${conditionLabel(repo.condition)}</span>`;
  const backoff = repo.backingOff
    ? html`<span class="sub backoff">backing off: ${repo.failures} failed poll${repo.failures === 1 ? '' : 's'} in a row${
        repo.error ? html`: ${shown(repo.error)}` : ''
      }</span>`
    : '';
  const action = viewer.canAct
    ? html`<form class="inline" method="post" action="/repos/${urlPart(repo.key)}/poll"><input type="hidden" name="csrf" value="${viewer.csrf}"><button type="submit" aria-label="Poll ${shown(repo.url)} now">Poll now</button></form>`
    : '';
  return html`<tr data-repo="${repo.key}">
<td class="repo" data-label="Repository">${shown(repo.url)}<span class="sub"><a href="/runs?repo=${urlPart(repo.key)}">runs</a></span></td>
<td data-label="Branch"><code>${repo.branch ?? '?'}</code></td>
<td data-label="Last commit">${commit}</td>
<td data-label="Last run">${last}</td>
<td data-label="Polling">${condition}<span class="sub">next poll ${nextPollText(repo, running, now)}</span>${backoff}</td>
<td data-label="Actions">${action}</td>
</tr>`;
}

function repoTable(repos: readonly RepoStatus[], viewer: Viewer, running: boolean, now: number): SafeHtml {
  if (repos.length === 0)
    return html`<p class="muted">No repositories yet: the watcher has not written its status.</p>`;
  return html`<div class="card"><table class="rows">
<caption class="visually-hidden">Watched repositories</caption>
<thead><tr><th scope="col">Repository</th><th scope="col">Branch</th><th scope="col">Last commit</th><th scope="col">Last run</th><th scope="col">Polling</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${repos.map((r) => repoRow(r, viewer, running, now))}</tbody>
</table></div>`;
}

function runRow(run: RunRecord, now: number): SafeHtml {
  return html`<tr data-run="${run.id}">
<td data-label="Run"><a class="mono" href="/runs/${urlPart(run.id)}">${shortId(run.id)}</a></td>
<td data-label="Result">${runBadge(run)}</td>
<td class="repo" data-label="Repository">${shown(run.url)}<span class="sub">${run.branch}</span></td>
<td data-label="Commit"><code>${shortHash(run.commit)}</code> <span class="subject">${shown(run.subject)}</span></td>
<td data-label="Started">${timeTag(run.startedAt, now)}</td>
<td data-label="Duration">${runDuration(run, now)}</td>
</tr>`;
}

function runTable(runs: readonly RunRecord[], now: number): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No runs yet.</p>`;
  return html`<div class="card"><table class="rows">
<caption class="visually-hidden">Runs, newest first</caption>
<thead><tr><th scope="col">Run</th><th scope="col">Result</th><th scope="col">Repository</th><th scope="col">Commit</th><th scope="col">Started</th><th scope="col">Duration</th></tr></thead>
<tbody>${runs.map((r) => runRow(r, now))}</tbody>
</table></div>`;
}

export interface Counts {
  readonly repositories: number;
  readonly unreachable: number;
  readonly running: number;
  readonly queued: number;
}

function watcherLine(watcher: WatcherStatus | undefined, counts: Counts, now: number): SafeHtml {
  const state = !watcher
    ? html`<span>Watcher: <strong>no status yet</strong></span>`
    : watcher.running
      ? html`<span>Watcher: <strong>running</strong> since ${timeTag(watcher.startedAt, now)}, runner ${watcher.runner}</span>`
      : html`<span>Watcher: <strong>stopped</strong> ${timeTag(watcher.stoppedAt ?? watcher.updatedAt, now)}</span>`;
  return html`<p class="summary">${state}<span><strong>${counts.repositories}</strong> repositories</span><span><strong>${counts.unreachable}</strong> unreachable</span><span><strong>${counts.running}</strong> running</span><span><strong>${counts.queued}</strong> queued</span></p>`;
}

export interface OverviewData {
  readonly watcher: WatcherStatus | undefined;
  readonly repos: Page<RepoStatus>;
  readonly runs: Page<RunRecord>;
  readonly counts: Counts;
  /** A repository just asked to poll (after "poll now"). */
  readonly polled: string | undefined;
}

export function overviewPage(data: OverviewData, viewer: Viewer, now: number): string {
  const running = data.watcher?.running === true;
  const notice = data.polled
    ? html`<p class="notice" role="status">Polling ${shown(data.polled)} now.</p>`
    : '';
  const body = html`<h1>Status</h1>
${notice}
<div id="live" data-refresh="5">
${watcherLine(data.watcher, data.counts, now)}
<h2 id="repositories">Repositories <span class="count">${range(data.repos)}</span></h2>
${repoTable(data.repos.items, viewer, running, now)}
${pager(data.repos, (n) => `/?repos=${n}#repositories`, 'Repository pages')}
<h2 id="runs">Recent runs <span class="count">${range(data.runs)}</span>${data.runs.pages > 1 ? html` <a href="/runs?page=2">older runs</a>` : ''}</h2>
${runTable(data.runs.items, now)}
</div>`;
  return layout('Status', viewer, body);
}

export function runsPage(
  runs: Page<RunRecord>,
  repo: RepoStatus | undefined,
  repoKey: string | undefined,
  viewer: Viewer,
  now: number,
): string {
  const link = (n: number) => `/runs?${repoKey ? `repo=${urlPart(repoKey)}&` : ''}page=${n}`;
  const title = repo ? html`Runs of ${shown(repo.url)} <code>${repo.branch ?? ''}</code>` : html`Runs`;
  const body = html`<p><a href="/">← Status</a></p>
<h1>${title}</h1>
<div id="live" data-refresh="5">
<h2>Newest first <span class="count">${range(runs)}</span></h2>
${runTable(runs.items, now)}
${pager(runs, link, 'Run pages')}
</div>`;
  return layout('Runs', viewer, body);
}

export function runPage(log: RunLog, live: boolean, viewer: Viewer, now: number): string {
  const run = log.run;
  const fields = runFields(run, now);
  const base = `/runs/${urlPart(run.id)}`;
  const truncated =
    log.offset > 0
      ? html`<p class="muted">The first ${Math.round(log.offset / 1024)} KiB are left out here: <a href="${base}/log">the whole log</a>.</p>`
      : '';
  const stream = live ? `/api/runs/${urlPart(run.id)}/log?follow=1&offset=${log.next}` : undefined;
  const liveNote = live
    ? html`<span id="log-live" class="live" role="status">The run is going: this log follows it live.</span>`
    : html`<span id="log-live" class="muted">The run has ended.</span>`;
  const body = html`<p><a href="/">← Status</a></p>
<h1>Run <code>${shortId(run.id)}</code> ${runBadge(run, 'run-state')}</h1>
<div class="card"><dl class="meta">
<dt>Repository</dt><dd>${shown(run.url)}</dd>
<dt>Branch</dt><dd><code>${run.branch}</code></dd>
<dt>Commit</dt><dd><code>${run.commit}</code><span class="sub" data-field="subject">${fields.subject}</span></dd>
<dt>Seen</dt><dd>${absolute(run.seenAt)} (${ago(run.seenAt, now)}, by ${run.seenBy})</dd>
<dt>Started</dt><dd data-field="started">${fields.started}</dd>
<dt>Finished</dt><dd data-field="finished">${fields.finished}</dd>
<dt>Duration</dt><dd data-field="duration">${fields.duration}</dd>
<dt>Exit code</dt><dd data-field="exit">${fields.exit}</dd>
<dt>Error</dt><dd data-field="error">${fields.error}</dd>
<dt>Attempt</dt><dd data-field="attempt">${fields.attempt}</dd>
<dt>Runner</dt><dd>${run.runner}${run.namespace ? html`, namespace <code>${run.namespace}</code>` : ''}</dd>
<dt>Run id</dt><dd><code>${run.id}</code></dd>
</dl></div>
<div class="log-head"><h2>Log</h2><span>${liveNote} · <a href="${base}/log">plain text</a></span></div>
${truncated}
<pre class="log" id="log"${stream ? html` data-stream="${stream}" aria-busy="true"` : ''}>${stripAnsi(log.log)}</pre>
${live ? html`<noscript><p>Without JavaScript: <a href="${base}/log?follow=1">follow the log as plain text</a>, or reload this page.</p></noscript>` : ''}`;
  return layout(`Run ${shortId(run.id)}`, viewer, body);
}

export function loginPage(viewer: Viewer, message: string | undefined): string {
  const body = viewer.tokenRequired
    ? html`<h1>Sign in</h1>
<div class="login">
<p>Actions such as "poll now" from another machine need the token git-watch was started with (<code>--ui-token</code>).</p>
${message ? html`<p class="notice bad" role="alert">${message}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="${viewer.csrf}">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</div>`
    : html`<h1>Sign in</h1><p>This git-watch has no <code>--ui-token</code>: actions are allowed only from this machine, and the pages are read-only elsewhere.</p>`;
  return layout('Sign in', viewer, body);
}

export function messagePage(title: string, message: string, viewer: Viewer | undefined): string {
  return layout(
    title,
    viewer,
    html`<h1>${title}</h1><p class="notice bad" role="alert">${message}</p><p><a href="/">← Status</a></p>`,
  );
}
