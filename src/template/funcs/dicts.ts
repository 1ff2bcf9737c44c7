/**
 * sprig's dict functions (dict.go): dict, get, set, unset, hasKey, pluck, keys, pick, omit, values,
 * dig, deepCopy, and merge/mergeOverwrite, which are dario.cat/mergo v1.0.1's Merge and
 * MergeWithOverwrite ported for map[string]interface{} trees.
 *
 * Go maps iterate in random order, so `keys` and `values` are nondeterministic in Go; here each
 * map's keys come in sorted (byte-wise) order, which is one of the orders Go can produce.
 */

import { compareGoStrings } from '../exec.js';
import {
  defineFunc,
  elemType,
  FuncError,
  GO_TYPE,
  GoComplex,
  type GoFunc,
  type GoMap,
  GoNil,
  GoObject,
  type GoSlice,
  goTypeName,
  kindOfType,
  typedSlice,
  type Value,
} from '../value.js';
import type { FuncContext } from './context.js';
import { isEmpty, reflectKind, strval } from './convert.js';
import { copiedVersion } from './semver.js';

const MAP = 'map[string]interface {}';
const IFACE = 'interface {}';

/** A map's keys in Go string order (byte-wise over UTF-8), like fmt's and range's map order. */
const sortedKeys = (m: GoMap): string[] => [...m.keys()].sort(compareGoStrings);

/** A map[string]interface{} argument: the Map, or undefined for a nil map. */
function asMap(v: Value): GoMap | undefined {
  return v instanceof Map ? v : undefined;
}

/** A nil map[string]interface{} (printed `map[]`). */
const nilMap = (): GoNil => new GoNil(MAP);

/** The message of a failed Go type assertion `x.(T)` on an interface{} holding x. */
function assertionPanic(v: Value, want: string): Error {
  const have = v === null || v === undefined ? 'nil' : goTypeName(v);
  return new Error(`interface conversion: interface {} is ${have}, not ${want}`);
}

// ---- mergo --------------------------------------------------------------------------------------

/**
 * mergo's isEmptyValue (encoding/json's, dereferencing pointers): like sprig's empty except that
 * complex numbers are never empty.
 */
function mergoEmpty(v: Value): boolean {
  return v instanceof GoComplex ? false : isEmpty(v);
}

/**
 * mergo.deepMerge for two maps, as Merge (overwrite false) and MergeWithOverwrite (true) run it on
 * map[string]interface{}. Per key of src, with s the src value and d the dst value:
 * - a nil s is skipped, or with overwrite stored as nil;
 * - a map s merges recursively into a map d in place (dst's nested maps are mutated, and dst ends
 *   up sharing src's nested maps where it had none or an empty one);
 * - any other s replaces d with overwrite (empty values included), else only when d is missing or
 *   empty (nil, "", 0, false, empty map or slice).
 * The code follows mergo's order of checks, which also decides the aliasing above.
 */
function mergeMaps(dst: GoMap, src: GoMap, overwrite: boolean): void {
  const srcElem = mapElemType(src);
  const dstElem = mapElemType(dst);
  /**
   * dst.SetMapIndex(key, v) where v's static type is `type`: into a typed map (map[string]string
   * from `split`) only a value of the element type is assignable, anything else panics.
   */
  const store = (key: string, v: Value, type: string): void => {
    if (dstElem !== IFACE && type !== dstElem) {
      throw new Error(
        `reflect.Value.SetMapIndex: value of type ${type} is not assignable to type ${dstElem}`,
      );
    }
    dst.set(key, v);
  };
  for (const key of src.keys()) {
    const s = src.get(key) ?? null;
    const dstHas = dst.has(key);
    const d = dst.get(key) ?? null;
    // srcElement.IsNil() for an interface (or, in typed maps, slice/map/pointer) element.
    if (s === null || (srcElem !== IFACE && s instanceof GoNil)) {
      if (overwrite) store(key, s, srcElem);
      continue;
    }
    const sKind = reflectKind(s);
    if (sKind === 'map' || sKind === 'struct' || sKind === 'ptr') {
      // deepMerge(ValueOf(d), ValueOf(s)): only map-into-map has an effect; a non-pointer src
      // into a non-nil pointer dst without overwrite is ErrDifferentArgumentsTypes.
      if (s instanceof Map && d instanceof Map) mergeMaps(d, s, overwrite);
      else if (!overwrite && sKind !== 'ptr' && d instanceof GoObject && d.type.startsWith('*')) {
        throw new FuncError('src and dst must be of same type');
      }
    } else if (sKind === 'slice') {
      // dstElement.IsNil(), which panics on a typed map's non-nillable element.
      const dKind = kindOfType(dstElem);
      if (dstHas && !['interface', 'slice', 'map', 'ptr', 'func'].includes(dKind)) {
        throw new Error(`reflect: call of reflect.Value.IsNil on ${dKind} Value`);
      }
      const dNil = !dstHas || d === null || d instanceof GoNil;
      // The slice branch stores the src slice when overwriting or when the whole dst map is empty,
      // else d back, or for a missing or nil d an empty slice of src's type (replaced below).
      const sType = goTypeName(s);
      if (overwrite || dst.size === 0) store(key, s, sType);
      else if (dNil) store(key, typedSlice([], sType), sType);
      else store(key, d, goTypeName(d));
    }
    if (dstHas && !mergoEmpty(d)) {
      if (sKind === 'slice') continue;
      if (sKind === 'map' && reflectKind(d) === 'map') continue;
    }
    if (overwrite || !dstHas || mergoEmpty(d)) store(key, s, srcElem);
  }
}

