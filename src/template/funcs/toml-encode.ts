/**
 * BurntSushi/toml v1.2.0's Encoder (encode.go) over the template value model, byte for byte: plain
 * keys first then tables, nested tables indented by two spaces per level, arrays of tables, inline
 * tables inside arrays, floats with a decimal point, times as RFC 3339, its error texts.
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
import { compareUTF8, marshalText } from './json.js';

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
