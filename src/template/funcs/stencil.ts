/**
 * The functions the original duat stencil added on top of sprig (karlmutch/duat template.go):
 * `toJson` (encoding/json.Marshal, errors give ""), `toYaml` (github.com/go-yaml/yaml v2.1.0
 * Marshal, errors give ""), `toToml` (github.com/BurntSushi/toml v1.2.0 Encoder, errors give the
 * error's text) and `RaiseError` (records an error for the stencil run and returns "").
 *
 * This module holds byte-exact ports of the two encoders over the template value model:
 *
 * - YAML: go-yaml v2.1.0's encoder (encode.go, sorter.go, resolve.go) feeding a port of its libyaml
 *   emitter (emitterc.go): block style with indentless sequences in mappings, `{}`/`[]` for empty
 *   collections, keys in the "natural" order of sorter.go, strings that would resolve to another
 *   type (true, 1.0, null, 2001-12-14, 0x1F, 1:20) double-quoted, multi-line strings as literal
 *   blocks (`|-`), long plain and quoted scalars folded at 80 columns, floats with %g (1e+06),
 *   time.Time as `!!timestamp` RFC 3339, []byte as a list of numbers.
 * - TOML: BurntSushi/toml v1.2.0's Encoder (encode.go): plain keys first then tables, nested tables
 *   indented by two spaces per level, arrays of tables, inline tables inside arrays, floats with a
 *   decimal point, times as RFC 3339, its error texts.
 */
import { formatGoDuration, formatTime, GoNamedInt, GoTime, parseTime, RFC3339_NANO, UTC } from '../gotime.js';
import { formatFloat } from '../strconv.js';
import {
  assertAcyclic,
  defineFunc,
  GoComplex,
  GoFloat32,
  type GoFunc,
  GoInt,
  type GoMap,
  GoNil,
  GoObject,
  goTypeName,
  isGoFunc,
  kindOfType,
  type Value,
} from '../value.js';
import type { FuncContext } from './context.js';
import { compareUTF8, JsonMarshalError, marshalJSON, marshalText } from './json.js';

// =================================================================================================
// YAML: go-yaml v2.1.0
// =================================================================================================

/** A value go-yaml cannot marshal: it panics with this text (not a yaml error, so it propagates). */
export class YamlMarshalPanic extends Error {
  override readonly name = 'YamlMarshalPanic';
}

enum ScalarStyle {
  Plain,
  SingleQuoted,
  DoubleQuoted,
  Literal,
}

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

type YamlEvent =
  | { kind: 'mapStart' }
  | { kind: 'mapEnd' }
  | { kind: 'seqStart' }
  | { kind: 'seqEnd' }
  | { kind: 'scalar'; value: string; tag: string; style: ScalarStyle };

// ---- resolve.go: would this plain scalar read back as something other than a string? ----------

const RESOLVE_MAP = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '<<',
]);

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1] as string)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseFloat(s, 64) succeeds (decimal syntax, "inf"/"nan", hex with p exponent; no overflow). */
export function goParseFloatOK(s: string): boolean {
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
export function goParseIntValue(s: string, signed: boolean, base = 0): bigint | undefined {
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

function goParseIntOK(s: string, signed: boolean, base = 0): boolean {
  return goParseIntValue(s, signed, base) !== undefined;
}

/** resolve.go parseTimestamp: s starts with YYYY- and time.Parse accepts it with one of the layouts. */
export function yamlTimestampOK(s: string, layouts: readonly string[]): boolean {
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

const YAML_STYLE_FLOAT = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** resolve("", s) returns yaml_STR_TAG: the string can be written as a plain scalar. */
function resolvesToString(s: string): boolean {
  // The hint is resolveTable[s[0]]: sign, digit, '.', or one of "yYnNtTfFoO~"; "" hints 'N'.
  const c = s === '' ? 'N' : (s[0] as string);
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
  if (hint === '') return true;
  if (RESOLVE_MAP.has(s)) return false;
  if (hint === '.') return !goParseFloatOK(s);
  if (hint === 'D' || hint === 'S') {
    if (
      yamlTimestampOK(s, ['2006-1-2T15:4:5Z07:00', '2006-1-2t15:4:5Z07:00', '2006-1-2 15:4:5', '2006-1-2'])
    ) {
      return false;
    }
    const plain = s.replaceAll('_', '');
    if (goParseIntOK(plain, true) || goParseIntOK(plain, false)) return false;
    if (YAML_STYLE_FLOAT.test(plain) && goParseFloatOK(plain)) return false;
    if (plain.startsWith('0b')) {
      if (goParseIntOK(plain.slice(2), true, 2) || goParseIntOK(plain.slice(2), false, 2)) return false;
    } else if (plain.startsWith('-0b')) {
      if (goParseIntOK(plain.slice(3), true, 2)) return false;
    }
  }
  return true;
}

/** isBase60Float: YAML 1.1 sexagesimal numbers, quoted for other parsers. */
function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0] as string;
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

// ---- sorter.go: the order of map keys --------------------------------------------------------------

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** keyList.Less for string keys: letters before other runes, digit runs compared numerically. */
function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a].map((c) => c.codePointAt(0) as number);
  const br = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai0 = ar[i] as number;
    const bi0 = br[i] as number;
    if (ai0 === bi0) continue;
    const al = LETTER.test(String.fromCodePoint(ai0));
    const bl = LETTER.test(String.fromCodePoint(bi0));
    if (al && bl) return ai0 < bi0;
    if (al || bl) return bl;
    let ai = i;
    let bi = i;
    let an = 0n;
    let bn = 0n;
    for (; ai < ar.length && DIGIT.test(String.fromCodePoint(ar[ai] as number)); ai++) {
      an = BigInt.asIntN(64, an * 10n + BigInt((ar[ai] as number) - 48));
    }
    for (; bi < br.length && DIGIT.test(String.fromCodePoint(br[bi] as number)); bi++) {
      bn = BigInt.asIntN(64, bn * 10n + BigInt((br[bi] as number) - 48));
    }
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ai0 < bi0;
  }
  return ar.length < br.length;
}

