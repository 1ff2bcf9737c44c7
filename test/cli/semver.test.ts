import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeStamp } from '../../src/version/stamp.js';
import { cleanEnv, runDuat } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

const README = 'Version : <repo-version>0.1.0</repo-version>\n';

function repo(t: import('node:test').TestContext, branch = 'main', readme = README): string {
  return initRepo(join(tempDir(t), 'repo'), { branch, files: { 'README.md': readme } });
}

function ok(args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): string {
  const r = runDuat(args, { cwd, env });
  assert.equal(r.code, 0, `duat ${args.join(' ')} failed: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

describe('duat semver', () => {
  it('extracts by default and with extract, printing only the version', (t) => {
    const dir = repo(t);
    assert.equal(ok(['semver'], dir), '0.1.0\n');
    assert.equal(ok(['semver', 'extract'], dir), '0.1.0\n');
  });

  it('bumps major, minor and patch and writes the file back', (t) => {
    const dir = repo(t);
    assert.equal(ok(['semver', 'patch'], dir), '0.1.1\n');
    assert.equal(ok(['semver', 'minor'], dir), '0.2.0\n');
    assert.equal(ok(['semver', 'major'], dir), '1.0.0\n');
    assert.equal(
      readFileSync(join(dir, 'README.md'), 'utf8'),
      'Version : <repo-version>1.0.0</repo-version>\n',
    );
  });

  it('pre makes the original pre-release from the branch and SOURCE_DATE_EPOCH, replacing an old one', (t) => {
    const dir = repo(t, 'feature/265_zero+length');
    const env = cleanEnv({ SOURCE_DATE_EPOCH: '1554337180' });
    assert.equal(ok(['semver', 'pre'], dir, env), '0.1.0-feature-265-zero-length-aaaagjecpnf\n');
    const later = cleanEnv({ SOURCE_DATE_EPOCH: '1764075600' });
    assert.equal(ok(['semver', 'prerelease'], dir, later), '0.1.0-feature-265-zero-length-aaaahfravza\n');
    assert.equal(ok(['semver', 'patch'], dir), '0.1.0\n', 'patch clears the pre-release');
  });

  it('pre uses the clock without SOURCE_DATE_EPOCH', (t) => {
    const dir = repo(t);
    const before = Math.floor(Date.now() / 1000);
    const out = ok(['semver', 'pre'], dir).trim();
    const m = /^0\.1\.0-main-([a-z]{11})$/.exec(out);
    assert.ok(m?.[1], out);
    const stamped = Number(decodeStamp(m[1]));
    assert.ok(stamped >= before && stamped <= Math.ceil(Date.now() / 1000), `${stamped} is not now`);
  });

  it('pre on a detached HEAD needs a CI branch variable', (t) => {
    const dir = repo(t);
    git(dir, 'checkout', '-q', '--detach');
    const r = runDuat(['semver', 'pre'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^duat semver: HEAD is detached at [0-9a-f]{7}.*set one of the CI variables/);
    assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), README);
    const env = cleanEnv({ CI_COMMIT_REF_NAME: 'MR/12', SOURCE_DATE_EPOCH: '0' });
    assert.equal(ok(['semver', 'pre'], dir, env), '0.1.0-MR-12-aaaaaaaa\n');
  });

  it('rc counts release candidates from the git tags', (t) => {
    const dir = repo(t);
    assert.equal(ok(['semver', 'rc'], dir), '0.1.0-rc.1\n');
    git(dir, 'tag', '0.1.0-rc.1');
    git(dir, 'tag', 'v0.1.0-rc.7');
    git(dir, 'tag', '0.2.0-rc.9');
    assert.equal(ok(['semver', 'releasecandidate'], dir), '0.1.0-rc.8\n');
  });

  it('rc counts numeric identifiers of any length as integers', (t) => {
    const dir = repo(t);
    git(dir, 'tag', '0.1.0-rc.99999999999999999999999');
    git(dir, 'tag', '0.1.0-rc.2');
    assert.equal(ok(['semver', 'rc'], dir), '0.1.0-rc.100000000000000000000000\n');
    assert.equal(ok(['semver', 'sort', '-g', '-rc'], dir), '0.1.0-rc.2\n0.1.0-rc.99999999999999999999999\n');
  });

  it('sort lists version tags in semver order, releases only unless -rc', (t) => {
    const dir = repo(t);
    for (const tag of ['1.10.0', '1.2.0', 'v1.9.0', '1.10.0-rc.1', 'not-a-version']) git(dir, 'tag', tag);
    assert.equal(ok(['semver', 'sort', '-g'], dir), '1.2.0\nv1.9.0\n1.10.0\n');
    assert.equal(ok(['semver', 'sort', '-g', '-rc'], dir), '1.2.0\nv1.9.0\n1.10.0-rc.1\n1.10.0\n');
    const r = runDuat(['semver', 'sort'], { cwd: dir });
    assert.equal(r.code, 2);
  });

  it('-g starts from the highest version tag', (t) => {
    const dir = repo(t);
    git(dir, 'tag', '2.3.4');
    assert.equal(ok(['semver', '-g'], dir), '2.3.4\n');
    assert.equal(ok(['semver', 'minor', '-g'], dir), '2.4.0\n');
    assert.equal(
      readFileSync(join(dir, 'README.md'), 'utf8'),
      'Version : <repo-version>2.4.0</repo-version>\n',
    );
  });

  it('-p v decorates the version; other prefixes are refused', (t) => {
    const dir = repo(t);
    assert.equal(ok(['semver', 'patch', '-p', 'v'], dir), 'v0.1.1\n');
    assert.equal(ok(['semver'], dir), '0.1.1\n', 'v1.2.3 reads back');
    const r = runDuat(['semver', '-p', 'release-'], { cwd: dir });
    assert.equal(r.code, 2);
  });

  it('apply copies the version into the targets only', (t) => {
    const dir = repo(t);
    writeFileSync(join(dir, 'a.md'), '<repo-version>0.0.0</repo-version>');
    writeFileSync(join(dir, 'VERSION'), '0.0.0\n');
    assert.equal(ok(['semver', 'apply', '-t', 'a.md,VERSION'], dir), '0.1.0\n');
    assert.equal(readFileSync(join(dir, 'a.md'), 'utf8'), '<repo-version>0.1.0</repo-version>');
    assert.equal(readFileSync(join(dir, 'VERSION'), 'utf8'), '0.1.0\n');
    const missing = runDuat(['semver', 'apply', '-t', 'a.md,nope.md'], { cwd: dir });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.md: cannot read: no such file/);
    const none = runDuat(['semver', 'apply'], { cwd: dir });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /apply needs target files/);
  });

  it('accepts Go-style, GNU-style and environment flags, the command line winning', (t) => {
    const dir = repo(t);
    writeFileSync(join(dir, 'VERSION'), '5.0.0\n');
    writeFileSync(join(dir, 'other.md'), '<repo-version>7.0.0</repo-version>\n');
    assert.equal(ok(['semver', '-f', 'VERSION'], dir), '5.0.0\n');
    assert.equal(ok(['semver', '-f=VERSION'], dir), '5.0.0\n');
    assert.equal(ok(['semver', '--file', 'VERSION'], dir), '5.0.0\n');
    assert.equal(ok(['semver', '--file=VERSION'], dir), '5.0.0\n');
    assert.equal(ok(['semver'], dir, cleanEnv({ F: 'VERSION' })), '5.0.0\n');
    assert.equal(ok(['semver', '-f', 'other.md'], dir, cleanEnv({ F: 'VERSION' })), '7.0.0\n');
    assert.equal(
      ok(['semver', '-f', 'missing.md,other.md'], dir),
      '7.0.0\n',
      'the first existing file of a list',
    );
  });

  it('-f reads a tag after other text in any file, VERSION included', (t) => {
    const dir = repo(t);
    writeFileSync(join(dir, 'VERSION'), 'x <repo-version>1.2.3</repo-version>\n');
    assert.equal(ok(['semver', '-f', 'VERSION'], dir), '1.2.3\n');
    assert.equal(ok(['semver', 'minor', '-f', 'VERSION'], dir), '1.3.0\n');
    assert.equal(readFileSync(join(dir, 'VERSION'), 'utf8'), 'x <repo-version>1.3.0</repo-version>\n');
  });

  it('refuses a version file linked to /dev/zero at once, with one line and exit 1', (t) => {
    const dir = repo(t);
    symlinkSync('/dev/zero', join(dir, 'zero.md'));
    // A bound only a hang exceeds: without the check the read never ends.
    const r = spawnSync(process.execPath, [cliPath, 'semver', 'patch', '-f', 'zero.md'], {
      cwd: dir,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.signal, null, 'it did not hang');
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      'duat semver: zero.md: cannot read: it is a character device, not a regular file; a version file must be a regular file\n',
    );
    assert.equal(r.stdout, '');
  });

  it('apply ignores an empty name in the -t list, as every list flag does', (t) => {
    const dir = repo(t);
    writeFileSync(join(dir, 'a.md'), '<repo-version>0.0.0</repo-version>');
    assert.equal(ok(['semver', 'apply', '-t', 'a.md,'], dir), '0.1.0\n');
    assert.equal(readFileSync(join(dir, 'a.md'), 'utf8'), '<repo-version>0.1.0</repo-version>');
  });

  it('apply to a file without a version place fails and changes nothing', (t) => {
    const dir = repo(t);
    writeFileSync(join(dir, 'a.md'), '<repo-version>0.0.0</repo-version>');
    writeFileSync(join(dir, 'b.md'), 'no tag\n');
    const r = runDuat(['semver', 'apply', '-t', 'a.md,b.md'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^duat semver: b\.md: has no place for the version/);
    assert.equal(readFileSync(join(dir, 'a.md'), 'utf8'), '<repo-version>0.0.0</repo-version>');
  });

  it('falls back to README.adoc', (t) => {
    const dir = initRepo(join(tempDir(t), 'r'), { files: { 'README.adoc': '= X\n:Revision: 3.0.0\n' } });
    assert.equal(ok(['semver', 'patch'], dir), '3.0.1\n');
  });

  it('gives one-line errors with exit 1 for bad input and leaves the file alone', (t) => {
    const dir = repo(t);
    const cases: [string, string, RegExp][] = [
      ['no-tag.md', '# nothing\n', /no-tag\.md: no version found/],
      [
        'invalid.md',
        'x\n<repo-version>1.2.3.4</repo-version>\n',
        /invalid\.md:2: "1\.2\.3\.4" is not a valid semantic version/,
      ],
      [
        'disagree.md',
        '<repo-version>1.0.0</repo-version>\n<repo-version>2.0.0</repo-version>\n',
        /disagree\.md:2: the version "2\.0\.0" disagrees/,
      ],
    ];
    for (const [name, content, pattern] of cases) {
      writeFileSync(join(dir, name), content);
      const r = runDuat(['semver', 'patch', '-f', name], { cwd: dir });
      assert.equal(r.code, 1, name);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      assert.equal(r.stdout, '');
      assert.equal(readFileSync(join(dir, name), 'utf8'), content);
    }
    const missing = runDuat(['semver', '-f', 'missing.md'], { cwd: dir });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /missing\.md: no such file/);
  });

  it('refuses to write a read-only file', (t) => {
    const dir = repo(t);
    chmodSync(join(dir, '..'), 0o755);
    chmodSync(dir, 0o777);
    chmodSync(join(dir, 'README.md'), 0o444);
    // As root, permissions do not bind: run the CLI as nobody, who can read but not write.
    const wrapper =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
    const r = runDuat(['semver', 'patch'], { cwd: dir, wrapper, env: cleanEnv({ HOME: '/tmp' }) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /README\.md: is not writable/);
    assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), README);
  });

  it('usage errors exit 2 with a hint', (t) => {
    const dir = repo(t);
    const cases: [string[], RegExp][] = [
      [['semver', 'bogus'], /"bogus" is not a semver command/],
      [['semver', 'patch', 'minor'], /one command at a time/],
      [['semver', '--fil', 'x'], /unknown flag --fil; did you mean --file\?/],
      [['semver', '-f'], /flag -f needs a value/],
      [['semver', 'patch', '-t', 'a.md'], /-t names targets for apply/],
    ];
    for (const [args, pattern] of cases) {
      const r = runDuat(args, { cwd: dir });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, pattern);
    }
  });

  it('prints help with examples, and the duat version', (t) => {
    const dir = repo(t);
    const help = ok(['semver', '--help'], dir);
    assert.match(help, /Usage:\n {2}duat semver/);
    assert.match(help, /Examples:/);
    assert.match(help, /-f, --file FILE\[,FILE\.\.\.\]/);
    assert.equal(ok(['semver', '-h'], dir), help);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(ok(['--version'], dir), `${pkg.version}\n`);
    assert.equal(ok(['semver', '-version'], dir), `${pkg.version}\n`);
    assert.match(ok(['--help'], dir), /semver/);
  });

  it('shows a stack trace only when asked', (t) => {
    const dir = repo(t);
    const quiet = runDuat(['semver', '-f', 'missing.md'], { cwd: dir });
    assert.doesNotMatch(quiet.stderr, /\n\s+at /);
    const loud = runDuat(['semver', '-f', 'missing.md'], { cwd: dir, env: cleanEnv({ DUAT_DEBUG: '1' }) });
    assert.match(loud.stderr, /\n\s+at /);
  });
});
