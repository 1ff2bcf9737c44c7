/** `duat github-release`: the command line over src/release. */
import { readFileSync } from 'node:fs';
import { DuatError, describeFsError, UsageError } from '../../core/errors.js';
import { hideSecretsInArgv } from '../../core/hide-argv.js';
import { parseFileList } from '../../release/files.js';
import { createProgressBar, loggerAroundBar } from '../../release/progress.js';
import { publishRelease } from '../../release/publish.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { CommandIO } from '../command.js';
import { verboseFlag, versionFileFlag } from '../common-flags.js';

export const spec: CommandSpec = {
  name: 'github-release',
  summary: 'publish files to the GitHub release of the current version',
  usage: [
    '[-f FILE] [-module DIR] [--repo OWNER/NAME] [--api-url URL] [--draft] [--replace] FILE|GLOB|- ...',
  ],
  description:
    'Uploads the files named as arguments (names or Go-style globs: *, ?, [a-z]; "-" reads a newline-separated ' +
    'list from stdin, as `duat build` prints it) as assets of the GitHub release tagged with the version from the ' +
    'version file. The release is created on the current commit if it does not exist, marked pre-release when the ' +
    'version has a pre-release part. Prints the release URL on stdout.\n' +
    "The repository is the git remote's owner/name (--repo to override); the API is GITHUB_API_URL as CI sets it, " +
    'or --api-url, or https://HOST/api/v3 for a remote on a GitHub Enterprise host, else https://api.github.com. ' +
    "The upload host is the one the release's upload_url names.",
  flags: [
    versionFileFlag(
      'The version file (relative to the repository top, then here); with a list, the first that exists.',
    ),
    {
      name: 'module',
      type: 'string',
      placeholder: 'DIR',
      default: '.',
      description:
        'The component directory: the git repository holding it gives the version file, remote and commit.',
    },
    {
      name: 'github-token',
      type: 'string',
      placeholder: 'TOKEN',
      env: 'GITHUB_TOKEN',
      envAliases: ['GH_TOKEN'],
      secret: true,
      description:
        'A token that may write the repository contents. Prefer the environment: a value on the command line is ' +
        'visible to other users of the machine.',
    },
    {
      name: 'repo',
      type: 'string',
      placeholder: 'OWNER/NAME',
      env: false,
      description: "The GitHub repository, instead of the git remote's.",
    },
    {
      name: 'api-url',
      type: 'string',
      placeholder: 'URL',
      env: 'GITHUB_API_URL',
      description:
        'The REST API base, e.g. https://github.example.com/api/v3 for GitHub Enterprise; https (plain http only ' +
        "to this machine). The token goes only to it and to its releases' upload host (api.X -> uploads.X).",
    },
    {
      name: 'tag-prefix',
      type: 'string',
      placeholder: 'PREFIX',
      env: false,
      description: 'Put before the version in the tag: "v" makes v1.2.3 (the original tagged 1.2.3).',
    },
    { name: 'draft', type: 'boolean', env: false, description: 'Create the release as a draft.' },
    {
      name: 'notes',
      type: 'string',
      placeholder: 'FILE',
      env: false,
      description: 'Release notes (Markdown) for a release this run creates; "-" reads them from stdin.',
    },
    {
      name: 'generate-notes',
      type: 'boolean',
      env: false,
      description: 'Let GitHub write the notes of a release this run creates (after --notes, if both).',
    },
    {
      name: 'replace',
      type: 'boolean',
      env: false,
      description: 'Replace assets that differ from the files (by default that is an error).',
    },
    {
      name: 'checksums',
      type: 'boolean',
      default: true,
      env: false,
      description: 'Upload SHA256SUMS listing every asset; --no-checksums to skip it.',
    },
    verboseFlag('Log every request to stderr; stack traces on errors.'),
  ],
  sections: [
    [
      'Assets',
      'Each file becomes an asset named after its base name, uploaded streaming from disk with its exact size and a ' +
        'content type from its extension (application/octet-stream for binaries), with a progress bar when stderr ' +
        "is a terminal. An asset already there with the same size and sha256 (GitHub's digest, else the release's " +
        'SHA256SUMS entry, else the size alone: the log says which) is skipped; one that differs is an error unless ' +
        '--replace. Every pattern must match a file; two files with the same base name are an error.',
    ],
    [
      'Failures and re-runs',
      'Requests are retried with back-off on 5xx answers and dropped connections (honouring Retry-After), and wait ' +
        'out rate limits as the x-ratelimit-* and Retry-After headers say; writes are spaced one second apart as ' +
        'GitHub asks. A run that failed part-way can be run again: it keeps what arrived, deletes half-made ' +
        'uploads and completes the rest. Errors are one line: a rejected token (401) says so without showing it, a ' +
        'missing permission (403, 404) names the repository.',
    ],
    [
      'Exit codes',
      '0 success, 1 failure (GitHub refused, a file is missing or differs), 2 usage error (bad flags, no token).',
    ],
  ],
  examples: [
    {
      command: 'duat github-release bin/*',
      comment: 'upload every file in bin to the release of the version in README.md',
    },
    { command: 'duat build -r cmd | duat github-release -', comment: 'release what the build printed' },
    {
      command: 'duat github-release --tag-prefix v --draft --generate-notes dist/*.tar.gz',
      comment: 'a draft release v1.2.3 with generated notes',
    },
    {
      command: 'GITHUB_API_URL=https://github.example.com/api/v3 duat github-release --repo team/tool dist/*',
      comment: 'GitHub Enterprise',
    },
  ],
};

