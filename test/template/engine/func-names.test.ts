/**
 * Go's Funcs panics on a name that is not an identifier; goodName decides ASCII names on a fast path
 * and the rest with the Unicode tables. Both paths must agree with Go (text/template.goodName).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template } from '../../../src/template/index.js';
import { defineFunc } from '../../../src/template/value.js';

const fn = defineFunc('f', { params: [], result: 'string' }, () => 'ok');

function accepts(name: string): boolean {
  try {
    new Template('t').funcs({ [name]: fn });
    return true;
  } catch (err) {
    assert.match((err as Error).message, /is not a valid identifier/);
    return false;
  }
}

describe('function names (Go goodName)', () => {
  it('accepts identifiers, ASCII or not', () => {
    for (const name of ['a', '_', 'toYaml', 'b64enc', '_x1', 'αβ', 'naïve', 'x٣', '日本'])
      assert.ok(accepts(name), name);
  });
  it('rejects the rest', () => {
    for (const name of ['', '1a', 'a-b', 'a b', 'a.b', '٣x', 'a€', '$']) assert.ok(!accepts(name), name);
  });
});
