/**
 * The status pages in a real browser: Debian's chromium driven by playwright-core (nothing downloaded),
 * against a git-watch watching a repository served by `git daemon` on 127.0.0.1. Screenshots of each
 * page go to test-artifacts/ui/.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/watch/runs.js';
import { pushCommit } from '../helpers/git-server.js';
import { finishedRunFor, runFor, waitFor } from '../watch/helpers.js';
import {
  launchBrowser,
  pollsMade,
  pushWithMessage,
  screenshot,
  startUiWatch,
  watchPageProblems,
} from './helpers.js';

const XSS = '<img src=x onerror=alert(1)>';
/** Slow when the commit has a file named `slow`: a line every 0.4 s, a log that grows while it is watched. */
const JOB =
  'if [ -f slow ]; then i=1; while [ $i -le 12 ]; do echo "line $i"; i=$((i+1)); sleep 0.4; done; else echo quick job; fi';

/**
 * Waits until the text of `selector` passes `test`. (Not page.waitForFunction: evaluating a string
 * in the page is what the pages' Content-Security-Policy forbids, and it does.)
 */
async function until(page: Page, selector: string, test: (text: string) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await page.locator(selector).first().textContent()) ?? '';
    if (test(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${selector}: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** A mark set in the page's window: still there later means the page was not reloaded. */
function markDocument(page: Page): Promise<void> {
  return page.evaluate(() => {
    (globalThis as Record<string, unknown>).__sameDocument = true;
  });
}

function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as Record<string, unknown>).__sameDocument === true);
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** A log without the lines git-watch itself adds (`--- duat git-watch: run ID attempt 1, ...`). */
function jobOutput(log: string): string {
  return log
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith('--- duat git-watch:'))
    .join('');
}

