/**
 * Hand-written extreme inputs: deep nesting, runaway recursion, huge printf widths, long strings.
 * The differential test compares them with Go (Go has limits for each, with exact messages); the
 * robustness fuzzer only requires that they end in output or a TemplateError, quickly.
 */
import type { TemplateCase } from './cases.js';

const repeat = (s: string, n: number): string => s.repeat(n);

export function pathologicalCases(): TemplateCase[] {
  const cases: [string, string, unknown?][] = [
    // Go's parser allows 10000 nested parentheses (maxStackDepth) and rejects one more.
    ['parens-100', `{{${repeat('(', 100)}1${repeat(')', 100)}}}`],
    ['parens-9999', `{{${repeat('(', 9999)}1${repeat(')', 9999)}}}`],
    ['parens-10001', `{{${repeat('(', 10001)}1${repeat(')', 10001)}}}`],
    ['parens-pipeline', `{{${repeat('(', 500)}"x" | printf "%s"${repeat(')', 500)}}}`],
    ['nested-if-300', `${repeat('{{if true}}', 300)}deep${repeat('{{end}}', 300)}`],
    ['nested-range-50', `${repeat('{{range .}}', 50)}{{.}}${repeat('{{end}}', 50)}`, nestList(50)],
    ['nested-with-1000', `${repeat('{{with .}}', 1000)}{{.}}${repeat('{{end}}', 1000)}`, 'x'],
    ['unclosed-if-2000', repeat('{{if true}}', 2000)],
    // Unbounded recursion stops at Go's maxExecDepth (100000) with an error.
    ['recursive-template', '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}'],
    ['recursive-block', '{{block "b" .}}x{{template "b" .}}{{end}}'],
    [
      'recursion-countdown',
      '{{define "c"}}{{if .}}{{len .}}{{template "c" (rest .)}}{{end}}{{end}}{{template "c" (until 300)}}',
    ],
    // fmt caps widths and precisions at 1e6 while parsing the format, not after.
    ['printf-width-99999999999', '{{printf "%99999999999d|" 1}}'],
    ['printf-width-1000000', '{{printf "%1000000d" 1 | len}}'],
    ['printf-prec-huge', '{{printf "%.99999999999f|" 1.5}}'],
    ['printf-star-huge', '{{printf "%*d|" 10000000 1}}'],
    ['printf-star-negative-huge', '{{printf "%-*d|" -10000000 1}}'],
    ['printf-many-verbs', `{{printf "${repeat('%v', 2000)}" ${repeat('1 ', 2000)}}}`],
    ['long-string-literal', `{{len "${repeat('a', 200000)}"}}`],
    ['long-text', `${repeat('text ', 100000)}{{.}}`, 1],
    ['long-data-string', '{{len .s}}{{.s | upper | len}}', { s: repeat('é', 100000) }],
    ['many-actions', repeat('{{.}}', 20000), 'x'],
    ['repeat-big', '{{repeat 100000 "ab" | len}}'],
    ['deep-data', `{{.${repeat('a.', 200)}a}}`, nest(201)],
    ['deep-json', '{{toJson .}}', nest(300)],
    ['print-deep', '{{.}}', nest(300)],
    ['long-pipeline', `{{"x"${repeat(' | printf "%s"', 2000)}}}`],
    ['many-variables', `${Array.from({ length: 3000 }, (_, i) => `{{$v${i} := ${i}}}`).join('')}{{$v2999}}`],
    ['until-range', '{{range until 20000}}{{.}}{{end}}'],
    ['comment-long', `{{/*${repeat('*', 100000)}*/}}ok`],
  ];
  return cases.map(([name, template, data]) => ({ name: `p-${name}`, template, data: data ?? {} }));
}

function nestList(depth: number): unknown {
  let v: unknown = ['leaf'];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

function nest(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
