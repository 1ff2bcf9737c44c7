/**
 * Durations as Go writes them ("30s", "5m", "1h30m", "200ms"), for flags such as `--interval`. The
 * syntax and error texts are Go's time.ParseDuration: the template engine already ports it exactly, so
 * this module only converts to and from the milliseconds that Node's timers take.
 */
import { formatGoDuration, GoDurationError, parseGoDuration } from '../template/goduration.js';
import { UsageError } from './errors.js';

const NANOS_PER_MS = 1_000_000n;

/**
 * Milliseconds of a Go duration (fractions of a millisecond kept). `what` names the value in the
 * error, e.g. 'flag --interval'; a bad duration is a usage error with Go's own message.
 */
export function parseDuration(text: string, what = 'duration'): number {
  let nanos: bigint;
  try {
    nanos = parseGoDuration(text.trim());
  } catch (err) {
    if (err instanceof GoDurationError) {
      throw new UsageError(`${what}: ${err.message}`, {
        hint: 'write a number and a unit: 500ms, 30s, 5m, 1h30m',
      });
    }
    throw err;
  }
  return Number(nanos / NANOS_PER_MS) + Number(nanos % NANOS_PER_MS) / 1e6;
}

/** Like parseDuration, and the result must be at least `minMs` (e.g. a poll interval of 0 is refused). */
export function parsePositiveDuration(text: string, what: string, minMs = 1): number {
  const ms = parseDuration(text, what);
  if (ms < minMs) {
    throw new UsageError(`${what} must be at least ${formatDuration(minMs)}, not ${text}`);
  }
  return ms;
}

/** A duration in milliseconds written as Go prints it: 1m30s, 1.5s, 200ms, 0s. */
export function formatDuration(ms: number): string {
  return formatGoDuration(BigInt(Math.round(ms * 1e6)));
}
