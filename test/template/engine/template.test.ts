/**
 * The Template API: sets of associated templates (Go's multi_test.go: TestMultiParse,
 * TestMultiExecute, TestClone, TestRedefinition, TestTemplateLookUp, TestNew, TestParse,
 * TestEmptyTemplate, TestIssue19294), options, functions, and the TemplateError fields.
 * Expected error texts were checked against Go 1.26.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defineFunc,
  fromJSON,
  GoInt,
  renderTemplate,
  Template,
  TemplateError,
  typedSlice,
} from '../../../src/template/index.js';
import { NodeType } from '../../../src/template/node.js';

const int = (n: number): GoInt => new GoInt('int', BigInt(n));

function execError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return e;
  }
  assert.fail('expected a TemplateError');
}

test('Go TestMultiParse', () => {
  const cases: [string, string, boolean, string[], string[]][] = [
    ['empty', '', true, [], []],
    ['one', '{{define "foo"}} FOO {{end}}', true, ['foo'], [' FOO ']],
    [
      'two',
      '{{define "foo"}} FOO {{end}}{{define "bar"}} BAR {{end}}',
      true,
      ['foo', 'bar'],
      [' FOO ', ' BAR '],
    ],
    ['missing end', '{{define "foo"}} FOO ', false, [], []],
    ['malformed name', '{{define "foo}} FOO ', false, [], []],
  ];
  for (const [name, input, ok, names, results] of cases) {
    let t: Template;
    try {
      t = new Template('root').parse(input);
    } catch (e) {
      assert.ok(e instanceof TemplateError && !ok, `${name}: ${e}`);
      continue;
    }
    assert.ok(ok, `${name}: expected error`);
    assert.equal(t.templates().length, names.length + 1);
    for (let i = 0; i < names.length; i++) {
      assert.equal(String(t.lookup(names[i] as string)?.tree?.root), results[i]);
    }
  }
});

test('Go TestMultiExecute: templates defined by earlier parses', () => {
  const root = new Template('root')
    .funcs({ oneArg: defineFunc('oneArg', { params: ['string'], result: 'string' }, (a) => `oneArg=${a}`) })
    .parse('\n\t{{define "x"}}TEXT{{end}}\n\t{{define "dotV"}}{{.V}}{{end}}\n')
    .parse('\n\t{{define "dot"}}{{.}}{{end}}\n\t{{define "nested"}}{{template "dot" .}}{{end}}\n');
  const data = fromJSON({ I: 17, SI: [3, 4, 5], U: { V: 'v' } });
  const cases: [string, string, unknown][] = [
    ['{{template "x" .SI}}', 'TEXT', data],
    ['{{template "x"}}', 'TEXT', data],
    ['{{template "dot" .I}}', '17', data],
    ['{{template "dot" .SI}}', '[3 4 5]', data],
    ['{{template "dotV" .U}}', 'v', data],
    ['{{template "nested" .I}}', '17', data],
    ['{{template "nested" $x:=.SI}},{{index $x 1}}', '[3 4 5],4', data],
    ['{{oneArg "joe"}}', 'oneArg=joe', data],
    ['{{oneArg .}}', 'oneArg=joe', 'joe'],
  ];
  for (const [input, output, d] of cases) {
    assert.equal(
      root
        .new('t')
        .parse(input)
        .execute(d as never),
      output,
      input,
    );
  }
});

test('Go TestClone: a clone has its own definitions and keeps options', () => {
  const root = new Template('root').parse('{{define "a"}}{{template "b"}}{{template "c"}}{{end}}');
  root.parse('{{define "b"}}b{{end}}');
  root.parse('{{define "e"}}{{.Foo}}{{end}}');
  root.option('missingkey=error');
  const clone = root.clone();
  root.parse('{{define "c"}}root{{end}}');
  clone.parse('{{define "c"}}clone{{end}}');
  for (const t of clone.templates()) assert.equal(clone.lookup(t.name), t);
  assert.equal(clone.lookup('root'), clone);
  assert.equal(root.executeTemplate('a', int(0)), 'broot');
  assert.equal(clone.executeTemplate('a', int(0)), 'bclone');
  const rootErr = execError(() => root.executeTemplate('e', new Map()));
  const cloneErr = execError(() => clone.executeTemplate('e', new Map()));
  assert.equal(cloneErr.message, rootErr.message);
  assert.equal(
    rootErr.message,
    'template: root:1:16: executing "e" at <.Foo>: map has no entry for key "Foo"',
  );
});

test('Go TestRedefinition and TestParse: later parses may redefine templates', () => {
  const t = new Template('tmpl1').parse('{{define "test"}}foo{{end}}');
  t.parse('{{define "test"}}bar{{end}}');
  t.new('tmpl2').parse('{{define "test"}}bar{{end}}');
  assert.equal(t.executeTemplate('test', null), 'bar');
  const t1 = new Template('test');
  t1.parse('{{define "test"}}{{end}}');
  t1.parse('{{define "test"}}{{/* this is a comment */}}{{end}}');
  t1.parse('{{define "test"}}foo{{end}}');
  assert.equal(t1.execute(null), 'foo');
  // An empty redefinition does not replace a non-empty one.
  t1.parse('{{define "test"}} {{end}}');
  assert.equal(t1.execute(null), 'foo');
  // Within one parse, two non-empty definitions are an error.
  const e = execError(() => new Template('m').parse('{{define "a"}}1{{end}}{{define "a"}}2{{end}}'));
  assert.equal(e.message, 'template: m:1: template: multiple definition of template "a"');
  assert.equal(e.phase, 'parse');
});

