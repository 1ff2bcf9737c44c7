/**
 * Helm's include and tpl. fixtures/helm-include-tpl-cases.jsonl holds what Go 1.26 gives with
 * Helm v3.21.4's includeFun and tplFun (pkg/engine/engine.go) set up as Helm's Engine.render does:
 * a root template "gotpl" with missingkey=zero (missingkey=error when strict), each file parsed
 * with t.New(name), executed with ExecuteTemplate, and "<no value>" removed from the output.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fromJSON, helmTemplateFuncs, Template, TemplateError } from '../../../src/template/index.js';
import { repoRoot } from '../../helpers/paths.js';

interface HelmCase {
  name: string;
  template: string;
  data: unknown;
  strict: boolean;
  output?: string;
  error: string | null;
}

const cases = readFileSync(
  join(repoRoot, 'test/template/engine/fixtures/helm-include-tpl-cases.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as HelmCase);

/** Helm's Engine.render for one file. */
function render(
  name: string,
  text: string,
  data: unknown,
  strict: boolean,
): { output: string; error: string | null } {
  const t = new Template('gotpl').option(strict ? 'missingkey=error' : 'missingkey=zero');
  t.funcs(helmTemplateFuncs(t, { strict }));
  try {
    t.new(name).parse(text);
    const out = t.executeTemplate(name, fromJSON(data));
    return { output: out.replaceAll('<no value>', ''), error: null };
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return { output: (e.partialOutput ?? '').replaceAll('<no value>', ''), error: e.message };
  }
}

test('the Helm fixture is present', () => assert.ok(cases.length >= 20));

for (const c of cases) {
  test(`helm: ${c.template}${c.strict ? ' (strict)' : ''}`, () => {
    const got = render(c.name, c.template, c.data, c.strict);
    assert.equal(got.error, c.error);
    if (c.output !== undefined) assert.equal(got.output, c.output);
  });
}

test('runaway include recursion ends in Helm nested-reference error, not a crash', () => {
  const got = render(
    'templates/loop.yaml',
    '{{define "a"}}x{{include "a" .}}{{end}}{{include "a" .}}',
    {},
    false,
  );
  assert.ok(got.error !== null);
  assert.match(
    got.error,
    /^template: templates\/loop\.yaml:1:41: executing "templates\/loop\.yaml" at <include "a" \.>: error calling include: /,
  );
  assert.match(got.error, /rendering template has a nested reference name: a: unable to execute template$/);
});

test('include keeps the count of nested names balanced after errors', () => {
  const t = new Template('gotpl');
  const funcs = helmTemplateFuncs(t);
  t.funcs(funcs);
  t.new('f').parse('{{define "bad"}}{{index .l 5}}{{end}}{{define "ok"}}ok{{end}}');
  for (let i = 0; i < 1100; i++) assert.throws(() => t.executeTemplate('bad', fromJSON({ l: [] })));
  // 1100 failed includes would exceed Helm's limit if the count leaked.
  assert.equal(new Template('x').funcs(funcs).parse('{{include "ok" .}}').execute(null), 'ok');
});
