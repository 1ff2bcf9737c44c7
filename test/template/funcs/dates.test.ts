/**
 * sprig date functions. Expected strings come from Go 1.26 + sprig v3.3.0 run with
 * TZ=America/New_York (scratch oracle under /tmp/s3), e.g. `{{ date "..." (int64 1720000000) }}`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { dateFuncs } from '../../../src/template/funcs/dates.js';
import {
  GoNamedInt,
  GoTime,
  goTimeFromNanos,
  goTimePointer,
  loadLocation,
  timeAdd,
  timeString,
} from '../../../src/template/gotime.js';
import { renderTemplate } from '../../../src/template/index.js';
import { FuncError, GoNil, goInt, type Value } from '../../../src/template/value.js';

const NOW = 1_764_075_600_000_000_000n; // 2025-11-25T13:00:00Z
const ctx = fixedContext({ nowNanos: NOW, localZone: 'America/New_York' });
const f = dateFuncs(ctx);
const call = (name: string, ...args: Value[]): Value => {
  const fn = f[name];
  assert.ok(fn, `no function ${name}`);
  return fn.impl(...args);
};
const i64 = (n: number | bigint): Value => goInt(n, 'int64');
const toDate = (layout: string, value: string): GoTime => call('toDate', layout, value) as GoTime;
const str = (v: Value): string => {
  assert.ok(v instanceof GoTime);
  return timeString(v);
};

describe('date, dateInZone, htmlDate', () => {
  const cases: [string, Value[], string][] = [
    [
      'date',
      ['2006-01-02 15:04:05 MST', goTimeFromNanos(1700000000n * 1000000000n)],
      '2023-11-14 17:13:20 EST',
    ],
    ['date', ['2006-01-02T15:04:05Z07:00', goInt(0)], '1969-12-31T19:00:00-05:00'],
    ['date', ['Mon Jan 2 15:04:05 MST 2006', i64(1720000000)], 'Wed Jul 3 05:46:40 EDT 2024'],
    ['date', ['15:04 MST', goInt(1720000000, 'int32')], '05:46 EDT'],
    ['dateInZone', ['2006-01-02 15:04 MST', i64(1720000000), 'Asia/Kolkata'], '2024-07-03 15:16 IST'],
    ['dateInZone', ['2006-01-02 15:04 MST', i64(1720000000), 'Mars/Base'], '2024-07-03 09:46 UTC'],
    ['dateInZone', ['2006-01-02 15:04 MST', i64(1720000000), ''], '2024-07-03 09:46 UTC'],
    ['dateInZone', ['2006-01-02 15:04 MST', i64(1720000000), 'Local'], '2024-07-03 05:46 EDT'],
    ['dateInZone', ['15:04 MST', i64(1720000000), 'utc'], '09:46 UTC'],
    [
      'date_in_zone',
      ['15:04 MST', goTimePointer(goTimeFromNanos(1720000000n * 1000000000n)), 'Europe/Berlin'],
      '11:46 CEST',
    ],
    ['htmlDate', [i64(1720000000)], '2024-07-03'],
    ['htmlDateInZone', [i64(1720051200), 'Pacific/Kiritimati'], '2024-07-04'],
    // Anything that is not a time or int/int32/int64 means "now" (fixed clock: 2025-11-25 08:00 EST).
    ['date', ['2006-01-02 15:04 MST', 1.5], '2025-11-25 08:00 EST'],
    ['date', ['2006-01-02', goInt(5, 'uint')], '2025-11-25'],
    ['htmlDateInZone', ['x', 'Asia/Tokyo'], '2025-11-25'],
    ['dateInZone', ['2006-01-02 15:04 MST', null, 'Australia/Sydney'], '2025-11-26 00:00 AEDT'],
  ];
  for (const [name, args, want] of cases) {
    it(`${name} ${JSON.stringify(args.map(String))}`, () => assert.equal(call(name, ...args), want));
  }

  it('a nil *time.Time panics like Go', () => {
    assert.throws(() => call('date', '2006', new GoNil('*time.Time')), {
      message: 'runtime error: invalid memory address or nil pointer dereference',
    });
  });
});

describe('duration and durationRound', () => {
  const cases: [string, Value, string][] = [
    ['duration', '95', '1m35s'],
    ['duration', goInt(95), '0s'], // an untyped constant is an int, which sprig ignores
    ['duration', i64(95), '1m35s'],
    ['duration', 'abc', '0s'],
    ['duration', '99999999999999999999', '-1s'], // ParseInt clamps, Duration*Second wraps
    ['duration', '-3600', '-1h0m0s'],
    ['duration', '+86400', '24h0m0s'],
    ['duration', '9223372036', '2562047h47m16s'],
    ['duration', null, '0s'],
    ['durationRound', '2h5m', '2h'],
    ['durationRound', '1h', '60m'],
    ['durationRound', '49h', '2d'],
    ['durationRound', '8761h', '1y'],
    ['durationRound', '721h', '1mo'],
    ['durationRound', '-90m', '1h'],
    ['durationRound', '1s', '0s'],
    ['durationRound', '1.5s', '1s'],
    ['durationRound', 'bogus', '0s'],
    ['durationRound', i64(3600000000001n), '1h'],
    ['durationRound', goInt(5), '0s'],
    ['durationRound', i64(-9223372036854775808n), '292y'],
  ];
  for (const [name, arg, want] of cases) {
    it(`${name} ${String(arg)}`, () => assert.equal(call(name, arg), want));
  }

  it('durationRound of a time is the time since then', () => {
    const then = goTimeFromNanos(NOW - 3n * 86400n * 1000000000n - 5n);
    assert.equal(call('durationRound', then), '3d');
  });
});

describe('toDate, mustToDate, unixEpoch', () => {
  const cases: [string, string, string][] = [
    ['2006-01-02', '2020-13-01', '0001-01-01 00:00:00 +0000 UTC'],
    ['2006-01-02', '', '0001-01-01 00:00:00 +0000 UTC'],
    ['2006-01-02', '2020-02-29', '2020-02-29 00:00:00 -0500 EST'],
    ['2006-01-02 15:04', '2021-07-04 12:30', '2021-07-04 12:30:00 -0400 EDT'],
    ['2006-01-02 15:04', '2021-01-04 12:30', '2021-01-04 12:30:00 -0500 EST'],
    ['2006-01-02 15:04 MST', '2021-01-04 12:30 PST', '2021-01-04 12:30:00 +0000 PST'],
    ['2006-01-02 15:04 -0700', '2021-01-04 12:30 -0500', '2021-01-04 12:30:00 -0500 EST'],
    ['2006-01-02 15:04 -0700', '2021-01-04 12:30 +0100', '2021-01-04 12:30:00 +0100 +0100'],
    // A wall time skipped by the spring-forward gap, and one repeated in the fall-back hour.
    ['2006-01-02 15:04', '2021-03-14 02:30', '2021-03-14 01:30:00 -0500 EST'],
    ['2006-01-02 15:04', '2021-11-07 01:30', '2021-11-07 01:30:00 -0400 EDT'],
  ];
  for (const [layout, value, want] of cases) {
    it(`toDate ${layout} ${value}`, () => assert.equal(str(toDate(layout, value)), want));
  }

  const errors: [string, string, string][] = [
    ['2006-01-02', '2020-13-01', 'parsing time "2020-13-01": month out of range'],
    ['02 Jan 06', '31 Feb 21', 'parsing time "31 Feb 21": day out of range'],
    ['2006-01-02', '2020-01-01x', 'parsing time "2020-01-01x": extra text: "x"'],
    ['2006-01-02', '2020-0x-30', 'parsing time "2020-0x-30" as "2006-01-02": cannot parse "0x-30" as "01"'],
    [
      '2006-01-02',
      '2020-01-0é',
      'parsing time "2020-01-0\\xc3\\xa9" as "2006-01-02": cannot parse "0\\xc3\\xa9" as "02"',
    ],
  ];
  for (const [layout, value, message] of errors) {
    it(`mustToDate error ${value}`, () => {
      assert.throws(
        () => call('mustToDate', layout, value),
        (e: unknown) => {
          assert.ok(e instanceof FuncError);
          assert.equal(e.message, message);
          return true;
        },
      );
    });
  }

  it('unixEpoch', () => {
    assert.equal(
      call('unixEpoch', toDate('2006-01-02T15:04:05Z07:00', '2020-01-01T00:00:00+02:00')),
      '1577829600',
    );
    assert.equal(call('unixEpoch', toDate('x', 'y')), '-62135596800');
  });
});

describe('dateModify and mustDateModify', () => {
  const jan1 = toDate('2006-01-02', '2020-01-01');
  it('adds a duration', () => {
    assert.equal(str(call('dateModify', '-1.5h', jan1)), '2019-12-31 22:30:00 -0500 EST');
    assert.equal(
      str(call('date_modify', '24h', toDate('2006-01-02', '2020-03-07'))),
      '2020-03-08 00:00:00 -0500 EST',
    );
    assert.equal(
      str(call('dateModify', '2h', toDate('2006-01-02 15:04', '2021-03-14 01:30'))),
      '2021-03-14 04:30:00 -0400 EDT',
    );
    assert.equal(str(call('must_date_modify', '1µs', jan1)), '2020-01-01 00:00:00.000001 -0500 EST');
  });
  it('leaves the date alone on a bad duration, or fails (must)', () => {
    assert.equal(str(call('dateModify', 'bad', jan1)), '2020-01-01 00:00:00 -0500 EST');
    assert.throws(() => call('mustDateModify', 'bad', jan1), {
      name: 'FuncError',
      message: 'time: invalid duration "bad"',
    });
  });
});

describe('now and ago', () => {
  it('now is the context clock in the local zone, with a monotonic reading', () => {
    assert.equal(str(call('now')), '2025-11-25 08:00:00 -0500 EST m=+0.000000001');
  });
  it('now.UTC drops the monotonic reading; Add keeps it', () => {
    const now = call('now') as GoTime;
    assert.equal(str(now.methods.UTC?.impl() as Value), '2025-11-25 13:00:00 +0000 UTC');
    assert.equal(str(timeAdd(now, 3600n * 1000000000n)), '2025-11-25 09:00:00 -0500 EST m=+3600.000000001');
  });
  it('ago', () => {
    const now = call('now') as GoTime;
    assert.equal(call('ago', timeAdd(now, -90n * 60n * 1000000000n)), '1h30m0s');
    assert.equal(call('ago', now), '0s');
    assert.equal(call('ago', goTimeFromNanos(NOW + 1_499_999_999n)), '-1s');
    assert.equal(call('ago', goInt(0)), '490021h0m0s');
    assert.equal(call('ago', i64(1764075000)), '10m0s');
    // int32 and *time.Time are not in dateAgo's switch: they mean "now".
    assert.equal(call('ago', goInt(0, 'int32')), '0s');
    assert.equal(call('ago', goTimePointer(goTimeFromNanos(0n))), '0s');
  });
  it('time methods print like Go', () => {
    const t = toDate('2006-01-02', '2020-01-01');
    const month = t.methods.Month?.impl();
    assert.ok(month instanceof GoNamedInt);
    assert.equal(month.format?.(), 'January');
    assert.equal(month.value, 1n);
    const weekday = t.methods.Weekday?.impl();
    assert.ok(weekday instanceof GoNamedInt);
    assert.equal(weekday.format?.(), 'Wednesday');
    const d = toDate('2006-01-02', '2021-01-01').methods.Sub?.impl(t) as GoNamedInt;
    assert.equal(d.format?.(), '8784h0m0s');
    assert.equal(
      str(toDate('2006-01-02', '2020-11-01').methods.AddDate?.impl(goInt(0), goInt(1), goInt(-1))),
      '2020-11-30 00:00:00 -0500 EST',
    );
  });
  it('the local zone comes from the context', () => {
    const tokyo = dateFuncs(fixedContext({ nowNanos: NOW, localZone: 'Asia/Tokyo' }));
    assert.equal(tokyo.date?.impl('2006-01-02 15:04 MST', i64(0)), '1970-01-01 09:00 JST');
    const unknown = dateFuncs(fixedContext({ nowNanos: NOW, localZone: 'No/Such_Zone' }));
    assert.equal(unknown.date?.impl('2006-01-02 15:04 MST', i64(0)), '1970-01-01 00:00 UTC');
    assert.ok(loadLocation('Asia/Tokyo'));
  });
});

describe('through templates', () => {
  const render = (text: string, localZone = 'UTC'): string =>
    renderTemplate('t', text, null, { funcs: dateFuncs(fixedContext({ nowNanos: NOW, localZone })) });
  // Shared conformance cases (Go 1.26 + sprig v3.3.0, local zone UTC).
  it('sprig_dateInZone', () => {
    assert.equal(
      render('{{ dateInZone "2006-01-02T15:04:05Z07:00" (toDate "2006-01-02" "2020-02-29") "UTC" }}'),
      '2020-02-29T00:00:00Z',
    );
  });
  it('sprig_unixEpoch', () =>
    assert.equal(render('{{ unixEpoch (toDate "2006-01-02" "2001-09-09") }}'), '999993600'));
  it('now, its methods and the monotonic suffix', () => {
    assert.equal(render('{{ now }}', 'America/New_York'), '2025-11-25 08:00:00 -0500 EST m=+0.000000001');
    assert.equal(render('{{ now.UTC }}'), '2025-11-25 13:00:00 +0000 UTC');
    assert.equal(
      render('{{ now.Month }} {{ now.Weekday }} {{ now.YearDay }} {{ now.Unix }}'),
      'November Tuesday 329 1764075600',
    );
    assert.equal(
      render('{{ now | date "Mon Jan _2 15:04:05 MST 2006" }}', 'Asia/Kolkata'),
      'Tue Nov 25 18:30:00 IST 2025',
    );
    assert.equal(
      render('{{ dateModify "1h" now }}', 'America/New_York'),
      '2025-11-25 09:00:00 -0500 EST m=+3600.000000001',
    );
    assert.equal(render('{{ ago (now.Add -5400000000000) }}'), '1h30m0s');
  });
  it('errors are reported as Go does', () => {
    assert.throws(() => render('{{ mustDateModify "bad" now }}'), {
      message:
        'template: t:1:3: executing "t" at <mustDateModify "bad" now>: error calling mustDateModify: time: invalid duration "bad"',
    });
    assert.throws(() => render('{{ unixEpoch "x" }}'), /can't handle "x" for arg of type time\.Time/);
  });
});
