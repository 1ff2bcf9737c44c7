/**
 * sprig's list functions (list.go). They accept any slice type through reflection and return
 * []interface{} (chunk: [][]interface{}; slice keeps the input's type). On a value that is not a
 * slice the must* variants return an error and the others panic with the same text; on nil every
 * variant panics, because sprig calls reflect.TypeOf(nil).Kind() on a nil Type.
 */
import { appendedCap, capOf, grownCap, sliceWithinCap, withCap } from '../slicecap.js';
import {
  defineFunc,
  elemType,
  FuncError,
  type GoFunc,
  GoNil,
  type GoSlice,
  typedSlice,
  type Value,
  zeroValue,
} from '../value.js';
import type { FuncContext } from './context.js';
import {
  asSlice,
  floatToInt64,
  isEmpty,
  NIL_DEREFERENCE,
  reflectKind,
  sliceElemType,
  toInt,
} from './convert.js';
import { deepEqual } from './reflection.js';

/** A nil []interface{} (what `var res []interface{}` or `return nil, nil` give in Go). */
const nilList = (): GoNil => new GoNil('[]interface {}');

const MAKESLICE = 'runtime error: makeslice: len out of range';

/**
 * The elements of `list` as reflect sees them. A nil interface panics with Go's nil dereference
 * (reflect.TypeOf(nil).Kind()); any other non-slice is an error with sprig's message.
 */
function elements(list: Value, message: (kind: string) => string): Value[] {
  if (list === null || list === undefined) throw new Error(NIL_DEREFERENCE);
  const items = asSlice(list);
  if (items === undefined) throw new FuncError(message(reflectKind(list)));
  return items;
}

/** How sprig's non-must wrappers turn the must variant's error into a panic with the same text. */
function panicking(fn: (...args: Value[]) => Value): (...args: Value[]) => Value {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof FuncError) throw new Error(e.message);
      throw e;
    }
  };
}

const inList = (haystack: readonly Value[], needle: Value): boolean =>
  haystack.some((h) => deepEqual(needle, h));

/** append(make([]interface{}, l), v): the capacity grows from l as Go's append grows it. */
function mustPush(list: Value, v: Value): Value {
  const items = elements(list, (k) => `Cannot push on type ${k}`);
  return withCap([...items, v], grownCap(items.length, items.length + 1, 'interface'));
}

/** append([]interface{}{v}, nl...): the capacity grows from 1. */
function mustPrepend(list: Value, v: Value): Value {
  const items = elements(list, (k) => `Cannot prepend on type ${k}`);
  return withCap([v, ...items], items.length === 0 ? 1 : grownCap(1, items.length + 1, 'interface'));
}

/** A list built by appending to an empty []interface{}{}: Go's capacity after that many appends. */
const appended = (items: Value[]): GoSlice => withCap(items, appendedCap(items.length, 'interface'));

/**
 * mustChunk: ports sprig's float arithmetic exactly, including its behaviour for sizes <= 0 (a
 * makeslice panic, or an empty result when the chunk count computes to 0).
 */
function mustChunk(sizeArg: Value, list: Value): Value {
  const items = elements(list, (k) => `Cannot chunk type ${k}`);
  const size = Number(toInt(sizeArg));
  const l = items.length;
  // cs := int(math.Floor(float64(l-1)/float64(size)) + 1)
  const cs = floatToInt64(Math.floor((l - 1) / size) + 1);
  if (cs < 0n) throw new Error(MAKESLICE);
  const out: Value[] = [];
  for (let i = 0; i < Number(cs); i++) {
    let clen = BigInt(size);
    if (i === Number(cs) - 1) {
      // clen = int(math.Floor(math.Mod(float64(l), float64(size)))); JS % is fmod, as math.Mod.
      clen = floatToInt64(Math.floor(l % size));
      if (clen === 0n) clen = BigInt(size);
    }
    if (clen < 0n) throw new Error(MAKESLICE);
    const chunk: Value[] = [];
    for (let j = 0; j < Number(clen); j++) {
      const ix = i * size + j;
      if (ix >= l) throw new Error(`runtime error: index out of range [${ix}] with length ${l}`);
      chunk.push(items[ix]);
    }
    out.push(chunk);
  }
  return typedSlice(out, '[][]interface {}');
}

function mustLast(list: Value): Value {
  const items = elements(list, (k) => `Cannot find last on type ${k}`);
  return items.length === 0 ? null : items[items.length - 1];
}

function mustFirst(list: Value): Value {
  const items = elements(list, (k) => `Cannot find first on type ${k}`);
  return items.length === 0 ? null : items[0];
}

function mustRest(list: Value): Value {
  const items = elements(list, (k) => `Cannot find rest on type ${k}`);
  return items.length === 0 ? nilList() : items.slice(1);
}

/** nl := make([]interface{}, l-1): the length is the capacity. */
function mustInitial(list: Value): Value {
  const items = elements(list, (k) => `Cannot find initial on type ${k}`);
  return items.length === 0 ? nilList() : items.slice(0, -1);
}

function mustReverse(list: Value): Value {
  return [...elements(list, (k) => `Cannot find reverse on type ${k}`)].reverse();
}

function mustCompact(list: Value): Value {
  return appended(elements(list, (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x)));
}

