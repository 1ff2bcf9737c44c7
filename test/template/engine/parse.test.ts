/**
 * Go's own parser tests (text/template/parse/parse_test.go, Go 1.26): number literals, tree
 * strings, error messages, IsEmptyTree, blocks, comments, the break/continue keywords.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  type ActionNode,
  isEmptyTree,
  type ListNode,
  NodeType,
  type NumberNode,
  setTextFormat,
} from '../../../src/template/node.js';
import {
  type FuncCheck,
  ParseError,
  type ParseModes,
  parseTemplates,
  type Tree,
} from '../../../src/template/parse.js';
import { repoRoot } from '../../helpers/paths.js';

interface NumberCase {
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: string;
  uint64: string;
  float64: string;
  re: string;
  im: string;
}
interface ParseCase {
  name: string;
  input: string;
  ok: boolean;
  result: string;
}
interface ErrorCase {
  name: string;
  input: string;
  result: string;
  full: string;
}

const tables = JSON.parse(
  readFileSync(join(repoRoot, 'test/template/engine/fixtures/go-parse-tables.json'), 'utf8'),
) as {
  numberTests: NumberCase[];
  parseTests: ParseCase[];
  errorTests: ErrorCase[];
  isEmptyTests: { name: string; input: string; empty: boolean }[];
};

/** parse_test.go's `builtins`: printf and contains. */
const goTestFuncs: FuncCheck = (name) => name === 'printf' || name === 'contains';
const noFuncs: FuncCheck = () => false;
/** Go's parse tests set maxStackDepth to 3. */
const goTestModes: ParseModes = { maxParenDepth: 3 };

function parseOne(name: string, input: string, funcs: FuncCheck, modes: ParseModes = goTestModes): Tree {
  const trees = parseTemplates(name, input, '', '', funcs, modes);
  const t = trees.get(name);
  assert.ok(t !== undefined);
  return t;
}

describe('Go TestNumberParse', () => {
  for (const c of tables.numberTests) {
    const valid = c.isInt || c.isUint || c.isFloat || c.isComplex;
    test(c.text, () => {
      let n: NumberNode;
      try {
        const t = parseOne('n', `{{print ${c.text}}}`, (name) => name === 'print');
        const action = t.root?.nodes[0] as ActionNode;
        n = action.pipe.cmds[0]?.args[1] as NumberNode;
        assert.equal(n.type, NodeType.Number);
      } catch (e) {
        assert.ok(e instanceof ParseError, String(e));
        assert.ok(!valid, `unexpected error for ${c.text}: ${e.message}`);
        return;
      }
      assert.ok(valid, `expected error for ${c.text}`);
      assert.equal(n.isComplex, c.isComplex);
      if (c.isComplex) {
        assert.equal(n.complexRe, Number(c.re));
        assert.equal(n.complexIm, Number(c.im));
      }
      assert.equal(n.isInt, c.isInt);
      if (c.isInt) assert.equal(n.int64, BigInt(c.int64));
      assert.equal(n.isUint, c.isUint);
      if (c.isUint) assert.equal(n.uint64, BigInt(c.uint64));
      assert.equal(n.isFloat, c.isFloat);
      if (c.isFloat) assert.equal(n.float64, Number(c.float64));
    });
  }
});

describe('Go TestParse (tree strings, text as %q)', () => {
  beforeEach(() => setTextFormat('quoted'));
  afterEach(() => setTextFormat('plain'));
  for (const c of tables.parseTests) {
    test(c.name, () => {
      let t: Tree;
      try {
        t = parseOne(c.name, c.input, goTestFuncs);
      } catch (e) {
        assert.ok(e instanceof ParseError);
        assert.ok(!c.ok, `unexpected error: ${e.message}`);
        return;
      }
      assert.ok(c.ok, 'expected error; got none');
      assert.equal(String(t.root), c.result);
    });
  }
});

