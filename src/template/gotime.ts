/**
 * Go's time package for the template engine: time.Time, time.Location, time.Duration, time.Month and
 * time.Weekday, ported from $(go env GOROOT)/src/time (Go 1.26).
 *
 * - A time.Time is a `GoTime` (a GoObject of type 'time.Time'): Unix seconds (bigint) + nanoseconds
 *   + a Location, and optionally a monotonic clock reading as `time.Now()` attaches one.
 * - Locations are loaded like Go's `time.LoadLocation` does on Unix: TZif files from $ZONEINFO or
 *   /usr/share/zoneinfo (same transitions, abbreviations and POSIX TZ rules as Go, so "MST"
 *   prints "CET", "EST", "+03"... exactly as Go does). When no tz database file exists (Windows),
 *   the zone is resolved with Intl instead (offsets exact, abbreviations best effort).
 * - `formatTime` is Time.Format (every layout element of time/format.go), `parseInLocation` is
 *   time.ParseInLocation with Go's ParseError texts, `formatGoDuration`/`parseGoDuration` are
 *   Duration.String and time.ParseDuration.
 *
 * Go strings are bytes: parsing works on UTF-8 byte strings so slicing and error quoting match Go.
 *
 * Monotonic clock: `time.Now()` in Go carries a monotonic reading, and String() prints it as
 * ` m=+0.001234567` (seconds since process start). `goNow` reproduces that: the template `now`
 * function passes a reading derived from the FuncContext clock (elapsed time since the function
 * map was created, plus Go's 1ns start offset), so `{{ now }}` has Go's shape, and a fixed test clock
 * always prints ` m=+0.000000001`. As in Go, UTC, Local, In, Round, Truncate and AddDate drop the
 * reading and Add shifts it.
 */
import { readFileSync } from 'node:fs';
import {
  durationRound,
  formatGoDuration,
  fromByteString,
  GoDurationError,
  HOUR,
  INT64_MAX,
  INT64_MIN,
  isDigitAt,
  leadingInt,
  MICROSECOND,
  MILLISECOND,
  MINUTE,
  NANOSECOND,
  parseGoDuration,
  SECOND,
  timeQuote,
  toByteString,
} from './goduration.js';
import {
  defineFunc,
  FuncError,
  type GoFunc,
  GoInt,
  GoObject,
  goInt,
  kindOfType,
  type Value,
} from './value.js';

export {
  durationRound,
  formatGoDuration,
  fromByteString,
  GoDurationError,
  HOUR,
  MICROSECOND,
  MILLISECOND,
  MINUTE,
  NANOSECOND,
  parseGoDuration,
  SECOND,
  toByteString,
};

// ---- constants (time/time.go) -------------------------------------------------------------------

const SECONDS_PER_DAY = 86400;
/** Seconds from Jan 1 year 1 to the Unix epoch (time.unixToInternal). */
const UNIX_TO_INTERNAL = 62135596800n;
/** Seconds from Jan 1 year 1 to Jan 1 1885, the first second a monotonic Time can hold (wallToInternal). */
const MIN_WALL = 59453308800n;
const MAX_WALL = MIN_WALL + (1n << 33n) - 1n;

const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const SHORT_MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const LONG_MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// ---- Go byte strings ----------------------------------------------------------------------------

// ---- integer helpers ----------------------------------------------------------------------------

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

function bigFloorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function bigFloorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** time.norm: hi*base + lo == nhi*base + nlo with 0 <= nlo < base. */
function norm(hi: number, lo: number, base: number): [number, number] {
  if (lo < 0) {
    const n = Math.floor((-lo - 1) / base) + 1;
    hi -= n;
    lo += n * base;
  }
  if (lo >= base) {
    const n = Math.floor(lo / base);
    hi += n;
    lo -= n * base;
  }
  return [hi, lo];
}

// ---- calendar (proleptic Gregorian, astronomical years, as time.absDays) ------------------------

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days from 1970-01-01 to year-month-day; day may be out of range (it is added linearly). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** time.daysBefore: days in a non-leap year before month m (1-based); daysBefore(13) = 365. */
function daysBefore(m: number): number {
  return DAYS_BEFORE[m - 1] ?? 0;
}

/** time.daysIn */
export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return 30 + ((month + Math.floor(month / 8)) & 1);
}

// ---- Locations ----------------------------------------------------------------------------------

interface Zone {
  readonly name: string;
  readonly offset: number;
  readonly isDST: boolean;
}

interface ZoneTrans {
  readonly when: number;
  readonly index: number;
}

export interface ZoneLookup {
  name: string;
  offset: number;
  start: number;
  end: number;
  isDST: boolean;
}

const ALPHA = Number.NEGATIVE_INFINITY;
const OMEGA = Number.POSITIVE_INFINITY;

/**
 * A time.Location: a name, the zones it uses and its transitions (zoneinfo.go). `intlZone` marks a
 * location resolved with Intl because no tz database file was found.
 */
export class Location {
  constructor(
    readonly name: string,
    readonly zones: readonly Zone[],
    readonly tx: readonly ZoneTrans[],
    readonly extend: string = '',
    readonly intlZone?: string,
  ) {}

  /** Location.lookup: the zone in effect at Unix second `sec`. */
  lookup(sec: number): ZoneLookup {
    if (this.intlZone !== undefined) return intlLookup(this.intlZone, sec);
    if (this.zones.length === 0) return { name: 'UTC', offset: 0, start: ALPHA, end: OMEGA, isDST: false };
    const first = this.tx[0];
    if (first === undefined || sec < first.when) {
      const zone = this.zones[this.lookupFirstZone()] as Zone;
      return {
        name: zone.name,
        offset: zone.offset,
        start: ALPHA,
        end: first ? first.when : OMEGA,
        isDST: zone.isDST,
      };
    }
    let end = OMEGA;
    let lo = 0;
    let hi = this.tx.length;
    while (hi - lo > 1) {
      const m = (lo + hi) >>> 1;
      const lim = (this.tx[m] as ZoneTrans).when;
      if (sec < lim) {
        end = lim;
        hi = m;
      } else {
        lo = m;
      }
    }
    const tx = this.tx[lo] as ZoneTrans;
    const zone = this.zones[tx.index] as Zone;
    if (lo === this.tx.length - 1 && this.extend !== '') {
      const r = tzset(this.extend, tx.when, sec);
      if (r) return r;
    }
    return { name: zone.name, offset: zone.offset, start: tx.when, end, isDST: zone.isDST };
  }

  private lookupFirstZone(): number {
    if (!this.tx.some((t) => t.index === 0)) return 0;
    const first = this.tx[0];
    if (first && (this.zones[first.index] as Zone).isDST) {
      for (let zi = first.index - 1; zi >= 0; zi--) if (!(this.zones[zi] as Zone).isDST) return zi;
    }
    for (let zi = 0; zi < this.zones.length; zi++) if (!(this.zones[zi] as Zone).isDST) return zi;
    return 0;
  }

  /** Location.lookupName: the offset of the zone abbreviated `name` around pseudo-Unix time `unix`. */
  lookupName(name: string, unix: number): number | undefined {
    if (this.intlZone !== undefined) {
      const z = intlLookup(this.intlZone, unix);
      return z.name === name ? z.offset : undefined;
    }
    for (const zone of this.zones) {
      if (zone.name === name) {
        const z = this.lookup(unix - zone.offset);
        if (z.name === zone.name) return z.offset;
      }
    }
    for (const zone of this.zones) if (zone.name === name) return zone.offset;
    return undefined;
  }

  /** Location with another name (Go renames the local zone "Local"). */
  withName(name: string): Location {
    return new Location(name, this.zones, this.tx, this.extend, this.intlZone);
  }
}

/** time.UTC */
export const UTC = new Location('UTC', [], []);

/** time.FixedZone */
export function fixedZone(name: string, offset: number): Location {
  return new Location(name, [{ name, offset, isDST: false }], [{ when: ALPHA, index: 0 }]);
}

// POSIX TZ rules (zoneinfo.go tzset) for times after the last transition of a TZif file.

