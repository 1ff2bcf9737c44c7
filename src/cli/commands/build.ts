/** `duat build`: the command line over src/build (the original's build.go). */
import { availableParallelism } from 'node:os';
import { build } from '../../build/build.js';
import { findCommands } from '../../build/find-commands.js';
import { goTest } from '../../build/go-test.js';
import { parsePlatform } from '../../build/platform.js';
import { parseStampSpec, STAMP_FIELDS } from '../../build/stamp.js';
import { UsageError } from '../../core/errors.js';
import { redact } from '../../core/redact.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { CommandIO } from '../command.js';
import { verboseFlag, versionFileFlag } from '../common-flags.js';

export const spec: CommandSpec = {
  name: 'build',
  summary:
    'build every Go command (and npm package with a bin) under a folder, version-stamped; print the artifacts',
  usage: [
    '[-r] [-dirs DIR,...] [DIR...] [-f FILE] [--tags T,...] [--platforms OS/ARCH,...] [--stamp PKG.VAR=FIELD] [-o DIR] [-v]',
    'test [-r] [-dirs DIR,...] [-- GO-TEST-ARGS...]',
  ],
  description:
    'Finds the commands in the given folders (-dirs and arguments; default ".") — with -r, in every folder below ' +
    'them — builds each with the version, git commit and build time stamped in, and prints the path of every ' +
    'artifact on stdout, one a line, and nothing else, so the list pipes into `duat github-release -`. Progress ' +
    '(one line per build started and ended, with its duration) and compiler output go to stderr.\n' +
    'A command is a folder holding a Go main package (found with `go list`, honouring --tags; vendor/, testdata/, ' +
    'node_modules/ and folders starting with "." or "_" are skipped; nested modules are searched too), or a folder ' +
    'whose package.json has a "bin", which is packed with `npm pack` at the build\'s version. Go code with no ' +
    'go.mod at or above it (a GOPATH project) is listed and built in GOPATH mode (GO111MODULE=off), stamping the ' +
    'version package of the nearest folder above the command that has one; GO111MODULE=on refuses it.\n' +
    'Builds run in parallel, up to the number of cores. A failed build fails the command (exit 1) after the others ' +
    'have ended, naming each failure; stdout then stays empty, so a pipeline publishes nothing.',
  flags: [
    {
      name: 'r',
      aliases: ['recursive'],
      type: 'boolean',
      description: 'Build every command in the folders below the given ones, not just the given folders.',
    },
    {
      name: 'dirs',
      type: 'list',
      placeholder: 'DIR[,DIR...]',
      description: 'Folders to build or, with -r, to search (added to the arguments; default ".").',
    },
    versionFileFlag(
      'The file holding the version (first existing), looked up in the working directory, then at the top of ' +
        'the git repository.',
    ),
    {
      name: 'tags',
      type: 'list',
      placeholder: 'TAG[,TAG...]',
      description: 'Go build tags, for finding the commands and building them.',
    },
    {
      name: 'platforms',
      type: 'list',
      placeholder: 'OS/ARCH[,...]',
      description:
        'Cross-compile for each, e.g. linux/amd64,linux/arm64,darwin/arm64 (linux/arm/7 sets GOARM=7). ' +
        'Default: GOOS/GOARCH from the environment, else the host.',
    },
    {
      name: 'stamp',
      type: 'list',
      placeholder: 'PKG.VAR=FIELD',
      description:
        "Stamp these variables instead of the module's version package, e.g. main.version=version; FIELD is " +
        `${[...new Set(Object.keys(STAMP_FIELDS))].join(', ')}. Repeatable.`,
    },
    {
      name: 'output',
      aliases: ['o'],
      type: 'string',
      placeholder: 'DIR',
      default: 'bin',
      description: 'The folder artifacts are written to; printed paths are relative when it is.',
    },
    {
      name: 'trimpath',
      type: 'boolean',
      default: true,
      description: 'Build with -trimpath, for reproducible binaries (--no-trimpath to keep file paths).',
    },
    {
      name: 'jobs',
      aliases: ['j'],
      type: 'int',
      placeholder: 'N',
      description: 'Builds at once (default: the number of cores).',
    },
    verboseFlag('Also show each go and npm command run; stack traces on errors.'),
  ],
  sections: [
    [
      'Artifacts',
      "Go: <output>/<command>-<version>-<goos>-<goarch>: <command> is the folder's name with every " +
        'character outside [0-9A-Za-z._-] turned into "-" and lower-cased (so cmd/Foo_Bar at 1.2.3 builds ' +
        'foo_bar-1.2.3-linux-amd64); for arm the GOARM variant follows the arch (foo-1.2.3-linux-arm7); windows ' +
        'binaries end in .exe. (The original wrote <command>-<goos>-<goarch>; the version is added so that release ' +
        'assets of different versions never collide.) Two commands whose folders share a name are an error. npm: ' +
        "<output>/<name>-<version>.tgz, npm's own naming " +
        '(@scope/name -> scope-name-1.2.3.tgz). With a new output folder inside a git work tree, duat writes a ' +
        '.gitignore holding "*" into it.',
    ],
    [
      'Stamping',
      'With -ldflags "-X ...": into the module\'s own version package when it has one (<module>/version.SemVer, ' +
        '.GitHash, .BuildTime, declared as string variables), else into the --stamp variables; a module with neither ' +
        "gets a warning. SemVer is the version file's version, GitHash the full commit hash, BuildTime the time in " +
        "UTC as the original wrote it (2006-01-02_15:04:05+0000 in Go's layout), from SOURCE_DATE_EPOCH when set. " +
        'npm packages get the version in the package.json of a temporary copy: your package.json is not changed.',
    ],
    [
      'Reproducible builds',
      'With SOURCE_DATE_EPOCH set, two builds of the same commit are byte-identical: -trimpath is on by default, ' +
        'CGO_ENABLED=0 unless you set it, and the output folder is kept out of git status (Go records ' +
        'vcs.modified in binaries).',
    ],
    [
      'Testing',
      '`duat build test` runs `go test` in each folder (. by default; ./... with -r) with the same -ldflags stamps, ' +
        "as the original's GoTest. Arguments after -- go to go test in place of the packages: " +
        '`duat build test -- -run TestX -count=1 ./...`. To build a folder named test, write ./test.',
    ],
    [
      'Environment',
      'GOOS, GOARCH, GOARM, GOFLAGS, GOCACHE, GOPATH, GOPROXY and CGO_ENABLED are passed to go as you set them.',
    ],
    [
      'Differences from the original',
      "The original stamped github.com/karlmutch/duat/version whatever the module (a bug): the module's own " +
        'package is stamped. Its time layout printed the minutes twice (15:04:04): seconds are printed. It quoted ' +
        'SemVer into the value ("1.2.3" with the quotes): the value is the bare version. It set GO_ENABLED=0, a ' +
        'typo with no effect, meaning CGO_ENABLED=0: that is set. It ran `go mod tidy` before every build ' +
        '(changing go.mod, needing the network), bumped the pre-release in README.md before building, wrote into ' +
        "each command's own bin/ and copied the binaries to $GOPATH/bin, printing those copies, and stopped at " +
        'the first failure: here no source file changes, artifacts go to one output folder whose paths are ' +
        'printed, and every build runs. -r DIR builds the main packages below DIR only (0.13.0 built every one ' +
        'under .). Exit codes are 1 and 2 (the original exited -1, -2, -3).',
    ],
    [
      'Exit codes',
      '0 every build succeeded, 1 a build (or test) failed or a file is missing, 2 usage error.',
    ],
  ],
  examples: [
    {
      command: 'duat build -r cmd > /tmp/compiled.lst',
      comment: 'build every command under cmd/ for this machine',
    },
    { command: 'duat build -r cmd | duat github-release -', comment: 'build and publish them' },
    {
      command: 'duat build -r cmd --platforms linux/amd64,linux/arm64,darwin/arm64',
      comment: 'cross-compile: bin/NAME-linux-amd64, bin/NAME-linux-arm64, bin/NAME-darwin-arm64',
    },
    {
      command: 'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) duat build -r .',
      comment: 'a reproducible build, stamped with the commit time',
    },
    {
      command: 'duat build -r . --stamp main.version=version --stamp main.commit=hash',
      comment: 'other variables',
    },
    { command: 'duat build --tags netgo,extra ./cmd/server', comment: 'one folder, with build tags' },
    { command: 'duat build -dirs packages/cli', comment: 'a TypeScript CLI: bin/<name>-<version>.tgz' },
    { command: 'duat build test -r', comment: 'go test ./... with the version stamped in' },
  ],
};

