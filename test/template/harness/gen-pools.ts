/**
 * Value pools and Go literal syntax for the template generator. The pools lean on inputs where Go
 * and JavaScript differ: Unicode case rules, float formatting, RE2 syntax, Go's time layouts.
 */
import type { Rng } from './rng.js';

export const STRINGS: readonly string[] = [
  'hello',
  '',
  'a b c',
  '  padded\t ',
  'Hello World',
  'héllo, 世界',
  'a,b,,c',
  'some_var_name',
  'SomeVarName',
  'some-var name',
  '1.2.3',
  'v1.2.3-rc.1+build.5',
  '42',
  '3.5',
  '-7',
  'true',
  '0x1F',
  '/a/b/c.txt',
  'https://user:pw@h.io:8080/p/q?x=1&y=2#frag',
  '{"a":1,"b":[1,2]}',
  'aGVsbG8=',
  '<b>&"\'',
  'line1\nline2\n',
  'tab\there',
  '%d %s',
  'ǅungla ß İ',
  'ﬃ straße',
  '😀 emoji',
  'The quick brown fox jumps over the lazy dog',
  'x',
  'ABC',
  'mixed Case words',
  '\u00a0nbsp\u2003',
  ' 12 ',
  'null',
  'ann',
  'web',
  'Ωmega σς',
  'a\u0301',
  '\u0000nul',
];

export const NUMBERS: readonly number[] = [
  0, 1, -1, 2, 3, 42, 3.5, -7, 0.1, 0.5, 1.25, 2.675, 100, 255, 1e6, 1e21, 1e-7, 1e20, 123456789, 65, 1e-6,
  2.5e-5, 12345.678, -0.5, 9007199254740992, 4503599627370497, 1.7976931348623157e308, 5e-324, 0.3,
];

export const NUMERIC_STRINGS = [
  '42',
  '3.5',
  '-7',
  '0x1F',
  '017',
  '08',
  '1e3',
  ' 12 ',
  'abc',
  '',
  '3.0',
  '1_000',
];
export const SEMVERS = [
  '1.2.3',
  'v1.2.3',
  '1.2.3-alpha',
  '1.2.3-rc.1+build.5',
  '1.2',
  '1',
  'x.y',
  '',
  '01.2.3',
];
export const CONSTRAINTS = [
  '>=1.2.0',
  '^1.2',
  '~1.2.3',
  '1.x',
  '!=1.2.3',
  '>1.0 <2.0',
  '1.2.3 || >=2',
  '=1.2.3-rc.1',
  '*',
  'x>y',
  '>= 1.0, < 3',
  '~0.1',
  '^0.0.1',
  '<1.2.3-beta',
];
export const REGEXES = [
  '[a-z]+',
  '\\d+',
  '^a',
  '(\\w+)@(\\w+)',
  'a|b',
  'x*',
  '(?i)hello',
  '\\s+',
  '[[:alpha:]]+',
  '\\bfox\\b',
  '.',
  '(a)(b)?',
  '[^,]+',
  '\\pL+',
  '(?P<first>\\w)(\\w*)',
  '^$',
  'o',
  '[0-9]+\\.[0-9]+',
  '(?s)e.l',
  '\\p{Greek}+',
  '[[:^digit:]]+',
  '\\Aab',
  '(?m)^l',
  '(?U)a+',
  '\\Q.*\\E',
  '(',
  '[z-a]',
  'a**',
  '(?<n>x)',
];
// biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp.Expand syntax, not a JS template.
export const REPLACEMENTS = ['${1}', '$1x', '$$', 'X', '<$0>', '${first}', '', '$2-$1', '\\1'];
export const SEPARATORS = [',', '-', ' ', '', '/', ', ', '::', 'é', 'a'];
export const JSON_TEXTS = [
  '{"a":1,"b":[1,2]}',
  '[1,2,3]',
  '"str"',
  '42',
  'null',
  'true',
  '{"a":{"b":"c"}}',
  '{bad',
  '',
  '[1,]',
  '{"x":"\\u00e9<>&"}',
  '12345678901234567890',
  '1.0',
  '{"b":1,"a":2}',
];
export const BASE64 = ['aGVsbG8=', 'aGVsbG8', '', '!!!', 'YQ==', '5L2g5aW9', 'a'];
export const BASE32 = ['NBSWY3DP', 'NBSWY3D', 'MFRGG===', ''];
export const LAYOUTS = [
  '2006-01-02',
  '2006-01-02T15:04:05Z07:00',
  'Jan 2, 2006 at 3:04pm (MST)',
  '15:04:05.000',
  'Monday January',
  '06-1-2 3:4:5 PM',
  '2006-01-02 15:04:05.999999999 -0700 MST',
  '__2 002',
  '',
];
/** [layout, value] pairs toDate can parse (and one it cannot: the zero time). */
export const DATES: readonly (readonly [string, string])[] = [
  ['2006-01-02', '2020-02-29'],
  ['2006-01-02T15:04:05Z07:00', '2021-03-04T05:06:07+02:00'],
  ['02 Jan 06 15:04', '09 Sep 01 01:46'],
  ['2006-01-02', 'nope'],
  ['15:04', '23:59'],
];
export const UNIX_TIMES = [0, 999993600, 1600000000, -1, 1764075600];
export const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin', 'Local', 'Nope/Zone', ''];
export const DURATIONS = ['90', '3600', '1h30m', '-1', '0', '86400', '1.5', 'x'];
export const KEYS = ['a', 'b', 'c', 'name', 'nope', '', 'app', 'x-y', 'tier'];
export const ENV_NAMES = ['DUAT_FUZZ_A', 'DUAT_FUZZ_B', 'DUAT_FUZZ_UNSET', ''];
/** Arguments for expandenv (os.ExpandEnv syntax, not JS templates). */
export const ENV_TEXTS = [
  '$DUAT_FUZZ_A',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: os.ExpandEnv syntax.
  '${DUAT_FUZZ_B}-x',
  'pre $DUAT_FUZZ_UNSET x',
  '$$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: os.ExpandEnv syntax.
  '${}',
  'none',
  '$1',
];
export const TYPE_NAMES = [
  'string',
  'float64',
  'int',
  'int64',
  '[]interface {}',
  'map[string]interface {}',
  'bool',
];
export const KIND_NAMES = ['string', 'float64', 'int', 'slice', 'map', 'bool', 'invalid', 'ptr', 'int64'];
export const URLS = [
  'https://user:pw@h.io:8080/p/q?x=1&y=2#frag',
  'http://example.com',
  '/relative/path?q',
  'mailto:a@b.c',
  '::bad',
  '',
  'HTTP://H.IO/%7Euser',
  'https://[::1]:80/x',
];
export const PATHS = [
  '/a/b/c.txt',
  'a/../b/./c/',
  '',
  '.',
  '/',
  'file.tar.gz',
  '//x//y/',
  '../..',
  '.hidden',
];
export const WORDS = ['ann', 'bob', 'web', 'front', 'prod', 'x', 'Zed', 'élan', ''];

