/**
 * Helm 3's data functions (helm.sh/helm/v3 pkg/engine/funcs.go and engine.go): fromYaml,
 * fromYamlArray, fromJsonArray and required.
 *
 * Helm decodes YAML with sigs.k8s.io/yaml: go-yaml v2 (go.yaml.in/yaml/v2 v2.4) decodes the first
 * document into interface{} with YAML 1.1 rules (yes/no/on/off are booleans, 0x1F and 017 are
 * ints, timestamps stay strings, `<<` merges), map keys become strings (1.5 keys are formatted as
 * float32), the result goes through json.Marshal (NaN and ±Inf fail) and json.Unmarshal into the
 * target, so every number ends up a float64. `decodeYamlLikeHelm` reproduces that pipeline over the
 * `yaml` package's syntax tree, resolving scalars itself with go-yaml's rules. Errors carry
 * sigs.k8s.io/yaml's wrapping ("error converting YAML to JSON: yaml: line 2: ...") and go-yaml's
 * texts for the common syntax errors; rarer syntax errors keep go-yaml's wrapping with the `yaml`
 * package's description.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseAllDocuments,
  visit,
  type YAMLError,
} from 'yaml';
import { formatFloat, quote } from '../strconv.js';
import { defineFunc, FuncError, type GoFunc, type GoMap, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { decodeJSON } from './json.js';
import {
  BINARY,
  BOOL,
  FLOAT,
  GO_YAML_2_4,
  INT,
  MERGE,
  NULL,
  resolvePlain,
  STR,
  TIMESTAMP,
} from './yaml-resolve.js';

// ---- go-yaml v2.4 values ------------------------------------------------------------------------

/** What go-yaml v2 decodes into interface{}: nil, string, int (bigint), float64, bool, slices, maps. */
type YamlValue = null | string | bigint | number | boolean | YamlValue[] | YamlMapping;

/** map[interface{}]interface{}: keys of different Go types stay distinct ("1" and 1). */
class YamlMapping {
  readonly entries = new Map<string, { key: YamlValue; value: YamlValue }>();

  set(key: YamlValue, value: YamlValue): void {
    this.entries.set(`${keyType(key)}:${String(key)}`, { key, value });
  }
}

function keyType(k: YamlValue): string {
  if (k === null) return 'nil';
  if (typeof k === 'bigint') return 'int';
  if (typeof k === 'number') return 'float64';
  if (typeof k === 'boolean') return 'bool';
  if (typeof k === 'string') return 'string';
  return Array.isArray(k) ? 'slice' : 'map';
}

/** A go-yaml failure (failf): the message without the "yaml: " prefix. */
class YamlFail extends Error {}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/** go-yaml v2.4 resolve(tag, in): the resolved tag and value, or a YamlFail. */
function resolve(tag: string, input: string): [string, YamlValue] {
  const resolvable = ['', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP].includes(tag);
  if (!resolvable) return [tag, input];
  let [rtag, out]: [string, YamlValue] = resolvePlain(GO_YAML_2_4, tag, input);
  if (tag !== '' && tag !== rtag && tag !== STR && tag !== BINARY) {
    if (tag === FLOAT && rtag === INT) {
      rtag = FLOAT;
      out = Number(out as bigint);
    } else {
      throw new YamlFail(`cannot decode ${shortTag(rtag)} \`${input}\` as a ${shortTag(tag)}`);
    }
  }
  return [rtag, out];
}

