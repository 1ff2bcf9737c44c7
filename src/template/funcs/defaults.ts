/**
 * sprig's defaults functions (defaults.go): default, empty, coalesce, all, any, ternary, and the
 * flow-control function fail.
 */
import { defineFunc, FuncError, type GoFunc, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { isEmpty } from './convert.js';

/** A nil interface{} result: text/template prints it as <no value>. */
const nil = (v: Value): Value => (v === undefined ? null : v);

export function defaultFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  return {
    // dfault(d interface{}, given ...interface{}) interface{}: `given` itself is a slice, so with no
    // argument after the default it is empty; otherwise only given[0] is looked at.
    default: defineFunc(
      'default',
      { params: ['interface {}'], variadic: 'interface {}', result: 'interface {}' },
      (d, ...given) => (given.length === 0 || isEmpty(given[0]) ? nil(d) : nil(given[0])),
    ),
    empty: defineFunc('empty', { params: ['interface {}'], result: 'bool' }, (given) => isEmpty(given)),
    // coalesce: the first non-empty argument, or nil.
    coalesce: defineFunc(
      'coalesce',
      { params: [], variadic: 'interface {}', result: 'interface {}' },
      (...v) => {
        for (const x of v) if (!isEmpty(x)) return x;
        return null;
      },
    ),
    all: defineFunc('all', { params: [], variadic: 'interface {}', result: 'bool' }, (...v) =>
      v.every((x) => !isEmpty(x)),
    ),
    any: defineFunc('any', { params: [], variadic: 'interface {}', result: 'bool' }, (...v) =>
      v.some((x) => !isEmpty(x)),
    ),
    ternary: defineFunc(
      'ternary',
      { params: ['interface {}', 'interface {}', 'bool'], result: 'interface {}' },
      (vt, vf, v) => (v === true ? nil(vt) : nil(vf)),
    ),
    // "fail": func(msg string) (string, error) { return "", errors.New(msg) }
    fail: defineFunc('fail', { params: ['string'], result: 'string', error: true }, (msg) => {
      throw new FuncError(msg as string);
    }),
  };
}
