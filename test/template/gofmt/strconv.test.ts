/** strconv.ts against Go's strconv (strconv-cases.jsonl, made by genstrconv.go.txt). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  canBackquote,
  type FloatFormat,
  formatFloat,
  isGraphic,
  isPrint,
  quote,
  quoteBytes,
  quoteRune,
  quoteRuneToASCII,
  quoteRuneToGraphic,
  quoteToASCII,
  quoteToGraphic,
  runeCount,
  UnquoteError,
  unquote,
  utf8Length,
} from '../../../src/template/strconv.js';
import { repoRoot } from '../../helpers/paths.js';

interface Line {
  kind: 'quote' | 'rune' | 'unquote' | 'float';
  case: Record<string, unknown>;
}

const lines = readFileSync(join(repoRoot, 'test', 'template', 'gofmt', 'strconv-cases.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Line);

function casesOf(kind: Line['kind']): Record<string, unknown>[] {
  const out = lines.filter((l) => l.kind === kind).map((l) => l.case);
  assert.ok(out.length > 0, `no ${kind} cases`);
  return out;
}

function float64FromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

test('Quote, QuoteToASCII, QuoteToGraphic, CanBackquote match Go', () => {
  for (const c of casesOf('quote')) {
    const s = c.s as string;
    assert.equal(quote(s), c.quote, `Quote(${JSON.stringify(s)})`);
    assert.equal(quoteToASCII(s), c.ascii, `QuoteToASCII(${JSON.stringify(s)})`);
    assert.equal(quoteToGraphic(s), c.graphic, `QuoteToGraphic(${JSON.stringify(s)})`);
    assert.equal(canBackquote(s), c.backquote, `CanBackquote(${JSON.stringify(s)})`);
  }
});

test('QuoteRune*, IsPrint, IsGraphic match Go', () => {
  for (const c of casesOf('rune')) {
    const r = c.r as number;
    assert.equal(quoteRune(r), c.quote, `QuoteRune(${r})`);
    assert.equal(quoteRuneToASCII(r), c.ascii, `QuoteRuneToASCII(${r})`);
    assert.equal(quoteRuneToGraphic(r), c.graphic, `QuoteRuneToGraphic(${r})`);
    assert.equal(isPrint(r), c.print, `IsPrint(${r})`);
    assert.equal(isGraphic(r), c.graph, `IsGraphic(${r})`);
  }
});

test('Unquote matches Go, errors included', () => {
  for (const c of casesOf('unquote')) {
    const input = c.in as string;
    if (c.out === null) {
      assert.throws(() => unquote(input), UnquoteError, `Unquote(${JSON.stringify(input)}) should fail`);
    } else {
      // JSON fixtures hold invalid UTF-8 as U+FFFD; unquote keeps such bytes escaped (utf8.ts).
      assert.equal(
        unquote(input).replace(/(?<![\ud800-\udbff])[\udc80-\udcff]/g, '\ufffd'),
        c.out,
        `Unquote(${JSON.stringify(input)})`,
      );
    }
  }
});

test('FormatFloat matches Go for every format, precision and bit size', () => {
  const failures: string[] = [];
  const cases = casesOf('float');
  for (const c of cases) {
    const f = float64FromBits(c.bits as string);
    const got = formatFloat(f, c.fmt as FloatFormat, c.prec as number, c.bitSize as 32 | 64);
    if (got !== c.out)
      failures.push(`FormatFloat(${f}, '${c.fmt}', ${c.prec}, ${c.bitSize}) = ${got}, want ${c.out}`);
  }
  assert.deepEqual(failures, [], `${failures.length}/${cases.length} differ`);
});

test('FormatFloat examples (outputs of Go 1.26)', () => {
  assert.equal(formatFloat(0.1, 'g', -1, 64), '0.1');
  assert.equal(formatFloat(0.1, 'g', -1, 32), '0.1');
  assert.equal(formatFloat(0.1, 'f', 20, 32), '0.10000000149011611938');
  assert.equal(formatFloat(2 ** -12, 'g', -1, 32), '0.00024414063'); // Dragonbox: tie rounds up
  assert.equal(formatFloat(2 ** -12, 'g', -1, 64), '0.000244140625');
  assert.equal(formatFloat(1e21, 'f', -1, 64), '1000000000000000000000');
  assert.equal(formatFloat(1e21, 'g', -1, 64), '1e+21');
  assert.equal(formatFloat(123456789, 'g', -1, 64), '1.23456789e+08');
  assert.equal(formatFloat(0.125, 'f', 2, 64), '0.12');
  assert.equal(formatFloat(0.375, 'f', 2, 64), '0.38');
  assert.equal(formatFloat(2.5, 'f', 0, 64), '2');
  assert.equal(formatFloat(1.005, 'f', 2, 64), '1.00');
  assert.equal(formatFloat(-0, 'g', -1, 64), '-0');
  assert.equal(formatFloat(1, 'x', -1, 64), '0x1p+00');
  assert.equal(formatFloat(1 / 3, 'X', 3, 64), '0X1.555P-02');
  assert.equal(formatFloat(0, 'b', -1, 64), '0p-1074');
  assert.equal(formatFloat(1, 'b', -1, 32), '8388608p-23');
  assert.equal(formatFloat(1e300, 'e', 3, 64), '1.000e+300');
  assert.equal(formatFloat(Number.NaN, 'f', 2, 64), 'NaN');
  assert.equal(formatFloat(-Infinity, 'e', 2, 64), '-Inf');
  assert.equal(formatFloat(Infinity, 'g', 2, 64), '+Inf');
});

test('quoteBytes prints invalid UTF-8 as \\x escapes, as Quote(string(b))', () => {
  assert.equal(quoteBytes(Uint8Array.from([0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x82])), '"a\\xffé\\xe2\\x82"');
  assert.equal(quoteBytes(Uint8Array.from([0xed, 0xa0, 0x80])), '"\\xed\\xa0\\x80"'); // a surrogate
  assert.equal(quoteBytes(Uint8Array.from([0xc3, 0xa9]), true), '"\\u00e9"');
});

test('rune and byte counts of JS strings follow UTF-8', () => {
  assert.equal(runeCount('héllo😀'), 6);
  assert.equal(utf8Length('héllo😀'), 10);
  assert.equal(runeCount('\ud800x'), 2); // a lone surrogate is one rune (U+FFFD)
  assert.equal(utf8Length('\ud800'), 3);
});
