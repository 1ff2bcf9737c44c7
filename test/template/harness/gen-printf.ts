/**
 * Random printf calls for the template generator: formats with flags, widths (including `*` and
 * widths too large for fmt), precisions, argument indexes, every verb (and bad ones), and
 * arguments that usually suit their verb, sometimes not, sometimes too many or too few.
 */
import { ALL_KINDS, type Kind } from './gen-funcs.js';
import { stringLiteral } from './gen-pools.js';
import type { Rng } from './rng.js';

const VERBS: readonly (readonly [number, string])[] = [
  [8, 'v'],
  [4, 'd'],
  [4, 's'],
  [2, 'q'],
  [2, 'x'],
  [1, 'X'],
  [1, 'o'],
  [0.5, 'O'],
  [2, 'f'],
  [1, 'F'],
  [1, 'e'],
  [1, 'E'],
  [2, 'g'],
  [1, 'G'],
  [1, 't'],
  [1, 'c'],
  [1, 'b'],
  [1, 'U'],
  [1, 'T'],
  [1, '%'],
  [0.3, 'z'],
  [0.2, 'w'],
];

/** The kind of argument a verb is meant for. */
const SUITED: Readonly<Record<string, Kind>> = {
  d: 'int',
  x: 'int',
  X: 'int',
  o: 'int',
  O: 'int',
  b: 'int',
  c: 'int',
  U: 'int',
  s: 'str',
  q: 'str',
  f: 'num',
  F: 'num',
  e: 'num',
  E: 'num',
  g: 'num',
  G: 'num',
  t: 'bool',
};

/** One verb with its flags, width and precision; pushes the arguments it consumes. */
function verb(rng: Rng, operand: (kind: Kind) => string, args: string[]): string {
  let spec = '%';
  const flags = rng.weighted([
    [6, 0],
    [3, 1],
    [1, 2],
  ]);
  for (let f = 0; f < flags; f++) spec += rng.pick(['+', '-', '#', ' ', '0']);
  // fmt stops reading a width or precision once it passes 1e6 (99999999999 eats the rest).
  const width = rng.weighted([
    [12, ''],
    [6, String(rng.range(1, 12))],
    [1, '*'],
    [0.3, rng.pick(['99999999999', '100'])],
    [0.3, '40'],
  ]);
  if (width === '*') args.push(rng.chance(0.85) ? String(rng.range(-8, 12)) : operand('any'));
  spec += width;
  const precision = rng.weighted([
    [14, ''],
    [5, `.${rng.range(0, 6)}`],
    [1, '.*'],
    [0.5, '.'],
  ]);
  if (precision === '.*') args.push(String(rng.range(-2, 8)));
  spec += precision;
  if (rng.chance(0.03)) spec += `[${rng.range(0, 3)}]`;
  const v = rng.weighted(VERBS);
  if (v !== '%') args.push(operand(rng.chance(0.6) ? (SUITED[v] ?? 'any') : rng.pick(ALL_KINDS)));
  return spec + v;
}

/** A printf command: `printf FORMAT ARGS...`. */
export function printfCommand(rng: Rng, operand: (kind: Kind) => string): string {
  let format = '';
  const args: string[] = [];
  const verbs = rng.range(1, 4);
  for (let i = 0; i < verbs; i++) {
    if (rng.chance(0.6)) format += rng.pick(['', ' ', '-', ': ', '|', 'x=', '\n']);
    format += verb(rng, operand, args);
  }
  if (rng.chance(0.05)) format += '%';
  if (rng.chance(0.05)) args.push(operand('any'));
  if (args.length > 0 && rng.chance(0.05)) args.pop();
  return [`printf ${stringLiteral(format, rng)}`, ...args].join(' ');
}
