/**
 * sprig JSON functions against Go 1.26 encoding/json + sprig v3.3.0. Every expected string was
 * produced by real Go (scratch oracle: `{{ toJson ... }}` over the same data decoded from JSON, with
 * helper functions making typed Go values such as float32, []byte, time.Time, complex128).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import {
  decodeJSON,
  decodeJSONWithScanner,
  type JsonTarget,
  jsonErrorPosition,
  jsonFuncs,
} from '../../../src/template/funcs/json.js';
import {
  fixedZone,
  goDate,
  goDuration,
  goTimeFromNanos,
  loadLocation,
  parseInLocation,
  timeAddDate,
  timeIn,
  UTC,
} from '../../../src/template/gotime.js';
import { renderTemplate } from '../../../src/template/index.js';
import {
  defineFunc,
  FuncError,
  fromJSON,
  GO_CAP,
  GoComplex,
  GoFloat32,
  GoNil,
  GoObject,
  goInt,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';

const f = jsonFuncs(fixedContext({}));
const call = (name: string, ...args: Value[]): Value => {
  const fn = f[name];
  assert.ok(fn, `no function ${name}`);
  return fn.impl(...args);
};
const data = fromJSON({
  mixed: [1, 'two', 3.5, true, null, { k: 'v' }, [1, 2]],
  u: 'a\u2028b\u2029c<>&\u0001\u001f\t\n"\\\\/',
  keys: { b: 1, a: 2, é: 3, Z: 4, '😀': 5, '\ue000': 6, '': 7 },
  nested: { e: {}, l: [], x: [{ y: null }] },
}) as Map<string, Value>;
const d = (k: string): Value => data.get(k);
const date = (s: string): Value => parseInLocation('2006', s, UTC);

describe('toJson family', () => {
  const cases: [string, Value, string][] = [
    ['toJson', d('mixed'), '[1,"two",3.5,true,null,{"k":"v"},[1,2]]'],
    ['toJson', d('u'), '"a\\u2028b\\u2029c\\u003c\\u003e\\u0026\\u0001\\u001f\\t\\n\\"\\\\\\\\/"'],
    ['toRawJson', d('u'), '"a\\u2028b\\u2029c<>&\\u0001\\u001f\\t\\n\\"\\\\\\\\/"'],
    ['toPrettyJson', d('u'), '"a\\u2028b\\u2029c\\u003c\\u003e\\u0026\\u0001\\u001f\\t\\n\\"\\\\\\\\/"'],
    ['toJson', -0, '-0'],
    ['toJson', d('keys'), '{"":7,"Z":4,"a":2,"b":1,"é":3,"\ue000":6,"😀":5}'],
    [
      'toPrettyJson',
      d('nested'),
      '{\n  "e": {},\n  "l": [],\n  "x": [\n    {\n      "y": null\n    }\n  ]\n}',
    ],
    [
      'toPrettyJson',
      d('keys'),
      '{\n  "": 7,\n  "Z": 4,\n  "a": 2,\n  "b": 1,\n  "é": 3,\n  "\ue000": 6,\n  "😀": 5\n}',
    ],
    [
      'toJson',
      [1e21, 1e20, 1e-7, 0.000001, 123456789.0, 0.1, 100.0, 1e-6, 5e-324, 1.7976931348623157e308],
      '[1e+21,100000000000000000000,1e-7,0.000001,123456789,0.1,100,0.000001,5e-324,1.7976931348623157e+308]',
    ],
    [
      'toJson',
      [0.1, 1e-7, 16777216, 3.4028235e38, 1e21, 9.999999e20].map((x) => new GoFloat32(x)),
      '[0.1,1e-7,16777216,3.4028235e+38,1e+21,999999900000000000000]',
    ],
    ['toJson', Number.NaN, ''],
    ['toJson', new Uint8Array(Buffer.from('hi there')), '"aGkgdGhlcmU="'],
    ['toJson', date('2020'), '"2020-01-01T00:00:00Z"'],
    ['toJson', goTimeFromNanos(1764075600123000000n, 'Asia/Kolkata'), '"2025-11-25T18:30:00.123+05:30"'],
    ['toJson', timeAddDate(date('9999') as never, 1, 0, 0), ''],
    ['toJson', timeIn(date('2000') as never, fixedZone('X', -3599)), '"1999-12-31T23:00:01-00:59"'],
    ['toJson', null, 'null'],
    ['toJson', undefined, 'null'],
    ['toJson', new GoNil('map[string]interface {}'), 'null'],
    ['toJson', new GoNil('[]string'), 'null'],
    ['toJson', new GoNil('*time.Time'), 'null'],
    ['toJson', [], '[]'],
    ['toJson', new Map(), '{}'],
    ['toJson', goDuration(3600000000000n), '3600000000000'],
    ['toJson', new GoObject('*semver.Version', new Map(), {}, () => '1.2.3-rc.1+b'), '"1.2.3-rc.1+b"'],
    ['toJson', typedSlice(['a', 'b'], '[]string'), '["a","b"]'],
    [
      'toJson',
      [goInt(-9223372036854775808n, 'int64'), goInt(18446744073709551615n, 'uint64'), goInt(5)],
      '[-9223372036854775808,18446744073709551615,5]',
    ],
    ['toJson', (date('2020') as GoObject).methods.Month?.impl(), '1'],
    ['toRawJson', fromJSON({ a: '<b>', c: ['&'] }), '{"a":"<b>","c":["&"]}'],
    ['mustToRawJson', fromJSON({ a: '<b>' }), '{"a":"<b>"}'],
    ['toJson', '\ud800', '"\\ufffd"'], // a lone surrogate is invalid UTF-8 to Go
    [
      'toJson',
      new GoObject(
        'main.T',
        new Map<string, Value>([
          ['Z', 1],
          ['A', 'x'],
        ]),
      ),
      '{"Z":1,"A":"x"}',
    ],
  ];
  for (const [name, arg, want] of cases) {
    it(`${name} ${want}`, () => assert.equal(call(name, arg), want));
  }

  const errors: [string, Value, string, boolean][] = [
    ['mustToJson', Number.NaN, 'json: unsupported value: NaN', true],
    ['mustToJson', Number.NEGATIVE_INFINITY, 'json: unsupported value: -Inf', true],
    ['mustToJson', new GoFloat32(Number.POSITIVE_INFINITY), 'json: unsupported value: +Inf', true],
    ['toRawJson', Number.POSITIVE_INFINITY, 'json: unsupported value: +Inf', false],
    ['mustToPrettyJson', [Number.NaN], 'json: unsupported value: NaN', true],
    ['mustToJson', new GoComplex(1, 2), 'json: unsupported type: complex128', true],
    [
      'mustToJson',
      timeAddDate(date('9999') as never, 1, 0, 0),
      'json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]',
      true,
    ],
    [
      'mustToJson',
      timeIn(date('2000') as never, fixedZone('X', 86400)),
      'json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone hour outside of range [0,23]',
      true,
    ],
  ];
  for (const [name, arg, message, isFuncError] of errors) {
    it(`${name} fails: ${message}`, () => {
      assert.throws(
        () => call(name, arg),
        (e: unknown) => e instanceof Error && e.message === message && e instanceof FuncError === isFuncError,
      );
    });
  }

  it('detects cycles like Go', () => {
    const m = new Map<string, Value>();
    m.set('self', m);
    assert.throws(() => call('mustToJson', m), {
      message: 'json: unsupported value: encountered a cycle via map[string]interface {}',
    });
    assert.equal(call('toJson', m), '');
  });

  it('copies MarshalJSON output compacted (HTML-escaped) and re-indented, as Go does', () => {
    const t = new GoObject('main.T', new Map(), {
      MarshalJSON: defineFunc('MarshalJSON', { params: [], result: '[]uint8', error: true }, () =>
        new TextEncoder().encode(' { "b" : [1, 2 ,{}], "a":"<x>\u2028" , "e": [ ] } '),
      ),
    });
    const v = new Map<string, Value>([['k', t]]);
    assert.equal(call('toJson', v), '{"k":{"b":[1,2,{}],"a":"\\u003cx\\u003e\\u2028","e":[]}}');
    assert.equal(call('toRawJson', v), '{"k":{"b":[1,2,{}],"a":"<x>\u2028","e":[]}}');
    assert.equal(
      call('toPrettyJson', v),
      '{\n  "k": {\n    "b": [\n      1,\n      2,\n      {}\n    ],\n    "a": "\\u003cx\\u003e\\u2028",\n    "e": []\n  }\n}',
    );
    const bad = new GoObject('main.T', new Map(), {
      MarshalJSON: defineFunc('MarshalJSON', { params: [], result: '[]uint8', error: true }, () =>
        new TextEncoder().encode('{bad'),
      ),
    });
    assert.throws(() => call('mustToJson', bad), {
      message:
        "json: error calling MarshalJSON for type main.T: invalid character 'b' looking for beginning of object key string",
    });
  });

  it('encodes times in any zone', () => {
    assert.ok(loadLocation('Asia/Kolkata'));
    assert.equal(
      call('toJson', goDate(2024, 7, 1, 12, 0, 0, 5, loadLocation('America/New_York') ?? UTC)),
      '"2024-07-01T12:00:00.000000005-04:00"',
    );
  });
});

describe('fromJson and mustFromJson', () => {
  const ok: [string, string][] = [
    ['{"a": [1, 2]}', 'map a:[1,2]'],
    ['[1, 2.5, "x", null, true, {}]', '[1,2.5,"x",null,true,{}]'],
    ['"\\ud83d\\ude00\\ud800\\u0041\\udc00x"', '"😀\ufffdA\ufffdx"'],
    ['{"a":1,"a":2}', '{"a":2}'],
    ['-0', '-0'],
    ['1e-400', '0'],
    ['["\\""]', '["\\""]'],
    ['{"a":"\u2028"}', '{"a":"\\u2028"}'],
  ];
  for (const [input, want] of ok) {
    it(`decodes ${input}`, () => {
      const v = call('mustFromJson', input);
      if (want.startsWith('map ')) {
        assert.ok(v instanceof Map);
        assert.equal(call('toJson', v.get('a')), '[1,2]');
      } else {
        assert.equal(call('toJson', v), want);
      }
    });
  }

  it('numbers are float64', () => {
    assert.equal(typeof call('fromJson', '2'), 'number');
  });

  const errors: [string, string][] = [
    ['bad', "invalid character 'b' looking for beginning of value"],
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"a":[1,{"b"', 'unexpected end of JSON input'],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['trUe', "invalid character 'U' in literal true (expecting 'u')"],
    ['nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['fals3', "invalid character '3' in literal false (expecting 'e')"],
    ['01', "invalid character '1' after top-level value"],
    ['-', "invalid character ' ' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['1e+x', "invalid character 'x' in exponent of numeric literal"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['\u00a0', "invalid character 'Â' looking for beginning of value"],
    ['[1] x', "invalid character 'x' after top-level value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":1e999,"b":2}', 'json: cannot unmarshal number 1e999 into Go value of type float64'],
    ['[-1e999]', 'json: cannot unmarshal number -1e999 into Go value of type float64'],
  ];
  for (const [input, message] of errors) {
    it(`mustFromJson ${JSON.stringify(input)} fails`, () => {
      assert.throws(() => call('mustFromJson', input), { name: 'FuncError', message });
    });
  }

  it('fromJson swallows errors: nil on a syntax error, a partial value on a type error', () => {
    assert.equal(call('fromJson', 'bad'), null);
    const partial = call('fromJson', '{"a":1e999,"b":2}');
    assert.ok(partial instanceof Map);
    assert.equal(partial.get('a'), null);
    assert.equal(partial.get('b'), 2);
  });

  it('decodes into map and slice targets with Go type errors', () => {
    assert.equal(
      decodeJSON('[1]', 'map').error?.message,
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    assert.equal(
      decodeJSON('{}', 'slice').error?.message,
      'json: cannot unmarshal object into Go value of type []interface {}',
    );
    assert.equal(
      decodeJSON('"s"', 'map').error?.message,
      'json: cannot unmarshal string into Go value of type map[string]interface {}',
    );
    assert.equal(decodeJSON('null', 'map').error, undefined);
  });

  it('locates syntax errors', () => {
    const r = decodeJSON('{\n  "a": 1,\n  "b": x\n}');
    assert.ok(r.error && 'offset' in r.error);
    assert.deepEqual(jsonErrorPosition('{\n  "a": 1,\n  "b": x\n}', r.error.offset), { line: 3, column: 8 });
  });
});

describe("decodeJSON (JSON.parse when it is certainly Go) and the port of Go's decoder agree", () => {
  /** A value with everything Go would show: Map key order, slice capacities, -0, types. */
  const shape = (v: Value): unknown => {
    if (v instanceof Map) return ['map', [...v].map(([k, x]) => [k, shape(x)])];
    if (Array.isArray(v)) return ['slice', (v as { [GO_CAP]?: number })[GO_CAP] ?? v.length, v.map(shape)];
    if (Object.is(v, -0)) return '-0';
    if (v === undefined) return 'no value';
    if (v instanceof GoNil) return `nil ${v.type}`;
    return v;
  };
  const big = JSON.stringify({
    services: Array.from({ length: 50 }, (_, i) => ({
      name: `svc-${i}`,
      ports: Array.from({ length: i % 7 }, (_, j) => 8000 + j),
      env: { A: 'x', B: i * 1.5, C: i % 2 === 0, D: null },
    })),
  });
  const inputs = [
    big,
    '{"a": [1, 2]}',
    '{"b":1,"a":2,"b":3}',
    '{"2":"x","1":"y","a":"z"}',
    '{"__proto__":{"x":1},"constructor":2}',
    '[1, 2.5, "x", null, true, {}, [], [[]]]',
    '"\\ud83d\\ude00\\ud800\\u0041\\udc00x"',
    '"\\\\ud800"',
    '"\ud800"',
    '"a\udc80b"',
    '{"a":1e999,"b":2}',
    '1e-400',
    '-0',
    ' {"a" : "\\u00e9\\n\\t\\/"} ',
    'null',
    '"s"',
    '[1]',
    '{}',
    'bad',
    '{"a":1,}',
    '\ufeff{}',
    // Deep input: JSON.parse's way up to 500 levels, the scanner's beyond (Go's limit is 10000).
    `${'['.repeat(400)}${']'.repeat(400)}`,
    `${'{"a":'.repeat(600)}1${'}'.repeat(600)}`,
    `${'['.repeat(10001)}${']'.repeat(10001)}`,
    `${'{"a":'.repeat(10001)}1${'}'.repeat(10001)}`,
  ];
  for (const target of ['any', 'map', 'slice'] as JsonTarget[]) {
    for (const input of inputs) {
      it(`${target}: ${input.length > 60 ? `${input.slice(0, 60)}...` : input}`, () => {
        const fast = decodeJSON(input, target);
        const slow = decodeJSONWithScanner(input, target);
        // As text: deepEqual itself runs out of stack on the deepest cases.
        assert.equal(JSON.stringify(shape(fast.value)), JSON.stringify(shape(slow.value)));
        assert.equal(fast.error?.message, slow.error?.message);
      });
    }
  }
});