// ---- encode.go: values to events ------------------------------------------------------------------

class YamlEncoder {
  readonly events: YamlEvent[] = [];

  marshal(v: Value): void {
    if (v === undefined || v === null) {
      this.scalar('null', '', ScalarStyle.Plain);
      return;
    }
    switch (typeof v) {
      case 'string':
        this.stringv(v);
        return;
      case 'boolean':
        this.scalar(v ? 'true' : 'false', '', ScalarStyle.Plain);
        return;
      case 'number':
        this.floatv(v);
        return;
      default:
        break;
    }
    if (v instanceof GoInt) {
      this.scalar(v.value.toString(), '', ScalarStyle.Plain);
      return;
    }
    if (v instanceof GoFloat32) {
      this.floatv(v.value);
      return;
    }
    if (v instanceof GoComplex) throw new YamlMarshalPanic('cannot marshal type: complex128');
    if (v instanceof Uint8Array) {
      // A []byte is a slice of uint8: a sequence of numbers.
      this.events.push({ kind: 'seqStart' });
      for (const b of v) this.scalar(String(b), '', ScalarStyle.Plain);
      this.events.push({ kind: 'seqEnd' });
      return;
    }
    if (v instanceof GoNil) {
      const kind = kindOfType(v.type);
      if (kind === 'map') {
        this.mapv(new Map());
        return;
      }
      if (kind === 'slice') {
        this.seqv([]);
        return;
      }
      if (kind === 'ptr' || kind === 'interface') {
        this.scalar('null', '', ScalarStyle.Plain);
        return;
      }
      throw new YamlMarshalPanic(`cannot marshal type: ${v.type}`);
    }
    if (isGoFunc(v)) throw new YamlMarshalPanic(`cannot marshal type: ${goTypeName(v)}`);
    if (Array.isArray(v)) {
      this.seqv(v);
      return;
    }
    if (v instanceof Map) {
      this.mapv(v);
      return;
    }
    if (v instanceof GoTime) {
      this.scalar(formatTime(v, RFC3339_NANO), TIMESTAMP_TAG, ScalarStyle.Plain);
      return;
    }
    if (v instanceof GoNamedInt) {
      if (v.type === 'time.Duration') {
        this.stringv(formatGoDuration(v.value));
        return;
      }
      this.scalar(v.value.toString(), '', ScalarStyle.Plain);
      return;
    }
    if (v instanceof GoObject) {
      const text = marshalText(v);
      if (text !== undefined) {
        this.stringv(text);
        return;
      }
      // A struct: its fields in order, keys lowercased (getStructInfo without tags).
      this.events.push({ kind: 'mapStart' });
      for (const [k, fv] of v.fields) {
        this.stringv(k.toLowerCase());
        this.marshal(fv);
      }
      this.events.push({ kind: 'mapEnd' });
      return;
    }
    this.scalar('null', '', ScalarStyle.Plain);
  }

  private mapv(m: GoMap): void {
    this.events.push({ kind: 'mapStart' });
    const keys = [...m.keys()].sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
    for (const k of keys) {
      this.stringv(k);
      this.marshal(m.get(k));
    }
    this.events.push({ kind: 'mapEnd' });
  }

  private seqv(items: readonly Value[]): void {
    this.events.push({ kind: 'seqStart' });
    for (const item of items) this.marshal(item);
    this.events.push({ kind: 'seqEnd' });
  }

