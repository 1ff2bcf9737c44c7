/**
 * How Go values are represented in this engine.
 *
 * Go's text/template works on reflect.Value; output depends on Go's dynamic types (an int prints
 * like a float64 only sometimes, `typeOf` spells the type, `eq` refuses mixed kinds). Every value the
 * engine handles is one of these JS shapes, and each shape says its Go type:
 *
 * | Go                              | JS                                                        |
 * |---------------------------------|-----------------------------------------------------------|
 * | invalid reflect.Value ("no value") | `undefined`                                            |
 * | nil interface{}                 | `null`                                                    |
 * | string                          | `string`                                                  |
 * | bool                            | `boolean`                                                 |
 * | float64                         | `number` (JSON numbers arrive as float64, as in Go)       |
 * | int, int8..int64, uint..uintptr | `GoInt` (type name + bigint value, always in range)       |
 * | float32                         | `GoFloat32`                                               |
 * | complex128                      | `GoComplex`                                               |
 * | []interface {}                  | `Value[]` without a type tag                              |
 * | []T (e.g. []string, []int)      | `Value[]` tagged with `GO_TYPE` ('[]string')              |
 * | []byte                          | `Uint8Array`                                              |
 * | map[string]interface {}         | `Map<string, Value>` without a type tag                   |
 * | map[string]T                    | `Map<string, Value>` tagged with `GO_TYPE`                |
 * | structs, pointers with methods  | `GoObject` (time.Time, *semver.Version, ...)              |
 * | func                            | `GoFunc`                                                  |
 *
 * Typed nils (a nil map of a named type, a nil pointer) are `GoNil`.
 */

import { appendedCap, withCap } from './slicecap.js';

/** Symbol under which arrays and maps carry their Go type when it is not the interface{} default. */
export const GO_TYPE: unique symbol = Symbol.for('duat.goType');

/** Symbol under which a slice carries Go's capacity when it exceeds the length (see slicecap.ts). */
export const GO_CAP: unique symbol = Symbol.for('duat.goCap');

export type IntTypeName =
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr';

const INT_BITS: Record<IntTypeName, { bits: number; signed: boolean }> = {
  int: { bits: 64, signed: true },
  int8: { bits: 8, signed: true },
  int16: { bits: 16, signed: true },
  int32: { bits: 32, signed: true },
  int64: { bits: 64, signed: true },
  uint: { bits: 64, signed: false },
  uint8: { bits: 8, signed: false },
  uint16: { bits: 16, signed: false },
  uint32: { bits: 32, signed: false },
  uint64: { bits: 64, signed: false },
  uintptr: { bits: 64, signed: false },
};

// The value classes' fields are `declare`d and assigned in their constructors: class field
// definitions compile to a separate initializer that runs on every construction (and defines rather
// than assigns), which a cold render pays for each int, nil and float it makes.

/** A Go integer of a given type. The value is always within the type's range (wrapped like Go). */
export class GoInt {
  declare readonly type: IntTypeName;
  declare readonly value: bigint;
  constructor(type: IntTypeName, value: bigint) {
    const range = INT_BITS[type];
    this.type = type;
    this.value = range.signed ? BigInt.asIntN(range.bits, value) : BigInt.asUintN(range.bits, value);
  }
  get signed(): boolean {
    return INT_BITS[this.type].signed;
  }
  toString(): string {
    return this.value.toString();
  }
}

/** Go's float32: the value is held rounded to single precision. */
export class GoFloat32 {
  declare readonly value: number;
  constructor(value: number) {
    this.value = Math.fround(value);
  }
}

/** Go's complex128. */
export class GoComplex {
  declare readonly re: number;
  declare readonly im: number;
  constructor(re: number, im: number) {
    this.re = re;
    this.im = im;
  }
}

/** A typed nil: a nil pointer, map, slice or func of a known Go type. */
export class GoNil {
  declare readonly type: string;
  constructor(type: string) {
    this.type = type;
  }
}

/**
 * A Go function as the engine sees it: its signature in Go type names and a JS implementation.
 * The engine converts and checks arguments as Go's text/template does (untyped constants become the
 * parameter's type, `wrong type for value; expected string; got int`...), then calls `impl` with
 * values in the representation above. When `error` is true the Go function returns (T, error): the
 * implementation signals the error by throwing a `FuncError`. Any other exception thrown by `impl`
 * is treated like a Go panic inside the function. Both end the execution with
 * `error calling NAME: MESSAGE`.
 */
export interface GoFuncSignature {
  /** Parameter types, e.g. ['string', 'interface {}']; 'reflect.Value' receives the raw Value. */
  readonly params: readonly string[];
  /** Element type of a final variadic parameter (`...interface {}` -> 'interface {}'). */
  readonly variadic?: string;
  /** Type of the (first) result. */
  readonly result: string;
  /** True when the function has a second result of type error. */
  readonly error?: boolean;
}

