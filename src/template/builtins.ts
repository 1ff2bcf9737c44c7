/**
 * The builtin functions of Go's text/template (funcs.go): and, call, html, index, slice, js, len,
 * not, or, print, printf, println, urlquery, eq, ge, gt, le, lt, ne. Each is a GoFunc with Go's
 * signature, so the executor checks and converts arguments as Go does; `reflect.Value` parameters
 * receive values as they are (`null` is a nil interface, `undefined` no value).
 */
import { htmlEscapeString, jsEscapeString, urlQueryEscape } from './escape.js';
import { sprint, sprintf, sprintln } from './gofmt.js';
import { utf8Length } from './lex.js';
import { capOf, sliceWithinCap } from './slicecap.js';
import { compareGoStrings, fromBytes, toBytes } from './utf8.js';
import {
  defineFunc,
  elemType,
  FuncError,
  GO_TYPE,
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
  kindOf,
  kindOfType,
  type Value,
  zeroValue,
} from './value.js';

const RV = 'reflect.Value';
const ANY = 'interface {}';

const unreachable = (): never => {
  throw new Error('unreachable'); // implemented as a special case in evalCall
};

// ---- helpers ------------------------------------------------------------------------------------

/** indirectInterface: the concrete value of an interface; a nil interface is no value. */
function indirectInterface(v: Value): Value {
  return v === null ? undefined : v;
}

/** Go's isTrue ignoring ok, on an unwrapped value (the `truth` helper of funcs.go). */
export function truth(v: Value): boolean {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    default:
      break;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof GoFloat32) return v.value !== 0;
  if (v instanceof GoComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof GoNil) return false;
  return true;
}

/** Whether v is a nil pointer (after indirection, Go's `indirect` reports isNil). */
function isNilPointer(v: Value): boolean {
  return v === null || (v instanceof GoNil && kindOfType(v.type) === 'ptr');
}

/** The type Go reports after `indirect`: a *T object is looked at as T. */
function indirectTypeName(v: Value): string {
  if (v instanceof GoObject && v.type.startsWith('*')) return v.type.slice(1);
  return goTypeName(v);
}

const INT_KINDS: ReadonlySet<string> = new Set([
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
]);

function isIntLike(v: Value): v is GoInt {
  return v instanceof GoInt;
}

/** prepareArg: checks that value can be an argument of type argType, converting int kinds. */
function prepareArg(value: Value, argType: string): Value {
  if (value === undefined) {
    if (!canBeNilType(argType)) throw new FuncError(`value is nil; should be of type ${argType}`);
    return zeroOf(argType);
  }
  if (assignableTo(value, argType)) return value;
  const kind = kindOfType(argType);
  if (isIntLike(value) && INT_KINDS.has(kind)) return new GoInt(kind as GoInt['type'], value.value);
  throw new FuncError(`value has type ${goTypeName(value)}; should be ${argType}`);
}

function canBeNilType(typ: string): boolean {
  if (typ === RV) return true;
  const k = kindOfType(typ);
  return k === 'func' || k === 'interface' || k === 'map' || k === 'ptr' || k === 'slice';
}

function zeroOf(typ: string): Value {
  if (typ === RV) return undefined;
  return kindOfType(typ) === 'interface' ? null : new GoNil(typ);
}

function assignableTo(v: Value, typ: string): boolean {
  if (typ === ANY || typ === RV) return true;
  return goTypeName(v) === typ;
}