function readNotes(path: string | undefined, stdinText: () => Promise<string>): Promise<string | undefined> {
  if (path === undefined) return Promise.resolve(undefined);
  if (path === '-') return stdinText();
  try {
    return Promise.resolve(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DuatError(`cannot read the notes: ${describeFsError(err)}`, { file: path, cause: err });
  }
}

export async function run(args: ParsedArgs, io: CommandIO): Promise<number> {
  const positionals = args.positionals;
  const notesPath = args.flags.notes as string | undefined;
  if (positionals.includes('-') && notesPath === '-') {
    throw new UsageError('stdin cannot hold both the file list and the notes', {
      hint: 'give --notes a file',
    });
  }
  let stdin: Promise<string> | undefined;
  const stdinText = () => {
    stdin ??= io.readStdin();
    return stdin;
  };
  const files: string[] = [];
  for (const arg of positionals) {
    if (arg !== '-') files.push(arg);
    else if (!stdin) files.push(...parseFileList(await stdinText()));
  }
  if (files.length === 0) {
    throw new UsageError(
      positionals.includes('-') ? 'the list of files read from stdin is empty' : 'no files to release',
      { hint: 'name the files or globs as arguments, or "-" to read a list from stdin' },
    );
  }
  if (args.sources['github-token'] === 'argv') {
    io.log.warn('a token on the command line is visible to other users; prefer GITHUB_TOKEN');
    // Read (and registered for masking) by now: ps shows it no longer, for the rest of a long upload.
    hideSecretsInArgv();
  }
  const bar = process.stderr.isTTY ? createProgressBar(process.stderr) : undefined;
  const log = bar ? loggerAroundBar(io.log, bar) : io.log;
  const notes = await readNotes(notesPath, stdinText);
  let url: string;
  try {
    const result = await publishRelease({
      files,
      token: (args.flags['github-token'] as string | undefined) ?? '',
      module: args.flags.module as string,
      versionFile: args.flags.f as string[],
      repo: args.flags.repo as string | undefined,
      apiUrl: args.flags['api-url'] as string | undefined,
      tagPrefix: args.flags['tag-prefix'] as string | undefined,
      draft: args.flags.draft === true,
      notes,
      generateNotes: args.flags['generate-notes'] === true,
      replace: args.flags.replace === true,
      checksums: args.flags.checksums !== false,
      env: io.env,
      log,
      onProgress: bar ? (p) => bar.update(p) : undefined,
    });
    url = result.url;
  } finally {
    bar?.clear();
  }
  io.out(`${url}\n`);
  return 0;
}
