/**
 * SHA-256 digests of release files, read as a stream (memory stays flat for any size), and the
 * `SHA256SUMS` file that lists them in the format `sha256sum` writes and `sha256sum -c` checks.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DuatError, describeFsError } from '../core/errors.js';

/** The asset name of the checksum file. */
export const CHECKSUMS_NAME = 'SHA256SUMS';

/** The SHA-256 of a file as lower-case hex, read in 1 MiB chunks. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  } catch (err) {
    throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: path, cause: err });
  }
  return hash.digest('hex');
}

/** `sha256:<hex>`, the form GitHub gives an asset's `digest`. */
export function sha256Digest(hex: string): string {
  return `sha256:${hex}`;
}

/** The hex of a `sha256:<hex>` digest, or undefined for any other algorithm or form. */
export function sha256OfDigest(digest: string | null | undefined): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(digest ?? '');
  return m ? (m[1] as string).toLowerCase() : undefined;
}

/** `SHA256SUMS` text: `<hex>  <name>` lines sorted by name, as `sha256sum` prints them. */
export function formatChecksums(entries: ReadonlyMap<string, string>): string {
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, hex]) => `${hex}  ${name}\n`)
    .join('');
}

/**
 * Parses `SHA256SUMS` text (`<hex>  <name>` or `<hex> *<name>` lines); lines that are not checksums
 * are ignored.
 */
export function parseChecksums(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (m) entries.set(m[2] as string, (m[1] as string).toLowerCase());
  }
  return entries;
}
