/**
 * sprig v3.3.0's semver.go: `semver` returns a *semver.Version (Masterminds/semver v3.3.0) as a
 * GoObject with the methods templates call, and `semverCompare` checks a version against a
 * constraint. Errors are the library's (`Invalid Semantic Version`, `improper constraint: ...`).
 */
import { defineFunc, FuncError, type GoFunc, GoObject, goInt, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { NIL_DEREFERENCE } from './convert.js';
import { checkConstraints, parseConstraints, SemverError, Version } from './text/semver.js';

const PTR = '*semver.Version';
const VALUE = 'semver.Version';

const versions = new WeakMap<GoObject, Version>();

/** The Version behind a *semver.Version or semver.Version argument; undefined for a nil pointer. */
function versionOf(v: Value): Version | undefined {
  if (v instanceof GoObject) return versions.get(v);
  return undefined;
}

function mustVersion(v: Value): Version {
  const version = versionOf(v);
  if (version === undefined) throw new Error(NIL_DEREFERENCE);
  return version;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SemverError) throw new FuncError(e.message);
    throw e;
  }
}

/**
 * A Version as a Go value. `pointer` gives *semver.Version, whose method set has every method;
 * a semver.Version value (what IncMajor returns) only has the value-receiver methods.
 */
export function versionObject(v: Version, pointer: boolean): GoObject {
  const m = (name: string, params: string[], result: string, impl: (...a: Value[]) => Value, error = false) =>
    defineFunc(name, error ? { params, result, error } : { params, result }, impl);
  const methods: Record<string, GoFunc> = {
    String: m('String', [], 'string', () => v.toString()),
    Major: m('Major', [], 'uint64', () => goInt(v.major, 'uint64')),
    Minor: m('Minor', [], 'uint64', () => goInt(v.minor, 'uint64')),
    Patch: m('Patch', [], 'uint64', () => goInt(v.patch, 'uint64')),
    Prerelease: m('Prerelease', [], 'string', () => v.pre),
    Metadata: m('Metadata', [], 'string', () => v.metadata),
    IncPatch: m('IncPatch', [], VALUE, () => versionObject(v.incPatch(), false)),
    IncMinor: m('IncMinor', [], VALUE, () => versionObject(v.incMinor(), false)),
    IncMajor: m('IncMajor', [], VALUE, () => versionObject(v.incMajor(), false)),
    SetPrerelease: m(
      'SetPrerelease',
      ['string'],
      VALUE,
      (p) => wrap(() => versionObject(v.setPrerelease(p as string), false)),
      true,
    ),
    SetMetadata: m(
      'SetMetadata',
      ['string'],
      VALUE,
      (p) => wrap(() => versionObject(v.setMetadata(p as string), false)),
      true,
    ),
    MarshalJSON: m(
      'MarshalJSON',
      [],
      '[]uint8',
      () => new TextEncoder().encode(JSON.stringify(v.toString())),
      true,
    ),
    MarshalText: m('MarshalText', [], '[]uint8', () => new TextEncoder().encode(v.toString()), true),
  };
  if (pointer) {
    const cmp = (name: string, test: (c: number) => boolean) =>
      m(name, [PTR], 'bool', (o) => test(v.compare(mustVersion(o))));
    Object.assign(methods, {
      Original: m('Original', [], 'string', () => v.original),
      Compare: m('Compare', [PTR], 'int', (o) => goInt(v.compare(mustVersion(o)), 'int')),
      LessThan: cmp('LessThan', (c) => c < 0),
      LessThanEqual: cmp('LessThanEqual', (c) => c <= 0),
      GreaterThan: cmp('GreaterThan', (c) => c > 0),
      GreaterThanEqual: cmp('GreaterThanEqual', (c) => c >= 0),
      // Equal is nil-safe: v == o, else false when o is nil, else Compare == 0.
      Equal: m('Equal', [PTR], 'bool', (o) => {
        const other = versionOf(o);
        return other === undefined ? false : v.compare(other) === 0;
      }),
    });
  }
  // The struct's (unexported) fields, in declaration order, as fmt prints them (%d, %+v).
  const fields = new Map<string, Value>([
    ['major', goInt(v.major, 'uint64')],
    ['minor', goInt(v.minor, 'uint64')],
    ['patch', goInt(v.patch, 'uint64')],
    ['pre', v.pre],
    ['metadata', v.metadata],
    ['original', v.original],
  ]);
  const obj = new GoObject(pointer ? PTR : VALUE, fields, methods, () => v.toString());
  versions.set(obj, v);
  return obj;
}

/**
 * copystructure's copy of a *semver.Version or semver.Version (what deepCopy gives): a new struct
 * whose fields, all unexported, stay zero, so it prints 0.0.0 and Original is "". Undefined for any
 * other value.
 */
export function copiedVersion(v: Value): GoObject | undefined {
  if (!(v instanceof GoObject) || (v.type !== PTR && v.type !== VALUE) || !versions.has(v)) return undefined;
  return versionObject(new Version(0n, 0n, 0n, '', '', ''), v.type === PTR);
}

export function semverFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  return {
    semver: defineFunc('semver', { params: ['string'], result: PTR, error: true }, (s) =>
      wrap(() => versionObject(Version.parse(s as string), true)),
    ),
    semverCompare: defineFunc(
      'semverCompare',
      { params: ['string', 'string'], result: 'bool', error: true },
      (c, s) =>
        wrap(() => {
          const constraints = parseConstraints(c as string);
          return checkConstraints(constraints, Version.parse(s as string));
        }),
    ),
  };
}
