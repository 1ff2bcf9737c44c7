/**
 * The stencil extras: toYaml (go-yaml v2.1.0), toToml (BurntSushi/toml v1.2.0), toJson and
 * RaiseError. Every expected output is what real Go produced:
 * - the readable cases below come from `{{ toYaml ... }}` in a scratch Go program using the same
 *   libraries as the original duat stencil;
 * - stencil-cases.json holds 150 random value trees (typed ints, float32, []byte, times in several
 *   zones, durations, typed nils, tricky strings and keys, nested lists and maps) in a tagged form,
 *   with the outputs of yaml.Marshal, toml.Encoder.Encode and json.Marshal for each.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { JsonMarshalError, marshalJSON } from '../../../src/template/funcs/json.js';
import { stencilFuncs } from '../../../src/template/funcs/stencil.js';
import { marshalTOML, TomlEncodeError } from '../../../src/template/funcs/toml-encode.js';
import { marshalYAML, YamlMarshalPanic } from '../../../src/template/funcs/yaml-encode.js';
import { goDuration, goTimeFromNanos, parseInLocation, UTC } from '../../../src/template/gotime.js';
import {
  fromJSON,
  GoComplex,
  GoFloat32,
  GoNil,
  GoObject,
  goInt,
  type IntTypeName,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';

/** Rebuilds a value from the tagged JSON form the Go side decoded (see stencil-cases.json). */
function fromTagged(x: unknown): Value {
  if (Array.isArray(x)) return x.map(fromTagged);
  if (x === null || typeof x !== 'object') return x as Value;
  const o = x as Record<string, unknown>;
  if (typeof o.$i === 'string') return goInt(BigInt(o.$i), (o.t as IntTypeName | undefined) ?? 'int');
  if (typeof o.$f64 === 'string') return Number(o.$f64.replace('Inf', 'Infinity'));
  if (typeof o.$f32 === 'string') return new GoFloat32(Number(o.$f32));
  if (typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
  if (o.$time) {
    const t = o.$time as { sec: string; nsec: string; zone: string };
    return goTimeFromNanos(BigInt(t.sec) * 1000000000n + BigInt(t.nsec), t.zone);
  }
  if (typeof o.$dur === 'string') return goDuration(BigInt(o.$dur));
  if (typeof o.$nil === 'string') {
    return new GoNil(
      o.$nil === 'map' ? 'map[string]interface {}' : o.$nil === 'slice' ? '[]string' : '*time.Time',
    );
  }
  if (Array.isArray(o.$strs)) return typedSlice([...(o.$strs as string[])], '[]string');
  if (o.$cplx) return new GoComplex(1, 2);
  const m = (o.$map ?? o) as Record<string, unknown>;
  return new Map(Object.entries(m).map(([k, v]) => [k, fromTagged(v)]));
}

const yaml = (v: Value): string => {
  try {
    return marshalYAML(v);
  } catch (e) {
    if (e instanceof YamlMarshalPanic) return `PANIC ${e.message}`;
    throw e;
  }
};
const toml = (v: Value): string => {
  try {
    return marshalTOML(v);
  } catch (e) {
    return `${e instanceof TomlEncodeError ? 'ERR' : 'PANIC'} ${(e as Error).message}`;
  }
};

describe('against Go: random value trees', () => {
  const cases = JSON.parse(
    readFileSync(new URL('../../../../test/template/funcs/stencil-cases.json', import.meta.url), 'utf8'),
  ) as { input: unknown; yaml: string; toml: string; json: string }[];
  cases.forEach((c, i) => {
    const v = fromTagged(c.input);
    it(`case ${i}: yaml`, () => assert.equal(yaml(v), c.yaml));
    it(`case ${i}: toml`, () => assert.equal(toml(v), c.toml));
    it(`case ${i}: json`, () => {
      let got: string;
      try {
        got = marshalJSON(v, { escapeHTML: true });
      } catch (e) {
        assert.ok(e instanceof JsonMarshalError);
        got = `ERR ${e.message}`;
      }
      assert.equal(got, c.json);
    });
  });
});

const app = fromJSON({
  name: 'web',
  replicas: 3,
  ports: [80, 443],
  labels: { tier: 'front', env: 'prod' },
  env: [
    { name: 'A', value: '1' },
    { name: 'B', value: 'true' },
  ],
  empty: {},
  none: null,
  script: '#!/bin/sh\necho hi\n',
  ratio: 0.5,
  big: 1000000,
  when: '2001-12-14',
});

describe('toYaml', () => {
  it('a values tree decoded from JSON', () => {
    assert.equal(
      yaml(app),
      'big: 1e+06\nempty: {}\nenv:\n- name: A\n  value: "1"\n- name: B\n  value: "true"\nlabels:\n  env: prod\n  tier: front\nname: web\nnone: null\nports:\n- 80\n- 443\nratio: 0.5\nreplicas: 3\nscript: |\n  #!/bin/sh\n  echo hi\nwhen: "2001-12-14"\n',
    );
  });
  it('scalars and empty collections at the top', () => {
    assert.equal(yaml('plain'), 'plain\n');
    assert.equal(yaml([]), '[]\n');
    assert.equal(yaml(null), 'null\n');
  });
  it('Go types: times, durations, TextMarshalers, []byte, typed nils', () => {
    const v = new Map<string, Value>([
      ['t', parseInLocation('2006-01-02', '2020-01-01', UTC)],
      ['d', goDuration(90n * 60n * 1000000000n)],
      ['v', new GoObject('*semver.Version', new Map(), {}, () => '1.2.3')],
      ['b', new Uint8Array(Buffer.from('hi'))],
      ['n', new GoNil('map[string]interface {}')],
      ['s', new GoNil('[]string')],
      ['p', new GoNil('*time.Time')],
    ]);
    assert.equal(
      yaml(v),
      'b:\n- 104\n- 105\nd: 1h30m0s\n"n": {}\np: null\ns: []\nt: !!timestamp 2020-01-01T00:00:00Z\nv: 1.2.3\n',
    );
  });
  it('panics on types go-yaml cannot marshal', () => {
    const f = stencilFuncs(fixedContext({}), { raise: () => undefined });
    assert.throws(() => f.toYaml?.impl(new GoComplex(1, 2)), { message: 'cannot marshal type: complex128' });
  });
});

describe('toToml', () => {
  const cases: [string, Value, string][] = [
    [
      'a values tree decoded from JSON',
      app,
      'big = 1000000.0\nname = "web"\nports = [80.0, 443.0]\nratio = 0.5\nreplicas = 3.0\nscript = "#!/bin/sh\\necho hi\\n"\nwhen = "2001-12-14"\n\n[empty]\n\n[[env]]\n  name = "A"\n  value = "1"\n\n[[env]]\n  name = "B"\n  value = "true"\n\n[labels]\n  env = "prod"\n  tier = "front"\n',
    ],
    ['a list at the top', [goInt(1), goInt(2)], 'toml: top-level values must be Go maps or structs'],
    ['a string at the top', 'x', 'toml: top-level values must be Go maps or structs'],
    [
      'a table array at the top',
      [new Map([['a', goInt(1)]])],
      'toml: top-level values must be Go maps or structs',
    ],
    [
      'an array with nil',
      new Map([['a', [new Map([['b', goInt(1)]]), null]]]),
      'toml: cannot encode array with nil element',
    ],
    ['complex in a map', new Map([['a', new GoComplex(1, 2)]]), 'unsupported type: complex128'],
    ['complex at the top', new GoComplex(1, 2), "unsupported type for key '': complex128"],
    [
      'times, durations and TextMarshalers',
      new Map<string, Value>([
        ['t', parseInLocation('2006-01-02', '2020-01-01', UTC)],
        ['d', goDuration(90n * 60n * 1000000000n)],
        ['v', new GoObject('*semver.Version', new Map(), {}, () => '1.2.3')],
      ]),
      'd = "1h30m0s"\nt = 2020-01-01T00:00:00Z\nv = "1.2.3"\n',
    ],
    [
      'inline tables inside arrays',
      fromJSON({ a: { b: { c: [goInt(1), { x: goInt(1), y: { z: goInt(2) } }] } } }),
      '[a]\n  [a.b]\n    c = [1, {x = 1, y = {z = 2}}]\n',
    ],
    ['nil values are skipped', fromJSON({ a: { b: null, c: goInt(1) } }), '[a]\n  c = 1\n'],
    ['nil values in array tables', fromJSON({ inl: [{ a: goInt(1), b: null }] }), '[[inl]]\n  a = 1\n'],
    [
      'nested arrays of tables are inline',
      fromJSON({ inl: [[{ a: goInt(1), b: { c: goInt(2) } }]] }),
      'inl = [[{a = 1, b = {c = 2}}]]\n',
    ],
  ];
  const f = stencilFuncs(fixedContext({}), { raise: () => undefined });
  for (const [name, v, want] of cases) {
    it(name, () => assert.equal(f.toToml?.impl(v), want));
  }
  it('panics on nil like Go (reflect on the zero Value)', () => {
    assert.throws(() => f.toToml?.impl(null), {
      message: 'reflect: call of reflect.Value.Type on zero Value',
    });
  });
});

describe('toJson and RaiseError', () => {
  it('toJson swallows errors', () => {
    const f = stencilFuncs(fixedContext({}), { raise: () => undefined });
    assert.equal(f.toJson?.impl(Number.NaN), '');
    assert.equal(f.toJson?.impl(fromJSON({ a: '<b>' })), '{"a":"\\u003cb\\u003e"}');
  });
  it('RaiseError records the message and returns ""', () => {
    const raised: string[] = [];
    const f = stencilFuncs(fixedContext({}), { raise: (m) => raised.push(m) });
    assert.equal(f.RaiseError?.impl('bad input'), '');
    assert.deepEqual(raised, ['bad input']);
    assert.deepEqual(f.RaiseError?.params, ['string']);
  });
});