  private stringv(s: string): void {
    // Lone surrogates cannot come from Go; they stand for U+FFFD.
    s = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    const canUsePlain = resolvesToString(s) && !isBase60Float(s);
    const style = s.includes('\n')
      ? ScalarStyle.Literal
      : canUsePlain
        ? ScalarStyle.Plain
        : ScalarStyle.DoubleQuoted;
    this.scalar(s, '', style);
  }

  private floatv(f: number): void {
    let s = formatFloat(f, 'g', -1, 64);
    if (s === '+Inf') s = '.inf';
    else if (s === '-Inf') s = '-.inf';
    else if (s === 'NaN') s = '.nan';
    this.scalar(s, '', ScalarStyle.Plain);
  }

  private scalar(value: string, tag: string, style: ScalarStyle): void {
    this.events.push({ kind: 'scalar', value, tag, style });
  }
}

// ---- emitterc.go: events to text ------------------------------------------------------------------

enum EmitState {
  DocumentEnd,
  FlowSequenceFirstItem,
  FlowSequenceItem,
  FlowMappingFirstKey,
  FlowMappingKey,
  FlowMappingSimpleValue,
  FlowMappingValue,
  BlockSequenceFirstItem,
  BlockSequenceItem,
  BlockMappingFirstKey,
  BlockMappingKey,
  BlockMappingSimpleValue,
  BlockMappingValue,
}

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

