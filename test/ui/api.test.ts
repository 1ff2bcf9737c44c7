/**
 * The JSON API under /api/ and `duat git-watch status --json` are one set of data; lists are pages,
 * newest first; logs are read from an offset, followed live, and never show a credential. The HTML
 * helpers escape everything that came from outside.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type RunRecord, runId } from '../../src/watch/runs.js';
import {
  diskSource,
  listRepositories,
  listRuns,
  readSnapshot,
  runLogOf,
  statusOf,
  type WatcherSnapshot,
  watchKey,
} from '../../src/watch/status.js';
import { escapeHtml, html, raw, stripAnsi } from '../../src/watch/ui/html.js';
import { pushCommit } from '../helpers/git-server.js';
import { tempDir } from '../helpers/tmp.js';
import { finishedRunFor, runCli, waitFor } from '../watch/helpers.js';
import { pushWithMessage, request, startUiWatch } from './helpers.js';

const TOKEN = 'ui-token-abcdef0123456789';

/** A state directory with `repos` repositories and `runs` finished runs spread over them. */
function fakeState(
  dir: string,
  repos: number,
  runs: number,
): { snapshot: WatcherSnapshot; runs: RunRecord[] } {
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  const repositories = Array.from({ length: repos }, (_, i) => ({
    display: `https://git.example.com/o/r${i}.git^main`,
    url: `https://git.example.com/o/r${i}.git`,
    branch: 'main',
    condition: i % 10 === 9 ? ('unreachable' as const) : ('ok' as const),
    lastSeen: undefined as string | undefined,
    lastPollAt: new Date(t0).toISOString(),
    nextPollAt: undefined,
    failures: i % 10 === 9 ? 3 : 0,
    error: i % 10 === 9 ? 'connection refused' : undefined,
  }));
  const records: RunRecord[] = [];
  for (let n = 0; n < runs; n++) {
    const repo = repositories[n % repos] as (typeof repositories)[number];
    const commit = n.toString(16).padStart(40, 'a');
    const started = new Date(t0 + n * 60_000).toISOString();
    const record: RunRecord = {
      format: 1,
      id: runId(repo.url, 'main', commit),
      url: repo.url,
      branch: 'main',
      commit,
      display: repo.display,
      state: n % 7 === 0 ? 'failed' : 'succeeded',
      attempt: 1,
      seenAt: started,
      seenBy: 'poll',
      runner: 'local',
      startedAt: started,
      finishedAt: new Date(t0 + n * 60_000 + 5_000).toISOString(),
      exitCode: n % 7 === 0 ? 1 : 0,
      author: `Author ${n}`,
      subject: `Commit number ${n}`,
    };
    repo.lastSeen = commit;
    records.push(record);
    mkdirSync(join(dir, 'runs', record.id), { recursive: true });
    writeFileSync(join(dir, 'runs', record.id, 'run.json'), JSON.stringify(record));
  }
  const snapshot: WatcherSnapshot = {
    format: 1,
    pid: 1,
    host: 'elsewhere',
    startedAt: new Date(t0).toISOString(),
    updatedAt: new Date(t0).toISOString(),
    stoppedAt: new Date(t0).toISOString(),
    once: false,
    intervalMs: 60_000,
    runner: 'local',
    repositories,
  };
  writeFileSync(join(dir, 'status.json'), JSON.stringify(snapshot));
  return { snapshot, runs: records };
}