export interface GoFunc extends GoFuncSignature {
  readonly kind: 'func';
  readonly name: string;
  readonly impl: (...args: Value[]) => Value;
}

export function defineFunc(
  name: string,
  signature: GoFuncSignature,
  impl: (...args: Value[]) => Value,
): GoFunc {
  return { kind: 'func', name, impl, ...signature };
}

/** The functions a template may call, by name. */
export type FuncMap = Readonly<Record<string, GoFunc>>;

/** Thrown by a function implementation to return a Go error (the message is the error's text). */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}

/**
 * A Go struct or pointer to struct with fields and methods, such as time.Time or *semver.Version.
 * `type` is Go's %T spelling ('*semver.Version'). Methods are called from templates as fields are
 * (`.Major`); `format` gives what fmt prints for %v and %s when the type has a String() method.
 */
export class GoObject {
  constructor(
    readonly type: string,
    readonly fields: ReadonlyMap<string, Value>,
    readonly methods: Readonly<Record<string, GoFunc>> = {},
    readonly format?: () => string,
    /**
     * For named types over a basic type (time.Month is an int, time.Duration an int64): the value as
     * that basic type. Comparisons, truth and the fmt verbs that bypass String() (%d...) use it.
     */
    readonly underlying?: Value,
  ) {}
}

export type GoSlice = Value[] & { [GO_TYPE]?: string; [GO_CAP]?: number };
export type GoMap = Map<string, Value> & { [GO_TYPE]?: string };

export type Value =
  | undefined
  | null
  | string
  | boolean
  | number
  | GoInt
  | GoFloat32
  | GoComplex
  | GoNil
  | GoSlice
  | GoMap
  | Uint8Array
  | GoObject
  | GoFunc;

// ---- constructors -------------------------------------------------------------------------------