describe('status pages in chromium', { timeout: 240_000 }, () => {
  it('lists repositories and runs, shows a hostile commit subject as text, polls now, and follows a running log live', async (t) => {
    let first = '';
    const w = await startUiWatch(t, { job: { kind: 'command', command: JOB } }, (repo) => {
      first = pushWithMessage(repo.work, 'f', '1', XSS);
    });
    const firstRun = await waitFor('the first run', () => finishedRunFor(w.state, first));

    const context = await launchBrowser(t);
    const page = await context.newPage();
    const problems = watchPageProblems(page);

    // The status page: the repository and its run, the subject as text (no <img> made, no alert).
    await page.goto(`${w.base}/`);
    const repoRow = page.locator('tr[data-repo]');
    assert.equal(await repoRow.count(), 1);
    assert.match((await repoRow.textContent()) ?? '', new RegExp(`${w.url.replace(/[.]/g, '\\.')}`));
    assert.equal(await repoRow.locator('.subject').textContent(), XSS);
    assert.match((await repoRow.textContent()) ?? '', /Test Author/);
    assert.match((await repoRow.textContent()) ?? '', new RegExp(first.slice(0, 7)));
    assert.equal(await page.locator('main img').count(), 0, 'the subject made no element');
    const runRow = page.locator(`tr[data-run="${firstRun.id}"]`);
    assert.match((await runRow.textContent()) ?? '', /succeeded/);
    assert.equal(await runRow.locator('.subject').textContent(), XSS);
    assert.equal(await text(page, '.who'), 'This machine: actions allowed');
    t.diagnostic(await screenshot(page, 'status'));

    // A phone's width: the tables become stacked rows, nothing is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const fits = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
        .document;
      return doc.documentElement.scrollWidth <= (globalThis as unknown as { innerWidth: number }).innerWidth;
    });
    assert.equal(fits, true, 'nothing wider than the screen');
    t.diagnostic(await screenshot(page, 'status-phone'));
    await page.setViewportSize({ width: 1280, height: 860 });

    // The finished run's page: metadata and log, the subject as text.
    await page.goto(`${w.base}/runs/${firstRun.id}`);
    assert.equal(await text(page, '#run-state'), 'succeeded');
    assert.equal(jobOutput(await text(page, '#log')), 'quick job\n');
    assert.match(await text(page, 'dl.meta'), /<img src=x onerror=alert\(1\)> — Test Author/);
    assert.equal(await page.locator('main img').count(), 0);
    t.diagnostic(await screenshot(page, 'run-finished'));

    // "Poll now": the watcher polls only hourly, so the new commit is seen only because of the button.
    const slow = pushCommit(w.work, 'slow', 'yes');
    await sleep(300);
    assert.equal(runFor(w.state, slow), undefined, 'not seen before "poll now"');
    const pollsBefore = await pollsMade(w.base);
    await page.goto(`${w.base}/`);
    const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/poll'));
    await page.getByRole('button', { name: /^Poll .* now$/ }).click();
    assert.equal((await posted).status(), 303);
    await page.waitForLoadState();
    assert.match(await text(page, '.notice'), /^Polling git:\/\/127\.0\.0\.1:\d+\/app\.git now\.$/);
    const slowRun: RunRecord = await waitFor('the run "poll now" started', () => runFor(w.state, slow));
    assert.ok((await pollsMade(w.base)) > pollsBefore);
    assert.equal(
      w.log.count(/poll now: git:\/\/127\.0\.0\.1:\d+\/app\.git \(asked from 127\.0\.0\.1, this machine\)/),
      1,
    );

    // Its page while it runs: the log grows with no reload, and stops when the run ends.
    await page.goto(`${w.base}/runs/${slowRun.id}`);
    await markDocument(page);
    await until(page, '#log', (log) => log.includes('line 2\n'));
    const early = await text(page, '#log');
    assert.doesNotMatch(early, /line 12/, 'the page was opened while the job ran');
    await until(page, '#run-state', (state) => state === 'running'); // it may have been queued at first
    assert.match(await text(page, '[data-field="started"]'), /UTC/);
    t.diagnostic(await screenshot(page, 'run-live'));
    await until(page, '#run-state', (state) => state === 'succeeded');
    const full = await text(page, '#log');
    assert.ok(full.length > early.length, 'the log grew');
    assert.equal(
      jobOutput(full),
      `${Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n')}\n`,
      'every line once, in order',
    );
    assert.equal(await sameDocument(page), true, 'no reload');
    assert.equal(await text(page, '#log-live'), 'The run has ended.');
    assert.equal(await text(page, '[data-field="exit"]'), '0');
    t.diagnostic(await screenshot(page, 'run-ended'));

    // The runs list.
    await page.goto(`${w.base}/runs`);
    assert.equal(await page.locator('tr[data-run]').count(), 2);
    assert.equal(
      await page.locator('tr[data-run]').first().getAttribute('data-run'),
      slowRun.id,
      'newest first',
    );
    t.diagnostic(await screenshot(page, 'runs'));

    assert.deepEqual(problems, [], 'no script error, no blocked resource, no dialog');
  });

  it('refuses a cross-origin POST from a page of another origin open in the same browser', async (t) => {
    let first = '';
    const w = await startUiWatch(t, {}, (repo) => {
      first = pushCommit(repo.work, 'f', '1');
    });
    await waitFor('the first run', () => finishedRunFor(w.state, first));
    const key = ((await (await fetch(`${w.base}/api/repos`)).json()) as { items: { key: string }[] }).items[0]
      ?.key as string;
    // The attacker: another loopback port (the same site as 127.0.0.1, so cookies go along), a page that
    // posts to "poll now" with fetch and with a form, without the session's CSRF token it cannot read.
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>cute cats</title>
<form id="f" method="post" action="${w.base}/repos/${key}/poll"><input type="hidden" name="csrf" value="forged"></form>
<script>
fetch(${JSON.stringify(`${w.base}/api/repos/${key}/poll`)}, { method: 'POST', mode: 'no-cors', credentials: 'include' })
  .catch(() => {}).then(() => document.getElementById('f').submit());
</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    t.after(
      () =>
        new Promise<void>((resolve) => {
          evil.close(() => resolve());
          evil.closeAllConnections();
        }),
    );
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;

    const context = await launchBrowser(t);
    const page = await context.newPage();
    await page.goto(`${w.base}/`); // the victim has a session with git-watch
    assert.equal(await page.getByRole('button', { name: /^Poll .* now$/ }).count(), 1);
    const second = pushCommit(w.work, 'f', '2');
    const pollsBefore = await pollsMade(w.base);

    const refused = page.waitForResponse((r) => r.url() === `${w.base}/repos/${key}/poll`);
    await page.goto(evilUrl);
    const response = await refused;
    assert.equal(response.status(), 403);
    await page.waitForLoadState();
    assert.match(await text(page, 'main'), /refused: the request does not come from this page/);
    t.diagnostic(await screenshot(page, 'cross-origin-refused'));

    await sleep(700);
    assert.equal(await pollsMade(w.base), pollsBefore, 'no poll');
    assert.equal(runFor(w.state, second), undefined, 'the new commit was not seen');
    assert.equal(
      w.log.count(
        /poll now refused .*origin http:\/\/127\.0\.0\.1:\d+\): refused: the request does not come/,
      ),
      2,
    );
    assert.equal(w.log.count(/poll now: /), 0);
  });

  it('works without JavaScript: the lists with an unreachable repository backing off, a run and its log', async (t) => {
    let first = '';
    let unreachable = '';
    const w = await startUiWatch(
      t,
      {},
      (repo) => {
        first = pushWithMessage(repo.work, 'f', '1', 'fix: <b>bold</b> & "quotes"');
        unreachable = `git://127.0.0.1:${repo.daemon.port}/missing.git`;
      },
      (repo) => [repo.url, unreachable],
    );
    const run = await waitFor('the first run', () => finishedRunFor(w.state, first));
    const context = await launchBrowser(t, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${w.base}/`);
    const rows = page.locator('tr[data-repo]');
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.first().locator('.subject').textContent(), 'fix: <b>bold</b> & "quotes"');
    assert.equal(await page.locator('main b').count(), 0);
    const down = (await rows.nth(1).textContent()) ?? '';
    assert.match(down, /unreachable/);
    assert.match(down, /backing off: 1 failed poll in a row: /);
    assert.match(await text(page, '.summary'), /2 repositories1 unreachable/);
    t.diagnostic(await screenshot(page, 'status-no-js'));
    await page.locator(`tr[data-run="${run.id}"] a`).first().click();
    await page.waitForURL(`${w.base}/runs/${run.id}`);
    assert.equal(jobOutput(await text(page, '#log')), 'quick\n');
    assert.equal(await text(page, '#run-state'), 'succeeded');
    t.diagnostic(await screenshot(page, 'run-no-js'));
    await page.goto(`${w.base}/runs/${run.id}/log`);
    assert.equal(jobOutput(await text(page, 'body')), 'quick\n');
  });
});
