/**
 * A reader for git's config file format (enough for remotes and branches): sections, quoted
 * subsections, case-insensitive names, quoted values with escapes, comments and line continuations.
 */
export type GitConfig = ReadonlyMap<string, readonly string[]>;

/** Key of a config entry: `remote.origin.url` (section and name lower-cased, subsection as written). */
export function configKey(section: string, subsection: string | undefined, name: string): string {
  return subsection === undefined
    ? `${section.toLowerCase()}.${name.toLowerCase()}`
    : `${section.toLowerCase()}.${subsection}.${name.toLowerCase()}`;
}

function parseValue(raw: string): string {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (c === '#' || c === ';')) break;
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i];
      out += pendingSpace + (n === 'n' ? '\n' : n === 't' ? '\t' : n === 'b' ? '\b' : n);
      pendingSpace = '';
      continue;
    }
    if (!quoted && (c === ' ' || c === '\t')) {
      if (out !== '') pendingSpace += c;
      continue;
    }
    out += pendingSpace + c;
    pendingSpace = '';
  }
  return out;
}

export function parseGitConfig(text: string): GitConfig {
  const entries = new Map<string, string[]>();
  let section = '';
  let subsection: string | undefined;
  const lines = text.replace(/\\\r?\n/g, '').split(/\r?\n/);
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(trimmed);
    if (header) {
      const name = header[1] ?? '';
      if (header[2] !== undefined) {
        section = name;
        subsection = header[2].replace(/\\(.)/g, '$1');
      } else {
        const dot = name.indexOf('.');
        section = dot === -1 ? name : name.slice(0, dot);
        subsection = dot === -1 ? undefined : name.slice(dot + 1).toLowerCase();
      }
      const rest = (header[3] ?? '').trim();
      if (rest === '' || rest.startsWith('#') || rest.startsWith(';')) continue;
      // `[section] key = value` on one line
      addEntry(entries, section, subsection, rest);
      continue;
    }
    if (section) addEntry(entries, section, subsection, trimmed);
  }
  return entries;
}

function addEntry(
  entries: Map<string, string[]>,
  section: string,
  subsection: string | undefined,
  line: string,
): void {
  const eq = line.indexOf('=');
  const name = (eq === -1 ? line : line.slice(0, eq)).trim();
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) return;
  const value = eq === -1 ? 'true' : parseValue(line.slice(eq + 1));
  const key = configKey(section, subsection, name);
  const list = entries.get(key);
  if (list) list.push(value);
  else entries.set(key, [value]);
}

/** The last value of a key (git's "last one wins"). */
export function configGet(config: GitConfig, key: string): string | undefined {
  const values = config.get(key);
  return values?.[values.length - 1];
}

/** Names of the remotes, in the order the file defines them. */
export function remoteNames(config: GitConfig): string[] {
  const names: string[] = [];
  for (const key of config.keys()) {
    const m = /^remote\.(.+)\.url$/.exec(key);
    if (m?.[1] && !names.includes(m[1])) names.push(m[1]);
  }
  return names;
}
