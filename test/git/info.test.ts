import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitInfo, requireBranch } from '../../src/git/info.js';
import { repositoryName } from '../../src/git/remote-url.js';
import { commitFile, git, initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const noCi = {};

describe('gitInfo', () => {
  for (const branch of ['main', 'feature/265_zero+length', 'ünïcode/ß', 'a_b', 'x+y']) {
    it(`reads branch ${branch}`, (t) => {
      const dir = initRepo(join(tempDir(t), 'r'), { branch });
      const info = gitInfo({ dir, env: noCi });
      assert.equal(info.branch, branch);
      assert.equal(info.branchSource, 'HEAD');
      assert.equal(info.detached, false);
      assert.equal(info.hash, git(dir, 'rev-parse', 'HEAD'));
      assert.equal(info.shortHash, info.hash?.slice(0, 7));
      assert.equal(info.dir, dir);
    });
  }

  it('finds the repository from a subdirectory', (t) => {
    const dir = initRepo(join(tempDir(t), 'r'), { files: { 'a/b/c.txt': 'x' } });
    assert.equal(gitInfo({ dir: join(dir, 'a', 'b'), env: noCi }).dir, dir);
  });

  it('on a detached HEAD takes the branch from CI variables, else none', (t) => {
    const dir = initRepo(join(tempDir(t), 'r'));
    commitFile(dir, 'f', '2');
    git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
    const bare = gitInfo({ dir, env: noCi });
    assert.equal(bare.detached, true);
    assert.equal(bare.branch, undefined);
    assert.throws(() => requireBranch(bare), /HEAD is detached at [0-9a-f]{7}/);
    const gh = gitInfo({ dir, env: { GITHUB_REF_NAME: 'feature/x', GITHUB_REF_TYPE: 'branch' } });
    assert.equal(gh.branch, 'feature/x');
    assert.equal(gh.branchSource, 'env:GITHUB_REF_NAME');
    assert.equal(
      gitInfo({ dir, env: { GITHUB_HEAD_REF: 'pr-src', GITHUB_REF_NAME: '12/merge' } }).branch,
      'pr-src',
    );
    assert.equal(
      gitInfo({ dir, env: { GITHUB_REF_NAME: 'v1.0.0', GITHUB_REF_TYPE: 'tag' } }).branch,
      undefined,
    );
    assert.equal(gitInfo({ dir, env: { CI_COMMIT_REF_NAME: 'gl' } }).branch, 'gl');
    assert.equal(gitInfo({ dir, env: { GIT_BRANCH: 'origin/jenkins' } }).branch, 'jenkins');
  });

  it('works in a linked worktree', (t) => {
    const root = tempDir(t);
    const dir = initRepo(join(root, 'main'));
    git(dir, 'worktree', 'add', '-q', '-b', 'other/wt', join(root, 'wt'));
    commitFile(join(root, 'wt'), 'w.txt', 'w');
    const info = gitInfo({ dir: join(root, 'wt'), env: noCi });
    assert.equal(info.branch, 'other/wt');
    assert.equal(info.dir, join(root, 'wt'));
    assert.equal(info.hash, git(join(root, 'wt'), 'rev-parse', 'HEAD'));
    assert.notEqual(info.hash, gitInfo({ dir, env: noCi }).hash);
  });

  it('works in a submodule (a .git file)', (t) => {
    const root = tempDir(t);
    initRepo(join(root, 'sub'), { branch: 'trunk' });
    const dir = initRepo(join(root, 'super'));
    git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', join(root, 'sub'), 'deps/sub');
    const info = gitInfo({ dir: join(dir, 'deps', 'sub'), env: noCi });
    assert.equal(info.dir, join(dir, 'deps', 'sub'));
    assert.equal(info.hash, git(join(root, 'sub'), 'rev-parse', 'HEAD'));
    assert.equal(info.branch, 'trunk');
  });

  it('finds lightweight, annotated, packed and pack-stored tags at HEAD', (t) => {
    const dir = initRepo(join(tempDir(t), 'r'));
    git(dir, 'tag', 'lightweight');
    assert.equal(gitInfo({ dir, env: noCi }).tag, 'lightweight');
    git(dir, 'tag', '-a', '-m', 'release', '0.9.0');
    git(dir, 'tag', '-a', '-m', 'release', '1.0.0');
    assert.equal(gitInfo({ dir, env: noCi }).tag, '1.0.0', 'the highest version wins');
    git(dir, 'repack', '-a', '-d', '-q');
    git(dir, 'prune-packed');
    assert.equal(gitInfo({ dir, env: noCi }).tag, '1.0.0', 'tag objects in a pack, refs loose');
    git(dir, 'pack-refs', '--all');
    assert.equal(gitInfo({ dir, env: noCi }).tag, '1.0.0', 'packed refs with peeled lines');
    commitFile(dir, 'f', 'next');
    assert.equal(gitInfo({ dir, env: noCi }).tag, undefined);
  });

  it('reads the remote URL without credentials and the repository name', (t) => {
    const dir = initRepo(join(tempDir(t), 'r'));
    git(dir, 'remote', 'add', 'upstream', 'git@github.com:other/fork.git');
    git(dir, 'remote', 'add', 'origin', 'https://user:s3cret-token@github.com/karlmutch/duat.git');
    const info = gitInfo({ dir, env: noCi });
    assert.equal(info.remote, 'origin');
    assert.equal(info.url, 'https://github.com/karlmutch/duat.git');
    assert.equal(info.repoName, 'karlmutch/duat');
    assert.equal(info.host, 'github.com');
    assert.ok(!JSON.stringify(info).includes('s3cret'));
  });

  it('has no hash before the first commit and no URL without a remote', (t) => {
    const dir = join(tempDir(t), 'empty');
    mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'trunk');
    writeFileSync(join(dir, 'x'), 'x');
    const info = gitInfo({ dir, env: noCi });
    assert.equal(info.branch, 'trunk');
    assert.equal(info.hash, undefined);
    assert.equal(info.url, undefined);
    assert.equal(info.tag, undefined);
  });

  it('outside a repository says so', (t) => {
    assert.throws(() => gitInfo({ dir: tempDir(t), env: noCi }), /not inside a git repository/);
  });
});

describe('repositoryName', () => {
  const cases: [string, string | undefined][] = [
    ['https://github.com/karlmutch/duat.git', 'karlmutch/duat'],
    ['https://github.com/karlmutch/duat', 'karlmutch/duat'],
    ['git@github.com:karlmutch/duat.git', 'karlmutch/duat'],
    ['ssh://git@gitlab.example.com:2222/group/sub/project.git', 'group/sub/project'],
    ['git://127.0.0.1:9418/team/app.git', 'team/app'],
    ['file:///srv/git/team/app.git', 'team/app'],
    ['/srv/git/team/app.git', 'team/app'],
    ['../app', '../app'],
    ['https://github.com/', undefined],
  ];
  for (const [url, name] of cases) it(`${url} -> ${name}`, () => assert.equal(repositoryName(url), name));
});