describe('status data and the JSON API', { timeout: 120_000 }, () => {
  it('pages repositories and runs, newest first', (t) => {
    const dir = tempDir(t);
    const made = fakeState(dir, 120, 130);
    const source = diskSource(dir);
    const newestFirst = [...made.runs].reverse().map((r) => r.id);

    const pages = [1, 2, 3].map((page) => listRuns(source, { page }));
    assert.deepEqual(
      pages.map((p) => [p.page, p.items.length, p.total, p.pages, p.pageSize]),
      [
        [1, 50, 130, 3, 50],
        [2, 50, 130, 3, 50],
        [3, 30, 130, 3, 50],
      ],
    );
    assert.deepEqual(
      pages.flatMap((p) => p.items.map((r) => r.id)),
      newestFirst,
    );
    assert.equal(listRuns(source, { page: 99 }).page, 3, 'past the end: the last page');
    assert.equal(listRuns(source, { page: -4 }).page, 1);
    assert.equal(listRuns(source, { pageSize: 100_000 }).pageSize, 500, 'a page is at most 500');

    // One repository's runs: r5 has runs 5 and 125.
    const key = watchKey('https://git.example.com/o/r5.git^main');
    const own = listRuns(source, { repo: key });
    assert.deepEqual(
      own.items.map((r) => r.subject),
      ['Commit number 125', 'Commit number 5'],
    );

    const repos = listRepositories(source, { page: 3 });
    assert.deepEqual([repos.page, repos.items.length, repos.total, repos.pages], [3, 20, 120, 3]);
    const r109 = repos.items.find((r) => r.url === 'https://git.example.com/o/r109.git');
    assert.equal(r109?.backingOff, true);
    assert.equal(r109?.key, watchKey(r109?.display ?? ''));
    const r5 = listRepositories(source).items[5];
    assert.equal(r5?.lastRun?.subject, 'Commit number 125');
    assert.deepEqual(r5?.lastCommit, {
      commit: (125).toString(16).padStart(40, 'a'),
      author: 'Author 125',
      subject: 'Commit number 125',
    });

    // status --json: every repository and the 20 newest runs, from the same functions.
    const status = statusOf(source);
    assert.equal(status.repositories.length, 120);
    assert.deepEqual(
      status.runs.map((r) => r.id),
      newestFirst.slice(0, 20),
    );
    const cli = JSON.parse(runCli(['git-watch', 'status', '--json', '--persistent-state-dir', dir]).stdout);
    assert.deepEqual(cli, JSON.parse(JSON.stringify(status)));
  });

  it('serves at /api/ what `git-watch status --json` prints, and logs by offset, live, with credentials masked', async (t) => {
    let first = '';
    const job =
      'echo "<script>alert(1)</script>"; echo "clone https://bob:hunter2@git.example.com/x.git"; ' +
      `echo "token ${TOKEN}"; printf '\\033[31mred\\033[0m\\n'`;
    const w = await startUiWatch(t, { job: { kind: 'command', command: job }, uiToken: TOKEN }, (repo) => {
      first = pushWithMessage(repo.work, 'f', '1', 'feat: first <one>');
    });
    const run = await waitFor('the first run', () => finishedRunFor(w.state, first));
    await waitFor('status.json written after the run', () => {
      const snapshot = readSnapshot(w.state);
      return snapshot && Date.parse(snapshot.updatedAt) > Date.parse(run.finishedAt as string) + 50;
    });

    const get = async (path: string) => JSON.parse((await request(w.base, path)).body);
    const api = await get('/api/status');
    const cli = JSON.parse(
      runCli(['git-watch', 'status', '--json', '--persistent-state-dir', w.state]).stdout,
    );
    // The live watcher answers from memory, the command from the state directory: the same data.
    const { updatedAt: _a, ...apiWatcher } = api.watcher;
    const { updatedAt: _b, ...cliWatcher } = cli.watcher;
    assert.deepEqual(apiWatcher, cliWatcher);
    assert.deepEqual(api.repositories, cli.repositories);
    assert.deepEqual(api.runs, cli.runs);
    assert.equal(api.runs[0].id, run.id);
    assert.equal(api.repositories[0].lastCommit.subject, 'feat: first <one>');
    assert.equal(api.repositories[0].lastCommit.author, 'Test Author');

    const repos = await get('/api/repos');
    assert.deepEqual(repos.items, api.repositories);
    assert.equal(repos.watcher.running, true);
    const runs = await get(`/api/runs?repo=${repos.items[0].key}`);
    assert.deepEqual(runs.items, api.runs);
    assert.deepEqual((await get(`/api/runs/${run.id}`)).run, api.runs[0]);
    assert.equal((await request(w.base, '/api/runs/ffffffff')).status, 404);
    assert.equal((await request(w.base, '/api/runs?repo=000000000000')).status, 404);

    // The log: what `logs --json` prints, credentials masked, from any offset.
    const log = await get(`/api/runs/${run.id}/log`);
    const logs = JSON.parse(
      runCli(['git-watch', 'logs', run.id, '--json', '--persistent-state-dir', w.state]).stdout,
    );
    assert.match(
      log.log,
      /<script>alert\(1\)<\/script>\nclone https:\/\/\*\*\*@git\.example\.com\/x\.git\ntoken \*\*\*\n/,
    );
    assert.doesNotMatch(log.log, /hunter2|bob:/);
    assert.equal(logs.log.replace(TOKEN, '***'), log.log, 'the command masks what it knows too');
    assert.equal(log.complete, true);
    assert.equal(log.next, log.size);
    const tail = await get(`/api/runs/${run.id}/log?offset=${log.size - 13}`);
    assert.equal(tail.log, '\u001b[31mred\u001b[0m\n');

    // Followed as Server-Sent Events: the run has ended, so all of it and the end at once.
    const sse = await request(w.base, `/api/runs/${run.id}/log?follow=1`);
    assert.equal(sse.headers['content-type'], 'text/event-stream; charset=utf-8');
    const events = sse.body
      .split('\n\n')
      .filter((e) => e.includes('event: '))
      .map((e) => ({
        event: /event: (\w+)/.exec(e)?.[1],
        data: JSON.parse(/data: (.*)/.exec(e)?.[1] ?? 'null'),
      }));
    assert.equal(events.at(-1)?.event, 'end');
    assert.equal(events.at(-1)?.data.state, 'succeeded');
    const streamed = events
      .filter((e) => e.event === 'chunk')
      .map((e) => e.data.text)
      .join('');
    assert.equal(streamed, stripAnsi(log.log), 'colour codes are taken out for the page');
    assert.match(streamed, /red\n$/);

    // The page: the log and the subject as text; the plain text log masked too.
    const page = (await request(w.base, `/runs/${run.id}`)).body;
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(page, /feat: first &lt;one&gt; — Test Author/);
    assert.doesNotMatch(page, /<script>alert|hunter2/);
    assert.doesNotMatch(page, new RegExp(TOKEN));
    const plain = await request(w.base, `/runs/${run.id}/log`);
    assert.equal(plain.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(plain.headers['x-content-type-options'], 'nosniff');
    assert.equal(plain.body, log.log);

    // A second commit is a second run, newest first everywhere.
    const second = pushCommit(w.work, 'f', '2');
    const polled = await request(w.base, `/api/repos/${repos.items[0].key}/poll`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(polled.status, 202);
    const run2 = await waitFor('the second run', () => finishedRunFor(w.state, second));
    assert.deepEqual(
      (await get('/api/runs')).items.map((r: RunRecord) => r.id),
      [run2.id, run.id],
    );
  });

  it('reads a running log by whole lines, a finished one to its end, and a tail from a line start', (t) => {
    const dir = tempDir(t);
    const made = fakeState(dir, 1, 2);
    const [done, going] = made.runs as [RunRecord, RunRecord];
    const running = { ...going, state: 'started' as const, finishedAt: undefined, exitCode: undefined };
    writeFileSync(join(dir, 'runs', going.id, 'run.json'), JSON.stringify(running));
    writeFileSync(join(dir, 'runs', going.id, 'log'), 'one\ntwo\nthr\u00e9');
    writeFileSync(join(dir, 'runs', done.id, 'log'), 'alpha\nbeta\ngamma');
    const source = diskSource(dir);
    const whole = runLogOf(source, going.id);
    assert.deepEqual(
      [whole.log, whole.offset, whole.next, whole.size, whole.complete],
      ['one\ntwo\n', 0, 8, 13, false],
    );
    const rest = runLogOf(source, going.id, { offset: 8, wholeLines: false });
    assert.deepEqual([rest.log, rest.next], ['thr\u00e9', 13]);
    // A character cut by the end of the bytes read is left for the next read.
    const cut = runLogOf(source, going.id, { offset: 8, maxBytes: 4, wholeLines: false });
    assert.deepEqual([cut.log, cut.next], ['thr', 11]);
    const finished = runLogOf(source, done.id);
    assert.deepEqual([finished.log, finished.complete], ['alpha\nbeta\ngamma', true]);
    const tail = runLogOf(source, done.id, { tail: 8 });
    assert.deepEqual([tail.log, tail.offset], ['gamma', 11]);
    assert.equal(runLogOf(source, going.id.slice(0, 8)).run.id, going.id, 'a unique prefix names a run');
  });

  it('escapes every value in pages', () => {
    assert.equal(
      escapeHtml(`<a href="x" onclick='y'>&amp;</a>`),
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    assert.equal(escapeHtml('a\u0000b\u0007c\td\ne\rf'), 'a\ufffdb\ufffdc\td\ne\rf');
    const hostile = '<img src=x onerror=alert(1)>';
    assert.equal(
      html`<td title="${hostile}">${hostile}</td>`.value,
      '<td title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;</td>',
    );
    assert.equal(
      html`<ul>${['<a>', html`<li>${'&'}</li>`, 3, undefined, false]}</ul>`.value,
      '<ul>&lt;a&gt;<li>&amp;</li>3</ul>',
    );
    assert.equal(html`${raw('<br>')}`.value, '<br>');
    assert.equal(stripAnsi('\u001b[1;32mok\u001b[0m \u001b]0;title\u0007done\u001b[2K'), 'ok done');
  });
});
