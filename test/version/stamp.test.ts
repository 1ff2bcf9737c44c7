import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeStamp, encodeStamp } from '../../src/version/stamp.js';

// Vectors from ../shared/spec/original.md, computed with eknkc/basex v1.0.1.
const VECTORS: [bigint, string][] = [
  [0n, 'aaaaaaaa'],
  [1n, 'aaaaaaab'],
  [24n, 'aaaaaaaz'],
  [25n, 'aaaaaaaba'],
  [624n, 'aaaaaazz'],
  [625n, 'aaaaaabaa'],
  [1554337180n, 'aaaagjecpnf'],
  [1700000000n, 'aaaagzcaaaa'],
  [1764075600n, 'aaaahfravza'],
  [1764075601n, 'aaaahfravzb'],
  [2000000000n, 'aaaaievaaaa'],
  [4294967295n, 'aaaaspvcxrv'],
  [4294967296n, 'aaaspvcxrw'],
  [1099511627776n, 'aahfdpzuemb'],
  [9223372036854775807n, 'getpbqznyyfrhh'],
];

describe('pre-release stamp', () => {
  for (const [seconds, stamp] of VECTORS) {
    it(`encodes ${seconds} as ${stamp} and back`, () => {
      assert.equal(encodeStamp(seconds), stamp);
      assert.equal(decodeStamp(stamp), seconds);
    });
  }

  it('accepts numbers as well as bigints', () => {
    assert.equal(encodeStamp(1554337180), 'aaaagjecpnf');
  });

  it('refuses times before 1970 and beyond int64', () => {
    assert.throws(() => encodeStamp(-1), RangeError);
    assert.throws(() => encodeStamp(1n << 63n), RangeError);
  });

  it('does not decode what is not a stamp', () => {
    for (const bad of ['', 'aaaagjecpnl', 'AAAAGJECPNF', 'aaaaaaaaa', 'zzzzzzzzzzzzzzzzz', 'main']) {
      assert.equal(decodeStamp(bad), undefined, bad);
    }
  });

  it('sorts in time order as strings from 1977 to 2106', () => {
    const times = [244140625n, 1554337180n, 1764075600n, 1764075601n, 2000000000n, 4294967295n];
    const stamps = times.map((t) => encodeStamp(t));
    assert.deepEqual([...stamps].sort(), stamps);
    for (const s of stamps) assert.equal(s.length, 11);
  });

  it('round-trips random times', () => {
    for (let i = 0; i < 2000; i++) {
      const t = BigInt(Math.floor(Math.random() * 2 ** 40));
      assert.equal(decodeStamp(encodeStamp(t)), t);
    }
  });
});
