/**
 * go-yaml v2's resolve.go: what a plain scalar reads back as. One table for both versions duat
 * follows: v2.1.0, whose encoder quotes strings that would not read back as strings (stencil's
 * toYaml), and v2.4, whose decoder Helm uses (fromYaml, values files); they differ only in the
 * float syntax and the timestamp layouts they try.
 */
import { parseTime, UTC } from '../gotime.js';
import { underscoreOK } from '../lex.js';

export const STR = 'tag:yaml.org,2002:str';
export const BINARY = 'tag:yaml.org,2002:binary';
export const BOOL = 'tag:yaml.org,2002:bool';
export const INT = 'tag:yaml.org,2002:int';
export const FLOAT = 'tag:yaml.org,2002:float';
export const NULL = 'tag:yaml.org,2002:null';
export const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
export const MERGE = 'tag:yaml.org,2002:merge';

/** A resolved scalar: nil, a string, an int (bigint), a float64, a bool. */
export type YamlScalar = null | string | bigint | number | boolean;

/** The version-specific parts of resolve.go. */
export interface GoYamlVersion {
  /** yamlStyleFloat. */
  readonly floatSyntax: RegExp;
  /** allowedTimestampFormats. */
  readonly timestampLayouts: readonly string[];
}

export const GO_YAML_2_1: GoYamlVersion = {
  floatSyntax: /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/,
  timestampLayouts: ['2006-1-2T15:4:5Z07:00', '2006-1-2t15:4:5Z07:00', '2006-1-2 15:4:5', '2006-1-2'],
};

export const GO_YAML_2_4: GoYamlVersion = {
  floatSyntax: /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  timestampLayouts: [
    '2006-1-2T15:4:5.999999999Z07:00',
    '2006-1-2t15:4:5.999999999Z07:00',
    '2006-1-2 15:4:5.999999999',
    '2006-1-2',
  ],
};