interface Rule {
  kind: 'julian' | 'doy' | 'mwd';
  day: number;
  week: number;
  mon: number;
  time: number;
}

function tzset(s: string, lastTxSec: number, sec: number): ZoneLookup | undefined {
  let r = tzsetName(s);
  if (!r) return undefined;
  let stdName = r[0];
  s = r[1];
  let o = tzsetOffset(s);
  if (!o) return undefined;
  let stdOffset = -o[0];
  s = o[1];
  if (s.length === 0 || s[0] === ',')
    return { name: stdName, offset: stdOffset, start: lastTxSec, end: OMEGA, isDST: false };
  r = tzsetName(s);
  if (!r) return undefined;
  let dstName = r[0];
  s = r[1];
  let dstOffset: number;
  if (s.length === 0 || s[0] === ',') {
    dstOffset = stdOffset + 3600;
  } else {
    o = tzsetOffset(s);
    if (!o) return undefined;
    dstOffset = -o[0];
    s = o[1];
  }
  if (s.length === 0) s = ',M3.2.0,M11.1.0';
  if (s[0] !== ',' && s[0] !== ';') return undefined;
  s = s.slice(1);
  const sr = tzsetRule(s);
  if (!sr || sr[1].length === 0 || sr[1][0] !== ',') return undefined;
  const er = tzsetRule(sr[1].slice(1));
  if (!er || er[1].length > 0) return undefined;
  const days = floorDiv(sec, SECONDS_PER_DAY);
  const { year } = civilFromDays(days);
  const yday = days - daysFromCivil(year, 1, 1) + 1;
  // Go's % truncates toward zero.
  const ysec = (yday - 1) * SECONDS_PER_DAY + (sec % SECONDS_PER_DAY);
  const ystart = sec - ysec;
  let startSec = tzruleTime(year, sr[0], stdOffset);
  let endSec = tzruleTime(year, er[0], dstOffset);
  let dstIsDST = true;
  let stdIsDST = false;
  if (endSec < startSec) {
    [startSec, endSec] = [endSec, startSec];
    [stdName, dstName] = [dstName, stdName];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
    [stdIsDST, dstIsDST] = [dstIsDST, stdIsDST];
  }
  if (ysec < startSec)
    return { name: stdName, offset: stdOffset, start: ystart, end: startSec + ystart, isDST: stdIsDST };
  if (ysec >= endSec) {
    return {
      name: stdName,
      offset: stdOffset,
      start: endSec + ystart,
      end: ystart + 365 * SECONDS_PER_DAY,
      isDST: stdIsDST,
    };
  }
  return {
    name: dstName,
    offset: dstOffset,
    start: startSec + ystart,
    end: endSec + ystart,
    isDST: dstIsDST,
  };
}

function tzsetName(s: string): [string, string] | undefined {
  if (s.length === 0) return undefined;
  if (s[0] !== '<') {
    for (let i = 0; i < s.length; i++) {
      if ('0123456789,-+'.includes(s[i] as string)) return i < 3 ? undefined : [s.slice(0, i), s.slice(i)];
    }
    return s.length < 3 ? undefined : [s, ''];
  }
  const end = s.indexOf('>');
  return end < 0 ? undefined : [s.slice(1, end), s.slice(end + 1)];
}

function tzsetOffset(s: string): [number, string] | undefined {
  if (s.length === 0) return undefined;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    s = s.slice(1);
    neg = true;
  }
  let n = tzsetNum(s, 0, 24 * 7);
  if (!n) return undefined;
  let off = n[0] * 3600;
  s = n[1];
  if (s.length > 0 && s[0] === ':') {
    n = tzsetNum(s.slice(1), 0, 59);
    if (!n) return undefined;
    off += n[0] * 60;
    s = n[1];
    if (s.length > 0 && s[0] === ':') {
      n = tzsetNum(s.slice(1), 0, 59);
      if (!n) return undefined;
      off += n[0];
      s = n[1];
    }
  }
  return [neg ? -off : off, s];
}

function tzsetRule(s: string): [Rule, string] | undefined {
  const r: Rule = { kind: 'doy', day: 0, week: 0, mon: 0, time: 0 };
  if (s.length === 0) return undefined;
  if (s[0] === 'J') {
    const n = tzsetNum(s.slice(1), 1, 365);
    if (!n) return undefined;
    r.kind = 'julian';
    r.day = n[0];
    s = n[1];
  } else if (s[0] === 'M') {
    const m = tzsetNum(s.slice(1), 1, 12);
    if (m?.[1][0] !== '.') return undefined;
    const w = tzsetNum(m[1].slice(1), 1, 5);
    if (w?.[1][0] !== '.') return undefined;
    const d = tzsetNum(w[1].slice(1), 0, 6);
    if (!d) return undefined;
    Object.assign(r, { kind: 'mwd', mon: m[0], week: w[0], day: d[0] });
    s = d[1];
  } else {
    const n = tzsetNum(s, 0, 365);
    if (!n) return undefined;
    r.day = n[0];
    s = n[1];
  }
  if (s.length === 0 || s[0] !== '/') {
    r.time = 2 * 3600;
    return [r, s];
  }
  const o = tzsetOffset(s.slice(1));
  if (!o) return undefined;
  r.time = o[0];
  return [r, o[1]];
}

function tzsetNum(s: string, min: number, max: number): [number, string] | undefined {
  if (s.length === 0) return undefined;
  let num = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      if (i === 0 || num < min) return undefined;
      return [num, s.slice(i)];
    }
    num = num * 10 + c - 48;
    if (num > max) return undefined;
  }
  return num < min ? undefined : [num, ''];
}

function tzruleTime(year: number, r: Rule, off: number): number {
  let s = 0;
  if (r.kind === 'julian') {
    s = (r.day - 1) * SECONDS_PER_DAY;
    if (isLeap(year) && r.day >= 60) s += SECONDS_PER_DAY;
  } else if (r.kind === 'doy') {
    s = r.day * SECONDS_PER_DAY;
  } else {
    // Zeller's congruence, as Go computes it (Go's % truncates toward zero).
    const m1 = ((r.mon + 9) % 12) + 1;
    let yy0 = year;
    if (r.mon <= 2) yy0--;
    const yy1 = Math.trunc(yy0 / 100);
    const yy2 = yy0 % 100;
    let dow =
      (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
    if (dow < 0) dow += 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    for (let i = 1; i < r.week; i++) {
      if (d + 7 >= daysIn(r.mon, year)) break;
      d += 7;
    }
    d += daysBefore(r.mon);
    if (isLeap(year) && r.mon > 2) d++;
    s = d * SECONDS_PER_DAY;
  }
  return s + r.time - off;
}

// TZif reading (zoneinfo_read.go LoadLocationFromTZData).

function loadFromTZData(name: string, data: Uint8Array): Location | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  const need = (n: number): boolean => p + n <= data.length;
  if (!need(4) || String.fromCharCode(...data.subarray(0, 4)) !== 'TZif') return undefined;
  p = 4;
  if (!need(16)) return undefined;
  const v = data[p];
  const version = v === 0 ? 1 : v === 0x32 ? 2 : v === 0x33 ? 3 : 0;
  if (version === 0) return undefined;
  p += 16;
  const readCounts = (): number[] | undefined => {
    if (!need(24)) return undefined;
    const n: number[] = [];
    for (let i = 0; i < 6; i++) n.push(view.getUint32(p + i * 4));
    p += 24;
    return n;
  };
  let n = readCounts();
  if (!n) return undefined;
  const [NUTCLocal, NStdWall, NLeap, NTime, NZone, NChar] = [0, 1, 2, 3, 4, 5];
  let is64 = false;
  if (version > 1) {
    p +=
      (n[NTime] as number) * 5 + (n[NZone] as number) * 6 + (n[NChar] as number) + (n[NLeap] as number) * 8;
    p += (n[NStdWall] as number) + (n[NUTCLocal] as number) + 20;
    is64 = true;
    n = readCounts();
    if (!n) return undefined;
  }
  const size = is64 ? 8 : 4;
  const nTime = n[NTime] as number;
  const nZone = n[NZone] as number;
  const nChar = n[NChar] as number;
  const txStart = p;
  const txZonesStart = txStart + nTime * size;
  const zoneStart = txZonesStart + nTime;
  const abbrevStart = zoneStart + nZone * 6;
  const restStart =
    abbrevStart +
    nChar +
    (n[NLeap] as number) * (size + 4) +
    (n[NStdWall] as number) +
    (n[NUTCLocal] as number);
  if (restStart > data.length) return undefined;
  const rest = data.subarray(restStart);
  let extend = '';
  if (rest.length > 2 && rest[0] === 0x0a && rest[rest.length - 1] === 0x0a) {
    extend = Buffer.from(rest.subarray(1, rest.length - 1)).toString('latin1');
  }
  if (nZone === 0) return undefined;
  const abbrev = data.subarray(abbrevStart, abbrevStart + nChar);
  const zones: Zone[] = [];
  for (let i = 0; i < nZone; i++) {
    const q = zoneStart + i * 6;
    const offset = view.getInt32(q);
    const isDST = data[q + 4] !== 0;
    const ni = data[q + 5] as number;
    if (ni >= abbrev.length) return undefined;
    let end = abbrev.indexOf(0, ni);
    if (end < 0) end = abbrev.length;
    zones.push({ name: Buffer.from(abbrev.subarray(ni, end)).toString('latin1'), offset, isDST });
  }
  const tx: ZoneTrans[] = [];
  for (let i = 0; i < nTime; i++) {
    const when = is64 ? Number(view.getBigInt64(txStart + i * 8)) : view.getInt32(txStart + i * 4);
    const index = data[txZonesStart + i] as number;
    if (index >= zones.length) return undefined;
    tx.push({ when, index });
  }
  if (tx.length === 0) tx.push({ when: ALPHA, index: 0 });
  return new Location(name, zones, tx, extend);
}

