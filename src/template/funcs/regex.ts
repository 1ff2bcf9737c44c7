/**
 * sprig v3.3.0's regex.go over Go's regexp semantics (text/re2.ts). The plain functions use
 * regexp.MustCompile, so a bad pattern panics (`regexp: Compile(`(`): error parsing regexp: ...`);
 * the must* variants use regexp.Compile and return its error (`error parsing regexp: ...`);
 * regexMatch swallows the error and answers false.
 */
import { defineFunc, FuncError, type GoFunc, type GoInt, GoNil, typedSlice, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { GoRegexp, quoteMeta, RegexpSyntaxError } from './text/re2.js';

const str = (v: Value): string => v as string;
const int = (v: Value): number => Number((v as GoInt).value);

/** A []string result; Go's nil slice (no match) is a typed nil. */
function strings(items: string[] | undefined): Value {
  return items === undefined ? new GoNil('[]string') : typedSlice(items, '[]string');
}

/** regexp.Compile, with the syntax error as the function's error result. */
function compile(pattern: string): GoRegexp {
  try {
    return GoRegexp.compile(pattern);
  } catch (e) {
    if (e instanceof RegexpSyntaxError) throw new FuncError(e.message);
    throw e;
  }
}

export function regexFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const S = 'string';
  const I = 'int';
  const must = GoRegexp.mustCompile;
  const list: GoFunc[] = [
    defineFunc('regexMatch', { params: [S, S], result: 'bool' }, (re, s) => {
      try {
        return GoRegexp.compile(str(re)).matchString(str(s));
      } catch (e) {
        if (e instanceof RegexpSyntaxError) return false;
        throw e;
      }
    }),
    defineFunc('mustRegexMatch', { params: [S, S], result: 'bool', error: true }, (re, s) =>
      compile(str(re)).matchString(str(s)),
    ),
    defineFunc('regexFindAll', { params: [S, S, I], result: '[]string' }, (re, s, n) =>
      strings(must(str(re)).findAllString(str(s), int(n))),
    ),
    defineFunc('mustRegexFindAll', { params: [S, S, I], result: '[]string', error: true }, (re, s, n) =>
      strings(compile(str(re)).findAllString(str(s), int(n))),
    ),
    defineFunc('regexFind', { params: [S, S], result: S }, (re, s) => must(str(re)).findString(str(s))),
    defineFunc('mustRegexFind', { params: [S, S], result: S, error: true }, (re, s) =>
      compile(str(re)).findString(str(s)),
    ),
    defineFunc('regexReplaceAll', { params: [S, S, S], result: S }, (re, s, repl) =>
      must(str(re)).replaceAllString(str(s), str(repl)),
    ),
    defineFunc('mustRegexReplaceAll', { params: [S, S, S], result: S, error: true }, (re, s, repl) =>
      compile(str(re)).replaceAllString(str(s), str(repl)),
    ),
    defineFunc('regexReplaceAllLiteral', { params: [S, S, S], result: S }, (re, s, repl) =>
      must(str(re)).replaceAllLiteralString(str(s), str(repl)),
    ),
    defineFunc('mustRegexReplaceAllLiteral', { params: [S, S, S], result: S, error: true }, (re, s, repl) =>
      compile(str(re)).replaceAllLiteralString(str(s), str(repl)),
    ),
    defineFunc('regexSplit', { params: [S, S, I], result: '[]string' }, (re, s, n) =>
      strings(must(str(re)).split(str(s), int(n))),
    ),
    defineFunc('mustRegexSplit', { params: [S, S, I], result: '[]string', error: true }, (re, s, n) =>
      strings(compile(str(re)).split(str(s), int(n))),
    ),
    defineFunc('regexQuoteMeta', { params: [S], result: S }, (s) => quoteMeta(str(s))),
  ];
  return Object.fromEntries(list.map((fn) => [fn.name, fn]));
}
