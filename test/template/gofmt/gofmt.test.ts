/**
 * gofmt.ts on cases the Go table (fixture.test.ts) does not reach: the shared conformance cases
 * that print values, and the parts of the value model Go has no twin for (undefined, GoFunc,
 * addresses). Expected strings are outputs of Go 1.26's fmt.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatValue, sprint, sprintf, sprintln } from '../../../src/template/gofmt.js';
import {
  defineFunc,
  fromJSON,
  GoFloat32,
  GoNil,
  GoObject,
  goInt,
  typedMap,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';

/** The data of the shared conformance cases (/work/shared/conformance/go-template-sprig.jsonl). */
const data = fromJSON({
  s: 'hello',
  n: 42,
  f: 3.5,
  t: true,
  nil: null,
  l: [3, 1, 2],
  sl: ['b', 'a', 'c'],
  m: { b: 2, a: 1, c: { d: 'deep' } },
  big: 1e21,
  tiny: 1e-6,
  mixed: [1, 'two', 3.5, true, null, { k: 'v' }, [1, 2]],
}) as Map<string, Value>;

const d = (key: string): Value => data.get(key);

// biome-ignore lint/suspicious/noApproximativeNumericConstant: the literal the Go cases print
const PI5 = 3.14159;

test('conformance printf_float', () => {
  assert.equal(
    sprintf('%f|%.2f|%8.3f|%e|%g|%G|%v', [PI5, PI5, PI5, 1234.5678, 0.00001234, 1e21, 2.5]),
    '3.141590|3.14|   3.142|1.234568e+03|1.234e-05|1E+21|2.5',
  );
});

test('conformance printf_string', () => {
  assert.equal(
    sprintf('%s|%q|%10s|%-10s|%.2s|%x|%v', ['go', 'go"x', 'r', 'l', 'abc', 'hi', 'v']),
    'go|"go\\"x"|         r|l         |ab|6869|v',
  );
});

test('conformance printf_composite: sorted maps, %q of strings, %d of float64 elements', () => {
  assert.equal(
    sprintf('%v|%+v|%q|%d', [d('m'), d('m'), d('sl'), d('l')]),
    'map[a:1 b:2 c:map[d:deep]]|map[a:1 b:2 c:map[d:deep]]|["b" "a" "c"]|[%!d(float64=3) %!d(float64=1) %!d(float64=2)]',
  );
});

test('conformance printf_sharp, printf_bool_nil, printf_bad, paren', () => {
  assert.equal(sprintf('%#v', [d('s')]), '"hello"');
  assert.equal(sprintf('%#v', [d('l')]), '[]interface {}{3, 1, 2}');
  assert.equal(sprintf('%#x', [goInt(255)]), '0xff');
  assert.equal(sprintf('%t %v %v', [true, d('nil'), d('t')]), 'true <nil> true');
  assert.equal(sprintf('%d %s', ['x']), '%!d(string=x) %!s(MISSING)');
  assert.equal(sprintf('%d-%d', [goInt(3), goInt(3)]), '3-3');
});

test('conformance print_fns, list_print, field, unicode', () => {
  assert.equal(sprint([goInt(1), goInt(2), 'a', 'b', goInt(3)]), '1 2ab3');
  assert.equal(sprintln([goInt(1), 'x']), '1 x\n');
  assert.equal(sprint([d('l'), d('t')]), '[3 1 2] true');
  assert.equal(
    `${formatValue(d('l'))} ${formatValue(d('sl'))} ${formatValue(d('mixed'))}`,
    '[3 1 2] [b a c] [1 two 3.5 true <nil> map[k:v] [1 2]]',
  );
  assert.equal([d('s'), d('n'), d('f'), d('t')].map(formatValue).join(' '), 'hello 42 3.5 true');
  assert.equal(`${formatValue(d('big'))} ${formatValue(d('tiny'))}`, '1e+21 1e-06');
  assert.equal(sprintf('%q', ['héllo, 世界']), '"héllo, 世界"');
});