function isBreak(c: number | undefined): boolean {
  return c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function isBlank(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

function isBlankz(c: number | undefined): boolean {
  return isBlank(c) || isBreak(c) || c === 0 || c === undefined;
}

/** libyaml's is_printable, decoded from its UTF-8 byte tests. */
function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

interface ScalarAnalysis {
  value: number[];
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
  style: ScalarStyle;
}

class YamlEmitter {
  private out = '';
  private head = 0;
  private state: EmitState | 'content' = 'content';
  private readonly states: EmitState[] = [];
  private indent = -1;
  private readonly indents: number[] = [];
  private flowLevel = 0;
  private mappingContext = false;
  private simpleKeyContext = false;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private tagHandle = '';
  private tagSuffix = '';
  private scalarData: ScalarAnalysis = {
    value: [],
    multiline: false,
    flowPlainAllowed: false,
    blockPlainAllowed: false,
    singleQuotedAllowed: false,
    blockAllowed: false,
    style: ScalarStyle.Plain,
  };

  constructor(private readonly events: readonly YamlEvent[]) {}

  /** Runs the state machine over the document's events (stream and document start are implicit). */
  emit(): string {
    for (this.head = 0; this.head < this.events.length; this.head++) {
      const event = this.events[this.head] as YamlEvent;
      this.analyzeEvent(event);
      this.stateMachine(event);
    }
    // yaml_emitter_emit_document_end (implicit end: no "...").
    this.writeIndent();
    return this.out;
  }

  // -- output primitives (put, put_break, write, write_break) --

  private put(c: string): void {
    this.out += c;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private write(c: number): void {
    this.out += String.fromCodePoint(c);
    this.column++;
  }

  private writeBreak(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
    } else {
      this.write(c);
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const c of indicator) this.write(c.codePointAt(0) as number);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() as number;
  }

  private popState(): void {
    this.state = this.states.pop() as EmitState;
  }

  // -- analysis --

  private analyzeEvent(event: YamlEvent): void {
    this.tagHandle = '';
    this.tagSuffix = '';
    if (event.kind !== 'scalar') return;
    if (event.tag !== '') {
      // yaml_emitter_analyze_tag with the default %TAG directives ! and !!.
      if (event.tag.startsWith('tag:yaml.org,2002:')) {
        this.tagHandle = '!!';
        this.tagSuffix = event.tag.slice('tag:yaml.org,2002:'.length);
      } else {
        this.tagSuffix = event.tag;
      }
    }
    this.analyzeScalar(event.value, event.style);
  }

  private analyzeScalar(text: string, style: ScalarStyle): void {
    const value = [...text].map((c) => c.codePointAt(0) as number);
    const d = this.scalarData;
    d.value = value;
    d.style = style;
    if (value.length === 0) {
      Object.assign(d, {
        multiline: false,
        flowPlainAllowed: false,
        blockPlainAllowed: true,
        singleQuotedAllowed: true,
        blockAllowed: false,
      });
      return;
    }
    let blockIndicators = false;
    let flowIndicators = false;
    let lineBreaks = false;
    let specialCharacters = false;
    let leadingSpace = false;
    let leadingBreak = false;
    let trailingSpace = false;
    let trailingBreak = false;
    let breakSpace = false;
    let spaceBreak = false;
    let previousSpace = false;
    let previousBreak = false;
    if (text.startsWith('---') || text.startsWith('...')) {
      blockIndicators = true;
      flowIndicators = true;
    }
    let precededByWhitespace = true;
    for (let i = 0; i < value.length; i++) {
      const c = value[i] as number;
      const ch = String.fromCodePoint(c);
      const followedByWhitespace = i + 1 >= value.length || isBlank(value[i + 1]);
      if (i === 0) {
        if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
          flowIndicators = true;
          blockIndicators = true;
        } else if (ch === '?' || ch === ':') {
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
        } else if (ch === '-' && followedByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      } else if (',?[]{}'.includes(ch)) {
        flowIndicators = true;
      } else if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (!isPrintable(c)) specialCharacters = true;
      if (c === 0x20) {
        if (i === 0) leadingSpace = true;
        if (i + 1 === value.length) trailingSpace = true;
        if (previousBreak) breakSpace = true;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(c)) {
        lineBreaks = true;
        if (i === 0) leadingBreak = true;
        if (i + 1 === value.length) trailingBreak = true;
        if (previousSpace) spaceBreak = true;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = isBlankz(c);
    }
    d.multiline = lineBreaks;
    d.flowPlainAllowed = true;
    d.blockPlainAllowed = true;
    d.singleQuotedAllowed = true;
    d.blockAllowed = true;
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
      d.flowPlainAllowed = false;
      d.blockPlainAllowed = false;
    }
    if (trailingSpace) d.blockAllowed = false;
    if (breakSpace) {
      d.flowPlainAllowed = false;
      d.blockPlainAllowed = false;
      d.singleQuotedAllowed = false;
    }
    if (spaceBreak || specialCharacters) {
      d.flowPlainAllowed = false;
      d.blockPlainAllowed = false;
      d.singleQuotedAllowed = false;
      d.blockAllowed = false;
    }
    if (lineBreaks) {
      d.flowPlainAllowed = false;
      d.blockPlainAllowed = false;
    }
    if (flowIndicators) d.flowPlainAllowed = false;
    if (blockIndicators) d.blockPlainAllowed = false;
  }

  // -- state machine --

  private stateMachine(event: YamlEvent): void {
    switch (this.state) {
      case 'content':
        this.states.push(EmitState.DocumentEnd);
        this.emitNode(event, true, false, false, false);
        return;
      case EmitState.FlowSequenceFirstItem:
        this.emitFlowSequenceItem(event, true);
        return;
      case EmitState.FlowSequenceItem:
        this.emitFlowSequenceItem(event, false);
        return;
      case EmitState.FlowMappingFirstKey:
        this.emitFlowMappingKey(event, true);
        return;
      case EmitState.FlowMappingKey:
        this.emitFlowMappingKey(event, false);
        return;
      case EmitState.FlowMappingSimpleValue:
        this.emitFlowMappingValue(event, true);
        return;
      case EmitState.FlowMappingValue:
        this.emitFlowMappingValue(event, false);
        return;
      case EmitState.BlockSequenceFirstItem:
        this.emitBlockSequenceItem(event, true);
        return;
      case EmitState.BlockSequenceItem:
        this.emitBlockSequenceItem(event, false);
        return;
      case EmitState.BlockMappingFirstKey:
        this.emitBlockMappingKey(event, true);
        return;
      case EmitState.BlockMappingKey:
        this.emitBlockMappingKey(event, false);
        return;
      case EmitState.BlockMappingSimpleValue:
        this.emitBlockMappingValue(event, true);
        return;
      case EmitState.BlockMappingValue:
        this.emitBlockMappingValue(event, false);
        return;
      default:
        throw new Error('yaml emitter: unexpected event after the document');
    }
  }

  private emitFlowSequenceItem(event: YamlEvent, first: boolean): void {
    if (first) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (event.kind === 'seqEnd') {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator(']', false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(',', false, false, false);
    if (this.column > BEST_WIDTH) this.writeIndent();
    this.states.push(EmitState.FlowSequenceItem);
    this.emitNode(event, false, true, false, false);
  }

  private emitFlowMappingKey(event: YamlEvent, first: boolean): void {
    if (first) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (event.kind === 'mapEnd') {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(',', false, false, false);
    if (this.column > BEST_WIDTH) this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(EmitState.FlowMappingSimpleValue);
      this.emitNode(event, false, false, true, true);
      return;
    }
    this.writeIndicator('?', true, false, false);
    this.states.push(EmitState.FlowMappingValue);
    this.emitNode(event, false, false, true, false);
  }

  private emitFlowMappingValue(event: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.writeIndicator(':', true, false, false);
    }
    this.states.push(EmitState.FlowMappingKey);
    this.emitNode(event, false, false, true, false);
  }

  private emitBlockSequenceItem(event: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false, this.mappingContext && !this.indention);
    if (event.kind === 'seqEnd') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.states.push(EmitState.BlockSequenceItem);
    this.emitNode(event, false, true, false, false);
  }

  private emitBlockMappingKey(event: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (event.kind === 'mapEnd') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(EmitState.BlockMappingSimpleValue);
      this.emitNode(event, false, false, true, true);
      return;
    }
    this.writeIndicator('?', true, false, true);
    this.states.push(EmitState.BlockMappingValue);
    this.emitNode(event, false, false, true, false);
  }

  private emitBlockMappingValue(event: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    this.states.push(EmitState.BlockMappingKey);
    this.emitNode(event, false, false, true, false);
  }

  /** yaml_emitter_emit_node (libyaml's root and sequence contexts change nothing this emitter writes). */
  private emitNode(
    event: YamlEvent,
    _root: boolean,
    _sequence: boolean,
    mapping: boolean,
    simpleKey: boolean,
  ): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (event.kind) {
      case 'scalar':
        this.emitScalar();
        return;
      case 'seqStart':
        this.state =
          this.flowLevel > 0 || this.checkEmpty('seqStart', 'seqEnd')
            ? EmitState.FlowSequenceFirstItem
            : EmitState.BlockSequenceFirstItem;
        return;
      case 'mapStart':
        this.state =
          this.flowLevel > 0 || this.checkEmpty('mapStart', 'mapEnd')
            ? EmitState.FlowMappingFirstKey
            : EmitState.BlockMappingFirstKey;
        return;
      default:
        throw new Error(
          `yaml emitter: expected SCALAR, SEQUENCE-START, MAPPING-START, but got ${event.kind}`,
        );
    }
  }

  private checkEmpty(start: YamlEvent['kind'], end: YamlEvent['kind']): boolean {
    return this.events[this.head]?.kind === start && this.events[this.head + 1]?.kind === end;
  }

  /** yaml_emitter_check_simple_key */
  private checkSimpleKey(): boolean {
    const event = this.events[this.head] as YamlEvent;
    let length = 0;
    switch (event.kind) {
      case 'scalar':
        if (this.scalarData.multiline) return false;
        // Lengths are in bytes, as in Go.
        length =
          Buffer.byteLength(this.tagHandle) +
          Buffer.byteLength(this.tagSuffix) +
          Buffer.byteLength(event.value);
        break;
      case 'seqStart':
        if (!this.checkEmpty('seqStart', 'seqEnd')) return false;
        break;
      case 'mapStart':
        if (!this.checkEmpty('mapStart', 'mapEnd')) return false;
        break;
      default:
        return false;
    }
    return length <= 128;
  }

  private emitScalar(): void {
    this.selectScalarStyle();
    this.processTag();
    this.increaseIndent(true, false);
    this.processScalar();
    this.popIndent();
    this.popState();
  }

  private selectScalarStyle(): void {
    const d = this.scalarData;
    let style = d.style;
    if (this.simpleKeyContext && d.multiline) style = ScalarStyle.DoubleQuoted;
    if (style === ScalarStyle.Plain) {
      if ((this.flowLevel > 0 && !d.flowPlainAllowed) || (this.flowLevel === 0 && !d.blockPlainAllowed)) {
        style = ScalarStyle.SingleQuoted;
      }
      if (d.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext))
        style = ScalarStyle.SingleQuoted;
    }
    if (style === ScalarStyle.SingleQuoted && !d.singleQuotedAllowed) style = ScalarStyle.DoubleQuoted;
    if (style === ScalarStyle.Literal && (!d.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)) {
      style = ScalarStyle.DoubleQuoted;
    }
    d.style = style;
  }

  private processTag(): void {
    if (this.tagHandle === '' && this.tagSuffix === '') return;
    if (this.tagHandle !== '') {
      if (!this.whitespace) this.put(' ');
      for (const c of this.tagHandle) this.write(c.codePointAt(0) as number);
      this.whitespace = false;
      this.indention = false;
      if (this.tagSuffix !== '') this.writeTagContent(this.tagSuffix);
    } else {
      this.writeIndicator('!<', true, false, false);
      this.writeTagContent(this.tagSuffix);
      this.writeIndicator('>', false, false, false);
    }
  }

  private writeTagContent(value: string): void {
    for (const c of value) {
      if (/^[;/?:@&=+$,_.~*'()[\]0-9A-Za-z-]$/.test(c)) {
        this.write(c.codePointAt(0) as number);
      } else {
        for (const b of Buffer.from(c, 'utf8'))
          this.out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
        this.column += 3 * Buffer.byteLength(c);
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private processScalar(): void {
    const { value, style } = this.scalarData;
    const allowBreaks = !this.simpleKeyContext;
    switch (style) {
      case ScalarStyle.Plain:
        this.writePlain(value, allowBreaks);
        return;
      case ScalarStyle.SingleQuoted:
        this.writeSingleQuoted(value, allowBreaks);
        return;
      case ScalarStyle.DoubleQuoted:
        this.writeDoubleQuoted(value, allowBreaks);
        return;
      default:
        this.writeLiteral(value);
        return;
    }
  }

  private writePlain(value: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; i++) {
      const c = value[i] as number;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && value[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.write(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; i++) {
      const c = value[i] as number;
      if (c === 0x20) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < value.length - 1 &&
          value[i + 1] !== 0x20
        ) {
          this.writeIndent();
        } else {
          this.write(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.write(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: number[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    const bom = value[0] === 0xfeff; // is_bom looks at the start of the value, for every character
    for (let i = 0; i < value.length; i++) {
      const c = value[i] as number;
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const simple: Record<number, string> = {
          0: '0',
          7: 'a',
          8: 'b',
          9: 't',
          10: 'n',
          11: 'v',
          12: 'f',
          13: 'r',
          27: 'e',
          34: '"',
          92: '\\',
          133: 'N',
          160: '_',
          8232: 'L',
          8233: 'P',
        };
        const s = simple[c];
        if (s !== undefined) {
          this.put(s);
        } else {
          const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const h of c.toString(16).toUpperCase().padStart(width, '0')) this.put(h);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < value.length - 1) {
          this.writeIndent();
          if (value[i + 1] === 0x20) this.put('\\');
        } else {
          this.write(c);
        }
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeBlockScalarHints(value: number[]): void {
    if (value[0] === 0x20 || isBreak(value[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    if (value.length === 0) {
      chomp = '-';
    } else {
      const last = value.length - 1;
      if (!isBreak(value[last])) chomp = '-';
      else if (last === 0) chomp = '+';
      else if (isBreak(value[last - 1])) chomp = '+';
    }
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
  }

  private writeLiteral(value: number[]): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockScalarHints(value);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of value) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/**
 * yaml.Marshal (go-yaml v2.1.0) of a template value. Throws YamlMarshalPanic for values Go cannot
 * marshal (funcs, complex numbers), as Go panics.
 */
export function marshalYAML(v: Value): string {
  assertAcyclic(v, 'yaml');
  const encoder = new YamlEncoder();
  encoder.marshal(v);
  return new YamlEmitter(encoder.events).emit();
}

// =================================================================================================
// TOML: BurntSushi/toml v1.2.0
// =================================================================================================

/** An error the TOML Encoder returns (tomlEncodeError); the message is the library's. */
export class TomlEncodeError extends Error {
  override readonly name = 'TomlEncodeError';
}

type TomlType = 'nil' | 'bool' | 'integer' | 'float' | 'string' | 'datetime' | 'array' | 'arrayHash' | 'hash';

const TOML_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** dblQuotedReplacer: backslash escapes, \uXXXX for the other control characters and DEL. */
function tomlEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += TOML_ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c);
  }
  return out;
}

function tomlQuoted(s: string): string {
  return `"${tomlEscape(s)}"`;
}

/** Key.maybeQuoted: bare keys are A-Za-z0-9_-. */
function tomlKeyPart(k: string): string {
  if (k === '') return '""';
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlQuoted(k);
}

/** A Go value that is a nil map, slice, pointer or interface (isNil). */
function tomlIsNil(v: Value): boolean {
  return v === null || v === undefined || v instanceof GoNil;
}

/** tomlTypeOfGo */
function tomlTypeOf(v: Value): TomlType {
  if (tomlIsNil(v)) return 'nil';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    default:
      break;
  }
  if (v instanceof GoInt) return 'integer';
  if (v instanceof GoFloat32) return 'float';
  if (v instanceof GoTime) return 'datetime';
  if (v instanceof GoNamedInt) return 'integer';
  if (v instanceof GoObject) return marshalText(v) !== undefined ? 'string' : 'hash';
  if (v instanceof Map) return 'hash';
  if (v instanceof Uint8Array) return 'array';
  if (Array.isArray(v)) return isTableArray(v) ? 'arrayHash' : 'array';
  if (v instanceof GoComplex) throw new TomlEncodeError('unsupported type: complex128');
  throw new TomlEncodeError(`unsupported type: ${kindOfType(goTypeName(v))}`);
}

/** isTableArray: a non-empty array whose elements are all tables (nil elements are an error). */
function isTableArray(arr: readonly Value[]): boolean {
  if (arr.length === 0) return false;
  let ret = true;
  for (const item of arr) {
    const t = tomlTypeOf(item);
    if (t === 'nil') throw new TomlEncodeError('toml: cannot encode array with nil element');
    if (ret && t !== 'hash') ret = false;
  }
  return ret;
}

function isTable(t: TomlType): boolean {
  return t === 'hash' || t === 'arrayHash';
}

class TomlEncoder {
  out = '';
  private hasWritten = false;

  private wf(s: string): void {
    this.out += s;
    this.hasWritten = true;
  }

  private newline(): void {
    if (this.hasWritten) this.wf('\n');
  }

  private indentStr(key: readonly string[]): string {
    return '  '.repeat(Math.max(key.length - 1, 0));
  }

  private keyString(key: readonly string[]): string {
    return key.map(tomlKeyPart).join('.');
  }

  encode(key: string[], v: Value): void {
    if (v instanceof GoTime || (v instanceof GoObject && marshalText(v) !== undefined)) {
      this.writeKeyValue(key, v, false);
      return;
    }
    if (v instanceof GoNil) {
      const kind = kindOfType(v.type);
      // A nil slice is still a slice (an empty array); nil maps and pointers write nothing.
      if (kind === 'slice') {
        this.writeKeyValue(key, v, false);
        return;
      }
      if (kind === 'func')
        throw new TomlEncodeError(`unsupported type for key '${this.keyString(key)}': func`);
      return;
    }
    if (v === null || v === undefined) return;
    if (
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      typeof v === 'number' ||
      v instanceof GoInt ||
      v instanceof GoFloat32 ||
      v instanceof GoNamedInt
    ) {
      this.writeKeyValue(key, v, false);
      return;
    }
    if (Array.isArray(v) || v instanceof Uint8Array) {
      if (Array.isArray(v) && tomlTypeOf(v) === 'arrayHash') {
        this.eArrayOfTables(key, v);
        return;
      }
      this.writeKeyValue(key, v, false);
      return;
    }
    if (v instanceof Map || v instanceof GoObject) {
      this.eTable(key, v);
      return;
    }
    const type = v instanceof GoComplex ? 'complex128' : kindOfType(goTypeName(v));
    throw new TomlEncodeError(`unsupported type for key '${this.keyString(key)}': ${type}`);
  }

  private eElement(v: Value): void {
    if (v instanceof GoTime) {
      this.wf(formatTime(v, tomlTimeLayout(v)));
      return;
    }
    if (v instanceof GoObject) {
      const text = marshalText(v);
      if (text !== undefined) {
        this.wf(tomlQuoted(text));
        return;
      }
    }
    if (v instanceof GoNamedInt) {
      if (v.type === 'time.Duration') {
        this.wf(tomlQuoted(formatGoDuration(v.value)));
        return;
      }
      this.wf(v.value.toString());
      return;
    }
    if (typeof v === 'string') {
      this.wf(tomlQuoted(v));
      return;
    }
    if (typeof v === 'boolean') {
      this.wf(v ? 'true' : 'false');
      return;
    }
    if (v instanceof GoInt) {
      this.wf(v.value.toString());
      return;
    }
    if (typeof v === 'number' || v instanceof GoFloat32) {
      const f = typeof v === 'number' ? v : v.value;
      if (Number.isNaN(f)) {
        this.wf('nan');
        return;
      }
      if (!Number.isFinite(f)) {
        this.wf(f < 0 ? '-inf' : '+inf');
        return;
      }
      const s = formatFloat(f, 'f', -1, typeof v === 'number' ? 64 : 32);
      this.wf(s.includes('.') ? s : `${s}.0`);
      return;
    }
    if (v instanceof Uint8Array) {
      this.eArrayOrSliceElement([...v].map((b) => new GoInt('uint8', BigInt(b))));
      return;
    }
    if (Array.isArray(v)) {
      this.eArrayOrSliceElement(v);
      return;
    }
    if (v instanceof GoNil && kindOfType(v.type) === 'slice') {
      this.wf('[]');
      return;
    }
    if (v instanceof GoNil && kindOfType(v.type) === 'map') {
      this.wf('{}');
      return;
    }
    if (v instanceof Map) {
      this.eMap([], v, true);
      return;
    }
    if (v instanceof GoObject) {
      this.eStruct([], v, true);
      return;
    }
    if (v === null || v === undefined || v instanceof GoNil) {
      // eElement on a nil interface reaches rv.Elem().Interface() on a zero Value.
      throw new Error('reflect: call of reflect.Value.Interface on zero Value');
    }
    throw new Error(`unexpected type: ${goTypeName(v)}`);
  }

  private eArrayOrSliceElement(items: readonly Value[]): void {
    this.wf('[');
    items.forEach((item, i) => {
      this.eElement(item);
      if (i !== items.length - 1) this.wf(', ');
    });
    this.wf(']');
  }

  private eArrayOfTables(key: string[], items: readonly Value[]): void {
    if (key.length === 0) throw new TomlEncodeError('toml: top-level values must be Go maps or structs');
    for (const item of items) {
      if (tomlIsNil(item)) continue;
      this.newline();
      this.wf(`${this.indentStr(key)}[[${this.keyString(key)}]]`);
      this.newline();
      this.eMapOrStruct(key, item, false);
    }
  }

  private eTable(key: string[], v: GoMap | GoObject): void {
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.wf(`${this.indentStr(key)}[${this.keyString(key)}]`);
      this.newline();
    }
    this.eMapOrStruct(key, v, false);
  }

  private eMapOrStruct(key: string[], v: Value, inline: boolean): void {
    if (v instanceof Map) {
      this.eMap(key, v, inline);
      return;
    }
    if (v instanceof GoObject) {
      this.eStruct(key, v, inline);
      return;
    }
    throw new Error(`eTable: unhandled reflect.Value Kind: ${kindOfType(goTypeName(v))}`);
  }

  private eMap(key: string[], m: GoMap, inline: boolean): void {
    const direct: string[] = [];
    const sub: string[] = [];
    for (const [k, v] of m) (isTable(tomlTypeOf(v)) ? sub : direct).push(k);
    const writeMapKeys = (keys: string[], trailC: boolean): void => {
      keys.sort(compareUTF8);
      keys.forEach((k, i) => {
        const val = m.get(k);
        if (tomlIsNil(val)) return;
        if (inline) {
          this.writeKeyValue([k], val, true);
          if (trailC || i !== keys.length - 1) this.wf(', ');
        } else {
          this.encode([...key, k], val);
        }
      });
    };
    if (inline) this.wf('{');
    writeMapKeys(direct, sub.length > 0);
    writeMapKeys(sub, false);
    if (inline) this.wf('}');
  }

  private eStruct(key: string[], obj: GoObject, inline: boolean): void {
    const direct: [string, Value][] = [];
    const sub: [string, Value][] = [];
    for (const [k, v] of obj.fields) (isTable(tomlTypeOf(v)) ? sub : direct).push([k, v]);
    const writeFields = (fields: [string, Value][]): void => {
      fields.forEach(([k, v], i) => {
        if (tomlIsNil(v)) return;
        if (inline) {
          this.writeKeyValue([k], v, true);
          if (i !== fields.length - 1) this.wf(', ');
        } else {
          this.encode([...key, k], v);
        }
      });
    };
    if (inline) this.wf('{');
    writeFields(direct);
    writeFields(sub);
    if (inline) this.wf('}');
  }

  private writeKeyValue(key: string[], v: Value, inline: boolean): void {
    if (key.length === 0) throw new TomlEncodeError('toml: top-level values must be Go maps or structs');
    this.wf(`${this.indentStr(key)}${tomlKeyPart(key[key.length - 1] as string)} = `);
    this.eElement(v);
    if (!inline) this.newline();
  }
}

/** The layout eElement uses for a time: RFC 3339 with nanoseconds, or the TOML local forms. */
function tomlTimeLayout(t: GoTime): string {
  switch (t.loc.name) {
    case 'datetime-local':
      return '2006-01-02T15:04:05.999999999';
    case 'date-local':
      return '2006-01-02';
    case 'time-local':
      return '15:04:05.999999999';
    default:
      return RFC3339_NANO;
  }
}

/**
 * toml.NewEncoder(w).Encode(v) (BurntSushi/toml v1.2.0). Throws TomlEncodeError with the library's
 * message for values it rejects, and a plain Error where the library panics (nil, funcs).
 */
export function marshalTOML(v: Value): string {
  if (v === undefined || v === null) {
    // Encode(nil): eindirect(reflect.ValueOf(nil)) calls Type() on the zero Value and panics.
    throw new Error('reflect: call of reflect.Value.Type on zero Value');
  }
  if (isGoFunc(v)) throw new TomlEncodeError(`unsupported type for key '': func`);
  assertAcyclic(v, 'toml');
  const enc = new TomlEncoder();
  enc.encode([], v);
  return enc.out;
}

// =================================================================================================
// The stencil function family
// =================================================================================================

export interface StencilHooks {
  /** Called by RaiseError: the stencil run records the message and fails at the end. */
  raise(message: string): void;
}

export function stencilFuncs(_ctx: FuncContext, hooks: StencilHooks): Record<string, GoFunc> {
  return {
    toJson: defineFunc('toJson', { params: ['interface {}'], result: 'string' }, (v) => {
      try {
        return marshalJSON(v, { escapeHTML: true });
      } catch (e) {
        if (e instanceof JsonMarshalError) return '';
        throw e;
      }
    }),
    toYaml: defineFunc('toYaml', { params: ['interface {}'], result: 'string' }, (v) => marshalYAML(v)),
    toToml: defineFunc('toToml', { params: ['interface {}'], result: 'string' }, (v) => {
      try {
        return marshalTOML(v);
      } catch (e) {
        if (e instanceof TomlEncodeError) return e.message;
        throw e;
      }
    }),
    RaiseError: defineFunc('RaiseError', { params: ['string'], result: 'string' }, (msg) => {
      hooks.raise(msg as string);
      return '';
    }),
  };
}