const PLATFORM_ZONE_SOURCES = [
  '/usr/share/zoneinfo/',
  '/usr/share/lib/zoneinfo/',
  '/usr/lib/locale/TZ/',
  '/etc/zoneinfo',
];

function readZoneFile(dir: string, name: string): Uint8Array | undefined {
  const path = dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

// Intl fallback for systems without a tz database.

const intlFormatters = new Map<string, Intl.DateTimeFormat>();

function intlSupports(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function intlLookup(zone: string, sec: number): ZoneLookup {
  let fmt = intlFormatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
      timeZoneName: 'short',
    });
    intlFormatters.set(zone, fmt);
  }
  const ms = Math.max(-8.64e15, Math.min(8.64e15, sec * 1000));
  const parts = fmt.formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((x) => x.type === type)?.value ?? '0';
  let year = Number(get('year'));
  if (get('era') === 'BC' || get('era') === 'B') year = 1 - year;
  const local =
    daysFromCivil(year, Number(get('month')), Number(get('day'))) * SECONDS_PER_DAY +
    Number(get('hour')) * 3600 +
    Number(get('minute')) * 60 +
    Number(get('second'));
  const offset = local - Math.floor(ms / 1000);
  let name = get('timeZoneName');
  if (!/^[A-Z]{3,5}$/.test(name)) {
    const m = Math.abs(offset) / 60;
    const hh = String(Math.floor(m / 60)).padStart(2, '0');
    name = (offset < 0 ? '-' : '+') + hh + (m % 60 ? String(m % 60).padStart(2, '0') : '');
  }
  // Bounds are unknown: report a one-second span so Date() always re-checks the offset.
  return { name, offset, start: sec, end: sec + 1, isDST: false };
}

const locationCache = new Map<string, Location | null>();

/**
 * time.LoadLocation. Returns undefined where Go returns an error (unknown zone, names with "..",
 * absolute paths). "" and "UTC" give UTC; "Local" gives `local`.
 */
export function loadLocation(name: string, local: Location = defaultLocal()): Location | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return local;
  if (name.includes('..') || name[0] === '/' || name[0] === '\\') return undefined;
  const cached = locationCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  let loc: Location | undefined;
  const zoneinfo = process.env.ZONEINFO;
  const sources = zoneinfo ? [zoneinfo, ...PLATFORM_ZONE_SOURCES] : PLATFORM_ZONE_SOURCES;
  let sawDatabase = false;
  for (const dir of sources) {
    const data = readZoneFile(dir, name);
    if (data) {
      loc = loadFromTZData(name, data);
      if (loc) break;
    }
    if (!sawDatabase) sawDatabase = readZoneFile(dir, 'UTC') !== undefined;
  }
  if (!loc && !sawDatabase && intlSupports(name)) loc = new Location(name, [], [], '', name);
  locationCache.set(name, loc ?? null);
  return loc;
}

const localCache = new Map<string, Location>();

/**
 * Go's time.Local for a process whose local zone is the IANA name `zone` (Go reads $TZ or
 * /etc/localtime; an unknown zone falls back to UTC, as initLocal does). The location is named
 * "Local", as in Go.
 */
export function localLocation(zone: string): Location {
  let loc = localCache.get(zone);
  if (!loc) {
    const loaded = zone === '' || zone === 'UTC' ? undefined : loadLocation(zone, UTC);
    loc = loaded ? loaded.withName('Local') : new Location('UTC', [], []).withName('Local');
    localCache.set(zone, loc);
  }
  return loc;
}

/** The local location of this process, as Go would initialise it from $TZ. */
export function defaultLocal(): Location {
  const tz = process.env.TZ;
  if (tz !== undefined) return localLocation(tz.startsWith(':') ? tz.slice(1) : tz);
  return localLocation(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

// ---- time.Time ----------------------------------------------------------------------------------

export interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Day of the year, 1..366. */
  yday: number;
  /** 0 = Sunday. */
  weekday: number;
  zoneName: string;
  offset: number;
}

/**
 * A Go time.Time value (or a *time.Time when `pointer`). `sec` is Unix seconds, `nsec` the
 * nanoseconds within the second, `loc` the location (UTC for Go's nil location), `mono` the
 * monotonic clock reading in nanoseconds when the time came from time.Now. `local` is what
 * Local() converts to.
 */
export class GoTime extends GoObject {
  readonly sec: bigint;
  readonly nsec: number;
  readonly loc: Location;
  readonly mono: bigint | undefined;
  readonly local: Location;

  constructor(sec: bigint, nsec: number, loc: Location, local: Location, mono?: bigint, pointer = false) {
    const methods: Record<string, GoFunc> = {};
    super(pointer ? '*time.Time' : 'time.Time', new Map(), methods, () => timeString(this as GoTime));
    this.sec = sec;
    this.nsec = nsec;
    this.loc = loc;
    this.local = local;
    const internal = sec + UNIX_TO_INTERNAL;
    this.mono = mono !== undefined && internal >= MIN_WALL && internal <= MAX_WALL ? mono : undefined;
    Object.assign(methods, timeMethods(this));
  }

  /** Nanoseconds since the Unix epoch. */
  get nanos(): bigint {
    return this.sec * SECOND + BigInt(this.nsec);
  }

  /** Calendar fields in the time's location (Time.locabs + date + clock). */
  parts(): TimeParts {
    const z = this.loc.lookup(Number(this.sec));
    const local = Number(this.sec) + z.offset;
    const days = floorDiv(local, SECONDS_PER_DAY);
    const secOfDay = local - days * SECONDS_PER_DAY;
    const { year, month, day } = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(secOfDay / 3600),
      minute: Math.floor((secOfDay % 3600) / 60),
      second: secOfDay % 60,
      yday: days - daysFromCivil(year, 1, 1) + 1,
      weekday: floorMod(days + 4, 7),
      zoneName: z.name,
      offset: z.offset,
    };
  }

  with(changes: { sec?: bigint; nsec?: number; loc?: Location; mono?: bigint | undefined }): GoTime {
    return new GoTime(
      changes.sec ?? this.sec,
      changes.nsec ?? this.nsec,
      changes.loc ?? this.loc,
      this.local,
      'mono' in changes ? changes.mono : this.mono,
      false,
    );
  }
}