/** The element type of a map value ('interface {}' for map[string]interface {}). */
function mapElemType(m: GoMap): string {
  const tag = m[GO_TYPE];
  return tag === undefined ? IFACE : elemType(tag);
}

/** sprig's merge: mergo.Merge(&dst, src) for each src; a nil dst becomes a new map. */
function mergeAll(dstArg: Value, srcs: Value[], overwrite: boolean): Value {
  let dst = asMap(dstArg);
  for (const srcArg of srcs) {
    const src = asMap(srcArg);
    if (src === undefined) continue;
    if (dst === undefined) dst = new Map();
    mergeMaps(dst, src, overwrite);
  }
  // A nil dst stays nil when every src is nil too (toJson prints null).
  return dst ?? (dstArg instanceof GoNil ? dstArg : nilMap());
}

// ---- deepCopy -----------------------------------------------------------------------------------

/**
 * copystructure.Copy over the model: maps and slices are copied recursively keeping their Go
 * types (nil ones stay nil); other values are immutable here and returned as they are. Go copies
 * structs field by field and loses unexported fields: a *semver.Version (or semver.Version) copies
 * as the zero Version, 0.0.0, and so it does here. time.Time has its own copier in copystructure and
 * keeps its value.
 */
function deepCopy(v: Value): Value {
  if (v === null || v === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  return copyValue(v, new Set());
}

/**
 * `inside` holds the maps and slices being copied on the way down: a value that contains itself
 * (set or merge can make one) would make Go recurse until its stack overflows and the process dies;
 * we stop with an error instead.
 */
function copyValue(v: Value, inside: Set<object>): Value {
  if (Array.isArray(v) || v instanceof Map) {
    if (inside.has(v)) throw new Error('deepCopy: the value contains itself (Go overflows its stack here)');
    inside.add(v);
    try {
      if (Array.isArray(v)) {
        const out: GoSlice = v.map((item) => copyValue(item, inside));
        const tag = (v as GoSlice)[GO_TYPE];
        if (tag !== undefined) out[GO_TYPE] = tag;
        return out;
      }
      const out: GoMap = new Map();
      for (const [k, x] of v) out.set(k, copyValue(x, inside));
      const tag = (v as GoMap)[GO_TYPE];
      if (tag !== undefined) out[GO_TYPE] = tag;
      return out;
    } finally {
      inside.delete(v);
    }
  }
  if (v instanceof Uint8Array) return v.slice();
  return copiedVersion(v) ?? v;
}

// ---- dig ----------------------------------------------------------------------------------------

/** dig(keys..., default, dict): the type assertions panic with Go's runtime message. */
function dig(...ps: Value[]): Value {
  if (ps.length < 3) throw new Error('dig needs at least three arguments');
  const dictArg = ps[ps.length - 1];
  if (!isIfaceMap(dictArg)) throw assertionPanic(dictArg, MAP);
  const def = ps[ps.length - 2];
  const ks = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw assertionPanic(k, 'string');
    return k;
  });
  let dict = asMap(dictArg);
  for (let i = 0; ; i++) {
    const k = ks[i] as string;
    if (dict === undefined || !dict.has(k)) return def ?? null;
    const step = dict.get(k);
    if (i === ks.length - 1) return step ?? null;
    if (!isIfaceMap(step)) throw assertionPanic(step, MAP);
    dict = asMap(step);
  }
}