function mustUniq(list: Value): Value {
  const dest: Value[] = [];
  for (const item of elements(list, (k) => `Cannot find uniq on type ${k}`)) {
    if (!inList(dest, item)) dest.push(item);
  }
  return appended(dest);
}

function mustWithout(list: Value, ...omit: Value[]): Value {
  return appended(elements(list, (k) => `Cannot find without on type ${k}`).filter((x) => !inList(omit, x)));
}

function mustHas(needle: Value, haystack: Value): Value {
  if (haystack === null || haystack === undefined) return false;
  return inList(
    elements(haystack, (k) => `Cannot find has on type ${k}`),
    needle,
  );
}

/**
 * mustSlice: list[start:end] with indices converted by cast.ToInt; an empty list gives nil. The
 * result keeps the input's slice type. Go's bound is the capacity, which the model does not
 * track: it is taken to equal the length.
 */
function mustSlice(list: Value, ...indices: Value[]): Value {
  const items = elements(list, (k) => `list should be type of slice or array but ${k}`);
  const l = items.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? toInt(indices[0]) : 0n;
  const end = indices.length < 2 ? BigInt(l) : toInt(indices[1]);
  const cap = list instanceof Uint8Array ? l : capOf(items as GoSlice);
  if (start < 0n || end < start || end > BigInt(cap)) {
    throw new Error('reflect.Value.Slice: slice index out of bounds');
  }
  if (list instanceof Uint8Array) return list.slice(Number(start), Number(end));
  const type = `[]${sliceElemType(list)}`;
  return sliceWithinCap(typedSlice(items, type), Number(start), Number(end), zeroValue(elemType(type)));
}

/** concat: panics (not an error) on a non-list; the result is nil when no element was appended. */
function concat(...lists: Value[]): Value {
  const res: Value[] = [];
  for (const list of lists) {
    if (list === null || list === undefined) throw new Error(NIL_DEREFERENCE);
    const items = asSlice(list);
    if (items === undefined) throw new Error(`Cannot concat type ${reflectKind(list)} as list`);
    res.push(...items);
  }
  return res.length === 0 ? nilList() : appended(res);
}

const IFACE = 'interface {}';
const LIST = '[]interface {}';

export function listFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const one = { params: [IFACE], result: LIST };
  const oneMust = { ...one, error: true };
  const first = { params: [IFACE], result: IFACE };
  const firstMust = { ...first, error: true };
  const pair = { params: [IFACE, IFACE], result: LIST };
  const pairMust = { ...pair, error: true };
  const list = defineFunc('list', { params: [], variadic: IFACE, result: LIST }, (...v) => [...v]);
  return {
    list,
    // "tuple" is the same Go function as "list".
    tuple: defineFunc('tuple', { params: [], variadic: IFACE, result: LIST }, (...v) => [...v]),
    append: defineFunc('append', pair, panicking(mustPush)),
    push: defineFunc('push', pair, panicking(mustPush)),
    mustAppend: defineFunc('mustAppend', pairMust, mustPush),
    mustPush: defineFunc('mustPush', pairMust, mustPush),
    prepend: defineFunc('prepend', pair, panicking(mustPrepend)),
    mustPrepend: defineFunc('mustPrepend', pairMust, mustPrepend),
    first: defineFunc('first', first, panicking(mustFirst)),
    mustFirst: defineFunc('mustFirst', firstMust, mustFirst),
    rest: defineFunc('rest', one, panicking(mustRest)),
    mustRest: defineFunc('mustRest', oneMust, mustRest),
    last: defineFunc('last', first, panicking(mustLast)),
    mustLast: defineFunc('mustLast', firstMust, mustLast),
    initial: defineFunc('initial', one, panicking(mustInitial)),
    mustInitial: defineFunc('mustInitial', oneMust, mustInitial),
    reverse: defineFunc('reverse', one, panicking(mustReverse)),
    mustReverse: defineFunc('mustReverse', oneMust, mustReverse),
    uniq: defineFunc('uniq', one, panicking(mustUniq)),
    mustUniq: defineFunc('mustUniq', oneMust, mustUniq),
    without: defineFunc(
      'without',
      { params: [IFACE], variadic: IFACE, result: LIST },
      panicking(mustWithout),
    ),
    mustWithout: defineFunc(
      'mustWithout',
      { params: [IFACE], variadic: IFACE, result: LIST, error: true },
      mustWithout,
    ),
    has: defineFunc('has', { params: [IFACE, IFACE], result: 'bool' }, panicking(mustHas)),
    mustHas: defineFunc('mustHas', { params: [IFACE, IFACE], result: 'bool', error: true }, mustHas),
    slice: defineFunc('slice', { params: [IFACE], variadic: IFACE, result: IFACE }, panicking(mustSlice)),
    mustSlice: defineFunc(
      'mustSlice',
      { params: [IFACE], variadic: IFACE, result: IFACE, error: true },
      mustSlice,
    ),
    concat: defineFunc('concat', { params: [], variadic: IFACE, result: IFACE }, concat),
    chunk: defineFunc('chunk', { params: ['int', IFACE], result: '[][]interface {}' }, panicking(mustChunk)),
    mustChunk: defineFunc(
      'mustChunk',
      { params: ['int', IFACE], result: '[][]interface {}', error: true },
      mustChunk,
    ),
    compact: defineFunc('compact', one, panicking(mustCompact)),
    mustCompact: defineFunc('mustCompact', oneMust, mustCompact),
  };
}