export function isGoTime(v: Value): v is GoTime {
  return v instanceof GoTime;
}

/** Nanoseconds since the Unix epoch of a time.Time. */
export function timeNanos(t: GoTime): bigint {
  return t.nanos;
}

function resolveZone(zone: Location | string | undefined, local: Location): Location {
  if (zone === undefined) return UTC;
  if (zone instanceof Location) return zone;
  return loadLocation(zone, local) ?? UTC;
}

/** A time.Time at `nanos` since the epoch, shown in `zone` (a Location or a zone name; default UTC). */
export function goTimeFromNanos(
  nanos: bigint,
  zone?: Location | string,
  local: Location = defaultLocal(),
): GoTime {
  return new GoTime(
    bigFloorDiv(nanos, SECOND),
    Number(bigFloorMod(nanos, SECOND)),
    resolveZone(zone, local),
    local,
  );
}

/** time.Unix(sec, nsec): a time in the local location. */
export function goUnix(sec: bigint, nsec: bigint, local: Location): GoTime {
  if (nsec < 0n || nsec >= SECOND) {
    const n = nsec / SECOND;
    sec += n;
    nsec -= n * SECOND;
    if (nsec < 0n) {
      nsec += SECOND;
      sec--;
    }
  }
  return new GoTime(sec, Number(nsec), local, local);
}

/** time.Now() with a monotonic reading, in the local location. */
export function goNow(nowNanos: bigint, mono: bigint, local: Location): GoTime {
  return new GoTime(bigFloorDiv(nowNanos, SECOND), Number(bigFloorMod(nowNanos, SECOND)), local, local, mono);
}

/** The zero time.Time (January 1, year 1, 00:00:00 UTC). */
export function zeroTime(local: Location = defaultLocal()): GoTime {
  return new GoTime(-UNIX_TO_INTERNAL, 0, UTC, local);
}

/** The same instant as a *time.Time. */
export function goTimePointer(t: GoTime): GoTime {
  return new GoTime(t.sec, t.nsec, t.loc, t.local, t.mono, true);
}

/** time.Date: normalises out-of-range fields and resolves the zone offset as Go does. */
export function goDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
  nsec: number,
  loc: Location,
  local: Location = defaultLocal(),
): GoTime {
  let m = month - 1;
  [year, m] = norm(year, m, 12);
  month = m + 1;
  [sec, nsec] = norm(sec, nsec, 1e9);
  [min, sec] = norm(min, sec, 60);
  [hour, min] = norm(hour, min, 60);
  [day, hour] = norm(day, hour, 24);
  let unix =
    daysFromCivil(year, month, 1) * SECONDS_PER_DAY +
    (day - 1) * SECONDS_PER_DAY +
    hour * 3600 +
    min * 60 +
    sec;
  const z = loc.lookup(unix);
  let offset = z.offset;
  if (offset !== 0) {
    const utc = unix - offset;
    if (utc < z.start || utc >= z.end) offset = loc.lookup(utc).offset;
    unix -= offset;
  }
  return new GoTime(BigInt(unix), nsec, loc, local);
}

/** Time.Add */
export function timeAdd(t: GoTime, d: bigint): GoTime {
  let dsec = d / SECOND;
  let nsec = t.nsec + Number(d % SECOND);
  if (nsec >= 1e9) {
    dsec++;
    nsec -= 1e9;
  } else if (nsec < 0) {
    dsec--;
    nsec += 1e9;
  }
  let mono = t.mono;
  if (mono !== undefined) {
    const te = BigInt.asIntN(64, mono + d);
    mono = (d < 0n && te > mono) || (d > 0n && te < mono) ? undefined : te;
  }
  return t.with({ sec: t.sec + dsec, nsec, mono });
}

/** Time.Sub, saturating at the Duration range. */
export function timeSub(t: GoTime, u: GoTime): bigint {
  if (t.mono !== undefined && u.mono !== undefined) return subMono(t.mono, u.mono);
  const d = t.nanos - u.nanos;
  if (d > INT64_MAX) return INT64_MAX;
  if (d < INT64_MIN) return INT64_MIN;
  return d;
}

function subMono(t: bigint, u: bigint): bigint {
  const d = t - u;
  // biome-ignore lint/complexity/useMathMinMax: bigints (Math.max throws on them)
  return d > INT64_MAX ? INT64_MAX : d < INT64_MIN ? INT64_MIN : d;
}

