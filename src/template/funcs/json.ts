/**
 * sprig v3.3.0's JSON functions (defaults.go: toJson, toPrettyJson, toRawJson, fromJson and their
 * must variants) over a port of Go's encoding/json Marshal and Unmarshal for the value model.
 *
 * Marshal (encoding/json/encode.go): map keys sorted by their UTF-8 bytes; `<`, `>`, `&` escaped
 * as \u003c... unless HTML escaping is off (Encoder.SetEscapeHTML(false), toRawJson); U+2028 and
 * U+2029 always escaped; float64 in ES6 style (1e+21, 1e-7, 0.000001); NaN and ±Inf are
 * "json: unsupported value: NaN"; []byte as base64; time.Time through MarshalJSON (RFC 3339 with
 * nanoseconds); *semver.Version through MarshalJSON (its string); other Go structs as objects of
 * their fields; funcs and complex numbers are unsupported types; cycles are detected after 1000
 * levels as Go does. MarshalIndent's layout keeps `[]` and `{}` compact.
 *
 * Unmarshal (encoding/json/decode.go, scanner.go): the input is validated first with Go's scanner,
 * whose error texts ("invalid character 'x' looking for beginning of value", "unexpected end of
 * JSON input") and byte offsets are reproduced; numbers decode as float64; a number out of float64
 * range is "json: cannot unmarshal number 1e999 into Go value of type float64" with the value left
 * nil; decoding into a map or slice target reports Go's UnmarshalTypeError for other JSON types.
 */
import { GoNamedInt, GoTime, strictRFC3339 } from '../gotime.js';
import { appendedCap, withCap } from '../slicecap.js';
import { formatFloat, quote } from '../strconv.js';
import { compareGoStrings, toBytes } from '../utf8.js';
import {
  defineFunc,
  FuncError,
  GoComplex,
  GoFloat32,
  type GoFunc,
  GoInt,
  type GoMap,
  GoNil,
  GoObject,
  type GoSlice,
  goTypeName,
  isGoFunc,
  kindOfType,
  type Value,
} from '../value.js';
import type { FuncContext } from './context.js';

// ---- Marshal ------------------------------------------------------------------------------------

/** An error json.Marshal returns; the message is Go's. */
export class JsonMarshalError extends Error {
  override readonly name = 'JsonMarshalError';
}

export interface MarshalOptions {
  /** Escape <, > and & (json.Marshal does; an Encoder with SetEscapeHTML(false) does not). */
  escapeHTML: boolean;
  /** MarshalIndent's indent string; compact output when undefined. */
  indent?: string;
}

const HEX = '0123456789abcdef';

/**
 * Any character jsonQuote escapes or looks at twice (controls, `"`, `\\`, U+2028, U+2029, surrogates;
 * with HTML escaping `<`, `>` and `&` too), as the complement of the characters it copies.
 */
const JSON_ESCAPE_HTML = /[^\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\u2027\u202a-\ud7ff\ue000-\uffff]/;
const JSON_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\u2027\u202a-\ud7ff\ue000-\uffff]/;

/** encoding/json appendString: quotes a string as Go does. */
export function jsonQuote(s: string, escapeHTML: boolean): string {
  // Most strings need no escape: found by a regular expression (fast in cold code), not the loop.
  if (!(escapeHTML ? JSON_ESCAPE_HTML : JSON_ESCAPE).test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)))
        continue;
      switch (c) {
        case 0x22:
        case 0x5c:
          esc = `\\${s[i]}`;
          break;
        case 0x08:
          esc = '\\b';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u202${HEX[c & 0xf]}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A valid surrogate pair is one rune; a lone surrogate is invalid UTF-8 to Go: \ufffd.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    } else {
      continue;
    }
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out + s.slice(start)}"`;
}

