import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { type CliResult, runDuat } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import {
  buildEnv,
  demoRepository,
  EPOCH,
  EPOCH_BUILD_TIME,
  hostSuffix,
  pathWithoutGo,
  printingMain,
  VERSION_PACKAGE,
} from './fixtures.js';

function repo(t: TestContext, extraFiles: Record<string, string> = {}): string {
  return demoRepository(join(tempDir(t, 'duat-build-'), 'demo'), extraFiles);
}

function duat(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): CliResult {
  return runDuat(['build', ...args], { cwd, env: buildEnv({ SOURCE_DATE_EPOCH: EPOCH, ...extraEnv }) });
}

function ok(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): CliResult {
  const r = duat(args, cwd, extraEnv);
  assert.equal(r.code, 0, `duat build ${args.join(' ')} failed:\n${r.stderr}`);
  return r;
}

/** Runs a built binary and returns its output lines. */
function runBinary(path: string): string[] {
  return execFileSync(path, { encoding: 'utf8' }).trim().split('\n');
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The ELF machine of a Linux binary: 0x3e amd64, 0xb7 arm64. */
function elfMachine(path: string): number {
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 4).toString('latin1'), '\x7fELF', `${path} is not an ELF file`);
  return bytes.readUInt16LE(18);
}

function assertOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  assert.match(last, pattern);
  assert.ok(!/\n\s+at /.test(r.stderr), `stack trace in:\n${r.stderr}`);
}

