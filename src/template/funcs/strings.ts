/**
 * sprig v3.3.0's string functions (strings.go and the string entries of functions.go), with the Go
 * signatures sprig declares. Byte-oriented functions (trunc, substr, abbrev, wrap, initials, nospace)
 * count bytes of UTF-8 as Go does; case functions use Go's Unicode tables (text/unicode.ts).
 */
import { sprintf } from '../gofmt.js';
import { quote as goQuote } from '../strconv.js';
import {
  defineFunc,
  type GoFunc,
  type GoInt,
  type GoMap,
  typedMap,
  typedSlice,
  type Value,
} from '../value.js';
import type { FuncContext } from './context.js';
import { asSlice, strslice, strval } from './convert.js';
import {
  compareStrings,
  lower,
  repeat,
  replaceAll,
  splitN,
  title,
  trim,
  trimSpace,
  upper,
} from './text/gostrings.js';
import {
  abbreviateFull,
  deleteWhiteSpace,
  initials,
  swapCase,
  uncapitalize,
  wrapCustom,
} from './text/goutils.js';
import { byteLength, sliceBoundsError, sliceBytes } from './text/utf8.js';
import { toKebabCase, toPascalCase, toSnakeCase } from './text/xstrings.js';

const int = (v: Value): number => Number((v as GoInt).value);
const str = (v: Value): string => v as string;

/** s[lo:hi] on bytes, panicking with Go's message when out of range. */
function slice(s: string, lo: number | undefined, hi: number | undefined): string {
  const err = sliceBoundsError(lo, hi, byteLength(s));
  if (err) throw err;
  return sliceBytes(s, lo ?? 0, hi);
}

/** sprig's trunc: the first c bytes, or the last -c bytes when c is negative. */
export function trunc(c: number, s: string): string {
  const len = byteLength(s);
  if (c < 0 && len + c > 0) return sliceBytes(s, len + c);
  if (c >= 0 && len > c) return sliceBytes(s, 0, c);
  return s;
}

/** sprig's substring: s[start:end] with start < 0 meaning s[:end] and end < 0 or > len meaning s[start:]. */
export function substring(start: number, end: number, s: string): string {
  if (start < 0) return slice(s, undefined, end);
  if (end < 0 || end > byteLength(s)) return slice(s, start, undefined);
  return slice(s, start, end);
}

/** split and splitn: map[string]string{"_0": ..., "_1": ...}. */
function indexedParts(parts: string[] | undefined): GoMap {
  const m = new Map<string, Value>();
  (parts ?? []).forEach((p, i) => {
    m.set(`_${i}`, p);
  });
  return typedMap(m, 'map[string]string');
}

function f(
  name: string,
  params: string[],
  result: string,
  impl: (...args: Value[]) => Value,
  variadic?: string,
): GoFunc {
  return defineFunc(name, variadic === undefined ? { params, result } : { params, variadic, result }, impl);
}