test('Go TestTemplateLookUp and TestNew', () => {
  const t1 = new Template('foo');
  assert.equal(t1.lookup('foo'), undefined);
  t1.new('bar');
  assert.equal(t1.lookup('bar'), undefined);
  t1.parse('{{define "foo"}}test{{end}}');
  assert.notEqual(t1.lookup('foo'), undefined);

  const a = new Template('test').parse('{{define "test"}}foo{{end}}');
  const b = a.new('test');
  assert.notEqual(a.tree, null);
  assert.equal(b.tree, null);
  assert.ok(a.templates().includes(a));
  assert.ok(!a.templates().includes(b));
});

test('Go TestEmptyTemplate', () => {
  const cases: [string[], string, string][] = [
    [['x', 'y'], '', 'y'],
    [[''], 'once', ''],
    [['', ''], 'twice', ''],
    [['{{.}}', '{{.}}'], 'twice', 'twice'],
    [['{{/* a comment */}}', '{{/* a comment */}}'], 'comment', ''],
    [['{{.}}', ''], 'twice', ''],
  ];
  for (const [defn, input, want] of cases) {
    const root = new Template('root');
    let m: Template | undefined;
    for (const d of defn) m = root.new(input).parse(d);
    assert.equal(m?.execute(input), want);
  }
});

test('Go TestIssue19294: an empty block does not replace its definition', () => {
  const res = new Template('title.xhtml').parse('{{template "xhtml" .}}');
  res.new('stylesheet').parse('{{define "stylesheet"}}stylesheet{{end}}');
  res.new('xhtml').parse('{{block "stylesheet" .}}{{end}}');
  assert.equal(res.execute(int(0)), 'stylesheet');
});

test('definedTemplates lists parsed templates, sorted', () => {
  const t = new Template('root');
  assert.equal(t.definedTemplates(), '');
  t.parse('{{define "b"}}{{end}}{{define "a"}}x{{end}}');
  assert.equal(t.definedTemplates(), '; defined templates are: "a", "b", "root"');
});

test('executeTemplate of an unknown name', () => {
  const e = execError(() => new Template('x').parse('x').executeTemplate('nope', null));
  assert.equal(e.message, 'template: no template "nope" associated with template "x"');
  assert.equal(e.phase, 'exec');
});

test('parse errors carry Go text, the parse name and the line', () => {
  const e = execError(() => new Template('page').parse('a\nb\n{{define "x"}}\n{{.y | }}{{nosuch}}{{end}}'));
  assert.equal(e.message, 'template: page:4: function "nosuch" not defined');
  assert.equal(e.templateName, 'page');
  assert.equal(e.phase, 'parse');
  assert.equal(e.line, 4);
  assert.equal(e.column, undefined);
});