export function goInt(value: bigint | number, type: IntTypeName = 'int'): GoInt {
  return new GoInt(type, typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
}

/** A slice of a given Go type ('[]string'); '[]interface {}' gives an untagged array. */
export function typedSlice(items: Value[], type: string): GoSlice {
  const slice = items as GoSlice;
  if (type !== '[]interface {}') slice[GO_TYPE] = type;
  return slice;
}

/** A map of a given Go type ('map[string]string'); 'map[string]interface {}' gives an untagged Map. */
export function typedMap(entries: Map<string, Value>, type: string): GoMap {
  const map = entries as GoMap;
  if (type !== 'map[string]interface {}') map[GO_TYPE] = type;
  return map;
}

// ---- type inspection ----------------------------------------------------------------------------

export function isGoFunc(v: Value): v is GoFunc {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'func' && 'impl' in v;
}

/** Go's %T spelling of a value's dynamic type; `<nil>` for nil and no value. */
export function goTypeName(v: Value): string {
  switch (typeof v) {
    case 'undefined':
      return '<nil>';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    default:
      break;
  }
  if (v === null) return '<nil>';
  if (v instanceof GoInt) return v.type;
  if (Array.isArray(v)) return (v as GoSlice)[GO_TYPE] ?? '[]interface {}';
  if (v instanceof Map) return (v as GoMap)[GO_TYPE] ?? 'map[string]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  if (v instanceof GoObject) return v.type;
  if (v instanceof GoNil) return v.type;
  if (v instanceof GoFloat32) return 'float32';
  if (v instanceof GoComplex) return 'complex128';
  if (isGoFunc(v)) return funcTypeName(v);
  return '<unknown>';
}

export function funcTypeName(f: GoFuncSignature): string {
  const params = [...f.params];
  if (f.variadic !== undefined) params.push(`...${f.variadic}`);
  const result = f.error ? `(${f.result}, error)` : f.result;
  return `func(${params.join(', ')}) ${result}`;
}

export type Kind =
  | 'invalid'
  | 'bool'
  | IntTypeName
  | 'float32'
  | 'float64'
  | 'complex128'
  | 'string'
  | 'slice'
  | 'map'
  | 'struct'
  | 'ptr'
  | 'func'
  | 'interface';

/** The reflect.Kind of a Go type name, as reflect's Kind.String() spells it. */
export function kindOfType(type: string): Kind {
  if (type in INT_BITS) return type as IntTypeName;
  switch (type) {
    case 'bool':
    case 'string':
    case 'float32':
    case 'float64':
    case 'complex128':
      return type;
    case 'interface {}':
    case 'error':
      return 'interface';
    case 'time.Duration':
      return 'int64';
    case 'time.Month':
    case 'time.Weekday':
      return 'int';
    default:
      break;
  }
  if (type.startsWith('[]')) return 'slice';
  if (type.startsWith('map[')) return 'map';
  if (type.startsWith('*')) return 'ptr';
  if (type.startsWith('func(')) return 'func';
  return 'struct';
}

/** The reflect.Kind of a value's dynamic type; 'invalid' for nil interfaces and no value. */
export function kindOf(v: Value): Kind {
  if (v === undefined || v === null) return 'invalid';
  return kindOfType(goTypeName(v));
}

/** The element type of a slice type ('[]string' -> 'string'). */
export function elemType(sliceOrMapType: string): string {
  if (sliceOrMapType.startsWith('[]')) return sliceOrMapType.slice(2);
  if (sliceOrMapType.startsWith('map[')) {
    let depth = 0;
    for (let i = 3; i < sliceOrMapType.length; i++) {
      const c = sliceOrMapType[i];
      if (c === '[') depth++;
      else if (c === ']' && --depth === 0) return sliceOrMapType.slice(i + 1);
    }
  }
  if (sliceOrMapType.startsWith('*')) return sliceOrMapType.slice(1);
  throw new Error(`not a composite type: ${sliceOrMapType}`);
}

/**
 * Throws when a map or slice contains itself (set and merge can make one). Go code that walks such a
 * value (yaml, toml encoders) recurses until the process dies of stack overflow; `what` names the
 * walker in the error that we give instead.
 */
export function assertAcyclic(v: Value, what: string): void {
  const path = new Set<object>();
  const walk = (x: Value): void => {
    if (!Array.isArray(x) && !(x instanceof Map)) return;
    if (path.has(x)) throw new Error(`${what}: the value contains itself (Go overflows its stack here)`);
    path.add(x);
    for (const item of x instanceof Map ? x.values() : x) walk(item);
    path.delete(x);
  };
  walk(v);
}

/** reflect.Zero(typ) in the value model; structs become a GoObject with no fields. */
export function zeroValue(type: string): Value {
  const kind = kindOfType(type);
  switch (kind) {
    case 'interface':
      return null;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'float64':
      return 0;
    case 'float32':
      return new GoFloat32(0);
    case 'complex128':
      return new GoComplex(0, 0);
    case 'slice':
    case 'map':
    case 'ptr':
    case 'func':
      return new GoNil(type);
    case 'struct':
      return new GoObject(type, new Map());
    default:
      return new GoInt(kind as IntTypeName, 0n);
  }
}

// ---- conversion from JS data --------------------------------------------------------------------

/**
 * Converts data decoded from JSON (JSON.parse, or any plain JS object tree) into engine values as Go's
 * encoding/json decodes into interface{}: numbers become float64, objects map[string]interface{},
 * arrays []interface{}, null nil. Values already in the engine's representation are kept.
 */
export function fromJSON(data: unknown): Value {
  return fromPlain(data, 'float64');
}

/**
 * Converts plain JS data as YAML and TOML decoders in Go produce it: integral numbers become int
 * (bigint values too), others float64.
 */
export function fromPlainInts(data: unknown): Value {
  return fromPlain(data, 'int');
}

function fromPlain(data: unknown, integers: 'float64' | 'int'): Value {
  switch (typeof data) {
    case 'undefined':
      return null;
    case 'string':
    case 'boolean':
      return data;
    case 'number':
      return integers === 'int' && Number.isInteger(data) && !Object.is(data, -0) ? goInt(data) : data;
    case 'bigint':
      return integers === 'int' ? goInt(data) : Number(data);
    case 'function':
      throw new TypeError('a JS function cannot be template data; wrap it with defineFunc');
    default:
      break;
  }
  if (data === null) return null;
  if (
    data instanceof GoInt ||
    data instanceof GoObject ||
    data instanceof GoNil ||
    data instanceof GoFloat32 ||
    data instanceof GoComplex ||
    data instanceof Uint8Array ||
    isGoFunc(data as Value)
  ) {
    return data as Value;
  }
  if (Array.isArray(data)) {
    const tag = (data as GoSlice)[GO_TYPE];
    const out: GoSlice = data.map((item) => fromPlain(item, integers));
    if (tag !== undefined) out[GO_TYPE] = tag;
    // encoding/json appends as it decodes; the capacity shows when a template slices past the end.
    const cap =
      (data as GoSlice)[GO_CAP] ?? (integers === 'float64' ? appendedCap(out.length, 'interface') : 0);
    return withCap(out, cap);
  }
  if (data instanceof Map) {
    const out: GoMap = new Map();
    for (const [k, v] of data) out.set(String(k), fromPlain(v, integers));
    const tag = (data as GoMap)[GO_TYPE];
    if (tag !== undefined) out[GO_TYPE] = tag;
    return out;
  }
  if (data instanceof Date) {
    throw new TypeError('a JS Date cannot be template data directly; use the time helpers');
  }
  const out: GoMap = new Map();
  for (const key of Object.keys(data as object)) {
    out.set(key, fromPlain((data as Record<string, unknown>)[key], integers));
  }
  return out;
}