/** Whether x.(map[string]interface{}) succeeds: an untyped Map or a nil map of that type. */
function isIfaceMap(v: Value): boolean {
  return (v instanceof Map && (v as GoMap)[GO_TYPE] === undefined) || (v instanceof GoNil && v.type === MAP);
}

// ---- the template functions ---------------------------------------------------------------------

export function dictFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const mergeSig = { params: [MAP], variadic: MAP, result: IFACE };
  return {
    // dict: keys through strval; an odd trailing key maps to "".
    dict: defineFunc('dict', { params: [], variadic: IFACE, result: MAP }, (...v) => {
      const d: GoMap = new Map();
      for (let i = 0; i < v.length; i += 2) d.set(strval(v[i]), i + 1 >= v.length ? '' : (v[i + 1] ?? null));
      return d;
    }),
    get: defineFunc('get', { params: [MAP, 'string'], result: IFACE }, (d, key) => {
      const m = asMap(d);
      return m?.has(key as string) ? (m.get(key as string) ?? null) : '';
    }),
    set: defineFunc('set', { params: [MAP, 'string', IFACE], result: MAP }, (d, key, value) => {
      const m = asMap(d);
      if (m === undefined) throw new Error('assignment to entry in nil map');
      m.set(key as string, value ?? null);
      return m;
    }),
    unset: defineFunc('unset', { params: [MAP, 'string'], result: MAP }, (d, key) => {
      const m = asMap(d);
      if (m === undefined) return d instanceof GoNil ? d : nilMap();
      m.delete(key as string);
      return m;
    }),
    hasKey: defineFunc('hasKey', { params: [MAP, 'string'], result: 'bool' }, (d, key) =>
      Boolean(asMap(d)?.has(key as string)),
    ),
    pluck: defineFunc(
      'pluck',
      { params: ['string'], variadic: MAP, result: '[]interface {}' },
      (key, ...ds) => {
        const res: Value[] = [];
        for (const d of ds) {
          const m = asMap(d);
          if (m?.has(key as string)) res.push(m.get(key as string) ?? null);
        }
        return res;
      },
    ),
    keys: defineFunc('keys', { params: [], variadic: MAP, result: '[]string' }, (...ds) => {
      const k: string[] = [];
      for (const d of ds) {
        const m = asMap(d);
        if (m !== undefined) k.push(...sortedKeys(m));
      }
      return typedSlice(k, '[]string');
    }),
    pick: defineFunc('pick', { params: [MAP], variadic: 'string', result: MAP }, (d, ...ks) => {
      const m = asMap(d);
      const res: GoMap = new Map();
      for (const k of ks as string[]) if (m?.has(k)) res.set(k, m.get(k) ?? null);
      return res;
    }),
    omit: defineFunc('omit', { params: [MAP], variadic: 'string', result: MAP }, (d, ...ks) => {
      const m = asMap(d);
      const drop = new Set(ks as string[]);
      const res: GoMap = new Map();
      if (m !== undefined) for (const k of sortedKeys(m)) if (!drop.has(k)) res.set(k, m.get(k) ?? null);
      return res;
    }),
    merge: defineFunc('merge', mergeSig, (dst, ...srcs) => {
      try {
        return mergeAll(dst, srcs, false);
      } catch (e) {
        // sprig swallows mergo's errors inside a template and returns "".
        if (e instanceof FuncError) return '';
        throw e;
      }
    }),
    mustMerge: defineFunc('mustMerge', { ...mergeSig, error: true }, (dst, ...srcs) =>
      mergeAll(dst, srcs, false),
    ),
    mergeOverwrite: defineFunc('mergeOverwrite', mergeSig, (dst, ...srcs) => {
      try {
        return mergeAll(dst, srcs, true);
      } catch (e) {
        if (e instanceof FuncError) return '';
        throw e;
      }
    }),
    mustMergeOverwrite: defineFunc('mustMergeOverwrite', { ...mergeSig, error: true }, (dst, ...srcs) =>
      mergeAll(dst, srcs, true),
    ),
    values: defineFunc('values', { params: [MAP], result: '[]interface {}' }, (d) => {
      const m = asMap(d);
      return m === undefined ? [] : sortedKeys(m).map((k) => m.get(k) ?? null);
    }),
    deepCopy: defineFunc('deepCopy', { params: [IFACE], result: IFACE }, deepCopy),
    mustDeepCopy: defineFunc('mustDeepCopy', { params: [IFACE], result: IFACE, error: true }, deepCopy),
    dig: defineFunc('dig', { params: [], variadic: IFACE, result: IFACE, error: true }, dig),
  };
}
