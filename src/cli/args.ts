/**
 * Command-line flags as the original Go tools took them and as GNU users type them: `-f README.md`,
 * `-f=README.md`, `--file README.md`, `--file=README.md`, boolean `-v` / `-v=false` / `--no-color`,
 * flags and arguments in any order, `--` to end flags. Every flag can also come from the environment:
 * its name upper-cased with dashes as underscores (`-job-template` <- JOB_TEMPLATE), the command line
 * winning.
 */
import { UsageError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';

export type FlagType = 'boolean' | 'string' | 'list' | 'strings' | 'int';

export interface FlagSpec {
  /** Canonical name, as the original spelled it: 'f', 'job-template'. */
  readonly name: string;
  /** Other spellings: 'file'. */
  readonly aliases?: readonly string[];
  /** boolean; string; list (comma-separated, repeatable); strings (repeatable); int. */
  readonly type: FlagType;
  readonly description: string;
  /** Name of the value in help: FILE, DIR. */
  readonly placeholder?: string;
  /** Default shown in help and used when the flag is absent. */
  readonly default?: string | boolean | number | readonly string[];
  /** Environment variable read when the flag is absent; false for none. Default: derived from name. */
  readonly env?: string | false;
  /** More environment variables tried after `env` (GH_TOKEN after GITHUB_TOKEN). */
  readonly envAliases?: readonly string[];
  /** The value is a secret: registered for redaction and never shown. */
  readonly secret?: boolean;
}

export interface Example {
  readonly command: string;
  readonly comment?: string;
}

export interface CommandSpec {
  /** The subcommand: 'semver'. */
  readonly name: string;
  readonly summary: string;
  /** Usage lines after `duat NAME`. */
  readonly usage: readonly string[];
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly examples: readonly Example[];
  /** Extra sections appended to the help: [title, text]. */
  readonly sections?: readonly (readonly [string, string])[];
}

export type FlagValue = string | boolean | number | string[] | undefined;

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly positionals: readonly string[];
  /** Where each flag's value came from. */
  readonly sources: Readonly<Record<string, 'argv' | 'env' | 'default'>>;
}