describe('through templates (shared conformance cases, Go 1.26 + sprig v3.3.0)', () => {
  const funcs = jsonFuncs(fixedContext({}));
  const conformanceData = fromJSON({
    l: [3, 1, 2],
    mixed: [1, 'two', 3.5, true, null, { k: 'v' }, [1, 2]],
    users: [
      { name: 'ann', age: 31, tags: ['a', 'b'] },
      { name: 'bob', age: 25, tags: [] },
    ],
  });
  const cases: [string, string][] = [
    ['{{ toJson .mixed }}', '[1,"two",3.5,true,null,{"k":"v"},[1,2]]'],
    [
      '{{ toPrettyJson .users }}',
      '[\n  {\n    "age": 31,\n    "name": "ann",\n    "tags": [\n      "a",\n      "b"\n    ]\n  },\n  {\n    "age": 25,\n    "name": "bob",\n    "tags": []\n  }\n]',
    ],
    ['{{ (fromJson "{\\"a\\": [1, 2]}").a }}', '[1 2]'],
    ['{{ mustToJson .l }}', '[3,1,2]'],
    ['{{ fromJson "bad" }}', '<no value>'],
    ['{{ printf "%T" (fromJson "2") }}', 'float64'],
  ];
  for (const [text, want] of cases) {
    it(text, () => assert.equal(renderTemplate('t', text, conformanceData, { funcs }), want));
  }
  it('errors are reported as Go does', () => {
    assert.throws(() => renderTemplate('t', '{{ mustFromJson "bad" }}', null, { funcs }), {
      message:
        'template: t:1:3: executing "t" at <mustFromJson "bad">: error calling mustFromJson: invalid character \'b\' looking for beginning of value',
    });
  });
});