describe('duat build: Go commands', () => {
  it('builds every main package under cmd with -r and prints only the artifact paths', (t) => {
    const dir = repo(t);
    const host = hostSuffix();
    const r = ok(['-r', 'cmd'], dir);
    assert.equal(r.stdout, `bin/a-1.2.3-${host}\nbin/b-1.2.3-${host}\n`);
    const head = git(dir, 'rev-parse', 'HEAD');
    for (const name of ['a', 'b']) {
      assert.deepEqual(runBinary(join(dir, 'bin', `${name}-1.2.3-${host}`)), [
        '1.2.3',
        head,
        EPOCH_BUILD_TIME,
      ]);
    }
    // One line per build started and ended, with its duration, on stderr.
    assert.match(r.stderr, /building a for [a-z0-9]+\/[a-z0-9]+ \(\.\/cmd\/a\)/);
    assert.match(r.stderr, new RegExp(`built bin/b-1.2.3-${host} \\([0-9.]+ MiB\\) in [0-9]+\\.[0-9]s`));
    assert.equal(git(dir, 'status', '--porcelain'), '', 'the new bin/ is ignored by git');
  });

  it('without -r builds the given folders only, from arguments and -dirs', (t) => {
    const dir = repo(t);
    const host = hostSuffix();
    assert.equal(ok(['cmd/b'], dir).stdout, `bin/b-1.2.3-${host}\n`);
    assert.equal(ok(['-dirs', 'cmd/a,cmd/b'], dir).stdout, `bin/a-1.2.3-${host}\nbin/b-1.2.3-${host}\n`);
    assert.equal(ok(['-dirs', 'nested/cmd/c', '-o', 'out'], dir).stdout, `out/c-1.2.3-${host}\n`);
  });

  it('finds nested modules, stamps each module’s own version package, skips vendor, testdata and hidden folders', (t) => {
    const dir = repo(t);
    const host = hostSuffix();
    const r = ok(['-r', '.'], dir);
    assert.equal(r.stdout, ['a', 'b', 'c', 'plain'].map((n) => `bin/${n}-1.2.3-${host}\n`).join(''));
    const head = git(dir, 'rev-parse', 'HEAD');
    assert.deepEqual(runBinary(join(dir, 'bin', `c-1.2.3-${host}`)), ['1.2.3', head, EPOCH_BUILD_TIME]);
    assert.deepEqual(runBinary(join(dir, 'bin', `plain-1.2.3-${host}`)), ['dev none']);
    assert.match(r.stderr, /module example\.com\/plain has no version package/);
  });

  it('--stamp names the variables to stamp instead', (t) => {
    const dir = repo(t);
    const r = ok(['plain', '--stamp', 'main.Version=version', '--stamp', 'main.Commit=short-hash'], dir);
    assert.equal(r.stdout, `bin/plain-1.2.3-${hostSuffix()}\n`);
    assert.deepEqual(runBinary(join(dir, 'bin', `plain-1.2.3-${hostSuffix()}`)), [
      `1.2.3 ${git(dir, 'rev-parse', '--short=7', 'HEAD')}`,
    ]);
  });

  it('honours build tags when finding and building', (t) => {
    const dir = repo(t);
    const host = hostSuffix();
    assert.equal(
      ok(['-r', 'cmd', '--tags', 'extra'], dir).stdout,
      ['a', 'b', 'extra'].map((n) => `bin/${n}-1.2.3-${host}\n`).join(''),
    );
    assert.equal(runBinary(join(dir, 'bin', `extra-1.2.3-${host}`))[0], '1.2.3');
    assertOneLineError(
      duat(['cmd/extra'], dir),
      1,
      /cmd\/extra: .*build constraints exclude all Go files.*--tags/,
    );
  });

  it('a compile error fails the command after the other builds, naming it, with the compiler output', (t) => {
    const dir = repo(t, {
      'cmd/broken/main.go': 'package main\n\nvar n int = "not a number"\n\nfunc main() {}\n',
    });
    const host = hostSuffix();
    const r = duat(['-r', 'cmd'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '', 'nothing to publish when a build failed');
    assert.match(r.stderr, /cmd\/broken\/main\.go:3:13: cannot use "not a number"/);
    assert.match(r.stderr, /build of broken for \S+ \(\.\/cmd\/broken\) failed after [0-9.]+s/);
    assertOneLineError(
      r,
      1,
      /^duat build: 1 of 3 builds failed: broken for [a-z0-9]+\/[a-z0-9]+ \(\.\/cmd\/broken\)/,
    );
    assert.ok(
      existsSync(join(dir, 'bin', `a-1.2.3-${host}`)) && existsSync(join(dir, 'bin', `b-1.2.3-${host}`)),
    );
  });

  it('cross-compiles to two platforms at once', (t) => {
    const dir = repo(t);
    const r = ok(['-r', 'cmd', '--platforms', 'linux/amd64,linux/arm64'], dir);
    const names = [
      'a-1.2.3-linux-amd64',
      'a-1.2.3-linux-arm64',
      'b-1.2.3-linux-amd64',
      'b-1.2.3-linux-arm64',
    ];
    assert.equal(r.stdout, names.map((n) => `bin/${n}\n`).join(''));
    assert.equal(elfMachine(join(dir, 'bin', 'a-1.2.3-linux-amd64')), 0x3e);
    assert.equal(elfMachine(join(dir, 'bin', 'b-1.2.3-linux-arm64')), 0xb7);
    if (hostSuffix() === 'linux-amd64')
      assert.equal(runBinary(join(dir, 'bin', 'a-1.2.3-linux-amd64'))[0], '1.2.3');
    // GOOS/GOARCH from the environment without --platforms.
    assert.equal(ok(['cmd/a'], dir, { GOOS: 'linux', GOARCH: 'arm64' }).stdout, 'bin/a-1.2.3-linux-arm64\n');
  });

  it('is reproducible: with SOURCE_DATE_EPOCH two clones of one commit build byte-identical binaries', (t) => {
    const origin = repo(t);
    const base = tempDir(t, 'duat-build-clones-');
    const first = join(base, 'first');
    const second = join(base, 'elsewhere', 'second');
    git(base, 'clone', '-q', origin, first);
    git(base, 'clone', '-q', origin, second);
    // Go stamps vcs.revision and vcs.modified: keep that on, whatever the machine's go env says.
    const env = { GOFLAGS: '-buildvcs=true' };
    const host = hostSuffix();
    ok(['-r', 'cmd'], first, env);
    const firstSums = ['a', 'b'].map((n) => sha256(join(first, 'bin', `${n}-1.2.3-${host}`)));
    ok(['-r', 'cmd'], second, env);
    ok(['-r', 'cmd'], first, env); // again, now that bin/ exists
    for (const [i, n] of ['a', 'b'].entries()) {
      assert.equal(
        sha256(join(second, 'bin', `${n}-1.2.3-${host}`)),
        firstSums[i],
        `${n} differs between clones`,
      );
      assert.equal(
        sha256(join(first, 'bin', `${n}-1.2.3-${host}`)),
        firstSums[i],
        `${n} differs between builds`,
      );
    }
    const info = execFileSync('go', ['version', '-m', join(first, 'bin', `a-1.2.3-${host}`)], {
      encoding: 'utf8',
    });
    assert.match(info, /vcs\.modified=false/);
    assert.match(info, /-trimpath=true/);
    // The control: without -trimpath the clones' paths get into the binaries, and the test sees it.
    ok(['cmd/a', '--no-trimpath', '-o', 'untrimmed'], first, env);
    ok(['cmd/a', '--no-trimpath', '-o', 'untrimmed'], second, env);
    assert.notEqual(
      sha256(join(first, 'untrimmed', `a-1.2.3-${host}`)),
      sha256(join(second, 'untrimmed', `a-1.2.3-${host}`)),
    );
  });

  it('-v shows the go commands run', (t) => {
    const dir = repo(t);
    const r = ok(['cmd/a', '-v'], dir);
    assert.match(
      r.stderr,
      /debug: \(cd \S+ && GOOS=\S+ GOARCH=\S+ CGO_ENABLED=0 go build -trimpath -ldflags '-X example\.com\/demo\/version\.SemVer=1\.2\.3 -X example\.com\/demo\/version\.GitHash=[0-9a-f]{40} -X example\.com\/demo\/version\.BuildTime=2019-04-04_00:19:40\+0000' -o \S+ \.\/cmd\/a\)/,
    );
  });

  it('builds a project without go.mod (GOPATH layout, as the original itself) in GOPATH mode, stamped', (t) => {
    const gopath = join(tempDir(t, 'duat-gopath-'), 'go');
    const dir = initRepo(join(gopath, 'src', 'example.com', 'proj'), {
      files: {
        'README.md': 'Version: <repo-version>0.13.0</repo-version>\n',
        'version/version.go': VERSION_PACKAGE,
        'cmd/hello/main.go': printingMain('example.com/proj'),
        'lib/lib.go': 'package lib\n',
      },
    });
    const host = hostSuffix();
    const env = { GOPATH: gopath, GOFLAGS: '-buildvcs=false' };
    const r = ok(['-r', 'cmd'], dir, env);
    assert.equal(r.stdout, `bin/hello-0.13.0-${host}\n`);
    assert.match(
      r.stderr,
      /cmd: no go\.mod at or above it: building its Go code in GOPATH mode \(GO111MODULE=off\)/,
    );
    const head = git(dir, 'rev-parse', 'HEAD');
    assert.deepEqual(runBinary(join(dir, 'bin', `hello-0.13.0-${host}`)), ['0.13.0', head, EPOCH_BUILD_TIME]);
    assert.equal(ok(['cmd/hello', '-o', 'one'], dir, env).stdout, `one/hello-0.13.0-${host}\n`);
    // GO111MODULE=on forbids GOPATH mode: the error names the real reason, the missing go.mod.
    assertOneLineError(
      duat(['-r', 'cmd'], dir, { ...env, GO111MODULE: 'on' }),
      1,
      /^duat build: cmd: holds Go code but no go\.mod at or above it, and GO111MODULE=on forbids GOPATH mode; create the module with `go mod init MODULE-PATH`/,
    );
  });

  it('refuses two commands whose artifacts would have the same name', (t) => {
    const dir = repo(t, { 'tools/a/main.go': 'package main\n\nfunc main() {}\n' });
    assertOneLineError(duat(['-r', '.'], dir), 1, /\.\/cmd\/a and \.\/tools\/a would both write bin\/a-/);
  });

  it('reports bad input in one line: exit 2 for usage, 1 for missing things', (t) => {
    const dir = repo(t);
    assertOneLineError(duat(['cmd/a', '--platforms', 'linux'], dir), 2, /"linux" is not a platform/);
    assertOneLineError(duat(['cmd/a', '--platforms', 'linux/vax'], dir), 2, /go cannot build for linux\/vax/);
    assertOneLineError(duat(['cmd/a', '--stamp', 'Version'], dir), 2, /"Version" is not a stamp/);
    assertOneLineError(
      duat(['cmd/a', '--stamp', 'main.V=colour'], dir),
      2,
      /"main\.V=colour" is not a stamp/,
    );
    assertOneLineError(duat(['cmd/a', '--jobs', '0'], dir), 2, /--jobs must be 1 or more/);
    assertOneLineError(duat(['--bogus'], dir), 2, /unknown flag --bogus/);
    assertOneLineError(duat(['missing'], dir), 1, /missing: no such folder/);
    assertOneLineError(
      duat(['lib'], dir),
      1,
      /lib: holds no Go main package .*its Go package is lib, not main/,
    );
    assertOneLineError(
      duat(['cmd/a', '-f', 'NOPE.md'], dir),
      1,
      /NOPE\.md: no such file; name the file holding the version/,
    );
    assertOneLineError(
      duat(['-r', 'lib'], dir),
      1,
      /lib: holds no Go main package and no package\.json with a bin in any folder/,
    );
  });

  it('says so in one line when go is not installed', (t) => {
    const dir = repo(t);
    const r = duat(['cmd/a'], dir, { PATH: pathWithoutGo() });
    assertOneLineError(
      r,
      1,
      /go is not installed \(or not on PATH\); install Go from https:\/\/go\.dev\/dl\//,
    );
  });

  it('uses the version file at the top of the repository when run in a subfolder', (t) => {
    const dir = repo(t);
    const r = ok(['.'], join(dir, 'cmd', 'a'));
    assert.equal(r.stdout, `bin/a-1.2.3-${hostSuffix()}\n`);
    assert.equal(runBinary(join(dir, 'cmd', 'a', 'bin', `a-1.2.3-${hostSuffix()}`))[0], '1.2.3');
  });
});

describe('duat build test', () => {
  const versionTest = `package version

import "testing"

func TestStamped(t *testing.T) {
	if SemVer != "1.2.3" || BuildTime != "${EPOCH_BUILD_TIME}" || len(GitHash) != 40 {
		t.Fatalf("stamped %q %q %q", SemVer, GitHash, BuildTime)
	}
}
`;

  it('runs go test with the same stamps, and fails when the tests fail', (t) => {
    const dir = repo(t, {
      'version/version_test.go': versionTest,
      'OTHER.md': '<repo-version>9.9.9</repo-version>\n',
    });
    const passed = ok(['test', '-r'], dir);
    assert.match(passed.stdout, /^ok\s+example\.com\/demo\/version/m);
    assert.match(passed.stderr, /tests passed in \. in [0-9.]+s/);
    const onlyOne = ok(['test', '--', '-run', 'TestStamped', '-count=1', './version'], dir);
    assert.match(onlyOne.stdout, /^ok\s+example\.com\/demo\/version/m);
    const failed = duat(['test', '-r', '-f', 'OTHER.md'], dir);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /stamped "9\.9\.9"/);
    assert.match(failed.stderr, /duat build: go test failed in \.\n$/);
  });
});
