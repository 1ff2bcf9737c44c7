/**
 * Deliberate damage to a generated template, so that parse errors (and their line numbers and
 * messages) are compared with Go's too.
 */
import { BAD_NUMBERS } from './gen-pools.js';
import type { Rng } from './rng.js';

/** Action bodies Go rejects at parse time, or accepts and then fails on. */
const BAD_ACTIONS = [
  'nosuchfn 1',
  '$undefinedVar',
  '/* unclosed',
  '#',
  '.s |',
  '| .s',
  '(',
  ')',
  '"unterminated',
  '`raw',
  '.s.',
  ':= 3',
  '$x :=',
  'range',
  'if',
  'with',
  'define',
  'define "x"',
  'template',
  'template .s',
  'else',
  'end',
  'break',
  'continue',
  'nil',
  '.s nil',
  '1 2',
  '"a" "b"',
  'true false',
  'include "x" .',
  'block "b"',
  'printf',
  'index',
  'len',
  '..',
  '$ x',
  '-',
  '@',
  '"\\q"',
  "'\\z'",
  '.l 1',
  '$x = 1',
  'else if',
  'range $i, $j, $k := .l',
  '$.nope.x',
  ' ',
  '',
  ' /* bad */ ',
  '"a" | printf "%s %s" "b"',
];

function actionStarts(text: string, left: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(left); i >= 0; i = text.indexOf(left, i + left.length)) out.push(i);
  return out;
}

/** Applies one kind of damage at a random place. */
export function breakTemplate(text: string, delims: readonly [string, string], rng: Rng): string {
  const [left, right] = delims;
  const at = rng.int(text.length + 1);
  const starts = actionStarts(text, left);
  const boundary = starts.length > 0 && rng.chance(0.7) ? rng.pick(starts) : at;
  return rng.weighted<() => string>([
    [3, () => `${text.slice(0, boundary)}${left}${rng.pick(BAD_ACTIONS)}${right}${text.slice(boundary)}`],
    [
      2,
      () => {
        const i = text.indexOf(right, at) >= 0 ? text.indexOf(right, at) : text.lastIndexOf(right);
        return i < 0 ? text + left : text.slice(0, i) + text.slice(i + right.length);
      },
    ],
    [1, () => text.slice(0, at)],
    [1, () => `${text.slice(0, boundary)}${left}${rng.pick(['end', 'else'])}${right}${text.slice(boundary)}`],
    [
      1,
      () => {
        const numbers = [...text.matchAll(/\b\d+\b/g)];
        if (numbers.length === 0) return `${text}${left}${rng.pick(BAD_NUMBERS)}${right}`;
        const m = rng.pick(numbers);
        const i = m.index;
        return text.slice(0, i) + rng.pick(BAD_NUMBERS) + text.slice(i + m[0].length);
      },
    ],
    [1, () => `${text.slice(0, boundary)}${left}if .t${right}${text.slice(boundary)}`],
    [1, () => `${text.slice(0, boundary)}${left}${text.slice(boundary)}`],
  ])();
}
