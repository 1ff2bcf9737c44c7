/**
 * When to poll next. Polls are spread by a random jitter so that many repositories (and many
 * watchers) do not hit a server in step; a repository that cannot be reached is polled less and less
 * often (exponential backoff, capped) until it answers again.
 */

/** Fraction of the interval by which each poll moves at random, either way. */
export const JITTER = 0.1;

export type Random = () => number;

/** `ms` moved at random by up to ±JITTER of itself. */
export function jittered(ms: number, random: Random = Math.random): number {
  return ms * (1 + JITTER * (2 * random() - 1));
}

/** The wait before poll number `failures + 1` after `failures` failures in a row: base·2^(n-1), capped. */
export function backoffDelay(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: Random = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(jittered(baseMs * 2 ** exponent, random), Math.max(maxMs, baseMs));
}