/** Time.Compare */
export function timeCompare(t: GoTime, u: GoTime): number {
  const [a, b] = t.mono !== undefined && u.mono !== undefined ? [t.mono, u.mono] : [t.nanos, u.nanos];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Time.AddDate */
export function timeAddDate(t: GoTime, years: number, months: number, days: number): GoTime {
  const p = t.parts();
  return goDate(
    p.year + years,
    p.month + months,
    p.day + days,
    p.hour,
    p.minute,
    p.second,
    t.nsec,
    t.loc,
    t.local,
  );
}

/** The remainder of t (as nanoseconds since year 1) modulo d, as time.div computes it. */
function timeDivRemainder(t: GoTime, d: bigint): bigint {
  return bigFloorMod((t.sec + UNIX_TO_INTERNAL) * SECOND + BigInt(t.nsec), d);
}

/** Time.Truncate */
export function timeTruncate(t: GoTime, d: bigint): GoTime {
  const stripped = t.with({ mono: undefined });
  if (d <= 0n) return stripped;
  return timeAdd(stripped, -timeDivRemainder(stripped, d));
}

/** Time.Round (halfway values round up). */
export function timeRound(t: GoTime, d: bigint): GoTime {
  const stripped = t.with({ mono: undefined });
  if (d <= 0n) return stripped;
  const r = timeDivRemainder(stripped, d);
  return r + r < d ? timeAdd(stripped, -r) : timeAdd(stripped, d - r);
}

/** Time.In / UTC / Local: same instant, another location; drops the monotonic reading. */
export function timeIn(t: GoTime, loc: Location): GoTime {
  return t.with({ loc, mono: undefined });
}

/** Time.IsZero */
export function timeIsZero(t: GoTime): boolean {
  return t.sec === -UNIX_TO_INTERNAL && t.nsec === 0;
}

// ---- Format -------------------------------------------------------------------------------------

enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface StdChunk {
  prefix: string;
  std: Std;
  /** Number of fractional digits for FracSecond0/9. */
  digits: number;
  /** Fractional second separator ('.' or ','). */
  sep: string;
  suffix: string;
}

const STD_0X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

function startsWithLowerCase(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 97 && c <= 122;
}

/** time.nextStdChunk */
function nextStdChunk(layout: string): StdChunk {
  const chunk = (i: number, std: Std, len: number, digits = 0, sep = '.'): StdChunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  const at = (i: number, s: string): boolean => layout.startsWith(s, i);
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return chunk(i, Std.LongMonth, 7);
          if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (layout.length >= i + 3) {
          if (at(i, 'Mon')) {
            if (at(i, 'Monday')) return chunk(i, Std.LongWeekDay, 6);
            if (!startsWithLowerCase(layout.slice(i + 3))) return chunk(i, Std.WeekDay, 3);
          }
          if (at(i, 'MST')) return chunk(i, Std.TZ, 3);
        }
        break;
      case '0': {
        const d = layout.charCodeAt(i + 1);
        if (d >= 49 && d <= 54) return chunk(i, STD_0X[d - 49] as Std, 2);
        if (at(i, '002')) return chunk(i, Std.ZeroYearDay, 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return chunk(i, Std.Hour, 2);
        return chunk(i, Std.NumMonth, 1);
      case '2':
        if (at(i, '2006')) return chunk(i, Std.LongYear, 4);
        return chunk(i, Std.Day, 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (at(i + 1, '2006')) return { ...chunk(i + 1, Std.LongYear, 4) };
          return chunk(i, Std.UnderDay, 2);
        }
        if (at(i, '__2')) return chunk(i, Std.UnderYearDay, 3);
        break;
      case '3':
        return chunk(i, Std.Hour12, 1);
      case '4':
        return chunk(i, Std.Minute, 1);
      case '5':
        return chunk(i, Std.Second, 1);
      case 'P':
        if (layout[i + 1] === 'M') return chunk(i, Std.PM, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return chunk(i, Std.pm, 2);
        break;
      case '-':
        if (at(i, '-070000')) return chunk(i, Std.NumSecondsTz, 7);
        if (at(i, '-07:00:00')) return chunk(i, Std.NumColonSecondsTZ, 9);
        if (at(i, '-0700')) return chunk(i, Std.NumTZ, 5);
        if (at(i, '-07:00')) return chunk(i, Std.NumColonTZ, 6);
        if (at(i, '-07')) return chunk(i, Std.NumShortTZ, 3);
        break;
      case 'Z':
        if (at(i, 'Z070000')) return chunk(i, Std.ISO8601SecondsTZ, 7);
        if (at(i, 'Z07:00:00')) return chunk(i, Std.ISO8601ColonSecondsTZ, 9);
        if (at(i, 'Z0700')) return chunk(i, Std.ISO8601TZ, 5);
        if (at(i, 'Z07:00')) return chunk(i, Std.ISO8601ColonTZ, 6);
        if (at(i, 'Z07')) return chunk(i, Std.ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            const std = ch === '9' ? Std.FracSecond9 : Std.FracSecond0;
            // Go packs the digit count in 12 bits (stdFracSecond): n & 0xfff.
            return chunk(i, std, j - i, (j - (i + 1)) & 0xfff, c);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, sep: '.', suffix: '' };
}

/** time.appendInt: decimal with zero padding to `width` digits after the sign. */
function appendInt(x: number, width: number): string {
  const neg = x < 0;
  const digits = String(Math.abs(x)).padStart(width, '0');
  return neg ? `-${digits}` : digits;
}

/** time.appendNano */
function appendNano(nanosec: number, std: Std, digits: number, sep: string): string {
  const trim = std === Std.FracSecond9;
  if (trim && (digits === 0 || nanosec === 0)) return '';
  let b = sep + appendInt(nanosec, 9);
  if (digits < 9) b = b.slice(0, b.length - 9 + digits);
  if (trim) {
    b = b.replace(/0+$/, '');
    if (b === sep) b = '';
  }
  return b;
}

function isISO8601(std: Std): boolean {
  return (
    std === Std.ISO8601TZ ||
    std === Std.ISO8601ColonTZ ||
    std === Std.ISO8601SecondsTZ ||
    std === Std.ISO8601ShortTZ ||
    std === Std.ISO8601ColonSecondsTZ
  );
}

/** Time.Format */
export function formatTime(t: GoTime, layout: string): string {
  const p = t.parts();
  let b = '';
  while (layout !== '') {
    const { prefix, std, digits, sep, suffix } = nextStdChunk(layout);
    b += prefix;
    if (std === Std.None) break;
    layout = suffix;
    switch (std) {
      case Std.Year:
        b += appendInt(Math.abs(p.year) % 100, 2);
        break;
      case Std.LongYear:
        b += appendInt(p.year, 4);
        break;
      case Std.Month:
        b += (LONG_MONTH_NAMES[p.month - 1] as string).slice(0, 3);
        break;
      case Std.LongMonth:
        b += LONG_MONTH_NAMES[p.month - 1];
        break;
      case Std.NumMonth:
        b += appendInt(p.month, 0);
        break;
      case Std.ZeroMonth:
        b += appendInt(p.month, 2);
        break;
      case Std.WeekDay:
        b += (LONG_DAY_NAMES[p.weekday] as string).slice(0, 3);
        break;
      case Std.LongWeekDay:
        b += LONG_DAY_NAMES[p.weekday];
        break;
      case Std.Day:
        b += appendInt(p.day, 0);
        break;
      case Std.UnderDay:
        b += (p.day < 10 ? ' ' : '') + appendInt(p.day, 0);
        break;
      case Std.ZeroDay:
        b += appendInt(p.day, 2);
        break;
      case Std.UnderYearDay:
        b += (p.yday < 100 ? (p.yday < 10 ? '  ' : ' ') : '') + appendInt(p.yday, 0);
        break;
      case Std.ZeroYearDay:
        b += appendInt(p.yday, 3);
        break;
      case Std.Hour:
        b += appendInt(p.hour, 2);
        break;
      case Std.Hour12:
        b += appendInt(p.hour % 12 === 0 ? 12 : p.hour % 12, 0);
        break;
      case Std.ZeroHour12:
        b += appendInt(p.hour % 12 === 0 ? 12 : p.hour % 12, 2);
        break;
      case Std.Minute:
        b += appendInt(p.minute, 0);
        break;
      case Std.ZeroMinute:
        b += appendInt(p.minute, 2);
        break;
      case Std.Second:
        b += appendInt(p.second, 0);
        break;
      case Std.ZeroSecond:
        b += appendInt(p.second, 2);
        break;
      case Std.PM:
        b += p.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.pm:
        b += p.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.TZ:
        if (p.zoneName !== '') {
          b += p.zoneName;
        } else {
          // No zone name known: print -0700 (Go truncates the offset to minutes).
          let zone = Math.trunc(p.offset / 60);
          b += zone < 0 ? '-' : '+';
          zone = Math.abs(zone);
          b += appendInt(Math.trunc(zone / 60), 2) + appendInt(zone % 60, 2);
        }
        break;
      case Std.FracSecond0:
      case Std.FracSecond9:
        b += appendNano(t.nsec, std, digits, sep);
        break;
      default: {
        // Numeric zones; the Z variants print Z for a zero offset (ISO 8601).
        if (p.offset === 0 && isISO8601(std)) {
          b += 'Z';
          break;
        }
        let zone = Math.trunc(p.offset / 60);
        let absoffset = p.offset;
        if (zone < 0) {
          b += '-';
          zone = -zone;
          absoffset = -absoffset;
        } else {
          b += '+';
        }
        b += appendInt(Math.trunc(zone / 60), 2);
        const colon =
          std === Std.ISO8601ColonTZ ||
          std === Std.NumColonTZ ||
          std === Std.ISO8601ColonSecondsTZ ||
          std === Std.NumColonSecondsTZ;
        if (colon) b += ':';
        if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) b += appendInt(zone % 60, 2);
        if (
          std === Std.ISO8601SecondsTZ ||
          std === Std.NumSecondsTz ||
          std === Std.NumColonSecondsTZ ||
          std === Std.ISO8601ColonSecondsTZ
        ) {
          if (std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) b += ':';
          b += appendInt(absoffset % 60, 2);
        }
      }
    }
  }
  return b;
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

/** Time.String, with the monotonic clock suffix when the time has one. */
export function timeString(t: GoTime): string {
  let s = formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
  if (t.mono !== undefined) {
    const sign = t.mono < 0n ? '-' : '+';
    let m2 = t.mono < 0n ? -t.mono : t.mono;
    let m1 = m2 / SECOND;
    m2 %= SECOND;
    const m0 = m1 / SECOND;
    m1 %= SECOND;
    s += ` m=${sign}${m0 !== 0n ? m0.toString() + m1.toString().padStart(9, '0') : m1.toString()}.${m2.toString().padStart(9, '0')}`;
  }
  return s;
}

/**
 * Time.MarshalJSON / MarshalText's strict RFC 3339 (appendStrictRFC3339): the RFC3339Nano text, or
 * Go's error text when the year or the zone offset cannot be written in RFC 3339.
 */
export function strictRFC3339(t: GoTime): { text: string } | { error: string } {
  const b = formatTime(t, RFC3339_NANO);
  if (b[4] !== '-') return { error: 'year outside of range [0,9999]' };
  if (!b.endsWith('Z')) {
    const c = b[b.length - 6] as string;
    if ((c >= '0' && c <= '9') || Number(b.slice(b.length - 5, b.length - 3)) >= 24) {
      return { error: 'timezone hour outside of range [0,23]' };
    }
  }
  return { text: b };
}

// ---- Parse --------------------------------------------------------------------------------------

/** time.ParseError as its Error() text (arguments are Go byte strings, see toByteString). */
export class GoTimeParseError extends Error {
  constructor(layout: string, value: string, layoutElem: string, valueElem: string, message: string) {
    super(
      message === ''
        ? `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`
        : `parsing time ${timeQuote(value)}${message}`,
    );
    this.name = 'GoTimeParseError';
  }
}

class Bad extends Error {}
const errBad = new Bad('bad value for field');

/** time.getnum */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw errBad;
  if (!isDigitAt(s, 1)) {
    if (fixed) throw errBad;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

/** time.getnum3 */
function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + s.charCodeAt(i) - 48;
  if (i === 0 || (fixed && i !== 3)) throw errBad;
  return [n, s.slice(i)];
}

/** time.leadingInt over bytes: [value, rest] or undefined on overflow. */
/** time.atoi */
function atoi(s: string): number {
  let neg = false;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const r = leadingInt(s);
  if (!r || r[1].length > 0) throw errBad;
  const x = Number(BigInt.asIntN(64, r[0]));
  return neg ? -x : x;
}

/** time.skip: removes `prefix` from `value`, runs of spaces matching runs of spaces. */
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw errBad;
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw errBad;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

/** time.lookup: case-insensitive (ASCII) prefix match in a name table. */
function lookupName(tab: readonly string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i] as string;
    if (val.length >= v.length && matchFold(val.slice(0, v.length), v)) return [i, val.slice(v.length)];
  }
  throw errBad;
}

function matchFold(s1: string, s2: string): boolean {
  for (let i = 0; i < s1.length; i++) {
    let c1 = s1.charCodeAt(i);
    let c2 = s2.charCodeAt(i);
    if (c1 !== c2) {
      c1 |= 0x20;
      c2 |= 0x20;
      if (c1 !== c2 || c1 < 97 || c1 > 122) return false;
    }
  }
  return true;
}

function commaOrPeriod(c: string | undefined): boolean {
  return c === '.' || c === ',';
}

/** time.parseNanoseconds: [ns, rangeErrString] */
function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (!commaOrPeriod(value[0])) throw errBad;
  if (nbytes > 10) {
    value = value.slice(0, 10);
    nbytes = 10;
  }
  let ns = atoi(value.slice(1, nbytes));
  if (ns < 0) return [0, 'fractional second'];
  for (let i = 0; i < 10 - nbytes; i++) ns *= 10;
  return [ns, ''];
}

/** time.parseTimeZone: the length of a zone abbreviation at the start of value, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.length >= 4 && (value.startsWith('ChST') || value.startsWith('MeST'))) return 4;
  if (value.startsWith('GMT')) return 3 + (value.length > 3 ? parseSignedOffset(value.slice(3)) : 0);
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let nUpper = 0;
  for (; nUpper < 6; nUpper++) {
    if (nUpper >= value.length) break;
    const c = value.charCodeAt(nUpper);
    if (c < 65 || c > 90) break;
  }
  switch (nUpper) {
    case 5:
      return value[4] === 'T' ? 5 : 0;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
    case 3:
      return 3;
    default:
      return 0;
  }
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  const r = leadingInt(value.slice(1));
  if (!r || r[1] === value.slice(1)) return 0;
  if (r[0] > 23n) return 0;
  return value.length - r[1].length;
}

/** The RFC 3339 fast path of time.Parse/ParseInLocation (parseRFC3339). */
function parseRFC3339(s: string, local: Location, localLoc: Location): GoTime | undefined {
  let ok = true;
  const parseUint = (t: string, min: number, max: number): number => {
    let x = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) {
        ok = false;
        return min;
      }
      x = x * 10 + c - 48;
    }
    if (x < min || max < x) {
      ok = false;
      return min;
    }
    return x;
  };
  if (s.length < 19) return undefined;
  const year = parseUint(s.slice(0, 4), 0, 9999);
  const month = parseUint(s.slice(5, 7), 1, 12);
  const day = parseUint(s.slice(8, 10), 1, daysIn(month, year));
  const hour = parseUint(s.slice(11, 13), 0, 23);
  const min = parseUint(s.slice(14, 16), 0, 59);
  const sec = parseUint(s.slice(17, 19), 0, 59);
  if (!ok || !(s[4] === '-' && s[7] === '-' && s[10] === 'T' && s[13] === ':' && s[16] === ':'))
    return undefined;
  s = s.slice(19);
  let nsec = 0;
  if (s.length >= 2 && s[0] === '.' && isDigitAt(s, 1)) {
    let n = 2;
    while (n < s.length && isDigitAt(s, n)) n++;
    try {
      nsec = parseNanoseconds(s, n)[0];
    } catch {
      nsec = 0;
    }
    s = s.slice(n);
  }
  let t = goDate(year, month, day, hour, min, sec, nsec, UTC, localLoc);
  if (s.length !== 1 || s[0] !== 'Z') {
    if (s.length !== 6) return undefined;
    const hr = parseUint(s.slice(1, 3), 0, 23);
    const mm = parseUint(s.slice(4, 6), 0, 59);
    if (!ok || !((s[0] === '-' || s[0] === '+') && s[3] === ':')) return undefined;
    let zoneOffset = (hr * 60 + mm) * 60;
    if (s[0] === '-') zoneOffset *= -1;
    t = t.with({ sec: t.sec - BigInt(zoneOffset) });
    const z = local.lookup(Number(t.sec));
    t = t.with({ loc: z.offset === zoneOffset ? local : fixedZone('', zoneOffset) });
  }
  return t;
}

