/**
 * Progress of blob copies on one stderr line, redrawn at most five times a second, only when stderr is
 * a terminal (logs and CI output stay clean). `done()` clears the line.
 */
import type { BlobProgress } from './client.js';

export interface CopyProgress {
  update(p: BlobProgress): void;
  /** A blob finished (copied, mounted or present). */
  blobDone(): void;
  done(): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const noProgress: CopyProgress = { update: () => {}, blobDone: () => {}, done: () => {} };

export function terminalProgress(
  totalBlobs: number,
  totalBytes: number,
  stream: NodeJS.WriteStream = process.stderr,
): CopyProgress {
  if (!stream.isTTY) return noProgress;
  const moved = new Map<string, number>();
  let finished = 0;
  let last = 0;
  const start = Date.now();
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 200) return;
    last = now;
    let bytes = 0;
    for (const b of moved.values()) bytes += b;
    const rate = bytes / Math.max(0.001, (now - start) / 1000);
    const line = `blobs ${finished}/${totalBlobs}  ${formatBytes(bytes)} of up to ${formatBytes(totalBytes)}  ${formatBytes(rate)}/s`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`);
  };
  return {
    update(p) {
      moved.set(p.digest, p.bytes);
      draw();
    },
    blobDone() {
      finished++;
      draw();
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
