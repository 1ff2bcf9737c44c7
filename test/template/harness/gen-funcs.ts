/**
 * The functions the generator calls: Go's built-ins and the deterministic part of sprig v3.3.0,
 * with the kinds of argument that make sense for each. Functions that read the clock, randomness,
 * the network or Go's random map order (now, ago, rand*, uuidv4, shuffle, bcrypt, htpasswd, gen*,
 * encryptAES, randBytes, getHostByName; keys and values unless sorted) are left out so that Go's
 * output is reproducible.
 */

/** What a generated expression should evaluate to ('num' is float64, 'int' any Go integer). */
export type Kind = 'str' | 'num' | 'int' | 'bool' | 'list' | 'map' | 'any';

export const ALL_KINDS: readonly Kind[] = ['str', 'num', 'int', 'bool', 'list', 'map', 'any'];

/** Argument kinds: a value kind, or a special pool of meaningful literals. */
export type Arg =
  | Kind
  | 'count'
  | 'width'
  | 'regex'
  | 'repl'
  | 'sep'
  | 'semver'
  | 'constraint'
  | 'json'
  | 'b64'
  | 'b32'
  | 'layout'
  | 'time'
  | 'zone'
  | 'dur'
  | 'key'
  | 'envname'
  | 'envtext'
  | 'typename'
  | 'kindname'
  | 'url'
  | 'path'
  | 'numstr'
  | 'ver';

export interface Fn {
  readonly name: string;
  readonly params: readonly Arg[];
  /** Kind of extra arguments (0 to 3 of them). */
  readonly variadic?: Arg;
  readonly result: Kind;
  /** Relative frequency (default 1). */
  readonly weight?: number;
}

const str1 = (name: string, weight = 1, param: Arg = 'str'): Fn => ({
  name,
  params: [param],
  result: 'str',
  weight,
});