/**
 * time.ParseInLocation(layout, value, loc): throws GoTimeParseError with Go's message on failure.
 * `localLoc` is what the result's Local() method converts to.
 */
export function parseInLocation(
  layout: string,
  value: string,
  loc: Location,
  localLoc: Location = loc,
): GoTime {
  return parseBytes(toByteString(layout), toByteString(value), loc, loc, localLoc);
}

/** time.Parse(layout, value): UTC by default, zone offsets matched against `local`. */
export function parseTime(layout: string, value: string, local: Location): GoTime {
  return parseBytes(toByteString(layout), toByteString(value), UTC, local, local);
}

function parseBytes(
  layout: string,
  value: string,
  defaultLocation: Location,
  local: Location,
  localLoc: Location,
): GoTime {
  if (layout === RFC3339 || layout === RFC3339_NANO) {
    const t = parseRFC3339(value, local, localLoc);
    if (t) return t;
  }
  const alayout = layout;
  const avalue = value;
  const fail = (layoutElem: string, valueElem: string, message: string): never => {
    throw new GoTimeParseError(alayout, avalue, layoutElem, valueElem, message);
  };
  let rangeErrString = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Location | undefined;
  let zoneOffset = -1;
  let zoneName = '';

  for (;;) {
    const { prefix, std, digits, suffix } = nextStdChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    try {
      value = skip(value, prefix);
    } catch {
      return fail(prefix, value, '');
    }
    if (std === Std.None) {
      if (value.length !== 0) return fail('', value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    let bad = false;
    try {
      switch (std) {
        case Std.Year: {
          if (value.length < 2) throw errBad;
          const p = value.slice(0, 2);
          value = value.slice(2);
          year = atoi(p);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case Std.LongYear: {
          if (value.length < 4 || !isDigitAt(value, 0)) throw errBad;
          const p = value.slice(0, 4);
          value = value.slice(4);
          year = atoi(p);
          break;
        }
        case Std.Month:
          [month, value] = lookupName(SHORT_MONTH_NAMES, value);
          month++;
          break;
        case Std.LongMonth:
          [month, value] = lookupName(LONG_MONTH_NAMES, value);
          month++;
          break;
        case Std.NumMonth:
        case Std.ZeroMonth:
          [month, value] = getnum(value, std === Std.ZeroMonth);
          if (month <= 0 || month > 12) rangeErrString = 'month';
          break;
        case Std.WeekDay:
          value = lookupName(SHORT_DAY_NAMES, value)[1];
          break;
        case Std.LongWeekDay:
          value = lookupName(LONG_DAY_NAMES, value)[1];
          break;
        case Std.Day:
        case Std.UnderDay:
        case Std.ZeroDay:
          if (std === Std.UnderDay && value[0] === ' ') value = value.slice(1);
          [day, value] = getnum(value, std === Std.ZeroDay);
          break;
        case Std.UnderYearDay:
        case Std.ZeroYearDay:
          for (let i = 0; i < 2; i++)
            if (std === Std.UnderYearDay && value[0] === ' ') value = value.slice(1);
          [yday, value] = getnum3(value, std === Std.ZeroYearDay);
          break;
        case Std.Hour:
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) rangeErrString = 'hour';
          break;
        case Std.Hour12:
        case Std.ZeroHour12:
          [hour, value] = getnum(value, std === Std.ZeroHour12);
          if (hour < 0 || hour > 12) rangeErrString = 'hour';
          break;
        case Std.Minute:
        case Std.ZeroMinute:
          [min, value] = getnum(value, std === Std.ZeroMinute);
          if (min < 0 || min >= 60) rangeErrString = 'minute';
          break;
        case Std.Second:
        case Std.ZeroSecond: {
          [sec, value] = getnum(value, std === Std.ZeroSecond);
          if (sec < 0 || sec >= 60) {
            rangeErrString = 'second';
            break;
          }
          // A fractional second in the value but not in the layout is accepted after seconds.
          if (value.length >= 2 && commaOrPeriod(value[0]) && isDigitAt(value, 1)) {
            const next = nextStdChunk(layout).std;
            if (next === Std.FracSecond0 || next === Std.FracSecond9) break;
            let n = 2;
            while (n < value.length && isDigitAt(value, n)) n++;
            [nsec, rangeErrString] = parseNanoseconds(value, n);
            value = value.slice(n);
          }
          break;
        }
        case Std.PM: {
          if (value.length < 2) throw errBad;
          const p = value.slice(0, 2);
          value = value.slice(2);
          if (p === 'PM') pmSet = true;
          else if (p === 'AM') amSet = true;
          else throw errBad;
          break;
        }
        case Std.pm: {
          if (value.length < 2) throw errBad;
          const p = value.slice(0, 2);
          value = value.slice(2);
          if (p === 'pm') pmSet = true;
          else if (p === 'am') amSet = true;
          else throw errBad;
          break;
        }
        case Std.TZ: {
          if (value.length >= 3 && value.startsWith('UTC')) {
            z = UTC;
            value = value.slice(3);
            break;
          }
          const n = parseTimeZone(value);
          if (n === 0) throw errBad;
          zoneName = value.slice(0, n);
          value = value.slice(n);
          break;
        }
        case Std.FracSecond0: {
          const ndigit = 1 + digits;
          if (value.length < ndigit) throw errBad;
          [nsec, rangeErrString] = parseNanoseconds(value, ndigit);
          value = value.slice(ndigit);
          break;
        }
        case Std.FracSecond9: {
          if (value.length < 2 || !commaOrPeriod(value[0]) || !isDigitAt(value, 1)) break;
          let i = 0;
          while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
          [nsec, rangeErrString] = parseNanoseconds(value, 1 + i);
          value = value.slice(1 + i);
          break;
        }
        default: {
          // Numeric zones; the Z variants also accept a literal Z for UTC.
          if (isISO8601(std) && value[0] === 'Z') {
            value = value.slice(1);
            z = UTC;
            break;
          }
          let sign: string;
          let hh: string;
          let mm = '00';
          let ss = '00';
          if (std === Std.ISO8601ColonTZ || std === Std.NumColonTZ) {
            if (value.length < 6 || value[3] !== ':') throw errBad;
            [sign, hh, mm, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), value.slice(6)];
          } else if (std === Std.NumShortTZ || std === Std.ISO8601ShortTZ) {
            if (value.length < 3) throw errBad;
            [sign, hh, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3)];
          } else if (std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ) {
            if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw errBad;
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              value.slice(4, 6),
              value.slice(7, 9),
              value.slice(9),
            ];
          } else if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz) {
            if (value.length < 7) throw errBad;
            [sign, hh, mm, ss, value] = [
              value.slice(0, 1),
              value.slice(1, 3),
              value.slice(3, 5),
              value.slice(5, 7),
              value.slice(7),
            ];
          } else {
            if (value.length < 5) throw errBad;
            [sign, hh, mm, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), value.slice(5)];
          }
          let hr = 0;
          let mi = 0;
          let se = 0;
          let err = false;
          try {
            hr = getnum(hh, true)[0];
            mi = getnum(mm, true)[0];
            se = getnum(ss, true)[0];
          } catch {
            err = true;
          }
          if (hr > 24) rangeErrString = 'time zone offset hour';
          if (mi > 60) rangeErrString = 'time zone offset minute';
          if (se > 60) rangeErrString = 'time zone offset second';
          zoneOffset = (hr * 60 + mi) * 60 + se;
          if (sign === '-') zoneOffset = -zoneOffset;
          else if (sign !== '+') err = true;
          if (err) throw errBad;
        }
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      bad = true;
    }
    if (rangeErrString !== '') return fail(stdstr, value, `: ${rangeErrString} out of range`);
    if (bad) return fail(stdstr, hold, '');
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        yday--;
      }
    }
    if (yday < 1 || yday > 365) return fail('', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (daysBefore(m + 1) < yday) m++;
      d = yday - daysBefore(m);
    }
    if (month >= 0 && month !== m) return fail('', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) return fail('', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) return fail('', value, ': day out of range');

  if (z) return goDate(year, month, day, hour, min, sec, nsec, z, localLoc);
  if (zoneOffset !== -1) {
    let t = goDate(year, month, day, hour, min, sec, nsec, UTC, localLoc);
    t = t.with({ sec: t.sec - BigInt(zoneOffset) });
    const zl = local.lookup(Number(t.sec));
    if (zl.offset === zoneOffset && (zoneName === '' || zl.name === zoneName)) return t.with({ loc: local });
    return t.with({ loc: fixedZone(fromByteString(zoneName), zoneOffset) });
  }
  if (zoneName !== '') {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC, localLoc);
    const offset = local.lookupName(zoneName, Number(t.sec));
    if (offset !== undefined) return t.with({ sec: t.sec - BigInt(offset), loc: local });
    let fake = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) fake = atoi(zoneName.slice(3)) * 3600;
    return t.with({ loc: fixedZone(fromByteString(zoneName), fake) });
  }
  return goDate(year, month, day, hour, min, sec, nsec, defaultLocation, localLoc);
}