/** floatEncoder.encode: ES6-style number formatting. */
function jsonFloat(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) {
    throw new JsonMarshalError(`json: unsupported value: ${formatFloat(f, 'g', -1, bits)}`);
  }
  const abs = Math.abs(f);
  let fmt: 'e' | 'f' = 'f';
  if (abs !== 0) {
    const a = bits === 32 ? Math.fround(abs) : abs;
    if (a < (bits === 32 ? Math.fround(1e-6) : 1e-6) || a >= 1e21) fmt = 'e';
  }
  let b = formatFloat(f, fmt, -1, bits);
  if (fmt === 'e') {
    // clean up e-09 to e-9
    const n = b.length;
    if (n >= 4 && b[n - 4] === 'e' && b[n - 3] === '-' && b[n - 2] === '0') b = b.slice(0, n - 2) + b[n - 1];
  }
  return b;
}

/** Map keys in the order encoding/json sorts them (Go's string order, see utf8.ts). */
export { compareGoStrings as compareUTF8 } from '../utf8.js';

/**
 * The text of a GoObject that implements encoding.TextMarshaler (other than time.Time, which each
 * encoder handles itself): *semver.Version and objects with a MarshalText method.
 */
export function marshalText(obj: GoObject): string | undefined {
  const m = obj.methods.MarshalText;
  if (m) {
    const r = m.impl();
    if (r instanceof Uint8Array) return Buffer.from(r).toString('utf8');
    if (typeof r === 'string') return r;
  }
  if (obj.type === '*semver.Version' || obj.type === 'semver.Version') return obj.format?.() ?? '';
  return undefined;
}

const START_DETECTING_CYCLES_AFTER = 1000;

class Encoder {
  private ptrLevel = 0;
  private readonly ptrSeen = new Set<object>();

  constructor(private readonly opts: MarshalOptions) {}

  encode(v: Value, level: number): string {
    if (v === undefined || v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return jsonQuote(v, this.opts.escapeHTML);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        return jsonFloat(v, 64);
      default:
        break;
    }
    if (v instanceof GoInt) return v.value.toString();
    if (v instanceof GoFloat32) return jsonFloat(v.value, 32);
    if (v instanceof GoComplex) throw new JsonMarshalError('json: unsupported type: complex128');
    if (v instanceof Uint8Array) return `"${Buffer.from(v).toString('base64')}"`;
    if (v instanceof GoNil) {
      if (kindOfType(v.type) === 'func') throw new JsonMarshalError(`json: unsupported type: ${v.type}`);
      return 'null';
    }
    if (isGoFunc(v)) throw new JsonMarshalError(`json: unsupported type: ${goTypeName(v)}`);
    if (Array.isArray(v)) return this.container(v, () => this.array(v, level));
    if (v instanceof Map) return this.container(v, () => this.object(v, level));
    if (v instanceof GoObject) return this.goObject(v, level);
    return 'null';
  }

  /** The cycle check of mapEncoder/sliceEncoder: only after 1000 nested levels, as Go does. */
  private container(v: GoSlice | GoMap, body: () => string): string {
    if (this.ptrLevel++ > START_DETECTING_CYCLES_AFTER) {
      if (this.ptrSeen.has(v)) {
        throw new JsonMarshalError(`json: unsupported value: encountered a cycle via ${goTypeName(v)}`);
      }
      this.ptrSeen.add(v);
    }
    try {
      return body();
    } finally {
      this.ptrSeen.delete(v);
      this.ptrLevel--;
    }
  }

