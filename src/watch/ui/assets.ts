/**
 * The status pages' assets, built into the package as strings: one stylesheet, one small script (live
 * logs and a gentle refresh of the lists; the pages work without it) and an icon. Nothing is loaded
 * from anywhere else, so the pages work offline and the Content-Security-Policy can say 'self' only.
 */
import { createHash } from 'node:crypto';

export const STYLESHEET = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --fg: #1f2328; --muted: #59636e; --card: #ffffff; --line: #d8dee4; --head: #24292f;
  --link: #0550ae; --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #b3261e; --bad-bg: #ffebe9;
  --run: #0550ae; --run-bg: #ddf4ff; --wait: #59636e; --wait-bg: #eef0f2; --warn: #7d4e00; --warn-bg: #fff1c5;
  --code-bg: #0d1117; --code-fg: #e6edf3;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #151b23; --line: #30363d; --head: #010409;
    --link: #58a6ff; --ok: #3fb950; --ok-bg: #12261e; --bad: #ff7b72; --bad-bg: #301a1f;
    --run: #58a6ff; --run-bg: #121d2f; --wait: #9198a1; --wait-bg: #21262d; --warn: #d29922; --warn-bg: #2e2510;
    --code-bg: #010409; --code-fg: #e6edf3;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
}
a { color: var(--link); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
header.top {
  background: var(--head); color: #fff; padding: 10px 20px; display: flex; flex-wrap: wrap;
  align-items: center; gap: 6px 20px;
}
header.top a { color: #fff; }
header.top .brand { font-weight: 700; font-size: 17px; letter-spacing: .2px; }
header.top nav { display: flex; gap: 16px; flex-wrap: wrap; }
header.top .who { margin-left: auto; font-size: 13px; color: #d0d7de; display: flex; gap: 10px; align-items: center; }
header.top .who form { margin: 0; }
header.top .who button { background: transparent; color: #d0d7de; border-color: #57606a; }
main { max-width: 1280px; margin: 0 auto; padding: 18px 20px 40px; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 26px 0 10px; display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
h2 .count { color: var(--muted); font-weight: 400; font-size: 14px; }
.summary { display: flex; flex-wrap: wrap; gap: 8px 22px; color: var(--muted); margin: 0 0 6px; }
.summary strong { color: var(--fg); }
.notice { border: 1px solid var(--line); border-left: 4px solid var(--run); background: var(--card); padding: 8px 12px; border-radius: 6px; margin: 10px 0; }
.notice.bad { border-left-color: var(--bad); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; padding: 0 0 6px; color: var(--muted); }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); font-weight: 600; background: var(--bg); }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover { background: color-mix(in srgb, var(--run-bg) 35%, transparent); }
td.repo { overflow-wrap: anywhere; min-width: 18em; }
.sub { display: block; color: var(--muted); font-size: 13px; word-break: break-word; }
.subject { display: block; max-width: 36em; overflow-wrap: anywhere; }
.state {
  display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12.5px; font-weight: 600;
  white-space: nowrap; border: 1px solid transparent;
}
.state::before { content: ""; display: inline-block; width: 7px; height: 7px; border-radius: 50%; background: currentColor; margin-right: 6px; vertical-align: 1px; }
.state-succeeded, .state-ok { color: var(--ok); background: var(--ok-bg); border-color: color-mix(in srgb, var(--ok) 30%, transparent); }
.state-failed, .state-unreachable { color: var(--bad); background: var(--bad-bg); border-color: color-mix(in srgb, var(--bad) 30%, transparent); }
.state-started { color: var(--run); background: var(--run-bg); border-color: color-mix(in srgb, var(--run) 30%, transparent); }
.state-started::before { animation: pulse 1.2s ease-in-out infinite; }
.state-queued, .state-new, .state-empty, .state-none { color: var(--wait); background: var(--wait-bg); }
.state-interrupted, .state-no-branch { color: var(--warn); background: var(--warn-bg); border-color: color-mix(in srgb, var(--warn) 30%, transparent); }
@keyframes pulse { 50% { opacity: .25; } }
@media (prefers-reduced-motion: reduce) { .state-started::before { animation: none; } }
.backoff { color: var(--bad); font-size: 13px; }
button, .button {
  font: inherit; font-size: 13px; padding: 4px 11px; border-radius: 6px; border: 1px solid var(--line);
  background: var(--card); color: var(--fg); cursor: pointer; white-space: nowrap;
}
button:hover { border-color: var(--link); color: var(--link); }
form.inline { display: inline; margin: 0; }
.pager { display: flex; gap: 10px; align-items: center; justify-content: flex-end; padding: 10px 0; color: var(--muted); flex-wrap: wrap; }
.pager a, .pager span.off { padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); }
.pager span.off { opacity: .45; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; padding: 14px 16px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.log-head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; flex-wrap: wrap; }
pre.log {
  background: var(--code-bg); color: var(--code-fg); margin: 0; padding: 14px 16px; border-radius: 8px;
  overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; min-height: 4em; line-height: 1.45;
}
.muted { color: var(--muted); }
.live { color: var(--run); font-size: 13px; }
.login { max-width: 420px; }
.login input { font: inherit; width: 100%; padding: 7px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); margin: 6px 0 12px; }
footer { color: var(--muted); font-size: 12.5px; text-align: center; padding: 12px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 760px) {
  main { padding: 12px 10px 30px; }
  header.top { padding: 10px 12px; }
  header.top .who { margin-left: 0; }
  .card { border: 0; background: transparent; overflow: visible; }
  table.rows thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.rows, table.rows tbody, table.rows tr, table.rows td { display: block; width: 100%; }
  table.rows tr { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px; padding: 4px 0; }
  table.rows td { border: 0; padding: 4px 12px 4px calc(12px + 7.5em); position: relative; min-width: 0; min-height: 2em; }
  table.rows td::before { content: attr(data-label); position: absolute; left: 12px; top: 6px; width: 7em; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .3px; }
  table.rows td:empty { display: none; }
  dl.meta { grid-template-columns: 1fr; gap: 0 0; }
  dl.meta dd { margin-bottom: 8px; }
}
`;

/**
 * The one script. On a run's page it follows the log with Server-Sent Events (appending text nodes:
 * the text is never parsed as HTML) until the run ends; on the lists it refreshes the live part every
 * few seconds while the tab is visible and no form has the focus.
 */
export const SCRIPT = `'use strict';
(function () {
  var log = document.getElementById('log');
  if (log && log.getAttribute('data-stream')) follow(log);
  if (document.querySelector('[data-refresh]')) refreshLater();
  if (window.history && /[?&]polled=/.test(location.search)) {
    var u = new URL(location.href);
    u.searchParams.delete('polled');
    history.replaceState(null, '', u.pathname + u.search);
  }

  function follow(log) {
    var note = document.getElementById('log-live');
    var source = new EventSource(log.getAttribute('data-stream'));
    function nearBottom() {
      return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
    }
    source.addEventListener('chunk', function (event) {
      var stick = nearBottom();
      log.appendChild(document.createTextNode(JSON.parse(event.data).text));
      if (stick) window.scrollTo(0, document.documentElement.scrollHeight);
    });
    function show(run) {
      var fields = run.fields || {};
      Object.keys(fields).forEach(function (name) {
        var el = document.querySelector('[data-field="' + name + '"]');
        if (el) el.textContent = fields[name];
      });
      var badge = document.getElementById('run-state');
      if (badge) {
        badge.textContent = run.label;
        badge.className = 'state state-' + run.state;
      }
    }
    source.addEventListener('state', function (event) {
      show(JSON.parse(event.data));
    });
    source.addEventListener('end', function (event) {
      source.close();
      show(JSON.parse(event.data));
      if (note) note.textContent = 'The run has ended.';
      log.removeAttribute('aria-busy');
    });
    source.onopen = function () {
      if (note) note.textContent = 'Following the log as the job writes it.';
    };
    source.onerror = function () {
      if (note && source.readyState !== 2) note.textContent = 'Connection lost: reconnecting...';
    };
  }

  function refreshLater() {
    setTimeout(refresh, 5000);
  }
  function refresh() {
    var live = document.querySelector('[data-refresh]');
    var busy = document.activeElement && document.activeElement.closest && document.activeElement.closest('form');
    if (!live || document.hidden || busy) return refreshLater();
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) { return res.ok ? res.text() : ''; })
      .then(function (text) {
        if (!text) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-refresh]');
        var now = document.querySelector('[data-refresh]');
        if (fresh && now) now.replaceWith(document.adoptNode(fresh));
      })
      .catch(function () {})
      .then(refreshLater);
  }
})();
`;

export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#24292f"/><path d="M6 16c4-6 16-6 20 0-4 6-16 6-20 0z" fill="none" stroke="#fff" stroke-width="2.2"/><circle cx="16" cy="16" r="3.4" fill="#3fb950"/></svg>`;

export interface Asset {
  readonly body: string;
  readonly type: string;
  readonly etag: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` };
}

/** Served under /assets/NAME; the version in the link makes every change a new URL. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'app.css': asset(STYLESHEET, 'text/css; charset=utf-8'),
  'app.js': asset(SCRIPT, 'text/javascript; charset=utf-8'),
  'icon.svg': asset(FAVICON, 'image/svg+xml'),
};

/** `/assets/NAME?v=HASH`: cached for a year by browsers, new when the asset changes. */
export function assetUrl(name: keyof typeof ASSETS | string): string {
  const found = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  return `/assets/${name}${found ? `?v=${found.etag.slice(1, 9)}` : ''}`;
}
