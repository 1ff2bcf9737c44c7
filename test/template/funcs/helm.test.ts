/**
 * Helm's fromYaml, fromYamlArray, fromJsonArray and required. helm-cases.json holds YAML documents
 * (Helm values, YAML 1.1 scalars, merges, anchors, tags, syntax errors) and, for each, the JSON of
 * what Helm 3's fromYaml/fromYamlArray returned (sigs.k8s.io/yaml v1.6.0 over go.yaml.in/yaml/v2,
 * run in a scratch Go program), including the "Error" entry on failure.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { decodeYamlLikeHelm, helmDataFuncs } from '../../../src/template/funcs/helm.js';
import { marshalJSON } from '../../../src/template/funcs/json.js';
import { renderTemplate } from '../../../src/template/index.js';
import { FuncError, fromJSON, type GoMap, GoNil, type Value } from '../../../src/template/value.js';

const f = helmDataFuncs(fixedContext({}));
const call = (name: string, ...args: Value[]): Value => {
  const fn = f[name];
  assert.ok(fn, `no function ${name}`);
  return fn.impl(...args);
};
const json = (v: Value): string => marshalJSON(v, { escapeHTML: true });

describe('fromYaml and fromYamlArray against Go', () => {
  const cases = JSON.parse(
    readFileSync(new URL('../../../../test/template/funcs/helm-cases.json', import.meta.url), 'utf8'),
  ) as { yaml: string; target: 'map' | 'slice'; go: string }[];
  for (const c of cases) {
    it(`${c.target === 'map' ? 'fromYaml' : 'fromYamlArray'} ${JSON.stringify(c.yaml)}`, () => {
      const v = call(c.target === 'map' ? 'fromYaml' : 'fromYamlArray', c.yaml);
      assert.equal(json(v), c.go);
    });
  }
});

describe('fromYaml details', () => {
  it('numbers are float64 and keys strings', () => {
    const m = call('fromYaml', 'a: 1\n2: b\ntrue: c\n1.5: d') as GoMap;
    assert.equal(m.get('a'), 1);
    assert.deepEqual([...m.keys()].sort(), ['1.5', '2', 'a', 'true']);
  });
  it('an empty document is an empty map (fromYamlArray: an empty list)', () => {
    assert.equal(json(call('fromYaml', '')), '{}');
    assert.equal(json(call('fromYamlArray', '')), '[]');
  });
  it('reports where a syntax error is', () => {
    const r = decodeYamlLikeHelm('a:\n  b: 1\n c: 2\n', 'map');
    assert.equal(r.error?.message, 'error converting YAML to JSON: yaml: line 2: did not find expected key');
    assert.equal(r.error?.line, 3);
    assert.equal(r.error?.problem, 'did not find expected key');
  });
});

describe('fromJsonArray', () => {
  const cases: [string, string][] = [
    ['[1, "a", {"b": null}]', '[1,"a",{"b":null}]'],
    ['{}', '["json: cannot unmarshal object into Go value of type []interface {}"]'],
    ['bad', '["invalid character \'b\' looking for beginning of value"]'],
    ['null', 'null'],
    ['"s"', '["json: cannot unmarshal string into Go value of type []interface {}"]'],
    ['[1e999]', '["json: cannot unmarshal number 1e999 into Go value of type float64"]'],
  ];
  for (const [input, want] of cases) {
    it(input, () => assert.equal(json(call('fromJsonArray', input)), want));
  }
  it('null is a nil slice', () => assert.ok(call('fromJsonArray', 'null') instanceof GoNil));
});

describe('required', () => {
  it('fails on nil and on the empty string with the message', () => {
    for (const v of [null, undefined, '']) {
      assert.throws(
        () => call('required', 'image.tag is required', v),
        (e: unknown) => {
          assert.ok(e instanceof FuncError);
          assert.equal(e.message, 'image.tag is required');
          return true;
        },
      );
    }
  });
  it('passes anything else through, typed nils and zero values included', () => {
    for (const v of [0, false, 'x', new Map(), new GoNil('*time.Time')])
      assert.equal(call('required', 'm', v), v);
  });
  it('has Helm signatures', () => {
    assert.deepEqual(f.required?.params, ['string', 'interface {}']);
    assert.equal(f.required?.error, true);
    assert.equal(f.fromYaml?.result, 'map[string]interface {}');
    assert.equal(f.fromYamlArray?.result, '[]interface {}');
  });
});

describe('through templates', () => {
  const ctx = fixedContext({});
  const funcs = helmDataFuncs(ctx);
  const render = (text: string, data: Value = null): string => renderTemplate('t', text, data, { funcs });
  it('reads values out of a YAML string', () => {
    assert.equal(render('{{ (fromYaml "image:\\n  tag: v1\\nports: [80, 443]").image.tag }}'), 'v1');
    assert.equal(render('{{ (fromYaml "ports: [80, 443]").ports }}'), '[80 443]');
    assert.equal(render('{{ printf "%T" (fromYaml "a: 1").a }}'), 'float64');
    assert.equal(
      render('{{ (fromYaml "a: b: c").Error }}'),
      'error converting YAML to JSON: yaml: mapping values are not allowed in this context',
    );
    assert.equal(render('{{ index (fromYamlArray "- a\\n- b") 1 }}'), 'b');
  });
  it('required fails the execution with the message', () => {
    assert.throws(
      () => render('{{ required "tag is required" .tag }}', fromJSON({})),
      /error calling required: tag is required/,
    );
    assert.equal(render('{{ required "tag is required" .tag }}', fromJSON({ tag: 'v1' })), 'v1');
  });
});
