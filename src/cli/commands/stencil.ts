/** `duat stencil`: render a Go template with sprig and the stencil data. */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { DuatError, describeFsError, UsageError } from '../../core/errors.js';
import { parseValuesFlag, renderStencil } from '../../stencil/index.js';
import { fromBytes, toBytes } from '../../template/funcs/text/utf8.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { CommandIO } from '../command.js';
import { verboseFlag, versionFileFlag } from '../common-flags.js';

export const spec: CommandSpec = {
  name: 'stencil',
  summary: 'render a Go text/template (Helm/gomplate style) with sprig functions and git/version/AWS data',
  usage: [
    '[-input FILE] [-output FILE] [-values k=v,...] [--values-file FILE]... [-f FILE] [-module DIR] [--delims L,R]',
  ],
  description:
    'Renders a template written for Go tools — Dockerfiles, Kubernetes manifests, Helm-style charts — exactly as Go ' +
    "1.26 text/template with sprig v3.3.0 does, byte for byte, with Go's error messages (template: noname:LINE:COL: ...). " +
    "Functions: every sprig function, Helm's include, tpl, required, fromYaml, fromYamlArray, fromJsonArray, and the " +
    "original stencil's toJson, toYaml, toToml and RaiseError (records an error; the command then fails and writes nothing).\n" +
    'Data: .Env (the environment), .duat (version, module, gitTag, gitHash, gitBranch, gitURL, gitDir, userID, userName, ' +
    'userGroupID, and awsecr when AWS credentials resolve), values files merged at the top level in order, then -values ' +
    'on top. The output is written atomically: a failed render never leaves a half-written file.',
  flags: [
    {
      name: 'input',
      aliases: ['i'],
      type: 'string',
      placeholder: 'FILE',
      description: 'The template file; "-" or absent: standard input.',
    },
    {
      name: 'output',
      aliases: ['o'],
      type: 'string',
      placeholder: 'FILE',
      description: 'Where to write the result; absent: standard output.',
    },
    {
      name: 'values',
      type: 'strings',
      placeholder: 'k=v,...',
      description:
        'Top-level values, comma-separated key=value pairs; quotes around a value are removed; later wins.',
    },
    {
      name: 'values-file',
      type: 'strings',
      placeholder: 'FILE',
      env: false,
      description:
        'A .json, .yaml/.yml or .toml file of values merged at the top level (repeatable, later wins).',
    },
    versionFileFlag(
      'The version file for .duat.version (relative to the repository top, then here); first that exists.',
    ),
    {
      name: 'module',
      type: 'string',
      placeholder: 'DIR',
      default: '.',
      description: 'The component directory: its name is .duat.module.',
    },
    {
      name: 'git',
      type: 'string',
      placeholder: 'DIR',
      description: 'A directory in the git repository for the .duat git values (default: the module).',
    },
    {
      name: 'delims',
      type: 'string',
      placeholder: 'LEFT,RIGHT',
      description: 'Action delimiters instead of {{ and }}, e.g. "[[,]]".',
    },
    {
      name: 'supress-warnings',
      aliases: ['suppress-warnings'],
      type: 'boolean',
      description: "Do not print warnings (the original's spelling is kept).",
    },
    {
      name: 'error-warnings',
      type: 'boolean',
      description: 'Treat warnings as errors: exit 1 and write nothing.',
    },
    {
      name: 'ignore-aws-errors',
      type: 'boolean',
      description: 'Do not warn when no AWS context gives .duat.awsecr.',
    },
    verboseFlag(),
  ],
  sections: [
    [
      'Warnings',
      'Printed once each to stderr: no AWS context for .duat.awsecr, no version file, not in a git repository, and ' +
        '<no value> in the output (a template printed a missing key). Differences from the original: .duat.gitURL is the ' +
        'remote URL as a string (credentials removed), not a Go url.URL; -error-warnings exits 1 only when there is a warning.',
    ],
  ],
  examples: [
    {
      command: 'duat stencil -input Dockerfile.tmpl -output Dockerfile',
      comment: 'render a Dockerfile with the version and git data',
    },
    {
      command: 'echo "{{ .duat.version }}-{{ .duat.gitHash | trunc 7 }}" | duat stencil',
      comment: 'from stdin',
    },
    {
      command: 'duat stencil -input deploy.yaml -values replicas=3,image="web:1.0" --values-file values.yaml',
    },
    {
      command: 'duat stencil --delims "[[,]]" -input chart.tmpl',
      comment: 'for templates whose text holds {{ }}',
    },
  ],
};

function parseDelims(text: string | undefined): [string, string] | undefined {
  if (text === undefined || text === '') return undefined;
  const comma = text.indexOf(',');
  const left = comma === -1 ? '' : text.slice(0, comma);
  const right = comma === -1 ? '' : text.slice(comma + 1);
  if (left === '' || right === '')
    throw new UsageError(`--delims needs LEFT,RIGHT, e.g. "[[,]]", not "${text}"`);
  return [left, right];
}

export async function run(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${args.positionals[0]}`, {
      hint: 'name the template with -input FILE',
    });
  }
  const input = args.flags.input as string | undefined;
  const output = args.flags.output as string | undefined;
  let text: string;
  // Go reads bytes: invalid UTF-8 survives as escaped bytes (see template/funcs/text/utf8.ts).
  if (input === undefined || input === '-') text = fromBytes(await io.readStdinBytes());
  else {
    try {
      text = fromBytes(readFileSync(input));
    } catch (err) {
      throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: input, cause: err });
    }
  }
  const result = await renderStencil(text, {
    name: 'noname',
    values: parseValuesFlag((args.flags.values as string[] | undefined) ?? []),
    valuesFiles: (args.flags['values-file'] as string[] | undefined) ?? [],
    versionFile: args.flags.f as string[],
    module: args.flags.module as string,
    gitDir: args.flags.git as string | undefined,
    delims: parseDelims(args.flags.delims as string | undefined),
    env: io.env,
    ignoreAwsErrors: args.flags['ignore-aws-errors'] === true,
  });
  const warnings = [...new Set(result.warnings)];
  if (args.flags['supress-warnings'] !== true) for (const w of warnings) io.log.warn(w);
  if (args.flags['error-warnings'] === true && warnings.length > 0) {
    throw new DuatError(
      `${warnings.length} warning${warnings.length === 1 ? '' : 's'} with -error-warnings: nothing written`,
    );
  }
  const bytes = toBytes(result.output);
  if (output === undefined || output === '-') io.outBytes(bytes);
  else writeFileAtomic(output, bytes);
  return 0;
}
