import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DuatError } from '../../src/core/errors.js';
import { MAX_VERSION_FILE_BYTES, readRegularFileBounded } from '../../src/version/bounded-read.js';
import { incrementVersion } from '../../src/version/semver.js';
import {
  applyVersion,
  loadVersionFile,
  readVersion,
  updateVersionFile,
} from '../../src/version/version-file.js';
import { tempDir } from '../helpers/tmp.js';

function file(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const bumpPatch = (path: string) => updateVersionFile(path, (v) => incrementVersion(v, 'patch'));

describe('Markdown <repo-version> tags', () => {
  it('reads the first tag and rewrites every tag, keeping every other byte', (t) => {
    const dir = tempDir(t);
    const text =
      'Title\r\nVersion <repo-version>0.1.0</repo-version>\r\n\r\nagain <repo-version>v0.1</repo-version> end';
    const path = file(dir, 'README.md', text);
    assert.equal(readVersion(path).version, '0.1.0');
    assert.equal(bumpPatch(path).after, '0.1.1');
    assert.equal(
      readFileSync(path, 'latin1'),
      'Title\r\nVersion <repo-version>0.1.1</repo-version>\r\n\r\nagain <repo-version>0.1.1</repo-version> end',
    );
  });

  it('strips HTML inside the tag and unescapes entities', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.md', 'x <repo-version><b>1.2.3&#43;build</b></repo-version>\n');
    assert.equal(readVersion(path).version, '1.2.3+build');
  });

  it('refuses tags that disagree, naming both lines', (t) => {
    const dir = tempDir(t);
    const path = file(
      dir,
      'README.md',
      'a\n<repo-version>1.0.0</repo-version>\nb\n<repo-version>1.0.1</repo-version>\n',
    );
    assert.throws(
      () => readVersion(path),
      (err: DuatError) =>
        err.line === 4 &&
        err.file === path &&
        err.message.includes('"1.0.1" disagrees with "1.0.0" on line 2'),
    );
  });

  it('reports a missing tag with a hint', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.md', '# no version here\n');
    assert.throws(
      () => readVersion(path),
      (err: DuatError) => err.message.startsWith('no version found') && !!err.hint,
    );
  });

  it('reports an invalid version with its line', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.md', '\n\n<repo-version>1.2.3.4</repo-version>\n');
    assert.throws(
      () => readVersion(path),
      (err: DuatError) => err.line === 3 && /more than three numbers/.test(err.message),
    );
  });

  it('keeps a missing final newline, Latin-1 bytes and the file mode', (t) => {
    const dir = tempDir(t);
    const bytes = Buffer.concat([
      Buffer.from('caf'),
      Buffer.from([0xe9]),
      Buffer.from(' <repo-version>1.0.0</repo-version>'),
    ]);
    const path = file(dir, 'README.md', bytes);
    chmodSync(path, 0o640);
    bumpPatch(path);
    const after = readFileSync(path);
    assert.deepEqual(
      after,
      Buffer.concat([
        Buffer.from('caf'),
        Buffer.from([0xe9]),
        Buffer.from(' <repo-version>1.0.1</repo-version>'),
      ]),
    );
    assert.equal(statSync(path).mode & 0o777, 0o640);
  });

  it('rewrites UTF-16 files in UTF-16', (t) => {
    const dir = tempDir(t);
    const content = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('v <repo-version>2.0.0</repo-version>\n', 'utf16le'),
    ]);
    const path = file(dir, 'README.md', content);
    bumpPatch(path);
    assert.deepEqual(
      readFileSync(path),
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('v <repo-version>2.0.1</repo-version>\n', 'utf16le'),
      ]),
    );
  });

  it('finds the tag in files of any other type', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'Dockerfile', 'FROM x\n# <repo-version>0.3.0</repo-version>\n');
    assert.equal(readVersion(path).version, '0.3.0');
  });

  it('reads the tag after other text, in a file named like a plain VERSION file too', (t) => {
    const dir = tempDir(t);
    for (const name of ['VERSION', 'VERSION.txt', 'notes.txt']) {
      const path = file(dir, name, 'x <repo-version>1.2.3</repo-version>\n');
      assert.equal(readVersion(path).version, '1.2.3', name);
      bumpPatch(path);
      assert.equal(readFileSync(path, 'utf8'), 'x <repo-version>1.2.4</repo-version>\n', name);
    }
  });

  it('accepts several tags holding the same version, however written', (t) => {
    const dir = tempDir(t);
    const path = file(
      dir,
      'README.md',
      '<repo-version>v1.2.3</repo-version>\n<repo-version>v1.2.3</repo-version>\n',
    );
    assert.equal(readVersion(path).version, '1.2.3');
    file(dir, 'b.md', '<repo-version>v1.2</repo-version> <repo-version>1.2.0</repo-version>');
    assert.equal(readVersion(join(dir, 'b.md')).version, '1.2.0');
  });

  it('reads a version with blanks inside the tag, and drops them when rewriting', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.md', '<repo-version> 1.2.3 </repo-version>\n');
    assert.equal(readVersion(path).version, '1.2.3');
    bumpPatch(path);
    assert.equal(
      readFileSync(path, 'utf8'),
      '<repo-version>1.2.4</repo-version>\n',
      'the rewrite drops the blanks',
    );
  });

  it('does not rewrite a file whose version does not change', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.md', '<repo-version>1.0.0</repo-version>');
    const before = statSync(path).ino;
    const result = updateVersionFile(path, (v) => v);
    assert.equal(result.changed, false);
    assert.equal(statSync(path).ino, before);
  });
});

