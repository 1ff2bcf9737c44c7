/**
 * Reading a version file without trusting it: it may come from a commit someone else made (git-watch
 * reads the watched commit's README.md), so it may be a link to /dev/zero, a FIFO, or gigabytes. The
 * file is opened without blocking (a FIFO with no writer would hang open), checked with fstat on the
 * opened descriptor (so a link swapped after a check cannot fool it) to be a regular file no larger
 * than the cap, and read at most cap + 1 bytes (a file that grows while read is still cut).
 * Hand-written: Node's readFileSync has no size limit and follows the file wherever it leads.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { DuatError, describeFsError } from '../core/errors.js';

/** The largest version file read: far above any README, far below what hurts a process. */
export const MAX_VERSION_FILE_BYTES = 16 * 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

function tooLarge(path: string, limit: number, size?: number): DuatError {
  const what = size === undefined ? 'more than' : `${size} bytes, more than`;
  return new DuatError(`is too large to be a version file (${what} the limit of ${mebibytes(limit)})`, {
    file: path,
    hint: 'name the file that holds the version with -f',
  });
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The bytes of the regular file `path` (links followed), refusing anything else or more than `maxBytes`. */
export function readRegularFileBounded(path: string, maxBytes = MAX_VERSION_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: path, cause: err });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new DuatError(`cannot read: it is ${kindOf(stat)}, not a regular file`, {
        file: path,
        hint: 'a version file must be a regular file',
      });
    }
    if (stat.size > maxBytes) throw tooLarge(path, maxBytes, stat.size);
    // Read in chunks up to one byte past the cap: the size fstat gave may change while we read.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(stat.size - total, 64 * 1024), maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooLarge(path, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof DuatError) throw err;
    throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: path, cause: err });
  } finally {
    closeSync(fd);
  }
}
