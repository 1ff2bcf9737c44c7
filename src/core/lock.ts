/**
 * An advisory lock on a file, so that two duat processes updating the same file serialise instead of
 * losing an update. The lock is a file `.NAME.duat-lock` beside the target holding the owner's pid,
 * host and a nonce; it is created with O_EXCL. A lock whose owner process is gone (crash, kill -9) is
 * broken safely: it is renamed away and only deleted when it is still the same lock instance.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TEMP_SUFFIX } from './atomic-write.js';
import { DuatError, describeFsError, errorCode } from './errors.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up (ms). Default 30 s. */
  timeoutMs?: number;
}

export function lockPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.duat-lock`);
}

interface LockContent {
  pid: number;
  host: string;
  nonce: string;
}

function parseLock(text: string): LockContent | undefined {
  const [pid, host, nonce] = text.trim().split(' ');
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0 || !host || !nonce) return undefined;
  return { pid: n, host, nonce };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepBuffer, 0, 0, ms);
}

/** Runs `fn` while holding the lock on `path`; the lock is released however `fn` ends. */
export function withFileLock<T>(path: string, fn: () => T, options: LockOptions = {}): T {
  const release = acquireFileLock(path, options);
  try {
    return fn();
  } finally {
    release();
  }
}

/** Takes the lock on `path` (waiting for another holder) and returns the function that releases it. */
export function acquireFileLock(path: string, options: LockOptions = {}): () => void {
  const lockPath = lockPathFor(path);
  const me: LockContent = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') };
  const content = `${me.pid} ${me.host} ${me.nonce}\n`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let wait = 2;
  for (;;) {
    if (tryCreateLock(lockPath, content, path)) {
      sweepLeftovers(path);
      return () => releaseLock(lockPath, me.nonce);
    }
    const holder = readLock(lockPath);
    if (holder && holder.host === me.host && !processAlive(holder.pid)) {
      breakStaleLock(lockPath, holder);
      continue;
    }
    if (holder === undefined) {
      const text = readLockText(lockPath);
      if (text === undefined) continue; // released meanwhile
      if (lockAgeMs(lockPath) > 10_000) {
        // Not a lock we could have written (ours are complete from the start): a leftover.
        breakStaleLock(lockPath, { pid: -1, host: me.host, nonce: text.trim() });
        continue;
      }
    }
    if (Date.now() > deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
      throw new DuatError(`is locked by ${who}`, {
        file: path,
        hint: `if no duat is running, remove ${lockPath}`,
      });
    }
    sleepMs(wait);
    wait = Math.min(wait * 2, 50);
  }
}

/**
 * Creates the lock file with its content in one step: the content goes to a private file that is then
 * hard-linked to the lock name (link fails if the name exists), so a crash never leaves an empty lock.
 */
function tryCreateLock(lockPath: string, content: string, path: string): boolean {
  const staging = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(staging, 'wx', 0o644);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    linkSync(staging, lockPath);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw new DuatError(
      `cannot create the lock file ${basename(lockPath)} beside it: ${describeFsError(err)}`,
      {
        file: path,
        cause: err,
        hint: 'its directory must be writable',
      },
    );
  } finally {
    try {
      unlinkSync(staging);
    } catch {
      // not created
    }
  }
}

function lockAgeMs(lockPath: string): number {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return 0;
  }
}

function readLockText(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
}

function readLock(lockPath: string): LockContent | undefined {
  const text = readLockText(lockPath);
  return text === undefined ? undefined : parseLock(text);
}

function breakStaleLock(lockPath: string, stale: LockContent): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else broke or released it first
  }
  const movedText = readLockText(aside) ?? '';
  const moved = parseLock(movedText);
  const same = moved ? moved.nonce === stale.nonce : movedText.trim() === stale.nonce;
  if (!same) {
    // We took a fresh lock that replaced the stale one in between: put it back.
    try {
      linkSync(aside, lockPath);
    } catch {
      // A third process holds the path now; the moved lock's owner will find its lock gone.
    }
    try {
      unlinkSync(aside);
    } catch {
      // gone
    }
    return;
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}

/**
 * Deletes what dead processes left beside `path`: temporary files of interrupted writes and the
 * staging files of interrupted lock attempts. Called while holding the lock.
 */
function sweepLeftovers(path: string): void {
  const base = basename(path);
  const lockBase = basename(lockPathFor(path));
  const patterns = [
    new RegExp(`^\\.${escapeRegExp(base)}\\.(\\d+)\\.[0-9a-f]+${escapeRegExp(TEMP_SUFFIX)}$`),
    new RegExp(`^${escapeRegExp(lockBase)}\\.(?:stale\\.)?(\\d+)\\.[0-9a-f]+$`),
  ];
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = patterns.map((p) => p.exec(entry)?.[1]).find((m) => m !== undefined);
    if (pid === undefined || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    try {
      unlinkSync(join(dirname(path), entry));
    } catch {
      // gone
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function releaseLock(lockPath: string, nonce: string): void {
  const current = readLock(lockPath);
  if (current?.nonce !== nonce) return; // not ours any more
  try {
    unlinkSync(lockPath);
  } catch {
    // gone
  }
}
