/**
 * sprig v3.3.0's random functions, drawing from the injectable FuncContext (so tests are
 * deterministic): randAlphaNum, randAlpha, randAscii, randNumeric (goutils.CryptoRandom* over
 * crypto/rand: ctx.randomBytes), randInt and shuffle (math/rand: ctx.random), uuidv4 (google/uuid's
 * New: 16 crypto random bytes with the version 4 and RFC 4122 variant bits).
 */
import { defineFunc, type GoFunc, type GoInt, goInt, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { isDigit, isLetter } from './text/unicode.js';
import { shuffle } from './text/xstrings.js';

/** A uniform integer in [0, n) from crypto random bytes (crypto/rand.Int). */
export function cryptoInt(ctx: FuncContext, n: number): number {
  if (n <= 1) return 0;
  const bits = Math.ceil(Math.log2(n));
  const bytes = Math.ceil(bits / 8);
  const mask = 2 ** bits - 1;
  for (;;) {
    let x = 0;
    for (const b of ctx.randomBytes(bytes)) x = x * 256 + b;
    x %= mask + 1;
    if (x < n) return x;
  }
}

/**
 * goutils.CryptoRandom(count, start, end, letters, numbers) for the ASCII ranges sprig uses; a
 * negative count is an error that sprig drops (the result is "").
 */
function cryptoRandom(
  ctx: FuncContext,
  count: number,
  start0: number,
  end0: number,
  letters: boolean,
  numbers: boolean,
): string {
  if (count <= 0) return '';
  let start = start0;
  let end = end0;
  if (start === 0 && end === 0) {
    if (!letters && !numbers) {
      end = 0x7fffffff;
    } else {
      end = 0x7a + 1;
      start = 0x20;
    }
  }
  const gap = end - start;
  const out: string[] = [];
  while (out.length < count) {
    const ch = cryptoInt(ctx, gap) + start;
    if ((letters && isLetter(ch)) || (numbers && isDigit(ch)) || (!letters && !numbers)) {
      out.push(String.fromCodePoint(ch));
    }
  }
  return out.join('');
}

/** math/rand.Intn: panics unless n > 0. */
function intn(ctx: FuncContext, n: number): number {
  if (n <= 0) throw new Error('invalid argument to Intn');
  return Math.floor(ctx.random() * n);
}

/** uuid.New().String(). */
export function uuidv4(ctx: FuncContext): string {
  const b = ctx.randomBytes(16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function randomFuncs(ctx: FuncContext): Record<string, GoFunc> {
  const count = (v: Value): number => Number((v as GoInt).value);
  const sig = { params: ['int'], result: 'string' };
  return {
    randAlphaNum: defineFunc('randAlphaNum', sig, (n) => cryptoRandom(ctx, count(n), 0, 0, true, true)),
    randAlpha: defineFunc('randAlpha', sig, (n) => cryptoRandom(ctx, count(n), 0, 0, true, false)),
    randAscii: defineFunc('randAscii', sig, (n) => cryptoRandom(ctx, count(n), 32, 127, false, false)),
    randNumeric: defineFunc('randNumeric', sig, (n) => cryptoRandom(ctx, count(n), 0, 0, false, true)),
    // "randInt": func(min, max int) int { return rand.Intn(max-min) + min }
    randInt: defineFunc('randInt', { params: ['int', 'int'], result: 'int' }, (min, max) => {
      const lo = (min as GoInt).value;
      const n = BigInt.asIntN(64, (max as GoInt).value - lo);
      if (n <= 0n) throw new Error('invalid argument to Intn');
      const r =
        n > BigInt(Number.MAX_SAFE_INTEGER)
          ? BigInt(Math.floor(ctx.random() * Number(n))) % n
          : BigInt(intn(ctx, Number(n)));
      return goInt(r + lo, 'int');
    }),
    shuffle: defineFunc('shuffle', { params: ['string'], result: 'string' }, (s) =>
      shuffle(s as string, (n) => intn(ctx, n)),
    ),
    uuidv4: defineFunc('uuidv4', { params: [], result: 'string' }, () => uuidv4(ctx)),
  };
}
