#!/usr/bin/env node
import { readFileSync } from 'node:fs';
/**
 * The `duat` command: one subcommand per tool. Only the chosen subcommand's module is loaded, so that
 * start-up stays close to Node's own.
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuatError, errorMessage } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { redact } from '../core/redact.js';
import { formatHelp, parseArgs, parseBoolean } from './args.js';
import type { CommandModule } from './command.js';
import { descriptorWriter, readAllStdin } from './std-streams.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  semver: {
    summary: 'read, bump and apply the semantic version held in README.md or another file',
    load: () => import('./commands/semver.js'),
  },
  stencil: {
    summary: 'render a Go text/template with sprig functions and git, version and AWS data',
    load: () => import('./commands/stencil.js'),
  },
  build: {
    summary: 'build every Go command (and npm package with a bin) under a folder, version-stamped',
    load: () => import('./commands/build.js'),
  },
  'github-release': {
    summary: 'publish files to the GitHub release of the current version',
    load: () => import('./commands/github-release.js'),
  },
  'git-watch': {
    summary: 'poll git repositories and run a job on every new commit, exactly once',
    load: () => import('./commands/git-watch.js'),
  },
  image: {
    summary: 'name, check, promote and prune container images in registries, without a Docker daemon',
    load: () => import('./commands/image.js'),
  },
};

/** Names the original shipped as separate programs; a link with that name runs the subcommand. */
const PROGRAM_ALIASES: Record<string, string> = {
  semver: 'semver',
  stencil: 'stencil',
  'github-release': 'github-release',
  'git-watch': 'git-watch',
  'image-promote': 'image',
};

/** The version in duat's package.json, found by walking up from this file (bundled or not). */
function duatVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'duat' && pkg.version) return pkg.version;
    } catch {
      // not here
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = [
    'duat — container-centric CI/CD bootstrapping tools',
    '',
    'Usage:',
    '  duat COMMAND [flags] [arguments]',
    '  duat COMMAND --help',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Flags:',
    '  --help, -h   Show this help.',
    '  --version    Show the version of duat.',
    '',
    'Exit codes: 0 success, 1 failure, 2 usage error. Set DUAT_DEBUG=1 (or -v) for stack traces.',
  ];
  return `${lines.join('\n')}\n`;
}

function debugWanted(argv: readonly string[]): boolean {
  try {
    if (parseBoolean(process.env.DUAT_DEBUG ?? '', 'DUAT_DEBUG')) return true;
  } catch {
    // not a boolean: ignore
  }
  return argv.some((a) => a === '-v' || a === '--v' || a === '-v=true' || a === '--verbose');
}

const writeOut = descriptorWriter(1, () => process.stdout);
const writeErr = descriptorWriter(2, () => process.stderr);

async function readStdin(): Promise<string> {
  return (await readAllStdin()).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const invokedAs = PROGRAM_ALIASES[basename(process.argv[1] ?? '').replace(/\.js$/, '')];
  const [first, ...rest] = invokedAs ? [invokedAs, ...argv] : argv;
  const stderr = (s: string) => writeErr(redact(s));
  if (first === undefined || first === '--help' || first === '-h' || first === '-help' || first === 'help') {
    if (first === 'help' && rest[0] && COMMANDS[rest[0]]) return main([rest[0], '--help']);
    writeOut(topHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-version' || first === 'version') {
    writeOut(`${duatVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[first];
  if (!entry) {
    stderr(
      `duat: unknown command "${first}"; commands: ${Object.keys(COMMANDS).join(', ')} (see duat --help)\n`,
    );
    return 2;
  }
  const verbose = debugWanted(rest);
  try {
    const command = await entry.load();
    const args = parseArgs(rest, command.spec);
    if (args.flags.help) {
      writeOut(formatHelp(command.spec));
      return 0;
    }
    if (args.flags.version) {
      writeOut(`${duatVersion()}\n`);
      return 0;
    }
    const log = createLogger({
      verbose: verbose || args.flags.v === true,
      prefix: `duat ${first}`,
      write: writeErr,
    });
    return await command.run(args, {
      out: writeOut,
      outBytes: writeOut,
      log,
      env: process.env,
      readStdin,
      readStdinBytes: readAllStdin,
    });
  } catch (err) {
    if (err instanceof DuatError) {
      stderr(`duat ${first}: ${err.describe()}\n`);
      if (verbose && err.stack) stderr(`${err.stack}\n`);
      return err.exitCode;
    }
    stderr(
      `duat ${first}: unexpected error: ${errorMessage(err)}${verbose ? '' : ' (set DUAT_DEBUG=1 for details)'}\n`,
    );
    if (verbose && err instanceof Error && err.stack) stderr(`${err.stack}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    writeErr(`duat: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  },
);
