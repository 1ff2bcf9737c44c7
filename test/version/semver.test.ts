import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareVersions,
  formatVersion,
  incrementVersion,
  normalizeVersion,
  parseVersion,
  withPrerelease,
} from '../../src/version/semver.js';

describe('parseVersion (lenient, as Masterminds/semver)', () => {
  const normal: [string, string][] = [
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['1', '1.0.0'],
    ['01.2.3', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3-rc.1'],
    ['1.2.3+build.5', '1.2.3+build.5'],
    ['1.2.3-0.a-b+x-y', '1.2.3-0.a-b+x-y'],
    ['0.1.0-feature-265-zero-length-aaaagjecpnf', '0.1.0-feature-265-zero-length-aaaagjecpnf'],
  ];
  for (const [input, expected] of normal) {
    it(`reads ${input} as ${expected}`, () => assert.equal(normalizeVersion(input), expected));
  }
  for (const bad of [
    '1.2.3.4',
    '',
    'x',
    '1.2.3-',
    '1.2.3+',
    '1..2',
    ' 1.2.3',
    '1.2.3-01',
    '1.2.3-a..b',
    'V1.2.3',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parseVersion(bad),
        (err: Error) => err.message.includes('not a valid semantic version'),
      );
    });
  }
  it('names the problem of four numbers', () => {
    assert.throws(() => parseVersion('1.2.3.4'), /more than three numbers/);
  });
});

describe('incrementVersion (the original bump rules)', () => {
  // The table of ../shared/spec/original.md.
  const table: [string, string, string, string][] = [
    ['1.2.3', '2.0.0', '1.3.0', '1.2.4'],
    ['1.2.3-pre', '2.0.0', '1.3.0', '1.2.3'],
    ['1.2.0-pre', '2.0.0', '1.3.0', '1.2.0'],
    ['1.0.0-pre', '2.0.0', '1.1.0', '1.0.0'],
    ['1.2.3+build', '2.0.0', '1.3.0', '1.2.4'],
  ];
  for (const [from, major, minor, patch] of table) {
    it(`bumps ${from}`, () => {
      const v = parseVersion(from);
      assert.equal(formatVersion(incrementVersion(v, 'major')), major);
      assert.equal(formatVersion(incrementVersion(v, 'minor')), minor);
      assert.equal(formatVersion(incrementVersion(v, 'patch')), patch);
    });
  }
});

describe('withPrerelease', () => {
  it('replaces the pre-release and keeps build metadata', () => {
    assert.equal(
      formatVersion(withPrerelease(parseVersion('1.2.3-old+build'), 'main-aaaahfravza')),
      '1.2.3-main-aaaahfravza+build',
    );
  });
  it('refuses characters semver does not allow', () => {
    assert.throws(() => withPrerelease(parseVersion('1.2.3'), 'a_b'), /not a valid pre-release/);
  });
});

describe('compareVersions', () => {
  it('orders by semver 2.0 precedence', () => {
    const sorted = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.10.0',
      '2.0.0',
    ];
    const shuffled = [...sorted].reverse();
    shuffled.sort((a, b) => compareVersions(parseVersion(a), parseVersion(b)));
    assert.deepEqual(shuffled, sorted);
  });
  it('ignores build metadata', () => {
    assert.equal(compareVersions(parseVersion('1.0.0+a'), parseVersion('1.0.0+b')), 0);
  });
  it('compares numeric identifiers of any length as integers, not floats', () => {
    const big = (n: string) => parseVersion(`1.0.0-rc.${n}`);
    // As floats both are 1e+23: equal. As integers they differ by one.
    assert.equal(compareVersions(big('99999999999999999999999'), big('100000000000000000000000')), -1);
    assert.equal(compareVersions(big('100000000000000000000001'), big('100000000000000000000000')), 1);
    assert.equal(compareVersions(big('99999999999999999999999'), big('99999999999999999999999')), 0);
  });
});

describe('incrementVersion at the limit', () => {
  it('refuses a bump that would give a number it cannot read back', () => {
    const top = parseVersion(`1.${Number.MAX_SAFE_INTEGER}.0`);
    assert.throws(() => incrementVersion(top, 'minor'), /cannot bump the minor number of .* too large/);
    assert.equal(formatVersion(incrementVersion(top, 'major')), '2.0.0');
  });
});