export async function run(args: ParsedArgs, io: CommandIO): Promise<number> {
  const [first, ...rest] = args.positionals;
  if (typeof args.flags.jobs === 'number' && args.flags.jobs < 1) {
    throw new UsageError(`flag --jobs must be 1 or more, not ${args.flags.jobs}`);
  }
  const dirs = [...((args.flags.dirs as string[] | undefined) ?? [])];
  // Parsed before anything runs, so a typo is a usage error, not a failure after a search.
  const stamp = ((args.flags.stamp as string[] | undefined) ?? []).map(parseStampSpec);
  const platforms = ((args.flags.platforms as string[] | undefined) ?? []).map(parsePlatform);
  const common = {
    tags: (args.flags.tags as string[] | undefined) ?? [],
    stamp,
    versionFile: args.flags.f as string[],
    trimpath: args.flags.trimpath !== false,
    env: io.env,
    log: io.log,
  };
  const stderr = (text: string) => void process.stderr.write(redact(text));
  if (first === 'test') {
    await goTest({ ...common, dirs, recursive: args.flags.r === true, args: rest, stdout: io.out, stderr });
    return 0;
  }
  dirs.push(...args.positionals);
  const commands = await findCommands(dirs, {
    recursive: args.flags.r === true,
    tags: common.tags,
    env: io.env,
    log: io.log,
  });
  const artifacts = await build(commands, {
    ...common,
    platforms,
    outDir: args.flags.output as string,
    jobs: (args.flags.jobs as number | undefined) ?? availableParallelism(),
    output: stderr,
  });
  io.out(artifacts.map((a) => `${a.path}\n`).join(''));
  return 0;
}