describe('Go TestErrors (and the full message Go gives)', () => {
  for (const c of tables.errorTests) {
    test(c.name, () => {
      assert.throws(
        () => parseOne(c.name, c.input, noFuncs),
        (e: unknown) => {
          assert.ok(e instanceof ParseError);
          assert.ok(e.message.includes(c.result), `${e.message} does not contain ${c.result}`);
          assert.equal(e.message, c.full);
          return true;
        },
      );
    });
  }
});

describe('Go TestIsEmpty', () => {
  test('nil tree is empty', () => assert.equal(isEmptyTree(null), true));
  for (const c of tables.isEmptyTests) {
    test(c.name, () => {
      assert.equal(isEmptyTree(parseOne('root', c.input, noFuncs).root), c.empty);
    });
  }
});

test('Go TestParseWithComments', () => {
  setTextFormat('quoted');
  try {
    const cases: [string, string][] = [
      ['{{/*\n\n\n*/}}', '{{/*\n\n\n*/}}'],
      ['x \r\n\t{{- /* hi */}}', '"x"{{/* hi */}}'],
      ['{{/* hi */ -}}\n\n\ty', '{{/* hi */}}"y"'],
      ['x \r\n\t{{- /* */ -}}\n\n\ty', '"x"{{/* */}}"y"'],
    ];
    for (const [input, result] of cases) {
      assert.equal(String(parseOne('c', input, noFuncs, { parseComments: true }).root), result);
    }
  } finally {
    setTextFormat('plain');
  }
});

test('Go TestKeywordsAndFuncs: a function named break replaces the keyword', () => {
  const input = '{{range .X}}{{break 20}}{{end}}';
  assert.doesNotThrow(() => parseOne('', input, (name) => name === 'break'));
  assert.throws(() => parseOne('', input, noFuncs), /unexpected "20" in \{\{break\}\}/);
});

test('Go TestSkipFuncCheck', () => {
  assert.equal(String(parseOne('skip', '{{fn 1 2}}', noFuncs, { skipFuncCheck: true }).root), '{{fn 1 2}}');
});

test('Go TestBlock: block defines a template and invokes it', () => {
  const trees = parseTemplates('outer', 'a{{block "inner" .}}bar{{.}}baz{{end}}b', '', '', noFuncs);
  assert.equal(String(trees.get('outer')?.root), 'a{{template "inner" .}}b');
  assert.equal(String(trees.get('inner')?.root), 'bar{{.}}baz');
});

test('Go TestLineNum: actions and pipes know their line', () => {
  const t = parseOne('bench', '{{printf 1234}}\n'.repeat(3), goTestFuncs);
  const nodes = (t.root as ListNode).nodes;
  for (let i = 0; i < nodes.length; i += 2) {
    const action = nodes[i] as ActionNode;
    assert.equal(action.line, 1 + i / 2);
    assert.equal(action.pipe.line, 1 + i / 2);
  }
});

test('define clauses become separate trees; the top one keeps the parse name', () => {
  const trees = parseTemplates('top', 'x{{define "a"}}A{{end}}{{define `b`}}B{{end}}y', '', '', noFuncs);
  assert.deepEqual([...trees.keys()].sort(), ['a', 'b', 'top']);
  assert.equal(trees.get('a')?.parseName, 'top');
  assert.equal(String(trees.get('top')?.root), 'xy');
});

test('runaway paren nesting is reported with Go text, not a crash', () => {
  const deep = `{{${'('.repeat(12000)}1${')'.repeat(12000)}}}`;
  assert.throws(
    () => parseOne('p', deep, noFuncs, {}),
    /^ParseError|template: p:1: max expression depth exceeded/,
  );
  // Within the JS stack, nesting is accepted as Go accepts it.
  const ok = `{{${'('.repeat(500)}1${')'.repeat(500)}}}`;
  assert.doesNotThrow(() => parseOne('p', ok, noFuncs, {}));
});
