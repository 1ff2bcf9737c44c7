/** What a build produced: one record per file, with the size and SHA-256 a release needs. */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

export interface Artifact {
  readonly kind: 'go' | 'npm';
  /** The command's name: the Go folder's name, or the npm package's name. */
  readonly command: string;
  /** Absolute folder the command was built from. */
  readonly dir: string;
  /** `linux/amd64` for Go; `any` for npm tarballs. */
  readonly platform: string;
  /** The file written: relative to the working directory when the output folder was given relative. */
  readonly path: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the file. */
  readonly sha256: string;
}

/** Size and SHA-256 of a file, streamed. */
export async function fileDigest(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { size: statSync(path).size, sha256: hash.digest('hex') };
}

/** `512 B`, `3.4 KiB`, `1.9 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
