/**
 * yaml.Marshal of go-yaml v2.1.0 (the version the original duat stencil pinned) over the template
 * value model, byte for byte: its encoder (encode.go, sorter.go; resolve.go's rules are in
 * yaml-resolve.ts) feeding a port of its libyaml emitter (emitterc.go): block style with indentless
 * sequences in mappings, `{}`/`[]` for empty collections, keys in the "natural" order of sorter.go,
 * strings that would resolve to another type (true, 1.0, null, 2001-12-14, 0x1F, 1:20)
 * double-quoted, multi-line strings as literal blocks (`|-`), long plain and quoted scalars folded
 * at 80 columns, floats with %g (1e+06), time.Time as `!!timestamp` RFC 3339, []byte as a list of
 * numbers.
 */
import { formatGoDuration, formatTime, GoNamedInt, GoTime, RFC3339_NANO } from '../gotime.js';
import { formatFloat } from '../strconv.js';
import {
  assertAcyclic,
  GoComplex,
  GoFloat32,
  GoInt,
  type GoMap,
  GoNil,
  GoObject,
  goTypeName,
  isGoFunc,
  kindOfType,
  type Value,
} from '../value.js';
import { marshalText } from './json.js';
import { GO_YAML_2_1, isBase60Float, resolvesToString } from './yaml-resolve.js';

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
    const canUsePlain = resolvesToString(GO_YAML_2_1, s) && !isBase60Float(s);
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
