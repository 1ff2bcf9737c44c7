/** `duat semver`: the command line over src/semver. */
import { UsageError } from '../../core/errors.js';
import { runSemver, SEMVER_ALIASES, SEMVER_COMMANDS, type SemverCommand } from '../../semver/semver-tool.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { CommandIO } from '../command.js';
import { verboseFlag, versionFileFlag } from '../common-flags.js';

export const spec: CommandSpec = {
  name: 'semver',
  summary: 'read, bump and apply the semantic version held in README.md or another file',
  usage: [
    '[major | minor | patch | pre | rc | extract | apply | sort] [-f FILE[,FILE...]] [-t FILE,...] [-git DIR] [-p v] [-g] [-v]',
  ],
  description:
    'Reads the version from a file, changes it with one command, writes it back and prints the result on stdout ' +
    '(only the version and a newline). With no command it prints the version (extract).\n' +
    'Version files: Markdown <repo-version>X</repo-version> tags (README.md, *.md, or any file holding such a tag; ' +
    'several tags must agree and all are rewritten), AsciiDoc ":Revision: X" (*.adoc), the "version" of a ' +
    'package.json, and a plain VERSION file. A rewrite changes only the version text: line endings, encoding, ' +
    'the final newline and the file mode stay; the write is atomic and locked against concurrent runs. A version ' +
    'file must be a regular file of at most 16 MiB (a link to a device, a FIFO or a larger file is refused).',
  flags: [
    versionFileFlag('The file holding the version; with a list, the first that exists.'),
    {
      name: 't',
      aliases: ['target'],
      type: 'list',
      placeholder: 'FILE[,FILE...]',
      description:
        'Files the apply command writes the version into (each must exist and hold a version place).',
    },
    {
      name: 'git',
      type: 'string',
      placeholder: 'DIR',
      default: '.',
      description: 'A directory inside the git repository used for the branch (pre) and tags (rc, sort, -g).',
    },
    {
      name: 'p',
      aliases: ['prefix'],
      type: 'string',
      placeholder: 'v',
      description: 'Write and print the version with this prefix (only "v").',
    },
    {
      name: 'g',
      aliases: ['git-tags'],
      type: 'boolean',
      description: 'Start from the highest semantic-version git tag instead of the file.',
    },
    { name: 'rc', type: 'boolean', description: 'With sort, list pre-release tags too.' },
    verboseFlag(),
  ],
  sections: [
    [
      'Commands',
      'major, minor, patch  bump that part; the pre-release and build metadata are cleared, and patch of a pre-release ' +
        'only clears it (1.2.3-rc.1 -> 1.2.3), as the original did.\n' +
        'pre (prerelease)     set the pre-release to <branch>-<stamp>: the git branch with every character outside ' +
        '[0-9A-Za-z] turned into "-" (case kept), and the time (SOURCE_DATE_EPOCH, else now) in the original\'s base-25 ' +
        'stamp. Build metadata is kept. On a detached HEAD the branch comes from CI variables (GITHUB_HEAD_REF, ' +
        'GITHUB_REF_NAME, CI_COMMIT_REF_NAME, ...); with none, pre fails rather than write a version without a branch.\n' +
        'rc (releasecandidate) set the pre-release to rc.N, one above the highest X.Y.Z-rc.N git tag.\n' +
        'extract              print the version (the default).\n' +
        'apply                write the version into the -t files; the version file is not changed.\n' +
        'sort                 with -g, print the version tags in semver order (releases only unless -rc).',
    ],
    [
      'Pre-release names',
      'The pre-release holds only [0-9A-Za-z.-], so it is a valid Docker tag (up to 128 characters) and, lower-cased ' +
        'and trimmed to 63 characters as git-watch does for namespaces, a DNS label. The stamp has 11 letters from ' +
        '1977 to 2106, so versions of one branch sort in time order as plain strings.',
    ],
    [
      'Differences from the original',
      'Two commands are a usage error (the original used the first). apply fails, changing nothing, when a target ' +
        'has no version place (the original skipped it silently). Empty names in a list (-t a.md,) are ignored. ' +
        'Blanks inside the tag are allowed, and equal v-prefixed tags agree (the original refused both). pre on a ' +
        'detached HEAD without a CI branch variable fails (the original printed 1.2.3--<stamp>).',
    ],
    [
      'Exit codes',
      '0 success, 1 failure (missing file, no version, invalid version, unwritable file), 2 usage error.',
    ],
  ],
  examples: [
    { command: 'duat semver', comment: 'print the version held in README.md' },
    { command: 'duat semver patch', comment: '0.1.0 -> 0.1.1, written back to README.md' },
    {
      command: 'duat semver pre',
      comment: 'on branch feature/265_zero+length: 0.1.1-feature-265-zero-length-aaaahfravza',
    },
    { command: 'duat semver -f VERSION minor', comment: 'a plain VERSION file' },
    {
      command: 'duat semver apply -t deploy/chart/Chart.md,docs/index.md',
      comment: 'copy the version into other files',
    },
    {
      command: 'SOURCE_DATE_EPOCH=1554337180 duat semver pre',
      comment: 'a reproducible stamp (aaaagjecpnf)',
    },
    { command: 'duat semver sort -g -rc', comment: 'every version tag, oldest first' },
  ],
};

function commandOf(positionals: readonly string[]): SemverCommand {
  if (positionals.length > 1) {
    throw new UsageError(`one command at a time, not ${positionals.length} (${positionals.join(' ')})`, {
      hint: `choose one of ${SEMVER_COMMANDS.join(', ')}`,
    });
  }
  const word = positionals[0] ?? 'extract';
  const command = (SEMVER_COMMANDS as readonly string[]).includes(word)
    ? (word as SemverCommand)
    : SEMVER_ALIASES[word];
  if (!command) {
    throw new UsageError(`"${word}" is not a semver command`, {
      hint: `choose one of ${SEMVER_COMMANDS.join(', ')}`,
    });
  }
  return command;
}

export function run(args: ParsedArgs, io: CommandIO): number {
  const command = commandOf(args.positionals);
  const result = runSemver(command, {
    file: args.flags.f as string[],
    targets: args.flags.t as string[] | undefined,
    gitDir: args.flags.git as string,
    prefix: args.flags.p as string | undefined,
    useGitTags: args.flags.g === true,
    includePrereleases: args.flags.rc === true,
    env: io.env,
  });
  for (const file of result.changed) io.log.debug(`wrote ${file}`);
  if (result.lines.length > 0) io.out(`${result.lines.join('\n')}\n`);
  return 0;
}
