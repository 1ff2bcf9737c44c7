/**
 * sprig's reflection functions (reflect.go): typeOf, typeIs, typeIsLike, kindOf, kindIs, and
 * deepEqual, which is Go's reflect.DeepEqual over the value model.
 */

import { GoNamedInt } from '../gotime.js';
import {
  defineFunc,
  GoComplex,
  GoFloat32,
  type GoFunc,
  GoInt,
  GoNil,
  GoObject,
  goTypeName,
  isGoFunc,
  kindOf,
  type Value,
} from '../value.js';
import type { FuncContext } from './context.js';

const isNil = (v: Value): v is null | undefined => v === null || v === undefined;

/**
 * reflect.DeepEqual(x, y): nil interfaces equal only each other; otherwise the dynamic types must
 * be identical (int 1 and float64 1 differ, []string and []interface {} differ) and values equal
 * deeply. A nil slice or map differs from an empty one; NaN differs from itself except inside the
 * very same slice or map (DeepEqual's pointer shortcut); non-nil funcs are never equal.
 *
 * Structs and pointers (GoObject) are compared by identity, then by their exposed fields and
 * printed form: the model does not hold Go's unexported fields.
 */
export function deepEqual(x: Value, y: Value): boolean {
  if (isNil(x) || isNil(y)) return isNil(x) && isNil(y);
  if (goTypeName(x) !== goTypeName(y)) return false;
  return deepValueEqual(x, y);
}

/** reflect.deepValueEqual for two non-nil values of the same Go type. */
function deepValueEqual(x: Exclude<Value, null | undefined>, y: Exclude<Value, null | undefined>): boolean {
  if (x instanceof GoNil || y instanceof GoNil) {
    // A typed nil (slice, map, pointer, func) equals only a nil of the same type.
    return x instanceof GoNil && y instanceof GoNil;
  }
  if (Array.isArray(x) && Array.isArray(y)) {
    if (x === y) return true;
    if (x.length !== y.length) return false;
    return x.every((item, i) => deepEqual(item, y[i]));
  }
  if (x instanceof Map && y instanceof Map) {
    if (x === y) return true;
    if (x.size !== y.size) return false;
    for (const [k, v] of x) {
      if (!y.has(k) || !deepEqual(v, y.get(k))) return false;
    }
    return true;
  }
  if (x instanceof Uint8Array && y instanceof Uint8Array) {
    return x.length === y.length && x.every((b, i) => b === y[i]);
  }
  if (x instanceof GoInt && y instanceof GoInt) return x.value === y.value;
  if (x instanceof GoFloat32 && y instanceof GoFloat32) return x.value === y.value;
  if (x instanceof GoComplex && y instanceof GoComplex) return x.re === y.re && x.im === y.im;
  if (x instanceof GoNamedInt && y instanceof GoNamedInt) return x.value === y.value;
  if (x instanceof GoObject && y instanceof GoObject) {
    if (x === y) return true;
    if (x.fields.size !== y.fields.size) return false;
    for (const [k, v] of x.fields) {
      if (!y.fields.has(k) || !deepEqual(v, y.fields.get(k))) return false;
    }
    return (x.format?.() ?? '') === (y.format?.() ?? '');
  }
  if (isGoFunc(x)) return false;
  // string, bool, float64: Go's == (NaN != NaN, 0 == -0).
  return x === y;
}

/** typeOf: fmt.Sprintf("%T", src). */
export function typeOf(v: Value): string {
  return goTypeName(v);
}

/** kindOf: reflect.ValueOf(src).Kind().String(); 'invalid' for nil. */
export function kindName(v: Value): string {
  return kindOf(v);
}

export function reflectionFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  return {
    typeOf: defineFunc('typeOf', { params: ['interface {}'], result: 'string' }, (src) => typeOf(src)),
    typeIs: defineFunc(
      'typeIs',
      { params: ['string', 'interface {}'], result: 'bool' },
      (target, src) => target === typeOf(src),
    ),
    // typeIsLike: the type, or a pointer to it ("semver.Version" matches *semver.Version).
    typeIsLike: defineFunc(
      'typeIsLike',
      { params: ['string', 'interface {}'], result: 'bool' },
      (target, src) => {
        const t = typeOf(src);
        return target === t || `*${target as string}` === t;
      },
    ),
    kindOf: defineFunc('kindOf', { params: ['interface {}'], result: 'string' }, (src) => kindName(src)),
    kindIs: defineFunc(
      'kindIs',
      { params: ['string', 'interface {}'], result: 'bool' },
      (target, src) => target === kindName(src),
    ),
    // "deepEqual": reflect.DeepEqual, func(x, y any) bool.
    deepEqual: defineFunc('deepEqual', { params: ['interface {}', 'interface {}'], result: 'bool' }, (x, y) =>
      deepEqual(x, y),
    ),
  };
}
