/** fmtsort.ts: map keys in Go's order (bytes of UTF-8, i.e. code points), not UTF-16 order. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStrings, sortedEntries, sortedKeys } from '../../../src/template/fmtsort.js';
import { goInt, type Value } from '../../../src/template/value.js';

test('keys sort by code point: U+1F600 after U+FFFF, unlike JS sort', () => {
  const keys = ['😀', '\uffff', 'z', 'a', 'é', '', 'A', 'ab'];
  assert.deepEqual(sortedKeys(new Map(keys.map((k) => [k, null]))), [
    '',
    'A',
    'a',
    'ab',
    'z',
    'é',
    '\uffff',
    '😀',
  ]);
  assert.deepEqual([...keys].sort(), ['', 'A', 'a', 'ab', 'z', 'é', '😀', '\uffff']); // JS's order differs
});

test('compareStrings is a total order consistent with equality', () => {
  assert.equal(compareStrings('a', 'a'), 0);
  assert.equal(compareStrings('a', 'b'), -1);
  assert.equal(compareStrings('b', 'a'), 1);
  assert.equal(compareStrings('a', 'ab'), -1);
  assert.equal(compareStrings('\ue000', '\u{10000}'), -1);
  assert.equal(compareStrings('\u{10000}', '\ud7ff'), 1);
});

test('sortedEntries keeps each value with its key', () => {
  const m = new Map<string, Value>([
    ['b', goInt(2)],
    ['a', goInt(1)],
  ]);
  assert.deepEqual(
    sortedEntries(m).map(([k, v]) => `${k}=${String(v)}`),
    ['a=1', 'b=2'],
  );
});
