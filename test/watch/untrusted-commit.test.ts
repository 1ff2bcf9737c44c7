/**
 * A watched commit is untrusted: the files git-watch reads from it before the job (README.md for the
 * namespace and the template's .duat.version) may be links to /dev/zero or out of the checkout, or
 * huge. Each such commit is a failed run with a reason naming the file, the watcher goes on, and a
 * restart does not try it again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { JobSource } from '../../src/watch/job.js';
import { Watcher } from '../../src/watch/watcher.js';
import { git, initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { allRuns, captureLog, linesOf, watchEnv } from './helpers.js';

interface Hostile {
  readonly repo: string;
  readonly base: string;
  readonly out: string;
}

/** A repository whose one commit has README.md made by `make` (a link, a big file...). */
function hostileRepo(t: TestContext, make: (readme: string, base: string) => void): Hostile {
  const base = tempDir(t);
  const repo = join(base, 'repo');
  initRepo(repo, { files: { 'a.txt': 'a\n' } });
  make(join(repo, 'README.md'), base);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'hostile README.md');
  return { repo, base, out: join(base, 'out') };
}

async function watchOnce(h: Hostile, job: JobSource) {
  const log = captureLog();
  const watcher = await Watcher.start({
    repositories: [h.repo],
    stateDir: join(h.base, 'state'),
    once: true,
    job,
    env: watchEnv({ OUT: h.out }),
    log: log.log,
  });
  return { summary: await watcher.done, log };
}

const echoNamespace: JobSource = { kind: 'command', command: 'echo "$DUAT_NAMESPACE" >> "$OUT"' };

async function assertRefused(h: Hostile, job: JobSource, reason: RegExp): Promise<void> {
  const { summary } = await watchOnce(h, job);
  assert.equal(summary.ok, false);
  const runs = allRuns(join(h.base, 'state'));
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.state, 'failed');
  assert.match(runs[0]?.error ?? '', reason);
  assert.deepEqual(linesOf(h.out), [], 'the job did not run');
  // Started again: the commit is done with (failed), nothing runs, nothing crashes.
  const again = await watchOnce(h, job);
  assert.deepEqual(again.summary.runs, []);
  assert.equal(allRuns(join(h.base, 'state'))[0]?.state, 'failed');
}

describe('git-watch and untrusted commits', { timeout: 120_000 }, () => {
  it('refuses a README.md that is a link to /dev/zero (namespace and template)', async (t) => {
    const h = hostileRepo(t, (readme) => symlinkSync('/dev/zero', readme));
    await assertRefused(
      h,
      echoNamespace,
      /README\.md in the commit is a link to \/dev\/zero, outside the checkout: refused/,
    );
    const template = join(h.base, 'job.tmpl');
    writeFileSync(template, 'echo "{{ .duat.version }}" >> "$OUT"\n');
    const h2 = hostileRepo(t, (readme) => symlinkSync('/dev/zero', readme));
    const watcher = await Watcher.start({
      repositories: [h2.repo],
      stateDir: join(h2.base, 'state'),
      once: true,
      namespace: 'fixed', // the namespace is not read: the template's .duat.version is
      job: { kind: 'template', path: template },
      env: watchEnv({ OUT: h2.out }),
      log: captureLog().log,
    });
    await watcher.done;
    const [run] = allRuns(join(h2.base, 'state'));
    assert.equal(run?.state, 'failed');
    assert.match(run?.error ?? '', /README\.md in the commit is a link to \/dev\/zero/);
  });

  it('refuses a README.md that is a link to a file outside the checkout', async (t) => {
    const h = hostileRepo(t, (readme, base) => {
      mkdirSync(join(base, 'outside'));
      writeFileSync(join(base, 'outside', 'README.md'), 'Version : <repo-version>9.9.9</repo-version>\n');
      symlinkSync('../../../outside/README.md', readme);
    });
    await assertRefused(
      h,
      echoNamespace,
      /README\.md in the commit is a link to .*outside\/README\.md, outside the checkout/,
    );
  });

  it('refuses a huge README.md, and follows a link that stays inside the checkout', async (t) => {
    const h = hostileRepo(t, (readme) => writeFileSync(readme, 'x'.repeat(5 * 1024 * 1024)));
    await assertRefused(
      h,
      echoNamespace,
      /README\.md in the commit is \d+ bytes, more than the \d+ git-watch reads/,
    );
    const inside = hostileRepo(t, (readme) => {
      mkdirSync(join(readme, '..', 'docs'));
      writeFileSync(
        join(readme, '..', 'docs', 'VERSION.md'),
        'Version : <repo-version>1.2.3</repo-version>\n',
      );
      symlinkSync('docs/VERSION.md', readme);
    });
    const { summary } = await watchOnce(inside, echoNamespace);
    assert.equal(summary.ok, true);
    assert.deepEqual(linesOf(inside.out), ['gw-1-2-3']);
  });

  it('refuses a README.md that is a link to a directory', async (t) => {
    const h = hostileRepo(t, (readme) => symlinkSync('.', readme));
    await assertRefused(
      h,
      echoNamespace,
      /README\.md in the commit is a link to .*, which is not a regular file/,
    );
  });
});