// ---- named integer types (time.Duration, time.Month, time.Weekday) ------------------------------

/**
 * A value of a named Go integer type with methods: time.Duration, time.Month, time.Weekday. Its
 * reflect.Kind is int64/int (see kindOfType); `value` is the integer, `format` its String().
 */
export class GoNamedInt extends GoObject {
  constructor(
    type: string,
    readonly value: bigint,
    methods: Readonly<Record<string, GoFunc>>,
    format: () => string,
  ) {
    super(type, new Map(), methods, format, goInt(value, kindOfType(type) === 'int64' ? 'int64' : 'int'));
  }
}

/** A time.Duration value. */
export function goDuration(d: bigint): GoNamedInt {
  const v = BigInt.asIntN(64, d);
  const float = (unit: bigint): number => Number(v / unit) + Number(v % unit) / Number(unit);
  return new GoNamedInt(
    'time.Duration',
    v,
    {
      String: defineFunc('String', { params: [], result: 'string' }, () => formatGoDuration(v)),
      Hours: defineFunc('Hours', { params: [], result: 'float64' }, () => float(HOUR)),
      Minutes: defineFunc('Minutes', { params: [], result: 'float64' }, () => float(MINUTE)),
      Seconds: defineFunc('Seconds', { params: [], result: 'float64' }, () => float(SECOND)),
      Milliseconds: defineFunc('Milliseconds', { params: [], result: 'int64' }, () =>
        goInt(v / MILLISECOND, 'int64'),
      ),
      Microseconds: defineFunc('Microseconds', { params: [], result: 'int64' }, () =>
        goInt(v / MICROSECOND, 'int64'),
      ),
      Nanoseconds: defineFunc('Nanoseconds', { params: [], result: 'int64' }, () => goInt(v, 'int64')),
      Round: defineFunc('Round', { params: ['time.Duration'], result: 'time.Duration' }, (m) =>
        goDuration(durationRound(v, durationArg(m))),
      ),
      Truncate: defineFunc('Truncate', { params: ['time.Duration'], result: 'time.Duration' }, (m) => {
        const n = durationArg(m);
        return goDuration(n <= 0n ? v : v - (v % n));
      }),
      Abs: defineFunc('Abs', { params: [], result: 'time.Duration' }, () =>
        goDuration(v >= 0n ? v : v === INT64_MIN ? INT64_MAX : -v),
      ),
    },
    () => formatGoDuration(v),
  );
}