/** Text between actions. */
export const TEXTS = [
  'a',
  'x',
  ' ',
  '  ',
  '\n',
  '\n  ',
  'key: ',
  '- ',
  '\t',
  ', ',
  'é',
  '|',
  '}',
  '\r\n',
  '  \n\n  ',
  'word',
  '[',
  ']',
  '$',
];

/** A Go interpreted string literal for s, spelling some characters with escapes. */
export function goQuote(s: string, rng: Rng): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += rng.chance(0.5) ? '\\t' : '\\x09';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp > 0x7f && rng.chance(0.3)) {
      out +=
        cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else if (cp < 0x7f && /[A-Za-z]/.test(ch) && rng.chance(0.03)) {
      out += rng.chance(0.5) ? `\\x${cp.toString(16)}` : `\\${cp.toString(8).padStart(3, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * Go string literals spelled with escapes that JS strings cannot hold directly: raw bytes that are
 * not valid UTF-8 (\xff, a cut-off é), octal bytes, the rarer control escapes.
 */
export const BYTE_LITERALS = [
  '"\\xff"',
  '"\\xc3\\xa9"',
  '"a\\xe2\\x82"',
  '"\\377x"',
  '"\\a\\b\\f\\v"',
  '"\\U0001F600"',
  '"\\x00end"',
  '"\\xed\\xa0\\x80"',
];

/** A string literal: usually interpreted, sometimes raw (backquoted) when that can spell s. */
export function stringLiteral(s: string, rng: Rng): string {
  if (rng.chance(0.01)) return rng.pick(BYTE_LITERALS);
  if (!s.includes('`') && rng.chance(0.2)) return `\`${s}\``;
  return goQuote(s, rng);
}

/** Go spellings of integer constants, with their values. */
export function intLiteral(rng: Rng, small = false): string {
  if (small) return String(rng.range(0, 4));
  return rng.weighted<() => string>([
    [10, () => String(rng.range(0, 9))],
    [4, () => String(rng.pick([10, 42, 100, 255, 1000, 65, 7]))],
    [3, () => `-${rng.range(1, 99)}`],
    [1, () => `+${rng.range(0, 9)}`],
    [1, () => rng.pick(['0x1F', '0X1f', '0xff', '0x_1F', '-0x10', '0xD800', '0x10FFFF', '0x110000'])],
    [1, () => rng.pick(['017', '0o17', '0O17', '00', '0o_17', '-017'])],
    [1, () => rng.pick(['0b101', '0B11', '0b1_0'])],
    [1, () => rng.pick(['1_000', '1_0'])],
    [1, () => rng.pick(["'a'", "'\\n'", "'\\x41'", "'\\u00e9'", "'世'", "'\\''", "'\"'"])],
    [
      1,
      () =>
        rng.pick([
          '9223372036854775807',
          '-9223372036854775808',
          '18446744073709551615',
          '99999999999999999999',
        ]),
    ],
  ])();
}

/** Go spellings of float (and a few complex) constants. */
export function floatLiteral(rng: Rng): string {
  return rng.weighted<() => string>([
    [10, () => rng.pick(['1.5', '0.5', '3.14159', '-2.5', '2.0', '100.25', '0.1'])],
    [2, () => rng.pick(['.5', '1.', '1e3', '1E-7', '6.02e23', '1e21', '1.5e+2', '.5e1', '0X1P+2', '1e+3'])],
    [1, () => rng.pick(['0x1p-2', '0x1.8p1', '1_0.5', '-0.0', '1e400', '4.9e-324'])],
    [1, () => rng.pick(['2i', '1.5i', '1+2i', '0i'])],
  ])();
}

/** Broken number spellings, for parse errors. */
export const BAD_NUMBERS = ['0x', '1__0', '08', '1e', '0b2', '1.2.3', '0x1p', '1_', "'ab'", "''"];
