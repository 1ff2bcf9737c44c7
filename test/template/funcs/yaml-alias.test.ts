/**
 * go-yaml's guard against alias expansion ("billion laughs"): a document whose decoding is mostly
 * alias expansion fails with "document contains excessive aliasing" in every YAML decode path
 * (fromYaml, fromYamlArray, values files, stencil's --values-file). yaml-alias-cases.jsonl holds
 * documents either side of go-yaml's ratio rule (fixed ones and seeded random ones) with what Helm's
 * fromYaml gave for each in Go (sigs.k8s.io/yaml v1.6.0 over go.yaml.in/yaml/v2 v2.4.2); see
 * yaml-alias-gen.py and yaml-alias-probe.go.txt to record it again.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { helmDataFuncs } from '../../../src/template/funcs/helm.js';
import { marshalJSON } from '../../../src/template/funcs/json.js';
import { decodeYamlValues } from '../../../src/template/funcs/values-files.js';
import type { Value } from '../../../src/template/value.js';
import { runDuat } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

interface AliasCase {
  name: string;
  yaml: string;
  error?: string;
  json?: string;
  jsonSha256?: string;
}

const cases = readFileSync(
  new URL('../../../../test/template/funcs/yaml-alias-cases.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as AliasCase);

const funcs = helmDataFuncs(fixedContext({}));
const call = (name: string, arg: string): Value => (funcs[name] as { impl: (s: Value) => Value }).impl(arg);

const EXCESSIVE = 'error converting YAML to JSON: yaml: document contains excessive aliasing';

/**
 * A billion-laughs document: `levels` anchors, each a list of `width` aliases of the one before,
 * as a map (a0: ..., a1: ...) or a list of them.
 */
function billionLaughs(levels: number, width: number, list = false): string {
  const lines: string[] = [];
  for (let i = 0; i < levels; i++) {
    const value =
      i === 0
        ? '["lol"]'
        : `[${Array(width)
            .fill(`*a${i - 1}`)
            .join(',')}]`;
    lines.push(`${list ? '-' : `a${i}:`} &a${i} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('YAML alias expansion as go-yaml bounds it', () => {
  it('the Go fixture holds documents on both sides of the limit', () => {
    assert.ok(cases.length >= 60);
    assert.ok(cases.filter((c) => c.error === EXCESSIVE).length >= 10);
    assert.ok(cases.filter((c) => c.error === undefined).length >= 30);
  });

  for (const c of cases) {
    it(`fromYaml agrees with Go: ${c.name}`, { timeout: 60_000 }, () => {
      const got = marshalJSON(call('fromYaml', c.yaml), { escapeHTML: true });
      if (c.error !== undefined) assert.equal(got, JSON.stringify({ Error: c.error }));
      else if (c.json !== undefined) assert.equal(got, c.json);
      else assert.equal(createHash('sha256').update(got).digest('hex'), c.jsonSha256);
    });
  }

  // Nine levels of nine expand to 43 million nodes: before the limit this ran for minutes.
  const bomb = billionLaughs(9, 9);

  it('fromYaml and fromYamlArray stop a few-hundred-byte bomb at once', { timeout: 60_000 }, () => {
    assert.ok(bomb.length < 500);
    const started = Date.now();
    assert.equal(
      marshalJSON(call('fromYaml', bomb), { escapeHTML: true }),
      JSON.stringify({ Error: EXCESSIVE }),
    );
    assert.deepEqual(call('fromYamlArray', billionLaughs(9, 9, true)), [EXCESSIVE]);
    // A hang would reach the test's timeout; this only catches a decoder gone quadratic.
    assert.ok(Date.now() - started < 30_000);
  });

  it('a values file holding a bomb fails naming the file', { timeout: 60_000 }, () => {
    assert.throws(
      () => decodeYamlValues(bomb, 'values.yaml'),
      (e: Error) => e.message === `values.yaml: ${EXCESSIVE}`,
    );
  });

  it('duat stencil --values-file with a bomb exits with a one-line error', { timeout: 60_000 }, (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'bomb.yaml'), bomb);
    const r = runDuat(['stencil', '--ignore-aws-errors', '--values-file', 'bomb.yaml'], {
      cwd: dir,
      input: '{{ .a0 }}\n',
    });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bomb\.yaml: .*document contains excessive aliasing/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