/** A time.Month value (January = 1); prints as the month name. */
export function goMonth(m: number): GoNamedInt {
  const text = (): string => LONG_MONTH_NAMES[m - 1] ?? `%!Month(${m})`;
  return new GoNamedInt(
    'time.Month',
    BigInt(m),
    { String: defineFunc('String', { params: [], result: 'string' }, text) },
    text,
  );
}

/** A time.Weekday value (Sunday = 0); prints as the day name. */
export function goWeekday(d: number): GoNamedInt {
  const text = (): string => LONG_DAY_NAMES[d] ?? `%!Weekday(${d})`;
  return new GoNamedInt(
    'time.Weekday',
    BigInt(d),
    { String: defineFunc('String', { params: [], result: 'string' }, text) },
    text,
  );
}

/** The nanoseconds of a time.Duration argument (GoNamedInt, GoInt or an integral number). */
export function durationArg(v: Value): bigint {
  if (v instanceof GoNamedInt) return v.value;
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  return 0n;
}

function intArg(v: Value): number {
  if (v instanceof GoInt || v instanceof GoNamedInt) return Number(v.value);
  if (typeof v === 'number') return Math.trunc(v);
  return 0;
}

function timeArg(v: Value): GoTime {
  if (v instanceof GoTime) return v;
  throw new Error(
    `wrong type for value; expected time.Time; got ${v === null || v === undefined ? '<nil>' : typeof v}`,
  );
}

/** A *time.Location value: prints as the location's name. */
export function goLocation(loc: Location): GoObject {
  const name = (): string => loc.name;
  const obj = new GoObject(
    '*time.Location',
    new Map(),
    {
      String: defineFunc('String', { params: [], result: 'string' }, name),
    },
    name,
  );
  locationOf.set(obj, loc);
  return obj;
}

const locationOf = new WeakMap<GoObject, Location>();

// ---- methods of time.Time callable from templates -----------------------------------------------

function timeMethods(t: GoTime): Record<string, GoFunc> {
  const int = (name: string, f: () => number): GoFunc =>
    defineFunc(name, { params: [], result: 'int' }, () => goInt(f(), 'int'));
  const int64 = (name: string, f: () => bigint): GoFunc =>
    defineFunc(name, { params: [], result: 'int64' }, () => goInt(f(), 'int64'));
  const toTime = (name: string, params: string[], f: (...a: Value[]) => GoTime): GoFunc =>
    defineFunc(name, { params, result: 'time.Time' }, f);
  const pred = (name: string, f: (u: GoTime) => boolean): GoFunc =>
    defineFunc(name, { params: ['time.Time'], result: 'bool' }, (u) => f(timeArg(u)));
  return {
    Year: int('Year', () => t.parts().year),
    Month: defineFunc('Month', { params: [], result: 'time.Month' }, () => goMonth(t.parts().month)),
    Day: int('Day', () => t.parts().day),
    Hour: int('Hour', () => t.parts().hour),
    Minute: int('Minute', () => t.parts().minute),
    Second: int('Second', () => t.parts().second),
    Nanosecond: int('Nanosecond', () => t.nsec),
    YearDay: int('YearDay', () => t.parts().yday),
    Weekday: defineFunc('Weekday', { params: [], result: 'time.Weekday' }, () =>
      goWeekday(t.parts().weekday),
    ),
    Unix: int64('Unix', () => t.sec),
    UnixMilli: int64('UnixMilli', () => BigInt.asIntN(64, t.sec * 1000n + BigInt(Math.trunc(t.nsec / 1e6)))),
    UnixMicro: int64('UnixMicro', () =>
      BigInt.asIntN(64, t.sec * 1000000n + BigInt(Math.trunc(t.nsec / 1e3))),
    ),
    UnixNano: int64('UnixNano', () => BigInt.asIntN(64, t.nanos)),
    Format: defineFunc('Format', { params: ['string'], result: 'string' }, (layout) =>
      formatTime(t, layout as string),
    ),
    String: defineFunc('String', { params: [], result: 'string' }, () => timeString(t)),
    GoString: defineFunc('GoString', { params: [], result: 'string' }, () => goString(t)),
    UTC: toTime('UTC', [], () => timeIn(t, UTC)),
    Local: toTime('Local', [], () => timeIn(t, t.local)),
    In: toTime('In', ['*time.Location'], (loc) => {
      const l = loc instanceof GoObject ? locationOf.get(loc) : undefined;
      if (!l) throw new Error('time: missing Location in call to Time.In');
      return timeIn(t, l);
    }),
    Location: defineFunc('Location', { params: [], result: '*time.Location' }, () => goLocation(t.loc)),
    Add: toTime('Add', ['time.Duration'], (d) => timeAdd(t, durationArg(d))),
    AddDate: toTime('AddDate', ['int', 'int', 'int'], (y, m, d) =>
      timeAddDate(t, intArg(y), intArg(m), intArg(d)),
    ),
    Sub: defineFunc('Sub', { params: ['time.Time'], result: 'time.Duration' }, (u) =>
      goDuration(timeSub(t, timeArg(u))),
    ),
    Round: toTime('Round', ['time.Duration'], (d) => timeRound(t, durationArg(d))),
    Truncate: toTime('Truncate', ['time.Duration'], (d) => timeTruncate(t, durationArg(d))),
    Before: pred('Before', (u) => timeCompare(t, u) < 0),
    After: pred('After', (u) => timeCompare(t, u) > 0),
    Equal: pred('Equal', (u) => timeCompare(t, u) === 0),
    Compare: defineFunc('Compare', { params: ['time.Time'], result: 'int' }, (u) =>
      goInt(timeCompare(t, timeArg(u))),
    ),
    IsZero: defineFunc('IsZero', { params: [], result: 'bool' }, () => timeIsZero(t)),
    IsDST: defineFunc('IsDST', { params: [], result: 'bool' }, () => t.loc.lookup(Number(t.sec)).isDST),
    MarshalText: defineFunc('MarshalText', { params: [], result: '[]uint8', error: true }, () => {
      const r = strictRFC3339(t);
      if ('error' in r) throw new FuncError(`Time.MarshalText: ${r.error}`);
      return new Uint8Array(Buffer.from(r.text, 'utf8'));
    }),
    MarshalJSON: defineFunc('MarshalJSON', { params: [], result: '[]uint8', error: true }, () => {
      const r = strictRFC3339(t);
      if ('error' in r) throw new FuncError(`Time.MarshalJSON: ${r.error}`);
      return new Uint8Array(Buffer.from(`"${r.text}"`, 'utf8'));
    }),
  };
}

/** Time.GoString */
function goString(t: GoTime): string {
  const p = t.parts();
  const loc =
    t.loc === UTC
      ? 'time.UTC'
      : t.loc === t.local
        ? 'time.Local'
        : `time.Location(${timeQuote(toByteString(t.loc.name))})`;
  return `time.Date(${p.year}, time.${LONG_MONTH_NAMES[p.month - 1]}, ${p.day}, ${p.hour}, ${p.minute}, ${p.second}, ${t.nsec}, ${loc})`;
}
