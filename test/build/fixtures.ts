/** Go modules and npm packages for the build tests: real sources, no dependencies, no network. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { cleanEnv } from '../helpers/cli.js';
import { initRepo } from '../helpers/git.js';

/** 2019-04-04T00:19:40Z, the time of the original's pre-release example. */
export const EPOCH = '1554337180';
export const EPOCH_BUILD_TIME = '2019-04-04_00:19:40+0000';

/** The environment for duat in these tests: the machine's Go caches, never the network. */
export function buildEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = cleanEnv({
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  });
  for (const key of ['GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT']) {
    if (process.env[key]) env[key] = process.env[key];
  }
  return env;
}

/** PATH without the folders holding a `go` program (npm, node and git stay when they live elsewhere). */
export function pathWithoutGo(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d !== '' && !existsSync(join(d, 'go')))
    .join(delimiter);
}

let host: string | undefined;
/** `linux-amd64` for the machine running the tests (as artifact names write it). */
export function hostSuffix(): string {
  host ??= execFileSync('go', ['env', 'GOOS', 'GOARCH'], { encoding: 'utf8', env: buildEnv() })
    .trim()
    .split('\n')
    .join('-');
  return host;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

export const VERSION_PACKAGE = `package version

// Filled in by duat build.
var (
	SemVer    = "unknown"
	GitHash   = "unknown"
	BuildTime = "unknown"
)
`;

/** A main package printing the module's stamped values, one a line. */
export function printingMain(module: string): string {
  return `package main

import (
	"fmt"

	"${module}/version"
)

func main() {
	fmt.Println(version.SemVer)
	fmt.Println(version.GitHash)
	fmt.Println(version.BuildTime)
}
`;
}

/**
 * The main fixture, a git repository:
 * - module example.com/demo with version/, cmd/a and cmd/b (printing the stamps), cmd/extra (only with
 *   the build tag "extra"), lib/ (not main), testdata/ and vendor/ mains (never built);
 * - nested/, its own module example.com/nested with its own version package and cmd/c;
 * - plain/, a module without a version package whose main declares Version and Commit;
 * - node_modules/ and .hidden/ holding things a search must not enter.
 */
export function demoRepository(dir: string, extraFiles: Record<string, string> = {}): string {
  return initRepo(dir, {
    files: {
      'README.md': 'Demo\n\nVersion: <repo-version>1.2.3</repo-version>\n',
      'go.mod': 'module example.com/demo\n\ngo 1.21\n',
      'version/version.go': VERSION_PACKAGE,
      'cmd/a/main.go': printingMain('example.com/demo'),
      'cmd/b/main.go': printingMain('example.com/demo'),
      'cmd/extra/main.go': `//go:build extra\n\n${printingMain('example.com/demo')}`,
      'lib/lib.go': 'package lib\n\n// Answer is not a command.\nconst Answer = 42\n',
      'testdata/fixture/main.go': 'package main\n\nfunc main() {}\n',
      'vendor/tool/main.go': 'package main\n\nfunc main() {}\n',
      'nested/go.mod': 'module example.com/nested\n\ngo 1.21\n',
      'nested/version/version.go': VERSION_PACKAGE,
      'nested/cmd/c/main.go': printingMain('example.com/nested'),
      'plain/go.mod': 'module example.com/plain\n\ngo 1.21\n',
      'plain/main.go':
        'package main\n\nimport "fmt"\n\nvar (\n\tVersion = "dev"\n\tCommit  = "none"\n)\n\nfunc main() { fmt.Println(Version, Commit) }\n',
      'node_modules/dep/package.json': '{"name":"dep","version":"1.0.0","bin":{"dep":"x.js"}}\n',
      '.hidden/go.mod': 'module example.com/hidden\n\ngo 1.21\n',
      '.hidden/main.go': 'package main\n\nfunc main() {}\n',
      ...extraFiles,
    },
  });
}