describe('other formats', () => {
  it('AsciiDoc: an empty :Revision: is filled as ":Revision: X", as the original wrote it', (t) => {
    const dir = tempDir(t);
    for (const empty of [':Revision:', ':Revision:   ', ':Revision:\t']) {
      const path = file(dir, 'a.adoc', `= T\n${empty}\r\nbody\n`);
      applyVersion('1.0.0', [path]);
      assert.equal(readFileSync(path, 'utf8'), '= T\n:Revision: 1.0.0\r\nbody\n', JSON.stringify(empty));
      assert.equal(readVersion(path).version, '1.0.0');
    }
  });

  it('AsciiDoc :Revision:', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.adoc', '= Title\n:Revision:   1.4.0  \n\ntext :Revision: not this\n');
    assert.equal(readVersion(path).version, '1.4.0');
    bumpPatch(path);
    assert.equal(readFileSync(path, 'utf8'), '= Title\n:Revision:   1.4.1  \n\ntext :Revision: not this\n');
  });

  it('package.json top-level version only, formatting kept', (t) => {
    const dir = tempDir(t);
    const json =
      '{\n    "name": "x",\n    "dependencies": { "version": "^1.0.0" },\n    "version" :  "3.1.4",\n    "z": [1]\n}';
    const path = file(dir, 'package.json', json);
    assert.equal(readVersion(path).version, '3.1.4');
    bumpPatch(path);
    assert.equal(readFileSync(path, 'utf8'), json.replace('3.1.4', '3.1.5'));
  });

  it('package.json without a version, or not JSON', (t) => {
    const dir = tempDir(t);
    const a = file(dir, 'package.json', '{"dependencies": {"version": "1.0.0"}}');
    assert.throws(() => readVersion(a), /no version found/);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const b = file(sub, 'package.json', '{"version": ');
    assert.throws(() => readVersion(b), /is not valid/);
  });

  it('plain VERSION file keeps its surrounding white space', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'VERSION', '0.9.9\n');
    bumpPatch(path);
    assert.equal(readFileSync(path, 'utf8'), '0.9.10\n');
  });

  it('an unknown file type lists the supported formats', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'notes.txt', 'version 1.0.0\n');
    assert.throws(
      () => readVersion(path),
      (err: DuatError) =>
        /cannot tell where the version is/.test(err.message) && /package\.json/.test(err.hint ?? ''),
    );
  });
});

describe('applyVersion', () => {
  it('writes the version into every target', (t) => {
    const dir = tempDir(t);
    const a = file(dir, 'a.md', 'x <repo-version>0.0.1</repo-version>\n');
    const b = file(dir, 'b.yaml', '# <repo-version></repo-version>\nimage: x\n');
    assert.deepEqual(applyVersion('1.0.0', [a, b]), [a, b]);
    assert.equal(readFileSync(b, 'utf8'), '# <repo-version>1.0.0</repo-version>\nimage: x\n');
    assert.equal(loadVersionFile(a).written, '1.0.0');
  });

  it('changes nothing when a target is missing or has no place', (t) => {
    const dir = tempDir(t);
    const a = file(dir, 'a.md', 'x <repo-version>0.0.1</repo-version>\n');
    const c = file(dir, 'c.md', 'no tag\n');
    assert.throws(() => applyVersion('1.0.0', [a, join(dir, 'missing.md')]), /no such file/);
    assert.throws(() => applyVersion('1.0.0', [a, c]), /has no place for the version/);
    assert.equal(readFileSync(a, 'utf8'), 'x <repo-version>0.0.1</repo-version>\n');
  });
});

describe('untrusted version files', () => {
  it('refuses a link to a device, naming the file, without reading it', (t) => {
    const dir = tempDir(t);
    const link = join(dir, 'README.md');
    symlinkSync('/dev/zero', link);
    assert.throws(
      () => readVersion(link),
      (err: DuatError) =>
        err.file === link && /it is a character device, not a regular file/.test(err.message),
    );
    assert.throws(() => applyVersion('1.0.0', [link]), /character device/);
  });

  it('refuses a FIFO without waiting for a writer', (t) => {
    const dir = tempDir(t);
    const fifo = join(dir, 'README.md');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readVersion(fifo), /it is a FIFO, not a regular file/);
  });

  it('refuses a file larger than the cap, before reading it', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'README.md', '<repo-version>1.0.0</repo-version>\n');
    truncateSync(path, MAX_VERSION_FILE_BYTES + 1); // sparse: no disk used
    assert.throws(
      () => readVersion(path),
      (err: DuatError) =>
        err.file === path &&
        err.message ===
          `is too large to be a version file (${MAX_VERSION_FILE_BYTES + 1} bytes, more than the limit of 16 MiB)`,
    );
    truncateSync(path, MAX_VERSION_FILE_BYTES);
    assert.equal(readVersion(path).version, '1.0.0', 'a file of exactly the cap is read');
  });

  it('takes the cap as an argument and refuses a directory', (t) => {
    const dir = tempDir(t);
    const path = file(dir, 'f', Buffer.alloc(200_000, 0x61));
    assert.equal(readRegularFileBounded(path, 200_000).length, 200_000);
    assert.throws(() => readRegularFileBounded(path, 199_999), /more than the limit/);
    assert.throws(() => readRegularFileBounded(dir), /it is a directory/);
  });
});
