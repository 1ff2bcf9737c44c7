/**
 * sprig's b64enc/b64dec/b32enc/b32dec against real Go 1.26 + sprig v3.3.0, including the decoders'
 * error texts returned as results (`illegal base64 data at input byte N`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { encodingFuncs } from '../../../src/template/funcs/encoding.js';
import { checkTable, checkTemplates, jsonRows, type Row, type TemplateRow, testFuncs } from './sprig-call.js';

/** [function, arguments, Go's outcome]. */
const CALLS = jsonRows<Row>([
  '["b64enc", [""], {"out": ""}]',
  '["b32enc", [""], {"out": ""}]',
  '["b64enc", ["a"], {"out": "YQ=="}]',
  '["b32enc", ["a"], {"out": "ME======"}]',
  '["b64enc", ["ab"], {"out": "YWI="}]',
  '["b32enc", ["ab"], {"out": "MFRA===="}]',
  '["b64enc", ["abc"], {"out": "YWJj"}]',
  '["b32enc", ["abc"], {"out": "MFRGG==="}]',
  '["b64enc", ["abcd"], {"out": "YWJjZA=="}]',
  '["b32enc", ["abcd"], {"out": "MFRGGZA="}]',
  '["b64enc", ["hello world"], {"out": "aGVsbG8gd29ybGQ="}]',
  '["b32enc", ["hello world"], {"out": "NBSWY3DPEB3W64TMMQ======"}]',
  '["b64enc", ["héllo"], {"out": "aMOpbGxv"}]',
  '["b32enc", ["héllo"], {"out": "NDB2S3DMN4======"}]',
  '["b64enc", ["日本"], {"out": "5pel5pys"}]',
  '["b32enc", ["日本"], {"out": "42L2LZU4VQ======"}]',
  '["b64enc", ["\\u0000\\u0001"], {"out": "AAE="}]',
  '["b32enc", ["\\u0000\\u0001"], {"out": "AAAQ===="}]',
  '["b64enc", ["😀"], {"out": "8J+YgA=="}]',
  '["b32enc", ["😀"], {"out": "6CPZRAA="}]',
  '["b64dec", [""], {"out": ""}]',
  '["b64dec", ["YQ=="], {"out": "a"}]',
  '["b64dec", ["YQ"], {"out": "illegal base64 data at input byte 0"}]',
  '["b64dec", ["YQ="], {"out": "illegal base64 data at input byte 3"}]',
  '["b64dec", ["YWJj"], {"out": "abc"}]',
  '["b64dec", ["YWJjZA=="], {"out": "abcd"}]',
  '["b64dec", ["YWJjZA="], {"out": "illegal base64 data at input byte 7"}]',
  '["b64dec", ["YWJjZA"], {"out": "illegal base64 data at input byte 4"}]',
  '["b64dec", ["YWJ jZA=="], {"out": "illegal base64 data at input byte 3"}]',
  '["b64dec", ["YW\\nJj\\r\\nZA=="], {"out": "abcd"}]',
  '["b64dec", ["YWJjZA==x"], {"out": "illegal base64 data at input byte 8"}]',
  '["b64dec", ["YWJjZA==\\n"], {"out": "abcd"}]',
  '["b64dec", ["===="], {"out": "illegal base64 data at input byte 0"}]',
  '["b64dec", ["Y==="], {"out": "illegal base64 data at input byte 1"}]',
  '["b64dec", ["YWJj===="], {"out": "illegal base64 data at input byte 4"}]',
  '["b64dec", ["!!!!"], {"out": "illegal base64 data at input byte 0"}]',
  '["b64dec", ["aGVsbG8gd29ybGQ="], {"out": "hello world"}]',
  '["b64dec", ["/w=="], {"out": "⟦xff⟧"}]',
  '["b64dec", ["/+8="], {"out": "⟦xff⟧⟦xef⟧"}]',
  '["b64dec", ["wyg="], {"out": "⟦xc3⟧("}]',
  '["b64dec", ["4pyT"], {"out": "✓"}]',
  '["b64dec", ["8J+YgA=="], {"out": "😀"}]',
  '["b64dec", ["YQ==YQ=="], {"out": "illegal base64 data at input byte 4"}]',
  '["b64dec", ["\\n"], {"out": ""}]',
  '["b64dec", ["\\nYQ=="], {"out": "a"}]',
  '["b64dec", ["YQ=\\n="], {"out": "a"}]',
  '["b64dec", ["YQ=\\n"], {"out": "illegal base64 data at input byte 4"}]',
  '["b64dec", ["Zg==\\r\\n"], {"out": "f"}]',
  '["b64dec", ["YWJjZA==YWJj"], {"out": "illegal base64 data at input byte 8"}]',
  '["b64dec", ["abcdefgh!"], {"out": "illegal base64 data at input byte 8"}]',
  '["b64dec", ["abcdefghijkl===="], {"out": "illegal base64 data at input byte 12"}]',
  '["b64dec", ["YR=="], {"out": "a"}]',
  '["b64dec", ["YWI="], {"out": "ab"}]',
  '["b64dec", ["YWJ="], {"out": "ab"}]',
  '["b32dec", [""], {"out": ""}]',
  '["b32dec", ["ME======"], {"out": "a"}]',
  '["b32dec", ["ME"], {"out": "illegal base32 data at input byte 0"}]',
  '["b32dec", ["MFRGG==="], {"out": "abc"}]',
  '["b32dec", ["MFRGGZA="], {"out": "abcd"}]',
  '["b32dec", ["MFRGGZDF"], {"out": "abcde"}]',
  '["b32dec", ["MFRGGZDFMY======"], {"out": "abcdef"}]',
  '["b32dec", ["ME====="], {"out": "illegal base32 data at input byte 7"}]',
  '["b32dec", ["ME======="], {"out": "a"}]',
  '["b32dec", ["M======="], {"out": "illegal base32 data at input byte 1"}]',
  '["b32dec", ["MFR====="], {"out": "illegal base32 data at input byte 3"}]',
  '["b32dec", ["MFRGGZ=="], {"out": "illegal base32 data at input byte 6"}]',
  '["b32dec", ["1111"], {"out": "illegal base32 data at input byte 0"}]',
  '["b32dec", ["mfrgg==="], {"out": "illegal base32 data at input byte 0"}]',
  '["b32dec", ["ME======\\n"], {"out": "a"}]',
  '["b32dec", ["ME\\n======"], {"out": "a"}]',
  '["b32dec", ["NBSWY3DPEB3W64TMMQ======"], {"out": "hello world"}]',
  '["b32dec", ["77777777"], {"out": "⟦xff⟧⟦xff⟧⟦xff⟧⟦xff⟧⟦xff⟧"}]',
  '["b32dec", ["ME======ME======"], {"out": "illegal base32 data at input byte 2"}]',
  '["b32dec", ["MFRGGZDFMZTQ===="], {"out": "abcdefg"}]',
  '["b32dec", ["MFRGG===x"], {"out": "abc"}]',
  '["b32dec", ["ME======x"], {"out": "a"}]',
]);