/** indexArg: an index of a slice, array or string with capacity cap. */
function indexArg(index: Value, cap: number, iface = false): number {
  let x: bigint;
  if (iface && index !== undefined) {
    throw new FuncError('cannot index slice/array with type interface {}');
  }
  if (index instanceof GoInt) {
    // int64(index.Uint()) for unsigned kinds.
    x = index.signed ? index.value : BigInt.asIntN(64, index.value);
  } else if (index === undefined || index === null) {
    throw new FuncError('cannot index slice/array with nil');
  } else {
    throw new FuncError(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

function mapElemType(m: GoMap): string {
  const tag = m[GO_TYPE];
  if (tag === undefined) return ANY;
  let depth = 0;
  for (let i = 3; i < tag.length; i++) {
    if (tag[i] === '[') depth++;
    else if (tag[i] === ']' && --depth === 0) return tag.slice(i + 1);
  }
  return ANY;
}

// ---- index, slice, len ----------------------------------------------------------------------------

/** index item i j k: item[i][j][k] over maps, slices and strings (bytes). */
function index(item: Value, ...indexes: Value[]): Value {
  item = indirectInterface(item);
  if (item === undefined) throw new FuncError('index of untyped nil');
  for (let raw of indexes) {
    raw = indirectInterface(raw);
    if (isNilPointer(item)) throw new FuncError('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = toBytes(item);
      const x = indexArg(raw, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      item = new GoInt('uint8', BigInt(bytes[x] as number));
    } else if (Array.isArray(item)) {
      const x = indexArg(raw, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = item[x] as Value;
    } else if (item instanceof Uint8Array) {
      const x = indexArg(raw, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = new GoInt('uint8', BigInt(item[x] as number));
    } else if (item instanceof GoNil && kindOfType(item.type) === 'slice') {
      indexArg(raw, 0);
      throw new Error('reflect: slice index out of range');
    } else if (item instanceof Map) {
      const key = prepareArg(raw, 'string') as string;
      const x = item.get(key);
      item = x !== undefined ? x : zeroValue(mapElemType(item));
    } else if (item instanceof GoNil && kindOfType(item.type) === 'map') {
      prepareArg(raw, 'string');
      item = zeroValue(item.type.slice(item.type.indexOf(']') + 1));
    } else {
      throw new FuncError(`can't index item of type ${indirectTypeName(item)}`);
    }
  }
  return item;
}

/**
 * slice item i j k: item[i:j:k]. Go does not unwrap interface-typed indexes here, so an index read
 * from a map[string]interface{} fails with "type interface {}"; `ifaces` says which ones were.
 * Strings are cut as bytes; a cut inside a UTF-8 sequence leaves bytes of invalid UTF-8, held as
 * lone surrogates (funcs/text/utf8.ts) so that Go's bytes can be written out.
 */
export function sliceBuiltin(item: Value, indexes: readonly Value[], ifaces: readonly boolean[]): Value {
  item = indirectInterface(item);
  if (item === undefined) throw new FuncError('slice of untyped nil');
  if (isNilPointer(item)) throw new FuncError('slice of nil pointer');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  let bytes: Uint8Array | undefined;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    bytes = toBytes(item);
    cap = len = bytes.length;
  } else if (Array.isArray(item)) {
    len = item.length;
    cap = capOf(item as GoSlice);
  } else if (item instanceof Uint8Array) {
    cap = len = item.length;
  } else if (item instanceof GoNil && kindOfType(item.type) === 'slice') {
    cap = len = 0;
  } else {
    throw new FuncError(`can't slice item of type ${indirectTypeName(item)}`);
  }
  // Default values for item[:], item[i:].
  const idx = [0, len, 0];
  for (let i = 0; i < indexes.length; i++) idx[i] = indexArg(indexes[i], cap, ifaces[i] === true);
  const [lo, hi, max] = idx as [number, number, number];
  if (lo > hi) throw new FuncError(`invalid slice index: ${lo} > ${hi}`);
  if (indexes.length === 3 && hi > max) throw new FuncError(`invalid slice index: ${hi} > ${max}`);
  if (bytes !== undefined) return fromBytes(bytes.subarray(lo, hi));
  if (item instanceof Uint8Array) return item.slice(lo, hi);
  if (item instanceof GoNil) return item;
  const slice = item as GoSlice;
  return sliceWithinCap(
    slice,
    lo,
    hi,
    zeroValue(elemType(goTypeName(slice))),
    indexes.length === 3 ? max : undefined,
  );
}

/** len item: of a string (in bytes), slice or map. */
function length(item: Value): Value {
  if (isNilPointer(item)) throw new FuncError('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  let n: number;
  if (typeof item === 'string') n = utf8Length(item);
  else if (Array.isArray(item) || item instanceof Uint8Array) n = item.length;
  else if (item instanceof Map) n = item.size;
  else if (item instanceof GoNil && (kindOfType(item.type) === 'slice' || kindOfType(item.type) === 'map'))
    n = 0;
  else throw new FuncError(`len of type ${indirectTypeName(item)}`);
  return new GoInt('int', BigInt(n));
}

// ---- call -----------------------------------------------------------------------------------------

/** call fn args...: calls a function value, checking arguments as reflect would. */
export function call(name: string, fn: Value, args: readonly Value[]): Value {
  fn = indirectInterface(fn);
  if (fn === undefined) throw new FuncError('call of nil');
  if (fn instanceof GoNil && kindOfType(fn.type) === 'func') throw new Error('reflect: call of nil function');
  if (!isGoFunc(fn)) throw new FuncError(`non-function ${name} of type ${goTypeName(fn)}`);
  const numIn = fn.params.length;
  if (fn.variadic !== undefined) {
    if (args.length < numIn) {
      throw new FuncError(`wrong number of args for ${name}: got ${args.length} want at least ${numIn}`);
    }
  } else if (args.length !== numIn) {
    throw new FuncError(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
  }
  const argv: Value[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const argType = fn.variadic === undefined || i < numIn ? (fn.params[i] as string) : fn.variadic;
    try {
      argv[i] = prepareArg(indirectInterface(args[i]), argType);
    } catch (e) {
      throw new FuncError(`arg ${i}: ${(e as Error).message}`);
    }
  }
  const result = fn.impl(...argv);
  return result === undefined && fn.result !== RV ? null : result;
}

// ---- escaping ---------------------------------------------------------------------------------------

/**
 * evalArgs: fmt.Sprint of the arguments, except that nil arguments print as "<no value>" and
 * pointers as what they point to, as in the template's own printing.
 */
function evalArgs(args: readonly Value[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const printable = args.map((a) =>
    a === null || a === undefined
      ? '<no value>'
      : a instanceof GoObject && a.type.startsWith('*') && a.format === undefined
        ? new GoObject(a.type.slice(1), a.fields, a.methods)
        : a,
  );
  return sprint(printable);
}

// ---- comparison -------------------------------------------------------------------------------------

const enum_ = { invalid: 0, bool: 1, complex: 2, int: 3, float: 4, string: 5, uint: 6 } as const;
type BasicKind = (typeof enum_)[keyof typeof enum_];

/** A named basic type (time.Month) compares as its underlying value, as reflect's Int() sees it. */
function underlyingOf(v: Value): Value {
  return v instanceof GoObject && v.underlying !== undefined ? v.underlying : v;
}

function basicKind(v: Value): BasicKind {
  switch (typeof v) {
    case 'boolean':
      return enum_.bool;
    case 'number':
      return enum_.float;
    case 'string':
      return enum_.string;
    default:
      break;
  }
  if (v instanceof GoInt) return v.signed ? enum_.int : enum_.uint;
  if (v instanceof GoFloat32) return enum_.float;
  if (v instanceof GoComplex) return enum_.complex;
  return enum_.invalid;
}

function floatOf(v: Value): number {
  return v instanceof GoFloat32 ? v.value : (v as number);
}

/** Go's reflect.Type.String() of a value for comparison errors. */
function typeOf(v: Value): string {
  return goTypeName(v);
}

function isNilValue(v: Value): boolean {
  if (v === undefined || v === null) return true;
  if (v instanceof GoNil) return true;
  return false;
}

function comparable(v: Value): boolean {
  const k = kindOf(v);
  return k !== 'slice' && k !== 'map' && k !== 'func';
}

function sameObject(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof GoObject && b instanceof GoObject && a.type === b.type && !a.type.startsWith('*')) {
    if (a.format !== undefined && b.format !== undefined) return a.format() === b.format();
    if (a.fields.size !== b.fields.size) return false;
    for (const [k, v] of a.fields) if (!sameObject(v, b.fields.get(k))) return false;
    return true;
  }
  return false;
}

/** eq arg1 arg2...: arg1 == arg2 || arg1 == arg3 ... */
function eq(arg1: Value, ...arg2: Value[]): Value {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) throw new FuncError('missing argument for comparison');
  const t1 = arg1;
  arg1 = underlyingOf(arg1);
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const t2 = arg;
    arg = underlyingOf(arg);
    const k2 = basicKind(arg);
    let result = false;
    if (k1 !== k2) {
      // Special case: Can compare integer values regardless of type's sign.
      if (k1 === enum_.int && k2 === enum_.uint) {
        const a = (arg1 as GoInt).value;
        result = a >= 0n && a === (arg as GoInt).value;
      } else if (k1 === enum_.uint && k2 === enum_.int) {
        const b = (arg as GoInt).value;
        result = b >= 0n && (arg1 as GoInt).value === b;
      } else if (arg1 !== undefined && arg !== undefined) {
        throw new FuncError(`incompatible types for comparison: ${typeOf(t1)} and ${typeOf(t2)}`);
      }
    } else {
      switch (k1) {
        case enum_.bool:
        case enum_.string:
          result = arg1 === arg;
          break;
        case enum_.complex:
          result =
            (arg1 as GoComplex).re === (arg as GoComplex).re &&
            (arg1 as GoComplex).im === (arg as GoComplex).im;
          break;
        case enum_.float:
          result = floatOf(arg1) === floatOf(arg);
          break;
        case enum_.int:
        case enum_.uint:
          result = (arg1 as GoInt).value === (arg as GoInt).value;
          break;
        default: {
          const kind1 = kindOf(arg1);
          const kindA = kindOf(arg);
          if (kind1 !== kindA && kind1 !== 'invalid' && kindA !== 'invalid') {
            throw new FuncError(
              sprintf('non-comparable types %s: %v, %s: %v', [arg1, typeOf(arg1), typeOf(arg), arg]),
            );
          }
          if (isNilValue(arg1) || isNilValue(arg)) {
            result = isNilValue(arg) === isNilValue(arg1);
          } else {
            if (!comparable(arg))
              throw new FuncError(sprintf('non-comparable type %s: %v', [arg, typeOf(arg)]));
            result = sameObject(arg1, arg);
          }
        }
      }
    }
    if (result) return true;
  }
  return false;
}

function ne(arg1: Value, arg2: Value): Value {
  // != is the inverse of ==.
  return !eq(arg1, arg2);
}

function lt(arg1: Value, arg2: Value): Value {
  arg1 = indirectInterface(arg1);
  const t1 = arg1;
  arg1 = underlyingOf(arg1);
  const k1 = basicKind(arg1);
  if (k1 === enum_.invalid) throw new FuncError('invalid type for comparison');
  arg2 = indirectInterface(arg2);
  const t2 = arg2;
  arg2 = underlyingOf(arg2);
  const k2 = basicKind(arg2);
  if (k2 === enum_.invalid) throw new FuncError('invalid type for comparison');
  if (k1 !== k2) {
    // Special case: Can compare integer values regardless of type's sign.
    if (k1 === enum_.int && k2 === enum_.uint) {
      const a = (arg1 as GoInt).value;
      return a < 0n || a < (arg2 as GoInt).value;
    }
    if (k1 === enum_.uint && k2 === enum_.int) {
      const b = (arg2 as GoInt).value;
      return b >= 0n && (arg1 as GoInt).value < b;
    }
    throw new FuncError(`incompatible types for comparison: ${typeOf(t1)} and ${typeOf(t2)}`);
  }
  switch (k1) {
    case enum_.bool:
    case enum_.complex:
      throw new FuncError('invalid type for comparison');
    case enum_.float:
      return floatOf(arg1) < floatOf(arg2);
    case enum_.int:
    case enum_.uint:
      return (arg1 as GoInt).value < (arg2 as GoInt).value;
    default:
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
  }
}

function le(arg1: Value, arg2: Value): Value {
  // <= is < or ==.
  return lt(arg1, arg2) === true || eq(arg1, arg2);
}

function gt(arg1: Value, arg2: Value): Value {
  // > is the inverse of <=.
  return !le(arg1, arg2);
}

function ge(arg1: Value, arg2: Value): Value {
  // >= is the inverse of <.
  return !lt(arg1, arg2);
}

export { compareGoStrings };

// ---- the table --------------------------------------------------------------------------------------

const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', defineFunc('and', { params: [RV], variadic: RV, result: RV }, unreachable)],
  ['call', defineFunc('call', { params: [RV], variadic: RV, result: RV }, unreachable)],
  [
    'html',
    defineFunc('html', { params: [], variadic: ANY, result: 'string' }, (...a) =>
      htmlEscapeString(evalArgs(a)),
    ),
  ],
  [
    'index',
    defineFunc('index', { params: [RV], variadic: RV, result: RV, error: true }, (item, ...rest) =>
      index(item, ...rest),
    ),
  ],
  [
    'slice',
    defineFunc('slice', { params: [RV], variadic: RV, result: RV, error: true }, (item, ...rest) =>
      sliceBuiltin(item, rest, []),
    ),
  ],
  [
    'js',
    defineFunc('js', { params: [], variadic: ANY, result: 'string' }, (...a) => jsEscapeString(evalArgs(a))),
  ],
  ['len', defineFunc('len', { params: [RV], result: 'int', error: true }, (item) => length(item))],
  ['not', defineFunc('not', { params: [RV], result: 'bool' }, (arg) => !truth(indirectInterface(arg)))],
  ['or', defineFunc('or', { params: [RV], variadic: RV, result: RV }, unreachable)],
  ['print', defineFunc('print', { params: [], variadic: ANY, result: 'string' }, (...a) => sprint(a))],
  [
    'printf',
    defineFunc('printf', { params: ['string'], variadic: ANY, result: 'string' }, (format, ...a) =>
      sprintf(format as string, a),
    ),
  ],
  ['println', defineFunc('println', { params: [], variadic: ANY, result: 'string' }, (...a) => sprintln(a))],
  [
    'urlquery',
    defineFunc('urlquery', { params: [], variadic: ANY, result: 'string' }, (...a) =>
      urlQueryEscape(evalArgs(a)),
    ),
  ],
  // Comparisons
  [
    'eq',
    defineFunc('eq', { params: [RV], variadic: RV, result: 'bool', error: true }, (a, ...b) => eq(a, ...b)),
  ],
  ['ge', defineFunc('ge', { params: [RV, RV], result: 'bool', error: true }, ge)],
  ['gt', defineFunc('gt', { params: [RV, RV], result: 'bool', error: true }, gt)],
  ['le', defineFunc('le', { params: [RV, RV], result: 'bool', error: true }, le)],
  ['lt', defineFunc('lt', { params: [RV, RV], result: 'bool', error: true }, lt)],
  ['ne', defineFunc('ne', { params: [RV, RV], result: 'bool', error: true }, ne)],
]);

/** The builtin of that name (Go's builtinFuncs). */
export function lookupBuiltin(name: string): GoFunc | undefined {
  return BUILTINS.get(name);
}

/** The names of all builtins. */
export function builtinNames(): string[] {
  return [...BUILTINS.keys()];
}

/** and/or are evaluated lazily by the executor. */
export function isBuiltinShortCircuit(name: string): boolean {
  return name === 'and' || name === 'or';
}