  /**
   * The output of a MarshalJSON method as encoding/json copies it: compacted (appendCompact, with
   * HTML escaping when on), then laid out like MarshalIndent when indenting.
   */
  private compact(text: string, level: number): string {
    let out = '';
    let inString = false;
    let depth = level;
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (inString) {
        if (c === '\\') {
          out += c + (text[++i] ?? '');
          continue;
        }
        if (c === '"') inString = false;
        if (this.opts.escapeHTML && (c === '<' || c === '>' || c === '&'))
          out += `\\u00${HEX[c.charCodeAt(0) >> 4]}${HEX[c.charCodeAt(0) & 0xf]}`;
        else if (this.opts.escapeHTML && (c === '\u2028' || c === '\u2029'))
          out += `\\u202${c === '\u2028' ? '8' : '9'}`;
        else out += c;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
      if (c === '"') inString = true;
      if (this.opts.indent === undefined) {
        out += c;
        continue;
      }
      // json.Indent: a newline after [ { , (none for an empty [] or {}), ": " after a key.
      const next = text.slice(i + 1).trimStart()[0];
      if (c === '[' || c === '{') {
        out += c;
        if (next !== ']' && next !== '}') out += this.newline(++depth);
        else depth++;
      } else if (c === ']' || c === '}') {
        const prev = out.trimEnd().slice(-1);
        depth--;
        out += prev === '[' || prev === '{' ? c : this.newline(depth) + c;
      } else if (c === ',') {
        out += c + this.newline(depth);
      } else if (c === ':') {
        out += ': ';
      } else {
        out += c;
      }
    }
    return out;
  }

  private newline(level: number): string {
    return this.opts.indent === undefined ? '' : `\n${this.opts.indent.repeat(level)}`;
  }

  private array(v: GoSlice, level: number): string {
    if (v.length === 0) return '[]';
    const items = v.map((item) => this.newline(level + 1) + this.encode(item, level + 1));
    return `[${items.join(',')}${this.newline(level)}]`;
  }

  private object(v: GoMap, level: number, sorted = true): string {
    const keys = sorted ? [...v.keys()].sort(compareGoStrings) : [...v.keys()];
    if (keys.length === 0) return '{}';
    const colon = this.opts.indent === undefined ? ':' : ': ';
    const items = keys.map(
      (k) =>
        this.newline(level + 1) +
        jsonQuote(k, this.opts.escapeHTML) +
        colon +
        this.encode(v.get(k), level + 1),
    );
    return `{${items.join(',')}${this.newline(level)}}`;
  }

  private goObject(v: GoObject, level: number): string {
    if (v instanceof GoTime) {
      const r = strictRFC3339(v);
      if ('error' in r) {
        throw new JsonMarshalError(
          `json: error calling MarshalJSON for type ${v.type}: Time.MarshalJSON: ${r.error}`,
        );
      }
      return `"${r.text}"`;
    }
    if (v instanceof GoNamedInt) return v.value.toString();
    const marshal = v.methods.MarshalJSON;
    if (marshal) {
      let out: Value;
      try {
        out = marshal.impl();
      } catch (e) {
        throw new JsonMarshalError(
          `json: error calling MarshalJSON for type ${v.type}: ${(e as Error).message}`,
        );
      }
      const text = out instanceof Uint8Array ? Buffer.from(out).toString('utf8') : String(out);
      const check = decodeJSON(text);
      if (check.error instanceof JsonSyntaxError) {
        throw new JsonMarshalError(
          `json: error calling MarshalJSON for type ${v.type}: ${check.error.message}`,
        );
      }
      return this.compact(text, level);
    }
    const text = marshalText(v);
    if (text !== undefined) return jsonQuote(text, this.opts.escapeHTML);
    // A struct: its exported fields in declaration order.
    return this.object(new Map(v.fields), level, false);
  }
}

/** json.Marshal (or MarshalIndent with opts.indent); throws JsonMarshalError with Go's message. */
export function marshalJSON(v: Value, opts: MarshalOptions): string {
  return new Encoder(opts).encode(v, 0);
}

// ---- Unmarshal ----------------------------------------------------------------------------------

/** A json.SyntaxError: Go's message and the number of bytes read when it occurred. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** scanner.go quoteChar: the offending byte as Go quotes it (bytes >= 0x80 as runes U+0080..U+00FF). */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const s = quote(String.fromCharCode(c));
  return `'${s.slice(1, -1)}'`;
}