/** [template, Go's output or error]. */
const TEMPLATES = jsonRows<TemplateRow>([
  '["{{ b64enc \\"hello\\" }}", "aGVsbG8="]',
  '["{{ b64dec \\"aGVsbG8=\\" }}", "hello"]',
  '["{{ b64dec \\"!!\\" }}", "illegal base64 data at input byte 0"]',
  '["{{ b64dec \\"aGVsbG8\\" }}", "illegal base64 data at input byte 4"]',
  '["{{ b32enc \\"hi\\" }}", "NBUQ===="]',
  '["{{ b32dec \\"NBUQ====\\" }}", "hi"]',
  '["{{ b32dec \\"NBUQ\\" }}", "illegal base32 data at input byte 0"]',
  '["{{ b64dec \\"/w==\\" | b64enc }}", "/w=="]',
  '["{{ b64enc 1 }}", {"error": "template: t:1:10: executing \\"t\\" at <1>: expected string; found 1"}]',
]);

describe('sprig encoding functions', () => {
  it('match Go on direct calls', () => checkTable(testFuncs(), CALLS));
  it('match Go through templates', () => checkTemplates(TEMPLATES));

  it('decode to bytes that are not UTF-8 and encode them back', () => {
    const f = encodingFuncs(fixedContext({}));
    const decoded = f.b64dec?.impl('/+8A');
    assert.equal(decoded, '\udcff\udcef\u0000');
    assert.equal(f.b64enc?.impl(decoded), '/+8A');
  });
});
