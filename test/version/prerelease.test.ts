import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrerelease, prerelease, sanitizeBranch, stampTime } from '../../src/version/prerelease.js';

describe('prerelease', () => {
  it('gives the spec example', () => {
    assert.equal(
      prerelease('0.1.0', 'feature/265_zero+length', 1554337180),
      '0.1.0-feature-265-zero-length-aaaagjecpnf',
    );
  });
  it('replaces an existing pre-release instead of appending', () => {
    const once = prerelease('0.1.0', 'main', 1554337180);
    assert.equal(prerelease(once, 'main', 1764075600), '0.1.0-main-aaaahfravza');
  });
  it('keeps build metadata', () => {
    assert.equal(prerelease('1.2.3+build', 'main', 1764075600), '1.2.3-main-aaaahfravza+build');
  });
  it('turns each non-alphanumeric character, multi-byte ones included, into one dash and keeps case', () => {
    assert.equal(sanitizeBranch('Feature/ÄÖ_x'), 'Feature----x');
    assert.equal(sanitizeBranch('fix/😀emoji'), 'fix--emoji');
    assert.equal(sanitizeBranch('a.b@c{d}'), 'a-b-c-d-');
  });
  it('refuses an empty branch', () => {
    assert.throws(() => prerelease('1.0.0', '', 0), /needs a branch name/);
  });
  it('reads our pre-releases back', () => {
    assert.deepEqual(parsePrerelease('0.1.0-feature-265-zero-length-aaaagjecpnf'), {
      release: '0.1.0',
      branch: 'feature-265-zero-length',
      unixSeconds: 1554337180n,
      stamp: 'aaaagjecpnf',
    });
    assert.equal(parsePrerelease('0.1.0'), undefined);
    assert.equal(parsePrerelease('0.1.0-rc.1'), undefined);
    assert.equal(parsePrerelease('0.1.0-main-notastamp'), undefined);
    assert.equal(parsePrerelease('latest'), undefined);
  });
  it('takes the time from SOURCE_DATE_EPOCH, else the clock', () => {
    assert.equal(
      stampTime({ SOURCE_DATE_EPOCH: '1554337180' }, () => 0),
      1554337180n,
    );
    assert.equal(
      stampTime({}, () => 1764075600999),
      1764075600n,
    );
    assert.throws(() => stampTime({ SOURCE_DATE_EPOCH: 'yesterday' }), /SOURCE_DATE_EPOCH/);
  });
});