test('execution errors carry the executing template, line, byte column and partial output', () => {
  const t = new Template('page').parse(
    'héllo {{.a}}\n{{define "t"}}ünï {{index .l 5}}{{end}}{{template "t" .}}',
  );
  const e = execError(() => t.execute(fromJSON({ a: 'A', l: [1] })));
  assert.equal(
    e.message,
    'template: page:2:22: executing "t" at <index .l 5>: error calling index: index out of range: 5',
  );
  assert.equal(e.templateName, 't');
  assert.equal(e.line, 2);
  assert.equal(e.column, 22); // bytes: `{{define "t"}}ünï {{` is 22 bytes (20 UTF-16 units)
  assert.equal(e.partialOutput, 'héllo A\nünï ');
});

test('functions: validation, replacement of builtins, definition at execution time', () => {
  assert.throws(
    () => new Template('t').funcs({ 'a-b': defineFunc('x', { params: [], result: 'string' }, () => '') }),
    {
      message: 'function name "a-b" is not a valid identifier',
    },
  );
  assert.throws(() =>
    new Template('t').funcs({ '1a': defineFunc('x', { params: [], result: 'string' }, () => '') }),
  );
  assert.throws(() => new Template('t').funcs({ x: 'nope' as never }), {
    message: 'value for x not a function',
  });
  // A function replaces the builtin of the same name.
  const len = defineFunc('len', { params: ['interface {}'], result: 'string' }, () => 'mine');
  assert.equal(new Template('t').funcs({ len }).parse('{{len 1}}').execute(null), 'mine');
  // Functions added after parsing are found at execution (Go's execFuncs).
  const t = new Template('t')
    .funcs({ f: defineFunc('f', { params: [], result: 'string' }, () => 'one') })
    .parse('{{f}}');
  t.funcs({ f: defineFunc('f', { params: [], result: 'string' }, () => 'two') });
  assert.equal(t.execute(null), 'two');
  // Parsing checks names; 'break' becomes a function when one is defined.
  const brk = defineFunc('break', { params: ['interface {}'], result: 'interface {}' }, (x) => x);
  assert.equal(
    new Template('t').funcs({ break: brk }).parse('{{range 2}}{{break .}}{{end}}').execute(null),
    '01',
  );
});

test('options: missingkey values, errors for unknown ones', () => {
  const data = fromJSON({ m: {} });
  assert.equal(renderTemplate('t', '{{.m.x}}', data, { missingKey: 'default' }), '<no value>');
  assert.equal(renderTemplate('t', '{{.m.x}}', data, { missingKey: 'zero' }), '<no value>');
  assert.equal(
    execError(() => renderTemplate('t', '{{.m.x}}', data, { missingKey: 'error' })).message,
    'template: t:1:4: executing "t" at <.m.x>: map has no entry for key "x"',
  );
  assert.throws(() => new Template('t').option('missingkey=maybe'), {
    message: 'unrecognized option: missingkey=maybe',
  });
  assert.throws(() => new Template('t').option(''), { message: 'empty option string' });
});

test('delimiters from options', () => {
  assert.equal(
    renderTemplate('t', '[[ .a ]] {{.a}}', fromJSON({ a: 1 }), { delims: ['[[', ']]'] }),
    '1 {{.a}}',
  );
});

test('the tree is exposed: nodes and Go String() forms', () => {
  const t = new Template('t').parse('a{{if .x}}{{.y | printf "%d"}}{{else}}z{{end}}');
  const root = t.tree?.root;
  assert.equal(root?.nodes[1]?.type, NodeType.If);
  assert.equal(String(root), 'a{{if .x}}{{.y | printf "%d"}}{{else}}z{{end}}');
});

test('data: JSON null is no value, integers from YAML-like data are ints', () => {
  assert.equal(renderTemplate('t', '{{.}}', null), '<no value>');
  assert.equal(renderTemplate('t', '{{printf "%T" .}}', typedSlice([int(1)], '[]int')), '[]int');
});
