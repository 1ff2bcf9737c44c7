/**
 * Crash-safe file replacement: the new content is written to a temporary file in the same directory,
 * flushed to disk, given the old file's mode, and renamed over the target. A crash at any point
 * leaves either the old file or the new one, never a mix; at worst a stray temporary file named
 * `.NAME.PID.RANDOM.duat-tmp` stays behind (removed by the next locked write, see lock.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DuatError, describeFsError, errorCode } from './errors.js';

export const TEMP_SUFFIX = '.duat-tmp';

/** The temporary file name used for `path` by process `pid`. */
export function tempPathFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

export interface AtomicWriteOptions {
  /** File mode for a new file (an existing file keeps its own mode). Default 0o644 less the umask. */
  mode?: number;
  /** Called after the data is written and synced, before the rename (tests use it to crash there). */
  beforeRename?: (tempPath: string) => void;
}

/** Replaces `path` with `data` atomically. Errors name the file; the original is untouched on failure. */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  let existing: { mode: number; uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    existing = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    accessSync(path, constants.W_OK);
  } catch (err) {
    if (existing) {
      throw new DuatError('is not writable (permission denied)', {
        file: path,
        cause: err,
        hint: 'make the file writable (chmod u+w) or run as its owner',
      });
    }
    if (errorCode(err) !== 'ENOENT') {
      throw new DuatError(`cannot write: ${describeFsError(err)}`, { file: path, cause: err });
    }
  }
  const temp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', existing?.mode ?? options.mode ?? 0o644);
    if (existing) {
      fchmodSync(fd, existing.mode);
      try {
        fchownSync(fd, existing.uid, existing.gid);
      } catch {
        // Not permitted unless privileged: the file then belongs to us, as with any editor's save.
      }
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    options.beforeRename?.(temp);
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    if (err instanceof DuatError) throw err;
    throw new DuatError(`cannot write: ${describeFsError(err)}`, {
      file: path,
      cause: err,
      hint: errorCode(err) === 'EACCES' ? 'the file and its directory must be writable' : undefined,
    });
  }
  syncDirectory(dirname(path));
}

/** fsync of a directory, so that an entry just created or renamed in it survives a crash of the machine. */
export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}