export const FUNCS: readonly Fn[] = [
  // Go's built-ins (and, or, eq... have their own productions in the generator).
  { name: 'len', params: ['any'], result: 'int', weight: 3 },
  { name: 'not', params: ['any'], result: 'bool', weight: 2 },
  { name: 'print', params: [], variadic: 'any', result: 'str', weight: 2 },
  { name: 'println', params: [], variadic: 'any', result: 'str' },
  { name: 'html', params: [], variadic: 'any', result: 'str' },
  { name: 'js', params: [], variadic: 'any', result: 'str' },
  { name: 'urlquery', params: [], variadic: 'any', result: 'str' },
  // sprig strings
  str1('upper', 3),
  str1('lower', 2),
  str1('title', 2),
  str1('untitle'),
  str1('trim', 2),
  str1('swapcase'),
  str1('snakecase'),
  str1('camelcase'),
  str1('kebabcase'),
  str1('initials'),
  str1('nospace'),
  str1('b64enc', 2),
  str1('b32enc'),
  str1('b64dec', 1, 'b64'),
  str1('b32dec', 1, 'b32'),
  str1('sha1sum'),
  str1('sha256sum', 2),
  str1('adler32sum'),
  str1('regexQuoteMeta'),
  str1('base', 1, 'path'),
  str1('dir', 1, 'path'),
  str1('clean', 1, 'path'),
  str1('ext', 1, 'path'),
  str1('osBase', 1, 'path'),
  str1('osDir', 1, 'path'),
  str1('env', 1, 'envname'),
  str1('expandenv', 1, 'envtext'),
  { name: 'hello', params: [], result: 'str', weight: 0.2 },
  { name: 'trimAll', params: ['str', 'str'], result: 'str' },
  { name: 'trimSuffix', params: ['str', 'str'], result: 'str' },
  { name: 'trimPrefix', params: ['str', 'str'], result: 'str' },
  { name: 'trunc', params: ['width', 'str'], result: 'str', weight: 2 },
  { name: 'abbrev', params: ['width', 'str'], result: 'str' },
  { name: 'abbrevboth', params: ['width', 'width', 'str'], result: 'str' },
  { name: 'substr', params: ['width', 'width', 'str'], result: 'str', weight: 2 },
  { name: 'repeat', params: ['count', 'str'], result: 'str' },
  { name: 'wrap', params: ['width', 'str'], result: 'str' },
  { name: 'wrapWith', params: ['width', 'sep', 'str'], result: 'str' },
  { name: 'indent', params: ['count', 'str'], result: 'str', weight: 2 },
  { name: 'nindent', params: ['count', 'str'], result: 'str', weight: 2 },
  { name: 'replace', params: ['str', 'str', 'str'], result: 'str', weight: 2 },
  { name: 'plural', params: ['str', 'str', 'int'], result: 'str' },
  { name: 'cat', params: [], variadic: 'any', result: 'str' },
  { name: 'quote', params: [], variadic: 'any', result: 'str', weight: 3 },
  { name: 'squote', params: [], variadic: 'any', result: 'str' },
  { name: 'toString', params: ['any'], result: 'str', weight: 2 },
  { name: 'join', params: ['sep', 'list'], result: 'str', weight: 2 },
  { name: 'typeOf', params: ['any'], result: 'str', weight: 2 },
  { name: 'kindOf', params: ['any'], result: 'str' },
  { name: 'toJson', params: ['any'], result: 'str', weight: 3 },
  { name: 'toRawJson', params: ['any'], result: 'str' },
  { name: 'toPrettyJson', params: ['any'], result: 'str' },
  { name: 'mustToJson', params: ['any'], result: 'str' },
  { name: 'regexFind', params: ['regex', 'str'], result: 'str' },
  { name: 'mustRegexFind', params: ['regex', 'str'], result: 'str', weight: 0.3 },
  { name: 'regexReplaceAll', params: ['regex', 'str', 'repl'], result: 'str' },
  { name: 'regexReplaceAllLiteral', params: ['regex', 'str', 'repl'], result: 'str' },
  { name: 'seq', params: [], variadic: 'count', result: 'str' },
  { name: 'date', params: ['layout', 'time'], result: 'str' },
  { name: 'dateInZone', params: ['layout', 'time', 'zone'], result: 'str' },
  { name: 'htmlDate', params: ['time'], result: 'str', weight: 0.5 },
  { name: 'htmlDateInZone', params: ['time', 'zone'], result: 'str', weight: 0.5 },
  { name: 'duration', params: ['dur'], result: 'str' },
  { name: 'durationRound', params: ['dur'], result: 'str' },
  { name: 'fail', params: ['str'], result: 'str', weight: 0.3 },
  // sprig numbers
  { name: 'add', params: ['any'], variadic: 'any', result: 'int', weight: 2 },
  { name: 'add1', params: ['any'], result: 'int' },
  { name: 'sub', params: ['any', 'any'], result: 'int' },
  { name: 'mul', params: ['any'], variadic: 'any', result: 'int' },
  { name: 'div', params: ['any', 'any'], result: 'int' },
  { name: 'mod', params: ['any', 'any'], result: 'int' },
  { name: 'max', params: ['any'], variadic: 'any', result: 'int' },
  { name: 'min', params: ['any'], variadic: 'any', result: 'int' },
  { name: 'int', params: ['any'], result: 'int', weight: 2 },
  { name: 'int64', params: ['any'], result: 'int' },
  { name: 'atoi', params: ['numstr'], result: 'int' },
  { name: 'toDecimal', params: ['numstr'], result: 'int' },
  { name: 'float64', params: ['any'], result: 'num' },
  { name: 'addf', params: [], variadic: 'any', result: 'num' },
  { name: 'add1f', params: ['any'], result: 'num' },
  { name: 'subf', params: ['any'], variadic: 'any', result: 'num' },
  { name: 'mulf', params: ['any'], variadic: 'any', result: 'num' },
  { name: 'divf', params: ['any'], variadic: 'any', result: 'num' },
  { name: 'maxf', params: ['any'], variadic: 'any', result: 'num' },
  { name: 'minf', params: ['any'], variadic: 'any', result: 'num' },
  { name: 'ceil', params: ['any'], result: 'num' },
  { name: 'floor', params: ['any'], result: 'num' },
  { name: 'round', params: ['any', 'count'], result: 'num' },
  // sprig predicates
  { name: 'empty', params: ['any'], result: 'bool', weight: 2 },
  { name: 'contains', params: ['str', 'str'], result: 'bool' },
  { name: 'hasPrefix', params: ['str', 'str'], result: 'bool' },
  { name: 'hasSuffix', params: ['str', 'str'], result: 'bool' },
  { name: 'hasKey', params: ['map', 'key'], result: 'bool', weight: 2 },
  { name: 'has', params: ['any', 'list'], result: 'bool' },
  { name: 'regexMatch', params: ['regex', 'str'], result: 'bool' },
  { name: 'kindIs', params: ['kindname', 'any'], result: 'bool' },
  { name: 'typeIs', params: ['typename', 'any'], result: 'bool' },
  { name: 'typeIsLike', params: ['typename', 'any'], result: 'bool', weight: 0.5 },
  { name: 'deepEqual', params: ['any', 'any'], result: 'bool' },
  { name: 'all', params: [], variadic: 'any', result: 'bool' },
  { name: 'any', params: [], variadic: 'any', result: 'bool' },
  { name: 'isAbs', params: ['path'], result: 'bool', weight: 0.5 },
  { name: 'semverCompare', params: ['constraint', 'semver'], result: 'bool' },
  // sprig lists
  { name: 'list', params: [], variadic: 'any', result: 'list', weight: 3 },
  { name: 'tuple', params: [], variadic: 'any', result: 'list', weight: 0.5 },
  { name: 'splitList', params: ['sep', 'str'], result: 'list', weight: 2 },
  { name: 'until', params: ['count'], result: 'list' },
  { name: 'untilStep', params: ['count', 'count', 'count'], result: 'list' },
  { name: 'append', params: ['list', 'any'], result: 'list' },
  { name: 'prepend', params: ['list', 'any'], result: 'list' },
  { name: 'mustAppend', params: ['list', 'any'], result: 'list', weight: 0.3 },
  { name: 'concat', params: ['list'], variadic: 'list', result: 'list' },
  { name: 'reverse', params: ['list'], result: 'list' },
  { name: 'uniq', params: ['list'], result: 'list' },
  { name: 'compact', params: ['list'], result: 'list' },
  { name: 'sortAlpha', params: ['list'], result: 'list', weight: 2 },
  { name: 'without', params: ['list'], variadic: 'any', result: 'list' },
  { name: 'initial', params: ['list'], result: 'list' },
  { name: 'rest', params: ['list'], result: 'list' },
  { name: 'slice', params: ['list'], variadic: 'count', result: 'list' },
  { name: 'chunk', params: ['count', 'list'], result: 'list' },
  { name: 'regexFindAll', params: ['regex', 'str', 'int'], result: 'list' },
  { name: 'regexSplit', params: ['regex', 'str', 'int'], result: 'list' },
  { name: 'toStrings', params: ['any'], result: 'list' },
  { name: 'first', params: ['list'], result: 'any', weight: 2 },
  { name: 'last', params: ['list'], result: 'any' },
  { name: 'mustFirst', params: ['list'], result: 'any', weight: 0.3 },
  // sprig dicts
  { name: 'merge', params: ['map', 'map'], variadic: 'map', result: 'map' },
  { name: 'mergeOverwrite', params: ['map', 'map'], result: 'map' },
  { name: 'set', params: ['map', 'key', 'any'], result: 'map' },
  { name: 'unset', params: ['map', 'key'], result: 'map' },
  { name: 'pick', params: ['map'], variadic: 'key', result: 'map' },
  { name: 'omit', params: ['map'], variadic: 'key', result: 'map' },
  { name: 'deepCopy', params: ['any'], result: 'any' },
  { name: 'split', params: ['sep', 'str'], result: 'map' },
  { name: 'splitn', params: ['sep', 'count', 'str'], result: 'map' },
  { name: 'urlParse', params: ['url'], result: 'map' },
  { name: 'fromJson', params: ['json'], result: 'any' },
  { name: 'mustFromJson', params: ['json'], result: 'any', weight: 0.5 },
  { name: 'get', params: ['map', 'key'], result: 'any' },
  // sprig defaults
  { name: 'default', params: ['any', 'any'], result: 'any', weight: 3 },
  { name: 'coalesce', params: ['any'], variadic: 'any', result: 'any' },
  { name: 'ternary', params: ['any', 'any', 'bool'], result: 'any' },
  { name: 'semver', params: ['semver'], result: 'any', weight: 0.5 },
];

/** Functions whose result can stand for the wanted kind. */
export function funcsFor(kind: Kind): Fn[] {
  if (kind === 'any') return [...FUNCS];
  return FUNCS.filter((f) => f.result === kind || (f.result === 'int' && kind === 'num'));
}
