/**
 * Byte-level and token-level mutations of templates, for the robustness fuzzer: the results are
 * mostly invalid, and the engine must reject them with a TemplateError (or render them), never
 * crash or hang.
 */
import type { Rng } from './rng.js';

const ALPHABET = [
  ...'{}()|$."`\'-:=/*\\ \n\t,[]!@#%^&+~<>;?',
  ...'0123456789',
  ...'abcxyzEIT_',
  'é',
  '世',
  '😀',
  '\u0000',
  '\ufffd',
  '\u00a0',
  '\r',
];

const KEYWORDS = [
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  'nil',
  'true',
  '$',
  '.',
  '(',
  ')',
  '|',
  ':=',
  '=',
  ',',
  '{{',
  '}}',
  '{{-',
  '-}}',
  '{{/*',
  '*/}}',
  '"',
  '`',
  "'",
  '0x',
  '1e9',
  '-',
  'printf',
  'index',
  'len',
  '.a.b.c',
  '$x',
];

/** Rough tokens: delimiters with trim markers, words, numbers, strings, punctuation, spaces. */
export function tokenize(text: string): string[] {
  return text.match(/\{\{-?|-?\}\}|"(?:[^"\\]|\\.)*"|`[^`]*`|[\p{L}\p{N}_.$]+|\s+|./gsu) ?? [];
}

function byteMutation(text: string, rng: Rng): string {
  const at = rng.int(text.length + 1);
  const len = rng.range(1, 8);
  return rng.weighted<() => string>([
    [3, () => text.slice(0, at) + text.slice(at + len)],
    [3, () => text.slice(0, at) + rng.pick(ALPHABET) + text.slice(at)],
    [2, () => text.slice(0, at) + text.slice(at, at + len).repeat(rng.range(2, 5)) + text.slice(at)],
    [2, () => text.slice(0, at) + rng.pick(ALPHABET) + text.slice(at + 1)],
    [1, () => text.slice(0, at)],
    [
      1,
      () => {
        const other = rng.int(text.length + 1);
        const [a, b] = at < other ? [at, other] : [other, at];
        return (
          text.slice(0, a) +
          text.slice(b, b + len) +
          text.slice(a + len, b) +
          text.slice(a, a + len) +
          text.slice(b + len)
        );
      },
    ],
  ])();
}

function tokenMutation(text: string, rng: Rng): string {
  const tokens = tokenize(text);
  if (tokens.length === 0) return rng.pick(KEYWORDS);
  const i = rng.int(tokens.length);
  const pickToken = (): string => (rng.chance(0.5) ? rng.pick(tokens) : rng.pick(KEYWORDS));
  rng.weighted<() => void>([
    [3, () => tokens.splice(i, 1)],
    [3, () => tokens.splice(i, 0, pickToken())],
    [2, () => tokens.splice(i, 1, pickToken())],
    [1, () => tokens.splice(i, 0, ...tokens.slice(i, i + rng.range(1, 6)))],
    [
      1,
      () => {
        const j = rng.int(tokens.length);
        const a = tokens[i] ?? '';
        tokens[i] = tokens[j] ?? '';
        tokens[j] = a;
      },
    ],
  ])();
  return tokens.join('');
}

/** One to four random mutations, byte- or token-level. */
export function mutateTemplate(text: string, rng: Rng): string {
  let out = text;
  const n = rng.range(1, 4);
  for (let k = 0; k < n; k++) out = rng.chance(0.5) ? byteMutation(out, rng) : tokenMutation(out, rng);
  return out;
}
