/**
 * Files of a watched commit that git-watch itself reads before the job runs (README.md for the
 * namespace and the template's .duat.version). The commit is untrusted: such a file may be a link to
 * /dev/zero, to a FIFO that never answers, to a file outside the checkout (another user's secret, or
 * just another version), or hold gigabytes. Each is refused with a reason that names the file and
 * what it is, which fails the run: never a read without bound, never a link followed out of the
 * checkout. The checks come before any read: the checkout is git's, made from the commit, and nothing
 * changes it before the job starts. Hand-written: a few fs calls; no library covers it.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DuatError, describeFsError } from '../core/errors.js';

/** The most git-watch reads of one file of a commit: a README far larger than any real one. */
export const MAX_CHECKOUT_FILE_BYTES = 4 * 1024 * 1024;

/** A file of the commit git-watch will not read: the run fails with this message. */
export class UntrustedFileError extends DuatError {}

function refuse(name: string, why: string): never {
  throw new UntrustedFileError(
    `${name} in the commit ${why}: refused (git-watch reads only regular files of the checkout)`,
  );
}

/**
 * Where `name` of the checkout `dir` really is, when it may be read: undefined when it does not exist;
 * an UntrustedFileError when it leads out of the checkout, is not a regular file or is too large.
 */
export function confinedPath(
  dir: string,
  name: string,
  maxBytes = MAX_CHECKOUT_FILE_BYTES,
): string | undefined {
  const path = join(dir, name);
  try {
    lstatSync(path);
  } catch {
    return undefined;
  }
  let real: string;
  let top: string;
  try {
    real = realpathSync(path);
    top = realpathSync(dir);
  } catch (err) {
    refuse(name, `cannot be resolved (${describeFsError(err)})`);
  }
  if (real !== top && !real.startsWith(top + sep)) refuse(name, `is a link to ${real}, outside the checkout`);
  const st = statSync(real);
  if (!st.isFile())
    refuse(
      name,
      `${real === path ? 'is' : `is a link to ${relative(top, real) || '.'}, which is`} not a regular file`,
    );
  if (st.size > maxBytes) refuse(name, `is ${st.size} bytes, more than the ${maxBytes} git-watch reads`);
  return real;
}

/** Checks every one of `names` with confinedPath (see there); throws the first refusal. */
export function checkCheckoutFiles(dir: string, names: readonly string[]): void {
  for (const name of names) confinedPath(dir, name);
}
