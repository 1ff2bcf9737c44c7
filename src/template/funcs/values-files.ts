/**
 * Values files for templates, decoded the way Helm decodes values (chartutil.ReadValues):
 *
 * - YAML goes through sigs.k8s.io/yaml (see helm.ts): YAML 1.1 scalars, every number a float64,
 *   map keys strings, only the first document;
 * - JSON through encoding/json: numbers float64;
 * - TOML as BurntSushi/toml decodes into map[string]interface{}: integers int64, floats float64,
 *   offset date-times as time.Time in Local (or a fixed zone), local date-times, dates and times
 *   in the "datetime-local", "date-local" and "time-local" zones (offset of the local zone now),
 *   `[[tables]]` as []map[string]interface {}.
 *
 * Syntax errors throw an Error naming the file, the line and column, and what the decoder
 * expected; a top level that is not a map is an error naming the file.
 *
 * Limitation: smol-toml keeps date-times to the millisecond, so TOML fractional seconds beyond
 * milliseconds are truncated.
 */
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { defaultLocal, fixedZone, type Location, parseInLocation, RFC3339_NANO } from '../gotime.js';
import { type GoMap, goInt, typedSlice, type Value } from '../value.js';
import { decodeYamlLikeHelm } from './helm.js';
import { decodeJSON, JsonSyntaxError, jsonErrorPosition } from './json.js';

/** Decodes a YAML values file into a map, as Helm does. */
export function decodeYamlValues(text: string, file: string): GoMap {
  const { value, error } = decodeYamlLikeHelm(text, 'map');
  if (error) {
    if (error.message.startsWith('error unmarshaling JSON')) {
      throw new Error(`${file}: the top level of a values file must be a map: ${error.message}`);
    }
    if (error.line !== undefined) {
      // A syntax error: where it is and go-yaml's description of what it expected.
      throw new Error(
        `${file}:${error.line}:${error.column}: invalid YAML: ${error.problem ?? error.message}`,
      );
    }
    throw new Error(`${file}: ${error.message}`);
  }
  return value as GoMap;
}

/** Decodes a JSON values file into a map (numbers are float64). */
export function decodeJsonValues(text: string, file: string): GoMap {
  const { value, error } = decodeJSON(text, 'map');
  if (error instanceof JsonSyntaxError) {
    const { line, column } = jsonErrorPosition(text, error.offset);
    throw new Error(`${file}:${line}:${column}: invalid JSON: ${error.message}`);
  }
  if (error) {
    if (/^json: cannot unmarshal (array|string|number|bool) into Go value of type map/.test(error.message)) {
      throw new Error(`${file}: the top level of a values file must be a map: ${error.message}`);
    }
    throw new Error(`${file}: ${error.message}`);
  }
  return value as GoMap;
}

/** Decodes a TOML values file into a map, with BurntSushi/toml's Go types. */
export function decodeTomlValues(text: string, file: string): GoMap {
  let table: Record<string, unknown>;
  try {
    table = parseToml(text, { integersAsBigInt: true }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const what = (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new Error(`${file}:${e.line}:${e.column}: invalid TOML: ${what}`);
    }
    throw e;
  }
  const local = defaultLocal();
  const localOffset = local.lookup(Math.floor(Date.now() / 1000)).offset;
  const zones = {
    datetime: fixedZone('datetime-local', localOffset),
    date: fixedZone('date-local', localOffset),
    time: fixedZone('time-local', localOffset),
  };
  const tableArrays = tableArrayPaths(text);
  const convert = (v: unknown, path: string): Value => {
    if (typeof v === 'bigint') return goInt(v, 'int64');
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v instanceof TomlDate) return tomlTime(v, local, zones);
    if (Array.isArray(v)) {
      const items = v.map((item) => convert(item, path));
      return tableArrays.has(path) ? typedSlice(items, '[]map[string]interface {}') : items;
    }
    if (v !== null && typeof v === 'object') {
      const m: GoMap = new Map();
      for (const [k, item] of Object.entries(v))
        m.set(k, convert(item, path === '' ? k : `${path}\u0000${k}`));
      return m;
    }
    return null;
  };
  return convert(table, '') as GoMap;
}

/** A TOML date-time as BurntSushi/toml's valueDatetime parses it. */
function tomlTime(
  d: TomlDate,
  local: Location,
  zones: { datetime: Location; date: Location; time: Location },
): Value {
  const text = d.toISOString();
  if (d.isDate()) return parseInLocation('2006-01-02', text, zones.date, local);
  if (d.isTime()) return parseInLocation('15:04:05.999999999', text, zones.time, local);
  if (d.isLocal()) return parseInLocation('2006-01-02T15:04:05.999999999', text, zones.datetime, local);
  return parseInLocation(RFC3339_NANO, text, local, local);
}

/**
 * The key paths of `[[array.of.tables]]` headers (joined with NUL), which BurntSushi/toml decodes
 * as []map[string]interface {} rather than []interface {}.
 */
function tableArrayPaths(text: string): Set<string> {
  const paths = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*\[\[(.*)\]\]\s*(#.*)?$/.exec(line);
    if (!m) continue;
    const keys: string[] = [];
    const re = /\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*(\.|$)/gy;
    let k: RegExpExecArray | null = re.exec(m[1] as string);
    while (k) {
      const raw = k[1] as string;
      keys.push(
        raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.startsWith("'") ? raw.slice(1, -1) : raw,
      );
      if (k[2] === '') break;
      k = re.exec(m[1] as string);
    }
    paths.add(keys.join('\u0000'));
  }
  return paths;
}
