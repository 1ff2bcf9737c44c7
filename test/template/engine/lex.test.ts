/**
 * Go's own lexer tests (text/template/parse/lex_test.go, Go 1.26), run against lex.ts. The tables
 * are dumped from Go's test file into fixtures/go-parse-tables.json (see fixtures/README.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatRuneU, type Item, ItemType, Lexer, utf8Length } from '../../../src/template/lex.js';
import { repoRoot } from '../../helpers/paths.js';

interface GoItem {
  type: string;
  val: string;
  pos: number;
  line: number;
}
interface LexCase {
  name: string;
  input: string;
  left?: string;
  right?: string;
  items: GoItem[];
}

const tables = JSON.parse(
  readFileSync(join(repoRoot, 'test/template/engine/fixtures/go-parse-tables.json'), 'utf8'),
) as { lexTests: LexCase[]; lexDelimTests: LexCase[]; lexPosTests: LexCase[] };

/** lex_test.go's itemName, plus the two types it leaves out. */
const GO_NAMES: Record<string, ItemType> = {
  error: ItemType.Error,
  bool: ItemType.Bool,
  char: ItemType.Char,
  charconst: ItemType.CharConstant,
  comment: ItemType.Comment,
  complex: ItemType.Complex,
  '=': ItemType.Assign,
  ':=': ItemType.Declare,
  EOF: ItemType.EOF,
  field: ItemType.Field,
  identifier: ItemType.Identifier,
  'left delim': ItemType.LeftDelim,
  '(': ItemType.LeftParen,
  number: ItemType.Number,
  pipe: ItemType.Pipe,
  'raw string': ItemType.RawString,
  'right delim': ItemType.RightDelim,
  ')': ItemType.RightParen,
  space: ItemType.Space,
  string: ItemType.String,
  text: ItemType.Text,
  variable: ItemType.Variable,
  '.': ItemType.Dot,
  block: ItemType.Block,
  break: ItemType.Break,
  continue: ItemType.Continue,
  define: ItemType.Define,
  else: ItemType.Else,
  if: ItemType.If,
  end: ItemType.End,
  nil: ItemType.Nil,
  range: ItemType.Range,
  template: ItemType.Template,
  with: ItemType.With,
};

/** lex_test.go's collect: all items up to EOF or an error, comments emitted. */
function collect(input: string, left = '', right = ''): Item[] {
  const l = new Lexer(input, left, right);
  l.options = { emitComment: true, breakOK: true, continueOK: true };
  const items: Item[] = [];
  for (;;) {
    const item = l.nextItem();
    items.push(item);
    if (item.type === ItemType.EOF || item.type === ItemType.Error) return items;
  }
}

function expected(items: GoItem[], withPos: boolean): object[] {
  return items.map((i) => {
    const type = GO_NAMES[i.type];
    assert.ok(type !== undefined, `unknown Go item type ${i.type}`);
    return withPos ? { type, val: i.val, pos: i.pos, line: i.line } : { type, val: i.val };
  });
}

function actual(items: Item[], withPos: boolean): object[] {
  return items.map((i) =>
    withPos ? { type: i.type, val: i.val, pos: i.pos, line: i.line } : { type: i.type, val: i.val },
  );
}

test('the Go lexer tables are present', () => {
  assert.ok(tables.lexTests.length >= 40);
});

for (const c of tables.lexTests) {
  test(`Go TestLex: ${c.name}`, () => {
    assert.deepEqual(actual(collect(c.input), false), expected(c.items, false));
  });
}

for (const c of tables.lexDelimTests) {
  test(`Go TestDelims: ${c.name}`, () => {
    assert.deepEqual(actual(collect(c.input, c.left, c.right), false), expected(c.items, false));
  });
}

for (const c of tables.lexPosTests) {
  test(`Go TestPos: ${c.name}`, () => {
    assert.deepEqual(actual(collect(c.input), true), expected(c.items, true));
  });
}

test('Go TestDelimsAlphaNumeric: right delimiter with alphanumeric start', () => {
  const items = collect('{{hub .host hub}}', '{{hub', 'hub}}');
  assert.deepEqual(actual(items, false), [
    { type: ItemType.LeftDelim, val: '{{hub' },
    { type: ItemType.Space, val: ' ' },
    { type: ItemType.Field, val: '.host' },
    { type: ItemType.Space, val: ' ' },
    { type: ItemType.RightDelim, val: 'hub}}' },
    { type: ItemType.EOF, val: '' },
  ]);
});

test('Go TestDelimsAndMarkers: delims that look like markers', () => {
  const items = collect('{{- .x -}} {{- - .x - -}}', '{{- ', ' -}}');
  assert.deepEqual(actual(items, false), [
    { type: ItemType.LeftDelim, val: '{{- ' },
    { type: ItemType.Field, val: '.x' },
    { type: ItemType.RightDelim, val: ' -}}' },
    { type: ItemType.LeftDelim, val: '{{- ' },
    { type: ItemType.Field, val: '.x' },
    { type: ItemType.RightDelim, val: ' -}}' },
    { type: ItemType.EOF, val: '' },
  ]);
});

test('break and continue are identifiers when functions of those names exist', () => {
  const l = new Lexer('{{break continue}}', '', '');
  l.options = { emitComment: false, breakOK: false, continueOK: true };
  const types = [l.nextItem(), l.nextItem(), l.nextItem(), l.nextItem()].map((i) => i.type);
  assert.deepEqual(types, [ItemType.LeftDelim, ItemType.Identifier, ItemType.Space, ItemType.Continue]);
});

test('non-ASCII letters and digits make identifiers and fields, by code point', () => {
  const items = collect('{{.é.ü $日本 x١ 😀}}');
  assert.deepEqual(actual(items, false).slice(0, 8), [
    { type: ItemType.LeftDelim, val: '{{' },
    { type: ItemType.Field, val: '.é' },
    { type: ItemType.Field, val: '.ü' },
    { type: ItemType.Space, val: ' ' },
    { type: ItemType.Variable, val: '$日本' },
    { type: ItemType.Space, val: ' ' },
    { type: ItemType.Identifier, val: 'x١' },
    { type: ItemType.Space, val: ' ' },
  ]);
  // An emoji is neither a letter nor printable ASCII.
  assert.deepEqual(actual(items, false)[8], {
    type: ItemType.Error,
    val: "unrecognized character in action: U+1F600 '😀'",
  });
});

test('%#U and UTF-8 lengths', () => {
  assert.equal(formatRuneU(0x24), "U+0024 '$'");
  assert.equal(formatRuneU(1), 'U+0001');
  assert.equal(utf8Length('héllo, 世界😀'), 18);
  assert.equal(utf8Length('\udcff\udc80'), 2); // escaped bytes of invalid UTF-8
});
