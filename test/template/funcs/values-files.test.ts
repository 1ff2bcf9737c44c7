/**
 * Values files. Types and printed values were checked against Go: sigs.k8s.io/yaml for YAML (as
 * Helm's chartutil.ReadValues), encoding/json for JSON, BurntSushi/toml v1.2.0 toml.Decode into
 * map[string]interface{} for TOML (run with TZ=America/New_York for the local zones).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeJsonValues,
  decodeTomlValues,
  decodeYamlValues,
} from '../../../src/template/funcs/values-files.js';
import { GoTime, timeString } from '../../../src/template/gotime.js';
import { GoInt, type GoMap, goTypeName, type Value } from '../../../src/template/value.js';

const get = (m: Value, ...path: string[]): Value => {
  let v = m;
  for (const k of path) {
    assert.ok(v instanceof Map, `not a map at ${k}`);
    v = v.get(k);
  }
  return v;
};

describe('YAML values', () => {
  it('decodes as Helm: YAML 1.1 scalars, float64 numbers, string keys', () => {
    const v = decodeYamlValues(
      'a: 1\nb: yes\nc: 0x1F\nd: 2001-12-14\ne: [1, "x"]\n1: one\nf:\n  g: ~\n',
      'values.yaml',
    );
    assert.equal(get(v, 'a'), 1);
    assert.equal(get(v, 'b'), true);
    assert.equal(get(v, 'c'), 31);
    assert.equal(get(v, 'd'), '2001-12-14');
    assert.deepEqual(get(v, 'e'), [1, 'x']);
    assert.equal(get(v, '1'), 'one');
    assert.equal(get(v, 'f', 'g'), null);
  });
  it('an empty file is an empty map', () => {
    assert.equal(decodeYamlValues('', 'values.yaml').size, 0);
    assert.equal(decodeYamlValues('# nothing\n', 'values.yaml').size, 0);
  });
  it('syntax errors name the file, line, column and what was expected', () => {
    assert.throws(() => decodeYamlValues('image:\n  tag: 1.0\n pullPolicy: Always\n', 'values.yaml'), {
      message: 'values.yaml:3:2: invalid YAML: did not find expected key',
    });
    assert.throws(() => decodeYamlValues('a: 1\n b: 2', 'v.yaml'), {
      message: 'v.yaml:2:3: invalid YAML: mapping values are not allowed in this context',
    });
  });
  it('a top level that is not a map is an error naming the file', () => {
    assert.throws(
      () => decodeYamlValues('- 1\n- 2\n', 'list.yaml'),
      (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /^list\.yaml: the top level of a values file must be a map: /);
        return true;
      },
    );
  });
  it('values JSON cannot represent are errors', () => {
    assert.throws(() => decodeYamlValues('x: .inf\n', 'v.yaml'), {
      message: 'v.yaml: error converting YAML to JSON: json: unsupported value: +Inf',
    });
  });
});

describe('JSON values', () => {
  it('decodes numbers as float64', () => {
    const v = decodeJsonValues('{"a": 1, "b": {"c": [true, null, "s"]}}', 'v.json');
    assert.equal(get(v, 'a'), 1);
    assert.deepEqual(get(v, 'b', 'c'), [true, null, 's']);
  });
  it('syntax errors name the file, line and column', () => {
    assert.throws(() => decodeJsonValues('{\n  "a": 1,\n  "b" 2\n}', 'v.json'), {
      message: "v.json:3:7: invalid JSON: invalid character '2' after object key",
    });
    assert.throws(() => decodeJsonValues('{"a": ', 'v.json'), {
      message: 'v.json:1:6: invalid JSON: unexpected end of JSON input',
    });
  });
  it('a top level that is not an object is an error naming the file', () => {
    assert.throws(() => decodeJsonValues('[1]', 'v.json'), {
      message:
        'v.json: the top level of a values file must be a map: json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
  });
});

describe('TOML values', () => {
  const text = [
    'a = 1',
    'b = [1, 2]',
    'c = [{x = 1}]',
    'f = 1.0',
    'inf = -inf',
    'u = 1979-05-27T07:32:00Z',
    'z = 1979-05-27T07:32:00.123-08:00',
    '[[d]]',
    'y = 2',
    '[[d.sub]]',
    'q = 1',
    '[e]',
    'name = "x"',
  ].join('\n');
  const v: GoMap = decodeTomlValues(text, 'v.toml');
  it('integers are int64 and floats float64', () => {
    const a = get(v, 'a');
    assert.ok(a instanceof GoInt);
    assert.equal(a.type, 'int64');
    assert.equal(get(v, 'f'), 1);
    assert.equal(get(v, 'inf'), Number.NEGATIVE_INFINITY);
    assert.equal(goTypeName(get(v, 'b')), '[]interface {}');
    assert.equal(goTypeName(get(v, 'c')), '[]interface {}');
  });
  it('[[tables]] are []map[string]interface {}', () => {
    const d = get(v, 'd');
    assert.equal(goTypeName(d), '[]map[string]interface {}');
    assert.ok(Array.isArray(d));
    assert.equal(goTypeName(get(d[0] as Value, 'sub')), '[]map[string]interface {}');
    assert.equal(get(v, 'e', 'name'), 'x');
  });
  it('date-times are time.Time as BurntSushi/toml decodes them', () => {
    const u = get(v, 'u');
    assert.ok(u instanceof GoTime);
    assert.equal(timeString(u), '1979-05-27 07:32:00 +0000 UTC');
    // Go prints .123456789 for a nanosecond input; smol-toml keeps milliseconds.
    assert.equal(timeString(get(v, 'z') as GoTime), '1979-05-27 07:32:00.123 -0800 -0800');
  });
  it('local dates and times use the datetime-local, date-local and time-local zones', () => {
    const w = decodeTomlValues('l = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00.5\n', 'v.toml');
    assert.equal((get(w, 'l') as GoTime).loc.name, 'datetime-local');
    assert.match(timeString(get(w, 'ld') as GoTime), /^1979-05-27 00:00:00 [+-]\d{4} date-local$/);
    assert.match(timeString(get(w, 'lt') as GoTime), /^0000-01-01 07:32:00.5 [+-]\d{4} time-local$/);
  });
  it('syntax errors name the file, line and column', () => {
    assert.throws(() => decodeTomlValues('a = \nb = 2', 'v.toml'), {
      message: 'v.toml:1:5: invalid TOML: invalid value',
    });
    assert.throws(() => decodeTomlValues('a = 1\na = 2', 'v.toml'), /^Error: v\.toml:2:1: invalid TOML: /);
  });
});
