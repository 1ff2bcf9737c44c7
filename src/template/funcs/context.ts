/**
 * What sprig-style functions may observe of the world: the clock, randomness and the environment.
 * Production uses the real ones; tests inject fixed ones so output is deterministic.
 */
export interface FuncContext {
  /** Current time in nanoseconds since the Unix epoch (Go's time.Now().UnixNano()). */
  nowNanos(): bigint;
  /** The IANA name of the local time zone, as Go's time.Local ('UTC' when unknown). */
  localZone: string;
  /** A uniformly distributed float in [0, 1) (math/rand's Float64). */
  random(): number;
  /** Cryptographically strong random bytes (crypto/rand). */
  randomBytes(n: number): Uint8Array;
  /** The process environment as os.Getenv sees it. */
  getenv(name: string): string | undefined;
}

import { randomBytes } from 'node:crypto';

/** The real world: system clock, Math.random, crypto random, process.env. */
export function systemContext(): FuncContext {
  let zone: string | undefined;
  return {
    nowNanos: () => BigInt(Date.now()) * 1_000_000n,
    // Asked on first use only: setting up Intl's time zone data costs half of `node -e 0`, and most
    // templates never look at the local zone.
    get localZone(): string {
      zone ??= process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
      return zone;
    },
    random: Math.random,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    getenv: (name) => process.env[name],
  };
}

/**
 * A deterministic world for tests: a fixed clock, a seeded pseudo-random generator (mulberry32) and
 * a given environment.
 */
export function fixedContext(options: {
  nowNanos?: bigint;
  localZone?: string;
  seed?: number;
  env?: Record<string, string>;
}): FuncContext {
  let state = options.seed ?? 1;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const env = options.env ?? {};
  return {
    nowNanos: () => options.nowNanos ?? 1_764_075_600_000_000_000n,
    localZone: options.localZone ?? 'UTC',
    random: next,
    randomBytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
    getenv: (name) => env[name],
  };
}