/** The string family of sprig.TxtFuncMap(). */
export function stringFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const S = 'string';
  const I = 'int';
  const funcs: GoFunc[] = [
    f('hello', [], S, () => 'Hello!'),
    // abbrev(width int, s string): goutils.Abbreviate, s itself when width < 4.
    f('abbrev', [I, S], S, (w, s) => (int(w) < 4 ? str(s) : abbreviateFull(str(s), 0, int(w))[0])),
    // abbrevboth(left, right int, s string)
    f('abbrevboth', [I, I, S], S, (l, r, s) => {
      const left = int(l);
      const right = int(r);
      if (right < 4 || (left > 0 && right < 7)) return str(s);
      return abbreviateFull(str(s), left, right)[0];
    }),
    f('trunc', [I, S], S, (c, s) => trunc(int(c), str(s))),
    f('trim', [S], S, (s) => trimSpace(str(s))),
    f('upper', [S], S, (s) => upper(str(s))),
    f('lower', [S], S, (s) => lower(str(s))),
    f('title', [S], S, (s) => title(str(s))),
    f('untitle', [S], S, (s) => uncapitalize(str(s))),
    f('substr', [I, I, S], S, (a, b, s) => substring(int(a), int(b), str(s))),
    // "repeat": func(count int, str string) string { return strings.Repeat(str, count) }
    f('repeat', [I, S], S, (c, s) => repeat(str(s), int(c))),
    f('trimall', [S, S], S, (a, b) => trim(str(b), str(a))),
    f('trimAll', [S, S], S, (a, b) => trim(str(b), str(a))),
    f('trimSuffix', [S, S], S, (a, b) => {
      const suffix = str(a);
      const s = str(b);
      return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
    }),
    f('trimPrefix', [S, S], S, (a, b) => {
      const prefix = str(a);
      const s = str(b);
      return s.startsWith(prefix) ? s.slice(prefix.length) : s;
    }),
    f('nospace', [S], S, (s) => deleteWhiteSpace(str(s))),
    f('initials', [S], S, (s) => initials(str(s))),
    f('swapcase', [S], S, (s) => swapCase(str(s))),
    f('snakecase', [S], S, (s) => toSnakeCase(str(s))),
    // sprig's camelcase is xstrings.ToPascalCase (upper camel case).
    f('camelcase', [S], S, (s) => toPascalCase(str(s))),
    f('kebabcase', [S], S, (s) => toKebabCase(str(s))),
    // "wrap": func(l int, s string) string { return util.Wrap(s, l) }
    f('wrap', [I, S], S, (l, s) => wrapCustom(str(s), int(l), '', false)),
    // "wrapWith": func(l int, sep, str string) string { return util.WrapCustom(str, l, sep, true) }
    f('wrapWith', [I, S, S], S, (l, sep, s) => wrapCustom(str(s), int(l), str(sep), true)),
    f('contains', [S, S], 'bool', (sub, s) => str(s).includes(str(sub))),
    f('hasPrefix', [S, S], 'bool', (p, s) => str(s).startsWith(str(p))),
    f('hasSuffix', [S, S], 'bool', (p, s) => str(s).endsWith(str(p))),
    // quote(str ...interface{}): fmt.Sprintf("%q", strval(s)) of each non-nil argument, space separated.
    f(
      'quote',
      [],
      S,
      (...args) => {
        // The usual call, {{ x | quote }}, without the arrays of the general case.
        if (args.length === 1) {
          const a = args[0];
          return a === null || a === undefined ? '' : goQuote(strval(a));
        }
        return args
          .filter((a) => a !== null && a !== undefined)
          .map((a) => goQuote(strval(a)))
          .join(' ');
      },
      'interface {}',
    ),
    // squote(str ...interface{}): fmt.Sprintf("'%v'", s) of each non-nil argument.
    f(
      'squote',
      [],
      S,
      (...args) =>
        args
          .filter((a) => a !== null && a !== undefined)
          .map((a) => sprintf("'%v'", [a]))
          .join(' '),
      'interface {}',
    ),
    // cat(v ...interface{}): the non-nil arguments through fmt.Sprintf("%v %v ...").
    f(
      'cat',
      [],
      S,
      (...args) => {
        const kept = args.filter((a) => a !== null && a !== undefined);
        return sprintf(kept.map(() => '%v').join(' '), kept);
      },
      'interface {}',
    ),
    f('indent', [I, S], S, (n, v) => indent(int(n), str(v))),
    f('nindent', [I, S], S, (n, v) => `\n${indent(int(n), str(v))}`),
    // replace(old, new, src string): strings.Replace(src, old, new, -1)
    f('replace', [S, S, S], S, (o, n, s) => replaceAll(str(s), str(o), str(n))),
    // plural(one, many string, count int)
    f('plural', [S, S, I], S, (one, many, c) => (int(c) === 1 ? str(one) : str(many))),
    // join(sep string, v interface{}): strings.Join(strslice(v), sep)
    f('join', [S, 'interface {}'], S, (sep, v) => (strslice(v) as string[]).join(str(sep))),
    // sortAlpha(list interface{}) []string: slices through strslice then sorted; else [strval(list)].
    f('sortAlpha', ['interface {}'], '[]string', (v) => {
      if (asSlice(v) !== undefined) {
        const items = [...(strslice(v) as string[])].sort(compareStrings);
        return typedSlice(items, '[]string');
      }
      return typedSlice([strval(v)], '[]string');
    }),
    f('split', [S, S], 'map[string]string', (sep, s) => indexedParts(splitN(str(s), str(sep), -1))),
    f('splitList', [S, S], '[]string', (sep, s) =>
      typedSlice(splitN(str(s), str(sep), -1) ?? [], '[]string'),
    ),
    f('splitn', [S, I, S], 'map[string]string', (sep, n, s) =>
      indexedParts(splitN(str(s), str(sep), int(n))),
    ),
  ];
  return Object.fromEntries(funcs.map((fn) => [fn.name, fn]));
}

/** sprig's indent: pad + strings.Replace(v, "\n", "\n"+pad, -1). */
function indent(spaces: number, v: string): string {
  const pad = repeat(' ', spaces);
  return pad + v.split('\n').join(`\n${pad}`);
}