test('%v of float64 switches to %e below 1e-4 and from 1e6 (exponent >= 6), as Go', () => {
  // Go's %v is %g with the shortest digits and exponent threshold 6 (strconv's eprec for
  // shortest), not the 1e21 of encoding/json: fmt.Sprint(1e6) is "1e+06".
  const cases: [number, string][] = [
    [100000, '100000'],
    [999999, '999999'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [1e20, '1e+20'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [3.5, '3.5'],
    [-0, '-0'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
  ];
  for (const [f, want] of cases) {
    assert.equal(formatValue(f), want, `formatValue(${f})`);
    assert.equal(sprintf('%v', [f]), want, `%v of ${f}`);
  }
  assert.equal(formatValue(new GoFloat32(0.1)), '0.1');
  assert.equal(formatValue(new GoFloat32(16777216)), '1.6777216e+07');
});

test('%.Nf rounds the exact binary value half to even, unlike JS toFixed', () => {
  assert.equal(
    sprintf('%.2f %.2f %.2f %.2f %.1f %.0f %.0f %.0f', [0.5, 2.5, 1.005, 0.125, 0.25, 0.5, 1.5, 2.5]),
    '0.50 2.50 1.00 0.12 0.2 0 2 2',
  );
  assert.equal((0.125).toFixed(2), '0.13'); // what a naive port would print
});

test('undefined (no value) prints as nil', () => {
  assert.equal(formatValue(undefined), '<nil>');
  assert.equal(sprint([undefined, undefined]), '<nil> <nil>');
  assert.equal(sprintf('%v|%d|%s', [undefined, undefined, null]), '<nil>|%!d(<nil>)|%!s(<nil>)');
  assert.equal(sprintf('x', [undefined]), 'x%!(EXTRA <nil>)');
  assert.equal(sprintf('%v', [typedSlice([undefined], '[]interface {}')]), '[<nil>]');
});

test('structs print as Go would: fields in order, <nil> for nil interfaces, &{} at top', () => {
  const t = (a: string, b: Value, ptr = false): GoObject =>
    new GoObject(
      ptr ? '*main.T' : 'main.T',
      new Map<string, Value>([
        ['A', a],
        ['B', b],
      ]),
    );
  assert.equal(
    sprintf('%v %+v %#v', [
      t('a', null),
      t('b', goInt(1), true),
      t('c', typedSlice([null], '[]interface {}')),
    ]),
    '{a <nil>} &{A:b B:1} main.T{A:"c", B:[]interface {}{interface {}(nil)}}',
  );
  // A pointer below top level is printed by Go as its address; the model prints address 0.
  assert.equal(sprintf('%v', [typedSlice([t('x', null, true)], '[]interface {}')]), '[0x0]');
  assert.equal(
    sprintf('%v|%s|%d', [
      typedMap(new Map([['k', null]]), 'map[string]interface {}'),
      typedMap(new Map([['k', null]]), 'map[string]interface {}'),
      typedMap(new Map([['k', null]]), 'map[string]interface {}'),
    ]),
    'map[k:<nil>]|map[k:<nil>]|map[%!d(string=k):<nil>]',
  );
});

test('Stringers print through format for %v %s %q %x, not for %d or %#v', () => {
  const v = new GoObject(
    '*semver.Version',
    new Map<string, Value>([['major', goInt(1, 'uint64')]]),
    {},
    () => '1.2.3',
  );
  assert.equal(
    sprintf('%v|%s|%q|%x|%10v|%-7s|', [v, v, v, v, v, v]),
    '1.2.3|1.2.3|"1.2.3"|312e322e33|     1.2.3|1.2.3  |',
  );
  assert.equal(sprintf('%d', [v]), '&{1}');
  assert.equal(sprintf('%#v', [v]), '&semver.Version{major:0x1}');
  assert.equal(formatValue(typedSlice([v, v], '[]*semver.Version')), '[1.2.3 1.2.3]');
  const boom = new GoObject('main.P', new Map(), {}, () => {
    throw new Error('boom');
  });
  assert.equal(sprint([boom]), '%!v(PANIC=String method: boom)');
});

test('funcs and typed nils', () => {
  const f = defineFunc('upper', { params: ['string'], result: 'string' }, (s) => s);
  assert.equal(sprintf('%T', [f]), 'func(string) string');
  assert.equal(formatValue(f), '0x0'); // Go prints the function's address
  assert.equal(sprintf('%#v', [f]), '(func(string) string)(0x0)');
  assert.equal(
    sprintf('%v|%#v|%d', [new GoNil('func(string) string'), new GoNil('func(string) string'), null]),
    '<nil>|(func(string) string)(nil)|%!d(<nil>)',
  );
  assert.equal(sprintf('%v %#v', [new GoNil('*main.T'), new GoNil('*main.T')]), '<nil> (*main.T)(nil)');
  assert.equal(
    sprintf('%v %#v', [new GoNil('map[string]string'), new GoNil('map[string]string')]),
    'map[] map[string]string(nil)',
  );
  assert.equal(
    sprintf('%v %#v %s', [new GoNil('[]uint8'), new GoNil('[]uint8'), new GoNil('[]string')]),
    '[] []byte(nil) []',
  );
});

test('integers: every verb over GoInt types', () => {
  assert.equal(
    sprintf('%6.2f|%-8.3e|%+.1e|%x|%X|%o|%b|%c|%U', [
      PI5,
      1234.5678,
      0.000123,
      goInt(255),
      goInt(255),
      goInt(8),
      goInt(5),
      goInt(65),
      goInt(0x1f600),
    ]),
    '  3.14|1.235e+03|+1.2e-04|ff|FF|10|101|A|U+1F600',
  );
  assert.equal(sprintf('%x %d', [goInt(-255), goInt(-1n, 'uint64')]), '-ff 18446744073709551615');
  assert.equal(
    sprintf('%#U %q %c', [goInt(0x1f600), goInt(0x1f600), goInt(0x1f600)]),
    "U+1F600 '😀' '😀' 😀",
  );
  assert.equal(
    sprintf('%08.3d|% d|%+d|%#o|%O|%#b', [goInt(5), goInt(5), goInt(5), goInt(8), goInt(8), goInt(5)]),
    '     005| 5|+5|010|0o10|0b101',
  );
  assert.equal(sprintf('%#v %#v', [goInt(255, 'uint8'), goInt(-1, 'int8')]), '0xff -1');
});

test('widths count runes and precisions truncate runes', () => {
  assert.equal(
    sprintf('%-10s|%10s|%.2s|%5.1s|', ['héllo', '日本語', '日本語', 'héllo']),
    'héllo     |       日本語|日本|    h|',
  );
  assert.equal(sprintf('%x|% X|%#x', ['héllo', 'hi', new Uint8Array([1, 171])]), '68c3a96c6c6f|68 69|0x01ab');
});

test('width and precision from arguments, argument indexes and errors', () => {
  assert.equal(
    sprintf('%*d|%-*d|%.*f', [goInt(5), goInt(12), goInt(5), goInt(12), goInt(2), PI5]),
    '   12|12   |3.14',
  );
  assert.equal(sprintf('%*d', [2.5, goInt(12)]), '%!(BADWIDTH)12');
  assert.equal(sprintf('%.*d', ['x', goInt(12)]), '%!(BADPREC)12');
  assert.equal(sprintf('%[2]d %[1]d', [goInt(1), goInt(2)]), '2 1');
  assert.equal(sprintf('%[3]d', [goInt(1)]), '%!d(BADINDEX)');
  assert.equal(sprintf('%', []), '%!(NOVERB)');
  assert.equal(sprintf('%d', [goInt(1), 'x', goInt(3)]), '1%!(EXTRA string=x, int=3)');
  assert.equal(sprintf('%z', [goInt(1)]), '%!z(int=1)');
  assert.equal(sprintf('%!', []), '%!!(MISSING)');
});

test('sprint separates operands only when neither is a string', () => {
  assert.equal(sprint(['a', goInt(1), goInt(2), 'b', null, null]), 'a1 2b<nil> <nil>');
  assert.equal(sprint([]), '');
  assert.equal(sprintln([]), '\n');
});