/** Flags every command has. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'help', aliases: ['h'], type: 'boolean', description: 'Show this help and exit.', env: false },
  { name: 'version', type: 'boolean', description: 'Show the version of duat and exit.', env: false },
];

export function envNameOf(flag: FlagSpec): string | undefined {
  if (flag.env === false) return undefined;
  return flag.env ?? flag.name.toUpperCase().replace(/-/g, '_');
}

function allFlags(spec: CommandSpec): FlagSpec[] {
  return [...spec.flags, ...COMMON_FLAGS];
}

function findFlag(spec: CommandSpec, name: string): FlagSpec | undefined {
  return allFlags(spec).find((f) => f.name === name || f.aliases?.includes(name));
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

function suggestion(spec: CommandSpec, name: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const flag of allFlags(spec)) {
    for (const candidate of [flag.name, ...(flag.aliases ?? [])]) {
      const d = distance(name, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
  }
  return best ? `did you mean ${best.length === 1 ? '-' : '--'}${best}? ` : '';
}

export function parseBoolean(text: string, what: string): boolean {
  switch (text.trim().toLowerCase()) {
    case '':
    case '0':
    case 'f':
    case 'false':
    case 'no':
    case 'off':
      return false;
    case '1':
    case 't':
    case 'true':
    case 'yes':
    case 'on':
      return true;
    default:
      throw new UsageError(`${what} must be true or false, not "${text}"`);
  }
}

function convert(flag: FlagSpec, text: string, what: string, previous: FlagValue): FlagValue {
  switch (flag.type) {
    case 'boolean':
      return parseBoolean(text, what);
    case 'string':
      return text;
    case 'int': {
      if (!/^-?[0-9]+$/.test(text.trim()))
        throw new UsageError(`${what} must be a whole number, not "${text}"`);
      return Number(text.trim());
    }
    case 'list': {
      const items = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return [...((previous as string[] | undefined) ?? []), ...items];
    }
    case 'strings':
      return [...((previous as string[] | undefined) ?? []), text];
  }
}

/** Parses argv (without the command name) against a command's flags and the environment. */
export function parseArgs(
  argv: readonly string[],
  spec: CommandSpec,
  env: NodeJS.ProcessEnv = process.env,
): ParsedArgs {
  const flags: Record<string, FlagValue> = {};
  const sources: Record<string, 'argv' | 'env' | 'default'> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq === -1 ? body : body.slice(0, eq);
    let inline: string | undefined = eq === -1 ? undefined : body.slice(eq + 1);
    let flag = findFlag(spec, name);
    if (!flag && name.startsWith('no-') && inline === undefined) {
      const negated = findFlag(spec, name.slice(3));
      if (negated?.type === 'boolean') {
        flag = negated;
        name = name.slice(3);
        inline = 'false';
      }
    }
    if (!flag) {
      throw new UsageError(`unknown flag ${arg.split('=')[0]}`, {
        hint: `${suggestion(spec, name)}see duat ${spec.name} --help`,
      });
    }
    const shown = `${arg.startsWith('--') ? '--' : '-'}${name}`;
    let text: string;
    if (inline !== undefined) text = inline;
    else if (flag.type === 'boolean') text = 'true';
    else {
      if (i + 1 >= argv.length)
        throw new UsageError(`flag ${shown} needs a value`, { hint: `see duat ${spec.name} --help` });
      text = argv[++i] as string;
    }
    flags[flag.name] = convert(
      flag,
      text,
      `flag ${shown}`,
      sources[flag.name] === 'argv' ? flags[flag.name] : undefined,
    );
    sources[flag.name] = 'argv';
  }
  for (const flag of allFlags(spec)) {
    // Secrets from argv are masked in logs as those from the environment are (they were not).
    if (flag.secret && sources[flag.name] === 'argv' && typeof flags[flag.name] === 'string')
      registerSecret(flags[flag.name] as string);
    if (sources[flag.name] === 'argv') continue;
    const names = [envNameOf(flag), ...(flag.envAliases ?? [])].filter((n): n is string => n !== undefined);
    const envName = names.find((n) => env[n] !== undefined && env[n] !== '');
    if (envName !== undefined) {
      flags[flag.name] = convert(flag, env[envName] as string, `environment variable ${envName}`, undefined);
      sources[flag.name] = 'env';
    } else if (flag.default !== undefined) {
      flags[flag.name] = Array.isArray(flag.default) ? [...flag.default] : (flag.default as FlagValue);
      sources[flag.name] = 'default';
    }
    if (flag.secret && typeof flags[flag.name] === 'string') registerSecret(flags[flag.name] as string);
  }
  return { flags, positionals, sources };
}

// ---- help ----------------------------------------------------------------------------------------

function flagLabel(flag: FlagSpec): string {
  const names = [flag.name, ...(flag.aliases ?? [])].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
  const value = flag.type === 'boolean' ? '' : ` ${flag.placeholder ?? 'VALUE'}`;
  return names.join(', ') + value;
}

function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + word.length + 1 > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

export function formatHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  lines.push(`duat ${spec.name} — ${spec.summary}`, '', 'Usage:');
  for (const u of spec.usage) lines.push(`  duat ${spec.name} ${u}`);
  lines.push('', wrap(spec.description, 96, ''), '', 'Flags:');
  for (const flag of allFlags(spec)) {
    let text = flag.description;
    if (flag.default !== undefined && flag.default !== false && !flag.secret) {
      const shown = Array.isArray(flag.default) ? flag.default.join(',') : String(flag.default);
      if (shown !== '') text += ` (default ${shown})`;
    }
    const envNames = [envNameOf(flag), ...(flag.envAliases ?? [])].filter(Boolean);
    if (envNames.length > 0) text += ` [env ${envNames.join(', ')}]`;
    lines.push(`  ${flagLabel(flag)}`, `      ${wrap(text, 90, '      ')}`);
  }
  lines.push(
    '',
    'Flags take one or two dashes and the value after a space or "=" (-f README.md, --file=README.md).',
    'Each flag can also be set in the environment, upper-cased with "-" as "_"; the command line wins.',
  );
  for (const [title, text] of spec.sections ?? []) lines.push('', `${title}:`, `  ${wrap(text, 94, '  ')}`);
  if (spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of spec.examples) {
      if (example.comment) lines.push(`  # ${example.comment}`);
      lines.push(`  ${example.command}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