/** resolve.go's resolveMap: the words that read back as bools, nulls, special floats and merges. */
const RESOLVE_MAP = new Map<string, [string, YamlScalar]>();
for (const [tag, value, names] of [
  [BOOL, true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']],
  [BOOL, false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']],
  [NULL, null, ['', '~', 'null', 'Null', 'NULL']],
  [FLOAT, Number.NaN, ['.nan', '.NaN', '.NAN']],
  [FLOAT, Number.POSITIVE_INFINITY, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  [FLOAT, Number.NEGATIVE_INFINITY, ['-.inf', '-.Inf', '-.INF']],
  [MERGE, '<<', ['<<']],
] as [string, YamlScalar, string[]][]) {
  for (const name of names) RESOLVE_MAP.set(name, [tag, value]);
}

/** strconv.ParseFloat(s, 64) succeeds (decimal syntax, "inf"/"nan", hex with p exponent; no overflow). */
function goParseFloatOK(s: string): boolean {
  if (/^[+-]?(inf|infinity|nan)$/i.test(s) && !/^[+-]nan$/i.test(s)) return true;
  const dec = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/;
  const hex = /^[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9][0-9_]*$/;
  let value: number;
  if (dec.test(s)) {
    if (!/[0-9]/.test(s.split(/[eE]/)[0] as string)) return false;
    if (s.includes('_') && !underscoreOK(s)) return false;
    value = Number(s.replaceAll('_', ''));
  } else if (hex.test(s)) {
    if (s.includes('_') && !underscoreOK(s.replace(/[pP].*$/, ''))) return false;
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(s.replaceAll('_', ''));
    if (!m || (m[2] === '' && m[3] === '')) return false;
    const mant = Number.parseInt(`${m[2]}${m[3]}` || '0', 16);
    value = mant * 2 ** (Number(m[4]) - 4 * (m[3] as string).length);
  } else {
    return false;
  }
  return Number.isFinite(value);
}

/**
 * strconv.ParseInt(s, base, 64) (signed) or ParseUint (unsigned) succeeds, for base 0 (prefixes
 * 0b, 0o, 0x, 0) or an explicit base, on a string without underscores.
 */
function goParseIntValue(s: string, signed: boolean, base = 0): bigint | undefined {
  let neg = false;
  if (signed && (s[0] === '+' || s[0] === '-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '') return undefined;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      const p = s[1]?.toLowerCase();
      if (s.length >= 3 && p === 'b') [base, s] = [2, s.slice(2)];
      else if (s.length >= 3 && p === 'o') [base, s] = [8, s.slice(2)];
      else if (s.length >= 3 && p === 'x') [base, s] = [16, s.slice(2)];
      else [base, s] = [8, s.slice(1)];
    }
  }
  let n = 0n;
  for (const c of s) {
    const lc = c.toLowerCase();
    const d =
      c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : lc >= 'a' && lc <= 'z' ? lc.charCodeAt(0) - 87 : 99;
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  if (!signed) return n <= 0xffffffffffffffffn ? n : undefined;
  if (neg) return n <= 1n << 63n ? -n : undefined;
  return n < 1n << 63n ? n : undefined;
}

/** resolve.go parseTimestamp: s starts with YYYY- and time.Parse accepts it with one of the layouts. */
function yamlTimestampOK(s: string, layouts: readonly string[]): boolean {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i !== 4 || i === s.length || s[i] !== '-') return false;
  for (const layout of layouts) {
    try {
      parseTime(layout, s, UTC);
      return true;
    } catch {
      // try the next format
    }
  }
  return false;
}

/**
 * resolve(tag, in) for an untagged (or str/binary/timestamp-tagged) plain scalar: the tag it
 * resolves to and its value. A tag other than "" only limits what is tried, as in go-yaml.
 */
export function resolvePlain(version: GoYamlVersion, tag: string, input: string): [string, YamlScalar] {
  // The hint is resolveTable[in[0]]: sign, digit, '.', or one of "yYnNtTfFoO~"; "" hints 'N'.
  const c = input === '' ? 'N' : (input[0] as string);
  const hint =
    c === '+' || c === '-'
      ? 'S'
      : c >= '0' && c <= '9'
        ? 'D'
        : c === '.'
          ? '.'
          : 'yYnNtTfFoO~N'.includes(c)
            ? 'M'
            : '';
  if (hint !== '' && tag !== STR && tag !== BINARY) {
    const item = RESOLVE_MAP.get(input);
    if (item) return item;
    if (hint === '.') {
      if (goParseFloatOK(input)) return [FLOAT, Number(input.replaceAll('_', ''))];
    } else if (hint === 'D' || hint === 'S') {
      if ((tag === '' || tag === TIMESTAMP) && yamlTimestampOK(input, version.timestampLayouts))
        return [TIMESTAMP, input];
      const plain = input.replaceAll('_', '');
      const i = goParseIntValue(plain, true, 0) ?? goParseIntValue(plain, false, 0);
      if (i !== undefined) return [INT, i];
      if (version.floatSyntax.test(plain) && goParseFloatOK(plain)) return [FLOAT, Number(plain)];
      if (plain.startsWith('0b')) {
        const b = goParseIntValue(plain.slice(2), true, 2) ?? goParseIntValue(plain.slice(2), false, 2);
        if (b !== undefined) return [INT, b];
      } else if (plain.startsWith('-0b')) {
        const b = goParseIntValue(`-${plain.slice(3)}`, true, 2);
        if (b !== undefined) return [INT, b];
      }
    }
  }
  return [STR, input];
}

/** resolve("", s) gives !!str: the string can be written as a plain scalar and read back. */
export function resolvesToString(version: GoYamlVersion, s: string): boolean {
  return resolvePlain(version, '', s)[0] === STR;
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** isBase60Float: YAML 1.1 sexagesimal numbers, quoted for other parsers. */
export function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0] as string;
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}
