/**
 * The html, js and urlquery escapers: Go's TestJSEscaping table (exec_test.go) and cases checked
 * against Go 1.26's HTMLEscapeString, JSEscapeString and url.QueryEscape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { htmlEscapeString, jsEscapeString, urlQueryEscape } from '../../../src/template/index.js';

test('Go TestJSEscaping', () => {
  const cases: [string, string][] = [
    ['a', 'a'],
    ["'foo", "\\'foo"],
    ['Go "jump" \\', 'Go \\"jump\\" \\\\'],
    ['Yukihiro says "今日は世界"', 'Yukihiro says \\"今日は世界\\"'],
    ['unprintable \uFFFE', 'unprintable \\uFFFE'],
    ['<html>', '\\u003Chtml\\u003E'],
    ['no = in attributes', 'no \\u003D in attributes'],
    ['&#x27; does not become HTML entity', '\\u0026#x27; does not become HTML entity'],
  ];
  for (const [input, want] of cases) assert.equal(jsEscapeString(input), want);
});

test('js: control characters, unprintable runes (also above U+FFFF), printable emoji', () => {
  assert.equal(jsEscapeString('\n\t\x00\x1f'), '\\u000A\\u0009\\u0000\\u001F');
  assert.equal(jsEscapeString('\u2028\u00a0é😀\u{E0001}'), '\\u2028\\u00A0é😀\\uE0001');
});

test('html: the five characters and NUL', () => {
  assert.equal(
    htmlEscapeString(`<script>alert("XSS");</script>`),
    '&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;',
  );
  assert.equal(htmlEscapeString("a'b&c\0"), 'a&#39;b&amp;c\uFFFD');
  assert.equal(htmlEscapeString('plain é'), 'plain é');
});

test('urlquery: url.QueryEscape over UTF-8 bytes', () => {
  assert.equal(urlQueryEscape('http://www.example.org/'), 'http%3A%2F%2Fwww.example.org%2F');
  assert.equal(urlQueryEscape('a b&c=d/é~-_.'), 'a+b%26c%3Dd%2F%C3%A9~-_.');
  assert.equal(urlQueryEscape('$+,;?@'), '%24%2B%2C%3B%3F%40');
});
