/**
 * The mirror each repository keeps in the state directory: made once however many runs need it at the
 * same moment, and rebuilt when it is found broken (a crash, a disk, a race of an older duat).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureStateDir } from '../../src/watch/journal.js';
import { parseRepoSpec } from '../../src/watch/repo-spec.js';
import { Watcher } from '../../src/watch/watcher.js';
import { Workspaces } from '../../src/watch/workspace.js';
import { commitFile, git, initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { allRuns, captureLog, watchEnv } from './helpers.js';

/** A repository with `branches` branches, each one commit of its own; returns the branch tips. */
function repoWithBranches(dir: string, branches: number): string[] {
  initRepo(dir);
  const tips: string[] = [];
  for (let i = 0; i < branches; i++) {
    git(dir, 'checkout', '-q', '-B', `b${i}`, 'main');
    tips.push(commitFile(dir, `f${i}`, `${i}\n`));
  }
  git(dir, 'checkout', '-q', 'main');
  return tips;
}

describe('git-watch mirrors', { timeout: 120_000 }, () => {
  it('are made once and sound when many runs need one at the same moment', async (t) => {
    const base = tempDir(t);
    const tips = repoWithBranches(join(base, 'repo'), 8);
    const spec = parseRepoSpec(join(base, 'repo'));
    const layout = ensureStateDir(join(base, 'state'));
    const workspaces = new Workspaces(layout);
    const mirrors = await Promise.all(tips.map((tip) => workspaces.ensureCommit(spec, tip, watchEnv())));
    assert.deepEqual(new Set(mirrors), new Set([workspaces.mirrorPath(spec)]));
    for (const tip of tips) git(base, '--git-dir', mirrors[0] as string, 'cat-file', '-e', `${tip}^{commit}`);
    assert.deepEqual(readdirSync(layout.mirrors), [`${spec.key}.git`], 'no temporary directory is left');
  });

  it('two branches of one repository watched on a fresh state directory both run', async (t) => {
    const base = tempDir(t);
    repoWithBranches(join(base, 'repo'), 2);
    const repo = join(base, 'repo');
    for (let round = 0; round < 3; round++) {
      const state = join(base, `state-${round}`);
      const watcher = await Watcher.start({
        repositories: [`${repo}^b0`, `${repo}^b1`, `${repo}^main`],
        stateDir: state,
        once: true,
        maxJobs: 3,
        job: { kind: 'command', command: 'true' },
        env: watchEnv(),
        log: captureLog().log,
      });
      const summary = await watcher.done;
      assert.equal(summary.ok, true, `round ${round}: ${JSON.stringify(summary)}`);
      assert.deepEqual(
        allRuns(state).map((r) => r.state),
        ['succeeded', 'succeeded', 'succeeded'],
      );
    }
  });

  it('are rebuilt when broken: no HEAD, objects missing, an empty directory', async (t) => {
    const breakages: [string, (mirror: string) => void][] = [
      ['no HEAD', (m) => rmSync(join(m, 'HEAD'))],
      ['objects missing', (m) => rmSync(join(m, 'objects'), { recursive: true })],
      [
        'an empty directory',
        (m) => {
          rmSync(m, { recursive: true });
          mkdirSync(m);
        },
      ],
    ];
    for (const [what, breakIt] of breakages) {
      const base = tempDir(t);
      const repo = join(base, 'repo');
      const [first] = repoWithBranches(repo, 1);
      const spec = parseRepoSpec(repo);
      const layout = ensureStateDir(join(base, 'state'));
      const mirror = await new Workspaces(layout).ensureCommit(spec, first as string, watchEnv());
      breakIt(mirror);
      const next = commitFile(repo, 'g', 'next\n');
      const warnings: string[] = [];
      // A new Workspaces: what a restarted git-watch finds.
      const again = new Workspaces(layout, { warn: (m) => warnings.push(m) });
      assert.equal(await again.ensureCommit(spec, next, watchEnv()), mirror, what);
      git(base, '--git-dir', mirror, 'cat-file', '-e', `${next}^{commit}`);
      assert.match(warnings.join('\n'), /the mirror of .* is broken \(.*\): cloning it again/, what);
    }
  });
});
