/**
 * Go's time.Duration: its String() and time.ParseDuration, ported from $(go env GOROOT)/src/time
 * (Go 1.26), with the byte-string helpers they share with the rest of the time port (gotime.ts).
 * A module of its own so that what needs only durations (duat's `--interval` flags, through
 * src/core/duration.ts) does not load the time zones, layouts and Time values of gotime.ts.
 */

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);

export const NANOSECOND = 1n;
export const MICROSECOND = 1000n;
export const MILLISECOND = 1000000n;
export const SECOND = 1000000000n;
export const MINUTE = 60n * SECOND;
export const HOUR = 60n * MINUTE;

/** A JS string holding one char per byte of the UTF-8 encoding of `s` (Go's view of a string). */
export function toByteString(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function fromByteString(b: string): string {
  return Buffer.from(b, 'latin1').toString('utf8');
}

/** time's own quote (format.go `quote`): \x escapes for every byte of non-ASCII and control runes. */
export function timeQuote(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x22 || c === 0x5c) out += `\\${bytes[i]}`;
    else out += bytes[i];
  }
  return `${out}"`;
}

export function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** time.leadingInt */
export function leadingInt(s: string): [bigint, string] | undefined {
  let i = 0;
  let x = 0n;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (x > (1n << 63n) / 10n) return undefined;
    x = x * 10n + BigInt(c - 48);
    if (x > 1n << 63n) return undefined;
  }
  return [x, s.slice(i)];
}

// ---- Duration -----------------------------------------------------------------------------------

/** time.Duration.String(): "72h3m0.5s", "1.5µs", "0s". */
export function formatGoDuration(d: bigint): string {
  d = BigInt.asIntN(64, d);
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < MICROSECOND) {
      prec = 0;
      unit = 'ns';
    } else if (u < MILLISECOND) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = rest.toString() + frac + unit;
  } else {
    const [frac, rest] = fmtFrac(u, 9);
    u = rest;
    out = `${(u % 60n).toString()}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${(u % 60n).toString()}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u.toString()}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** time.fmtFrac: the fraction of v/10**prec without trailing zeros (and without "." when zero). */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) digits = digit.toString() + digits;
    v /= 10n;
  }
  return [print ? `.${digits}` : '', v];
}

/** time's parseDurationError, thrown by parseGoDuration with Go's message. */
export class GoDurationError extends Error {
  override readonly name = 'GoDurationError';
}

const UNIT_MAP: ReadonlyMap<string, bigint> = new Map([
  ['ns', NANOSECOND],
  ['us', MICROSECOND],
  [toByteString('µs'), MICROSECOND], // U+00B5 micro sign
  [toByteString('μs'), MICROSECOND], // U+03BC Greek mu
  ['ms', MILLISECOND],
  ['s', SECOND],
  ['m', MINUTE],
  ['h', HOUR],
]);

/** time.ParseDuration: "300ms", "-1.5h", "2h45m". Throws GoDurationError with Go's text. */
export function parseGoDuration(text: string): bigint {
  const orig = toByteString(text);
  const invalid = (): never => {
    throw new GoDurationError(`time: invalid duration ${timeQuote(orig)}`);
  };
  let s = orig;
  let d = 0n;
  let neg = false;
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return 0n;
  if (s === '') invalid();
  while (s !== '') {
    let f = 0n;
    let scale = 1;
    if (!(s[0] === '.' || isDigitAt(s, 0))) invalid();
    const pl = s.length;
    const li = leadingInt(s);
    if (!li) return invalid();
    let v = li[0];
    s = li[1];
    const pre = pl !== s.length;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      const pl2 = s.length;
      // time.leadingFraction: stops accumulating precision on overflow.
      let i = 0;
      let overflow = false;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) break;
        if (overflow) continue;
        if (f > ((1n << 63n) - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(c - 48);
        if (y > 1n << 63n) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      s = s.slice(i);
      post = pl2 !== s.length;
    }
    if (!pre && !post) invalid();
    let i = 0;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '.' || isDigitAt(s, i)) break;
    }
    if (i === 0) throw new GoDurationError(`time: missing unit in duration ${timeQuote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNIT_MAP.get(u);
    if (unit === undefined) {
      throw new GoDurationError(`time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`);
    }
    if (v > (1n << 63n) / unit) invalid();
    v *= unit;
    if (f > 0n) {
      // float64 arithmetic, as Go does, to be nanosecond accurate for fractions of hours.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) invalid();
    }
    d += v;
    if (d > 1n << 63n) invalid();
  }
  if (neg) return BigInt.asIntN(64, -d);
  if (d > INT64_MAX) invalid();
  return d;
}

/** Duration.Round */
export function durationRound(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 >= INT64_MIN ? d1 : INT64_MIN;
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 <= INT64_MAX ? d1 : INT64_MAX;
}