enum Parse {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

/** checkValid: runs Go's JSON scanner over the bytes, throwing its first SyntaxError. */
function checkValid(data: Uint8Array): void {
  const stack: Parse[] = [];
  let bytes = 0;
  let endTop = false;
  type Step = (c: number) => void;
  const fail = (c: number, context: string): never => {
    throw new JsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`, bytes);
  };
  let step: Step;
  const push = (c: number, ps: Parse): void => {
    stack.push(ps);
    if (stack.length > 10000) fail(c, 'exceeded max depth');
  };
  const endValue: Step = (c) => {
    const n = stack.length;
    if (n === 0) {
      step = endTopStep;
      endTop = true;
      endTopStep(c);
      return;
    }
    if (isSpace(c)) {
      step = endValue;
      return;
    }
    switch (stack[n - 1]) {
      case Parse.ObjectKey:
        if (c === 0x3a) {
          stack[n - 1] = Parse.ObjectValue;
          step = beginValue;
          return;
        }
        return fail(c, 'after object key');
      case Parse.ObjectValue:
        if (c === 0x2c) {
          stack[n - 1] = Parse.ObjectKey;
          step = beginString;
          return;
        }
        if (c === 0x7d) {
          stack.pop();
          step = endValue;
          return;
        }
        return fail(c, 'after object key:value pair');
      default:
        if (c === 0x2c) {
          step = beginValue;
          return;
        }
        if (c === 0x5d) {
          stack.pop();
          step = endValue;
          return;
        }
        return fail(c, 'after array element');
    }
  };
  const endTopStep: Step = (c) => {
    if (!isSpace(c)) fail(c, 'after top-level value');
  };
  const literal = (text: string, next: Step): Step => {
    const steps: Step[] = [];
    for (let i = text.length - 1; i >= 1; i--) {
      const want = text.charCodeAt(i);
      const after = i === text.length - 1 ? next : (steps[0] as Step);
      const name = text === 'true' ? 'true' : text === 'false' ? 'false' : 'null';
      steps.unshift((c) => {
        if (c === want) {
          step = after;
          return;
        }
        fail(c, `in literal ${name} (expecting '${text[i]}')`);
      });
    }
    return steps[0] as Step;
  };
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) fail(c, 'in string literal');
  };
  const inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) step = inString;
    else if (c === 0x75) step = escU(4);
    else fail(c, 'in string escape code');
  };
  const escU =
    (left: number): Step =>
    (c) => {
      if (!isHex(c)) fail(c, 'in \\u hexadecimal character escape');
      step = left === 1 ? inString : escU(left - 1);
    };
  const neg: Step = (c) => {
    if (c === 0x30) step = state0;
    else if (c >= 0x31 && c <= 0x39) step = state1;
    else fail(c, 'in numeric literal');
  };
  const state1: Step = (c) => {
    if (c >= 0x30 && c <= 0x39) step = state1;
    else state0(c);
  };
  const state0: Step = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = stateE;
    else endValue(c);
  };
  const dot: Step = (c) => {
    if (c >= 0x30 && c <= 0x39) step = dot0;
    else fail(c, 'after decimal point in numeric literal');
  };
  const dot0: Step = (c) => {
    if (c >= 0x30 && c <= 0x39) return;
    if (c === 0x65 || c === 0x45) step = stateE;
    else endValue(c);
  };
  const stateE: Step = (c) => {
    if (c === 0x2b || c === 0x2d) step = eSign;
    else eSign(c);
  };
  const eSign: Step = (c) => {
    if (c >= 0x30 && c <= 0x39) step = e0;
    else fail(c, 'in exponent of numeric literal');
  };
  const e0: Step = (c) => {
    if (c >= 0x30 && c <= 0x39) return;
    endValue(c);
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b:
        step = beginStringOrEmpty;
        return push(c, Parse.ObjectKey);
      case 0x5b:
        step = beginValueOrEmpty;
        return push(c, Parse.ArrayValue);
      case 0x22:
        step = inString;
        return;
      case 0x2d:
        step = neg;
        return;
      case 0x30:
        step = state0;
        return;
      case 0x74:
        step = literal('true', endValue);
        return;
      case 0x66:
        step = literal('false', endValue);
        return;
      case 0x6e:
        step = literal('null', endValue);
        return;
      default:
        if (c >= 0x31 && c <= 0x39) {
          step = state1;
          return;
        }
        fail(c, 'looking for beginning of value');
    }
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x5d) endValue(c);
    else beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      stack[stack.length - 1] = Parse.ObjectValue;
      endValue(c);
      return;
    }
    beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x22) step = inString;
    else fail(c, 'looking for beginning of object key string');
  };
  step = beginValue;
  for (const c of data) {
    bytes++;
    step(c);
  }
  // scanner.eof
  if (endTop) return;
  step(0x20);
  if (endTop) return;
  throw new JsonSyntaxError('unexpected end of JSON input', bytes);
}

/** What Unmarshal decodes into: interface{}, map[string]interface{} or []interface{}. */
export type JsonTarget = 'any' | 'map' | 'slice';

export interface DecodeResult {
  /** The decoded value (as much as Go would have filled in when there is a type error). */
  value: Value;
  /** The first error Go's Unmarshal returns, if any. */
  error?: JsonSyntaxError | FuncError;
}

const TARGET_TYPES: Record<JsonTarget, string> = {
  any: 'interface {}',
  map: 'map[string]interface {}',
  slice: '[]interface {}',
};

/**
 * json.Unmarshal(text, &target). A syntax error leaves the target untouched (undefined value for
 * 'any', an empty map or slice otherwise); a type error keeps what was decoded.
 */
export function decodeJSON(text: string, target: JsonTarget = 'any'): DecodeResult {
  const fast = decodeWithJsonParse(text, target);
  return fast !== undefined ? { value: fast } : decodeJSONWithScanner(text, target);
}

/** decodeJSON through the port of Go's scanner and decoder: every input, Go's errors (the oracle of the fast path's tests). */
export function decodeJSONWithScanner(text: string, target: JsonTarget = 'any'): DecodeResult {
  const data = Buffer.from(toBytes(text)); // escaped invalid bytes (utf8.ts) are the bytes Go sees
  const empty = (): Value => (target === 'map' ? new Map() : target === 'slice' ? [] : null);
  try {
    checkValid(data);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { value: empty(), error: e };
    throw e;
  }
  let pos = 0;
  let firstError: FuncError | undefined;
  const typeError = (what: string, type: string): void => {
    firstError ??= new FuncError(`json: cannot unmarshal ${what} into Go value of type ${type}`);
  };
  const skipSpace = (): void => {
    while (pos < data.length && isSpace(data[pos] as number)) pos++;
  };
  const readString = (): string => {
    // data[pos] is the opening quote; the scanner has validated the escapes.
    pos++;
    let out = '';
    let start = pos;
    const flush = (end: number): void => {
      out += data.toString('utf8', start, end);
    };
    const hex4 = (at: number): number => {
      if (at + 6 > data.length || data[at] !== 0x5c || data[at + 1] !== 0x75) return -1;
      const h = data.toString('latin1', at + 2, at + 6);
      return /^[0-9a-fA-F]{4}$/.test(h) ? Number.parseInt(h, 16) : -1;
    };
    for (;;) {
      const c = data[pos] as number;
      if (c === 0x22) {
        flush(pos);
        pos++;
        return out;
      }
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      flush(pos);
      const e = data[pos + 1] as number;
      pos += 2;
      switch (e) {
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          let rr = hex4(pos - 2);
          pos += 4;
          if (rr >= 0xd800 && rr < 0xe000) {
            // utf16.DecodeRune: a valid pair is consumed, anything else is U+FFFD.
            const rr1 = hex4(pos);
            if (rr <= 0xdbff && rr1 >= 0xdc00 && rr1 <= 0xdfff) {
              out += String.fromCharCode(rr, rr1);
              pos += 6;
              start = pos;
              continue;
            }
            rr = 0xfffd;
          }
          out += String.fromCharCode(rr);
          break;
        }
        default:
          out += String.fromCharCode(e);
      }
      start = pos;
    }
  };
  const readLiteral = (): Value => {
    const c = data[pos] as number;
    if (c === 0x22) return readString();
    if (c === 0x74) {
      pos += 4;
      return true;
    }
    if (c === 0x66) {
      pos += 5;
      return false;
    }
    if (c === 0x6e) {
      pos += 4;
      return null;
    }
    const start = pos;
    while (pos < data.length && /[-+.eE0-9]/.test(String.fromCharCode(data[pos] as number))) pos++;
    const s = data.toString('latin1', start, pos);
    const f = Number(s);
    if (!Number.isFinite(f)) {
      typeError(`number ${s}`, 'float64');
      return null;
    }
    return f;
  };
  const readValue = (): Value => {
    skipSpace();
    const c = data[pos] as number;
    if (c === 0x7b) {
      pos++;
      const m = new Map<string, Value>();
      skipSpace();
      if (data[pos] === 0x7d) {
        pos++;
        return m;
      }
      for (;;) {
        skipSpace();
        const key = readString();
        skipSpace();
        pos++; // ':'
        m.set(key, readValue());
        skipSpace();
        if (data[pos++] === 0x7d) return m;
      }
    }
    if (c === 0x5b) {
      pos++;
      const a: Value[] = [];
      skipSpace();
      if (data[pos] === 0x5d) {
        pos++;
        return a;
      }
      for (;;) {
        a.push(readValue());
        skipSpace();
        // Go grows the slice by append as it decodes: its capacity shows when a template slices it.
        if (data[pos++] === 0x5d) return withCap(a, appendedCap(a.length, 'interface'));
      }
    }
    return readLiteral();
  };
  const value = readValue();
  if (target === 'any') return firstError ? { value, error: firstError } : { value };
  const kind = value instanceof Map ? 'object' : Array.isArray(value) ? 'array' : kindName(value);
  const want = target === 'map' ? 'object' : 'array';
  if (value === null) {
    // null sets a slice target to nil (a map target is left as the caller made it).
    const nil = target === 'slice' ? new GoNil('[]interface {}') : empty();
    return firstError ? { value: nil, error: firstError } : { value: nil };
  }
  if (kind !== want) {
    typeError(kind, TARGET_TYPES[target]);
    return { value: empty(), error: firstError };
  }
  return firstError ? { value, error: firstError } : { value };
}

/**
 * The common case of decodeJSON through V8's JSON.parse, several times faster than the port of Go's
 * scanner on a cold run (a values file is decoded once per render). It answers only when the result
 * is certainly Go's: the text is well-formed UTF-16 (no escaped invalid bytes), holds no \u escape
 * of a surrogate (Go's utf16 rules differ from JSON.parse's), JSON.parse accepts it (the grammars are
 * the same RFC 8259; a syntax error goes to the scanner for Go's message and offset), every number is
 * finite, no object key looks like an array index (JS objects put those first; the Map must keep the
 * order of the text), and the top level is what the target wants. Otherwise undefined: decode slowly.
 */
function decodeWithJsonParse(text: string, target: JsonTarget): Value | undefined {
  if (!(text as WellFormedCheck).isWellFormed() || SURROGATE_ESCAPE.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (target === 'map' && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)))
    return undefined;
  if (target === 'slice' && !Array.isArray(parsed)) return undefined;
  try {
    return fromParsedJSON(parsed);
  } catch (e) {
    if (e === NOT_FAST) return undefined;
    throw e;
  }
}

/** String.prototype.isWellFormed (ES2024, in Node >= 20), which the ES2023 lib does not declare. */
type WellFormedCheck = string & { isWellFormed(): boolean };
const SURROGATE_ESCAPE = /\\u[dD][89abcdefABCDEF]/;
const NOT_FAST = new Error('not decodable by JSON.parse alone');
const FIRST_DIGIT = /^[0-9]/;

/**
 * Deeper input goes to the scanner, which has Go's limit ("exceeded max depth" past 10000 levels)
 * and its own way with the stack; values are never this deep.
 */
const FAST_MAX_DEPTH = 500;

/** JSON.parse's result as decodeJSON's values: Maps, slices with Go's appended capacity, float64s. */
function fromParsedJSON(v: unknown, depth = 0): Value {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw NOT_FAST;
    return v;
  }
  if (depth >= FAST_MAX_DEPTH) throw NOT_FAST;
  if (Array.isArray(v)) {
    const n = v.length;
    if (n === 0) return [];
    const a: Value[] = [];
    for (let i = 0; i < n; i++) a.push(fromParsedJSON(v[i], depth + 1));
    return withCap(a, appendedCap(n, 'interface'));
  }
  const m = new Map<string, Value>();
  const o = v as Record<string, unknown>;
  for (const key in o) {
    if (FIRST_DIGIT.test(key)) throw NOT_FAST;
    m.set(key, fromParsedJSON(o[key], depth + 1));
  }
  return m;
}

function kindName(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'number';
}

/** The byte offset of a JSON syntax error as a 1-based line and column (in characters). */
export function jsonErrorPosition(text: string, offset: number): { line: number; column: number } {
  const bytes = Buffer.from(toBytes(text));
  // The offset counts the offending byte; point at it (or at the end for unexpected EOF).
  const at = Math.max(0, Math.min(offset - 1, bytes.length));
  const before = bytes.toString('utf8', 0, at);
  const lines = before.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { line: lines.length, column: [...last].length + 1 };
}

// ---- sprig functions ----------------------------------------------------------------------------

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function jsonFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const marshal = (v: Value, opts: MarshalOptions): string => {
    try {
      return marshalJSON(v, opts);
    } catch (e) {
      if (e instanceof JsonMarshalError) throw new FuncError(e.message);
      throw e;
    }
  };
  /** The functions that swallow errors: json.Marshal's nil output becomes "". */
  const quiet = (v: Value, opts: MarshalOptions): string => {
    try {
      return marshalJSON(v, opts);
    } catch (e) {
      if (e instanceof JsonMarshalError) return '';
      throw e;
    }
  };
  const compact = { escapeHTML: true };
  const pretty = { escapeHTML: true, indent: '  ' };
  const raw = { escapeHTML: false };
  const toJsonSig = { params: ['interface {}'], result: 'string' } as const;
  const mustSig = { params: ['interface {}'], result: 'string', error: true } as const;
  return {
    fromJson: defineFunc(
      'fromJson',
      { params: ['string'], result: 'interface {}' },
      (s) => decodeJSON(s as string).value,
    ),
    mustFromJson: defineFunc(
      'mustFromJson',
      { params: ['string'], result: 'interface {}', error: true },
      (s) => {
        const r = decodeJSON(s as string);
        if (r.error) throw new FuncError(errorText(r.error));
        return r.value;
      },
    ),
    toJson: defineFunc('toJson', toJsonSig, (v) => quiet(v, compact)),
    mustToJson: defineFunc('mustToJson', mustSig, (v) => marshal(v, compact)),
    toPrettyJson: defineFunc('toPrettyJson', toJsonSig, (v) => quiet(v, pretty)),
    mustToPrettyJson: defineFunc('mustToPrettyJson', mustSig, (v) => marshal(v, pretty)),
    // toRawJson panics with the error (text/template reports the panic value's text).
    toRawJson: defineFunc('toRawJson', toJsonSig, (v) => {
      try {
        return marshalJSON(v, raw);
      } catch (e) {
        if (e instanceof JsonMarshalError) throw new Error(e.message);
        throw e;
      }
    }),
    mustToRawJson: defineFunc('mustToRawJson', mustSig, (v) => marshal(v, raw)),
  };
}