/** Go's %#v of a decoded YAML value, for "invalid map key" and "unsupported map key" messages. */
function goSyntax(v: YamlValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v, 'g', -1, 64);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(', ')}}`;
  const items = [...v.entries.values()].map((e) => `${goSyntax(e.key)}:${goSyntax(e.value)}`);
  return `map[interface {}]interface {}{${items.join(', ')}}`;
}

// go-yaml v2.4 decode.go: the alias expansion it allows before "document contains excessive aliasing".
const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

/** go-yaml's allowedAliasRatio: the share of decode steps that may come from alias expansion. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return (
    0.99 - (0.89 * (decodeCount - ALIAS_RATIO_RANGE_LOW)) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW)
  );
}

/**
 * The node each alias of `doc` refers to: the last node before it with that anchor, as go-yaml's
 * parser binds aliases (one pass; the `yaml` package's Alias.resolve searches the whole document
 * on every call, which an alias-heavy document turns quadratic).
 */
function aliasTargets(doc: Document): Map<Node, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Node, Node | undefined>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * go-yaml's decoder over the `yaml` package's syntax tree of one document. It counts decode steps
 * as go-yaml's decoder.unmarshal does (the document, every node, every alias and what it expands
 * to) and fails as go-yaml does when alias expansion dominates (a "billion laughs" document).
 */
class YamlDecoder {
  private readonly inProgress = new Set<Node>();
  private readonly targets: Map<Node, Node | undefined>;
  // go-yaml's decoder.unmarshal of the document node is the first step.
  private decodeCount = 1;
  private aliasCount = 0;
  private aliasDepth = 0;

  constructor(doc: Document) {
    this.targets = aliasTargets(doc);
  }

  /** The start of go-yaml's decoder.unmarshal: count the step, stop excessive aliasing. */
  private step(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new YamlFail('document contains excessive aliasing');
    }
  }

  decode(node: unknown): YamlValue {
    this.step();
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = this.targets.get(node);
      if (!target) throw new YamlFail(`unknown anchor '${node.source}' referenced`);
      if (this.inProgress.has(target)) throw new YamlFail(`anchor '${node.source}' value contains itself`);
      this.inProgress.add(target);
      this.aliasDepth++;
      try {
        return this.decode(target);
      } finally {
        this.aliasDepth--;
        this.inProgress.delete(target);
      }
    }
    if (isScalar(node)) return this.scalar(node.value, node.type, node.tag);
    if (isSeq(node)) return node.items.map((item) => this.decode(item));
    if (isMap(node)) {
      const out = new YamlMapping();
      this.mapping(node.items, out);
      return out;
    }
    return null;
  }

  private scalar(value: unknown, type: string | undefined, tag: string | undefined): YamlValue {
    const text = value === null || value === undefined ? '' : String(value);
    // Quoted and block scalars are not implicit: without a tag they are strings.
    const implicit = type === 'PLAIN' || type === undefined;
    if (!tag && !implicit) return text;
    const [rtag, resolved] = resolve(tag ?? '', text);
    if (rtag === BINARY) {
      if (
        !/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, '')) ||
        text.replace(/\s/g, '').length % 4 !== 0
      ) {
        throw new YamlFail('!!binary value contains invalid base64 data');
      }
      return Buffer.from(text, 'base64').toString('utf8');
    }
    // A timestamp decoded into interface{} stays the scalar's text (go-yaml keeps it a string).
    if (rtag === TIMESTAMP) return text;
    return resolved;
  }

  private mapping(items: readonly { key: unknown; value: unknown }[], out: YamlMapping): void {
    for (const pair of items) {
      if (this.isMerge(pair.key)) {
        this.merge(pair.value, out);
        continue;
      }
      const k = this.decode(pair.key);
      if (Array.isArray(k) || k instanceof YamlMapping) throw new YamlFail(`invalid map key: ${goSyntax(k)}`);
      out.set(k, this.decode(pair.value));
    }
  }

  private isMerge(key: unknown): boolean {
    return isScalar(key) && key.value === '<<' && ((key.type === 'PLAIN' && !key.tag) || key.tag === MERGE);
  }

  /** decoder.merge: a mapping, an alias to one, or a sequence of them (earlier ones win). */
  private merge(node: unknown, out: YamlMapping): void {
    const wantMap = (): never => {
      throw new YamlFail('map merge requires map or sequence of maps as the value');
    };
    const target = (n: unknown): unknown => (isAlias(n) ? this.targets.get(n) : n);
    if (isMap(target(node))) {
      this.mergeOne(node, out);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (!isMap(target(item))) wantMap();
        this.mergeOne(item, out);
      }
    } else {
      wantMap();
    }
  }

  private mergeOne(node: unknown, out: YamlMapping): void {
    const v = this.decode(node);
    if (v instanceof YamlMapping) for (const e of v.entries.values()) out.set(e.key, e.value);
  }
}

// ---- sigs.k8s.io/yaml: YAML -> JSON -> target ---------------------------------------------------

/** An error from Helm's YAML decoding: Go's message, and where the `yaml` parser saw the problem. */
export class YamlDecodeError extends Error {
  override readonly name = 'YamlDecodeError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly problem?: string,
  ) {
    super(message);
  }
}

/** convertToJSONableObject + json.Marshal + json.Unmarshal: YAML values to float64-only JSON values. */
function toJSONValue(v: YamlValue): Value {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v) || 0;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      throw new YamlDecodeError(
        `error converting YAML to JSON: json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`,
      );
    }
    return v;
  }
  if (Array.isArray(v)) return v.map(toJSONValue);
  const out: GoMap = new Map();
  for (const { key, value } of v.entries.values()) {
    let k: string;
    if (typeof key === 'string') k = key;
    else if (typeof key === 'bigint' && key > 0x7fffffffffffffffn) {
      // go-yaml decodes integers above MaxInt64 as uint64, a key type sigs.k8s.io/yaml rejects.
      throw new YamlDecodeError(
        `error converting YAML to JSON: unsupported map key of type: uint64, key: 0x${key.toString(16)}, value: ${goSyntax(value)}`,
      );
    } else if (typeof key === 'bigint') k = key.toString();
    else if (typeof key === 'boolean') k = String(key);
    else if (typeof key === 'number') {
      // sigs.k8s.io/yaml formats float keys with float32 precision.
      k = formatFloat(key, 'g', -1, 32);
      k = k === '+Inf' ? '.inf' : k === '-Inf' ? '-.inf' : k === 'NaN' ? '.nan' : k;
    } else {
      throw new YamlDecodeError(
        `error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSyntax(value)}`,
      );
    }
    out.set(k, toJSONValue(value));
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function columnOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return [...text.slice(start, offset)].length + 1;
}

/**
 * go-yaml's text for the first syntax error the `yaml` package reports. go-yaml prints a line for
 * scanner errors as the 1-based line (omitted on line 1), and for parser errors as the 0-based line
 * of the offending token (omitted when 0); at the end of input the parser is one line further.
 */
function goYamlSyntaxError(text: string, errors: readonly YAMLError[], rootIsSeq: boolean): YamlDecodeError {
  const first = errors[0] as YAMLError;
  const offset = first.pos[0];
  const line = lineOf(text, offset);
  // Where to point the user: the offending character as the yaml package located it.
  let pointAt = offset;
  const eofLine = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  let kind: 'scanner' | 'parser' | 'eof' | 'at' = 'scanner';
  let at = line;
  let message: string;
  const code = first.code;
  const multiline = errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY');
  const lineText = text.slice(text.lastIndexOf('\n', offset - 1) + 1).split('\n')[0] ?? '';
  if (lineText.startsWith('\t') && inBlockScalar(text, offset)) {
    message = 'found a tab character where an indentation space is expected';
    at = line;
  } else if (code === 'BLOCK_AS_IMPLICIT_KEY') {
    // The offending ':' follows the implicit key, which may continue on the next lines.
    message = 'mapping values are not allowed in this context';
    const colon = text.indexOf(':', multiline ? multiline.pos[1] : first.pos[1]);
    if (colon >= 0) pointAt = colon;
    at = lineOf(text, pointAt);
  } else if (code === 'TAB_AS_INDENT' && previousLineEndsInPlainScalar(text, offset)) {
    // The tab is met while go-yaml scans a plain scalar that could continue on this line.
    message = 'found a tab character that violates indentation';
  } else if (code === 'TAB_AS_INDENT' || code === 'BAD_SCALAR_START') {
    message = 'found character that cannot start any token';
  } else if (code === 'BAD_DQ_ESCAPE') {
    message = 'found unknown escape character';
  } else if (code === 'MISSING_CHAR' && /quote/.test(first.message)) {
    message = 'found unexpected end of stream';
    at = text.split('\n').length;
  } else if (code === 'MISSING_CHAR' && /Implicit map keys/.test(first.message)) {
    // A stale simple key: go-yaml notices it at the next token (or at the end of the stream).
    message = "could not find expected ':'";
    const rest = text.slice(first.pos[1]);
    const next = rest.search(/[^\s]/);
    at = next >= 0 ? lineOf(text, first.pos[1] + next) : eofLine + 1;
    kind = 'at';
  } else if (/Flow (map|sequence)/.test(first.message)) {
    message = /Flow map/.test(first.message)
      ? "did not find expected ',' or '}'"
      : "did not find expected ',' or ']'";
    // The parser fails at the token after the last item: a stray token, or the end of the stream.
    kind = /\S/.test(text.slice(offset)) ? 'parser' : 'eof';
  } else if (
    /Sequence item without/.test(first.message) ||
    ((code === 'UNEXPECTED_TOKEN' || code === 'BAD_INDENT' || code === 'MULTILINE_IMPLICIT_KEY') &&
      (rootIsSeq || inBlockSequence(text, offset)))
  ) {
    message = "did not find expected '-' indicator";
    kind = 'parser';
  } else if (code === 'BAD_INDENT' || code === 'MULTILINE_IMPLICIT_KEY' || code === 'UNEXPECTED_TOKEN') {
    message = 'did not find expected key';
    kind = 'parser';
  } else {
    message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  }
  let shown: number;
  if (kind === 'parser') shown = line - 1;
  else if (kind === 'eof') shown = eofLine;
  else if (kind === 'at') shown = at;
  else shown = at > 1 ? at : 0;
  const where = shown > 0 ? `line ${shown}: ` : '';
  while (text[pointAt] === ' ') pointAt++;
  return new YamlDecodeError(
    `error converting YAML to JSON: yaml: ${where}${message}`,
    lineOf(text, pointAt),
    columnOf(text, pointAt),
    message,
  );
}

/** The line before `offset` ends in a plain scalar value that a continuation line could extend. */
function previousLineEndsInPlainScalar(text: string, offset: number): boolean {
  const lines = text.slice(0, text.lastIndexOf('\n', offset - 1) + 1).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = (lines[i] as string).replace(/\s+#.*$/, '').trimEnd();
    if (l.trim() === '' || l.trim().startsWith('#')) continue;
    return !/[:\-[{,|>]$/.test(l) && !/^\s*-$/.test(l);
  }
  return false;
}

/** The line holding `offset` continues a literal or folded block scalar (`key: |`). */
function inBlockScalar(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const above = text.slice(0, lineStart).split('\n');
  for (let i = above.length - 1; i >= 0; i--) {
    const l = above[i] as string;
    if (l.trim() === '') continue;
    if (/(^|[\s:-])[|>][-+0-9]*\s*(#.*)?$/.test(l)) return true;
    if (/^\S/.test(l)) return false;
  }
  return false;
}

/**
 * The line holding `offset` is inside a block sequence: the closest line above it that is not
 * more indented starts with "-".
 */
function inBlockSequence(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const indent = (/^ */.exec(text.slice(lineStart)) as RegExpExecArray)[0].length;
  const above = text.slice(0, lineStart).split('\n');
  for (let i = above.length - 1; i >= 0; i--) {
    const l = above[i] as string;
    if (l.trim() === '' || l.trim().startsWith('#')) continue;
    const ind = (/^ */.exec(l) as RegExpExecArray)[0].length;
    if (ind <= indent) return l.slice(ind).startsWith('-');
  }
  return false;
}

/** What Helm decodes into: map[string]interface{} (fromYaml, values) or []interface{} (fromYamlArray). */
export type YamlTarget = 'map' | 'slice';

/**
 * sigs.k8s.io/yaml.Unmarshal(text, &target) as Helm calls it. Returns the decoded value (an empty
 * map or slice when decoding failed) and the error Go would return.
 */
export function decodeYamlLikeHelm(
  text: string,
  target: YamlTarget,
): { value: Value; error?: YamlDecodeError } {
  const empty = (): Value => (target === 'map' ? new Map() : []);
  let yamlObj: YamlValue = null;
  try {
    const docs = parseAllDocuments(text, {
      version: '1.1',
      schema: 'failsafe',
      uniqueKeys: false,
      merge: false,
      strict: false,
      prettyErrors: false,
    });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (doc) {
      if (doc.errors.length > 0)
        return { value: empty(), error: goYamlSyntaxError(text, doc.errors, isSeq(doc.contents)) };
      yamlObj = new YamlDecoder(doc).decode(doc.contents);
    }
  } catch (e) {
    if (e instanceof YamlFail)
      return {
        value: empty(),
        error: new YamlDecodeError(`error converting YAML to JSON: yaml: ${e.message}`),
      };
    throw e;
  }
  let json: Value;
  try {
    json = toJSONValue(yamlObj);
  } catch (e) {
    if (e instanceof YamlDecodeError) return { value: empty(), error: e };
    throw e;
  }
  if (json === null) return { value: empty() };
  const want = target === 'map' ? json instanceof Map : Array.isArray(json);
  if (!want) {
    const got =
      json instanceof Map
        ? 'object'
        : Array.isArray(json)
          ? 'array'
          : typeof json === 'string'
            ? 'string'
            : typeof json === 'boolean'
              ? 'bool'
              : 'number';
    const type = target === 'map' ? 'map[string]interface {}' : '[]interface {}';
    return {
      value: empty(),
      error: new YamlDecodeError(
        `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${got} into Go value of type ${type}`,
      ),
    };
  }
  return { value: json };
}

// ---- the Helm functions -------------------------------------------------------------------------

export function helmDataFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  return {
    fromYaml: defineFunc('fromYaml', { params: ['string'], result: 'map[string]interface {}' }, (s) => {
      const r = decodeYamlLikeHelm(s as string, 'map');
      const m = r.value as GoMap;
      if (r.error) m.set('Error', r.error.message);
      return m;
    }),
    fromYamlArray: defineFunc('fromYamlArray', { params: ['string'], result: '[]interface {}' }, (s) => {
      const r = decodeYamlLikeHelm(s as string, 'slice');
      return r.error ? [r.error.message] : r.value;
    }),
    fromJsonArray: defineFunc('fromJsonArray', { params: ['string'], result: '[]interface {}' }, (s) => {
      const r = decodeJSON(s as string, 'slice');
      return r.error ? [r.error.message] : r.value;
    }),
    // engine.go: a nil value or an empty string fails with the message.
    required: defineFunc(
      'required',
      { params: ['string', 'interface {}'], result: 'interface {}', error: true },
      (warn, val) => {
        if (val === null || val === undefined || val === '') throw new FuncError(warn as string);
        return val;
      },
    ),
  };
}
