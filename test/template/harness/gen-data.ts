/**
 * Random JSON data for generated templates. The key names are fixed (the generator and humans
 * reading a failure can rely on `.s` being a string and `.l` a list); values, list lengths and
 * which keys are present vary.
 */
import {
  BASE64,
  JSON_TEXTS,
  NUMBERS,
  NUMERIC_STRINGS,
  PATHS,
  SEMVERS,
  SEPARATORS,
  STRINGS,
  URLS,
  WORDS,
} from './gen-pools.js';
import type { Rng } from './rng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function list(rng: Rng, max: number, item: () => Json): Json[] {
  return Array.from({ length: rng.range(0, max) }, item);
}

function csv(rng: Rng): string {
  const sep = rng.pick(SEPARATORS.filter((s) => s !== ''));
  return list(rng, 4, () => rng.pick(WORDS)).join(sep);
}

function mixed(rng: Rng): Json {
  return rng.weighted<() => Json>([
    [3, () => rng.pick(STRINGS)],
    [3, () => rng.pick(NUMBERS)],
    [1, () => rng.chance(0.5)],
    [1, () => null],
    [1, () => ({ k: rng.pick(WORDS) })],
    [1, () => list(rng, 2, () => rng.pick(NUMBERS))],
  ])();
}

function user(rng: Rng): Json {
  const u: { [key: string]: Json } = {
    name: rng.pick(WORDS),
    age: rng.pick([31, 25, 0, 40.5]),
    tags: list(rng, 3, () => rng.pick(WORDS)),
  };
  if (rng.chance(0.5)) u.admin = rng.chance(0.5);
  return u;
}

/** Fields and how to make them; each is left out now and then (missing keys are part of the test). */
const FIELDS: Record<string, (rng: Rng) => Json> = {
  s: (rng) => rng.pick(STRINGS),
  s2: (rng) => rng.pick(STRINGS),
  e: () => '',
  w: (rng) => rng.pick(['  Hello World  ', '\tx\n', 'a  b', ' ']),
  u: (rng) => rng.pick(['héllo, 世界', 'ǅungla ß İ', 'Ωmega σς', '😀', 'ﬃ']),
  num: (rng) => rng.pick(NUMERIC_STRINGS),
  ver: (rng) => rng.pick(SEMVERS),
  path: (rng) => rng.pick(PATHS),
  csv,
  url: (rng) => rng.pick(URLS),
  json: (rng) => rng.pick(JSON_TEXTS),
  b64: (rng) => rng.pick(BASE64),
  n: (rng) => rng.pick([42, 0, 1, 7, 100, 255, 1e6, -3]),
  f: (rng) => rng.pick([3.5, 0.1, 2.675, -0.5, 1e-7, 12345.678, 1e21]),
  z: () => 0,
  neg: (rng) => rng.pick([-7, -0.5, -1e21]),
  t: (rng) => rng.chance(0.7),
  fa: (rng) => rng.chance(0.2),
  nil: () => null,
  l: (rng) => list(rng, 5, () => rng.pick(NUMBERS)),
  sl: (rng) => list(rng, 5, () => rng.pick(WORDS)),
  ml: (rng) => list(rng, 5, () => mixed(rng)),
  el: () => [],
  ll: (rng) => list(rng, 3, () => list(rng, 3, () => rng.pick(NUMBERS))),
  m: (rng) => ({
    a: rng.pick(NUMBERS),
    b: rng.pick(WORDS),
    c: { d: rng.pick(WORDS), e: rng.pick(NUMBERS) },
    l: list(rng, 3, () => rng.pick(NUMBERS)),
  }),
  em: () => ({}),
  labels: (rng) => {
    const out: { [key: string]: Json } = {};
    for (const k of ['app', 'tier', 'env', 'team', 'version']) if (rng.chance(0.6)) out[k] = rng.pick(WORDS);
    return out;
  },
  users: (rng) => list(rng, 4, () => user(rng)),
  odd: (rng) => ({
    'a-b': 1,
    '1x': 2,
    'with space': 3,
    '': 4,
    é: rng.pick(WORDS),
    _u: 6,
    A: 7,
    '10': 8,
    '9': 9,
  }),
};

/** A data object for one case. */
export function generateData(rng: Rng): { [key: string]: Json } {
  const data: { [key: string]: Json } = {};
  for (const [key, make] of Object.entries(FIELDS)) {
    if (rng.chance(0.93)) data[key] = make(rng);
  }
  return data;
}

/** Key names the generator may use even when absent from the data. */
export const FIELD_NAMES: readonly string[] = Object.keys(FIELDS);
