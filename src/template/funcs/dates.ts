/**
 * sprig v3.3.0's date functions (date.go), over the Go time port in ../gotime.ts.
 *
 * "Local" is the FuncContext's local zone (Go's time.Local); `now` is time.Now() from the context
 * clock, with a monotonic reading counted from the moment this function map was made (see
 * gotime.ts), so `{{ now }}` prints Go's ` m=+...` suffix.
 */
import {
  durationRound,
  formatGoDuration,
  formatTime,
  GoTime,
  goNow,
  goUnix,
  HOUR,
  type Location,
  loadLocation,
  localLocation,
  MINUTE,
  parseGoDuration,
  parseInLocation,
  SECOND,
  timeAdd,
  timeIn,
  timeSub,
  UTC,
  zeroTime,
} from '../gotime.js';
import { defineFunc, FuncError, type GoFunc, GoInt, GoNil, type Value } from '../value.js';
import type { FuncContext } from './context.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function dateFuncs(ctx: FuncContext): Record<string, GoFunc> {
  // Looked up on the first date call: the local zone costs Intl's time zone set-up (~20 ms), and
  // most templates call no date function.
  let localZone: Location | undefined;
  const local = (): Location => {
    localZone ??= localLocation(ctx.localZone);
    return localZone;
  };
  // Go's monotonic clock starts at 1ns (time.startNano = runtimeNano() - 1).
  const start = ctx.nowNanos();
  const now = (): GoTime => {
    const n = ctx.nowNanos();
    return goNow(n, n - start + 1n, local());
  };

  /** The time a sprig date argument stands for (dateInZone's type switch). */
  const dateArg = (date: Value): GoTime => {
    if (date instanceof GoTime) return date;
    if (date instanceof GoNil && date.type === '*time.Time') {
      throw new Error('runtime error: invalid memory address or nil pointer dereference');
    }
    if (date instanceof GoInt && (date.type === 'int64' || date.type === 'int' || date.type === 'int32')) {
      return goUnix(date.value, 0n, local());
    }
    return now();
  };

  /** sprig dateInZone: a failed time.LoadLocation falls back to UTC. */
  const dateInZone = (layout: string, date: Value, zone: string): string =>
    formatTime(timeIn(dateArg(date), loadLocation(zone, local()) ?? UTC), layout);

  /** sprig dateAgo: time.Since(t).Round(time.Second).String(); only time.Time, int64 and int. */
  const ago = (date: Value): string => {
    let t: GoTime;
    if (date instanceof GoTime && date.type === 'time.Time') t = date;
    else if (date instanceof GoInt && (date.type === 'int64' || date.type === 'int'))
      t = goUnix(date.value, 0n, local());
    else t = now();
    return formatGoDuration(durationRound(timeSub(now(), t), SECOND));
  };

  /** sprig duration: seconds (string parsed with strconv.ParseInt, or int64) as a Duration string. */
  const duration = (sec: Value): string => {
    let n = 0n;
    if (typeof sec === 'string') n = parseInt64(sec);
    else if (sec instanceof GoInt && sec.type === 'int64') n = sec.value;
    return formatGoDuration(BigInt.asIntN(64, n * SECOND));
  };

  /** sprig durationRound: the largest whole unit of a duration (y, mo, d, h, m, s). */
  const roundDuration = (value: Value): string => {
    let d = 0n;
    if (typeof value === 'string') {
      try {
        d = parseGoDuration(value);
      } catch {
        d = 0n;
      }
    } else if (value instanceof GoInt && value.type === 'int64') {
      d = value.value;
    } else if (value instanceof GoTime && value.type === 'time.Time') {
      d = timeSub(now(), value);
    }
    const u = d < 0n ? BigInt.asUintN(64, -d) : d;
    const units: [bigint, string][] = [
      [HOUR * 24n * 365n, 'y'],
      [HOUR * 24n * 30n, 'mo'],
      [HOUR * 24n, 'd'],
      [HOUR, 'h'],
      [MINUTE, 'm'],
      [SECOND, 's'],
    ];
    for (const [unit, suffix] of units) if (u > unit) return (u / unit).toString() + suffix;
    return '0s';
  };

  const dateModify = (name: string): GoFunc =>
    defineFunc(name, { params: ['string', 'time.Time'], result: 'time.Time' }, (fmt, date) => {
      try {
        return timeAdd(date as GoTime, parseGoDuration(fmt as string));
      } catch {
        return date as GoTime;
      }
    });

  const mustDateModify = (name: string): GoFunc =>
    defineFunc(name, { params: ['string', 'time.Time'], result: 'time.Time', error: true }, (fmt, date) => {
      let d: bigint;
      try {
        d = parseGoDuration(fmt as string);
      } catch (e) {
        throw new FuncError((e as Error).message);
      }
      return timeAdd(date as GoTime, d);
    });

  const inZone = (name: string): GoFunc =>
    defineFunc(name, { params: ['string', 'interface {}', 'string'], result: 'string' }, (fmt, date, zone) =>
      dateInZone(fmt as string, date, zone as string),
    );

  return {
    ago: defineFunc('ago', { params: ['interface {}'], result: 'string' }, (d) => ago(d)),
    date: defineFunc('date', { params: ['string', 'interface {}'], result: 'string' }, (fmt, d) =>
      dateInZone(fmt as string, d, 'Local'),
    ),
    date_in_zone: inZone('date_in_zone'),
    date_modify: dateModify('date_modify'),
    dateInZone: inZone('dateInZone'),
    dateModify: dateModify('dateModify'),
    duration: defineFunc('duration', { params: ['interface {}'], result: 'string' }, (s) => duration(s)),
    durationRound: defineFunc('durationRound', { params: ['interface {}'], result: 'string' }, (d) =>
      roundDuration(d),
    ),
    htmlDate: defineFunc('htmlDate', { params: ['interface {}'], result: 'string' }, (d) =>
      dateInZone('2006-01-02', d, 'Local'),
    ),
    htmlDateInZone: defineFunc(
      'htmlDateInZone',
      { params: ['interface {}', 'string'], result: 'string' },
      (d, zone) => dateInZone('2006-01-02', d, zone as string),
    ),
    must_date_modify: mustDateModify('must_date_modify'),
    mustDateModify: mustDateModify('mustDateModify'),
    mustToDate: defineFunc(
      'mustToDate',
      { params: ['string', 'string'], result: 'time.Time', error: true },
      (fmt, str) => {
        try {
          return parseInLocation(fmt as string, str as string, local(), local());
        } catch (e) {
          throw new FuncError((e as Error).message);
        }
      },
    ),
    now: defineFunc('now', { params: [], result: 'time.Time' }, () => now()),
    toDate: defineFunc('toDate', { params: ['string', 'string'], result: 'time.Time' }, (fmt, str) => {
      try {
        return parseInLocation(fmt as string, str as string, local(), local());
      } catch {
        return zeroTime(local());
      }
    }),
    unixEpoch: defineFunc('unixEpoch', { params: ['time.Time'], result: 'string' }, (date) =>
      (date as GoTime).sec.toString(),
    ),
  };
}

/** strconv.ParseInt(s, 10, 64) as sprig's duration uses it: 0 on syntax errors, clamped on range errors. */
function parseInt64(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0n;
  const n = BigInt(s);
  return n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n;
}
