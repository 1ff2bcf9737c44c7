/**
 * Standard output, error and input for the CLI without Node's stream objects when it can. Touching
 * process.stdout, process.stderr or process.stdin builds a stream, which loads about twenty of Node's
 * own modules: a quarter of `node -e 0` for a command that prints one line. So writes go straight to
 * the file descriptor with writeSync, and stdin is read with readSync(0). If the descriptor
 * refuses (a non-blocking pipe answers EAGAIN, a closed one EPIPE), the rest goes through the stream
 * as before, which then handles it its own way; order is kept, since the stream is used for good.
 */
import { readSync, writeSync } from 'node:fs';

export type Write = (data: string | Uint8Array) => void;

/** A writer for fd 1 or 2 that falls back to `stream()` (process.stdout or process.stderr). */
export function descriptorWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream): Write {
  let useStream = false;
  return (data) => {
    if (!useStream) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      try {
        while (written < bytes.length) written += writeSync(fd, bytes, written);
        return;
      } catch {
        useStream = true;
        data = bytes.subarray(written);
      }
    }
    stream().write(data);
  };
}

/** All of stdin: read directly, then through process.stdin if the descriptor will not be read so. */
export function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(0, chunk, 0, chunk.length, null);
      if (n === 0) return Promise.resolve(Buffer.concat(chunks));
      chunks.push(chunk.subarray(0, n));
    }
  } catch (err) {
    // EAGAIN: a non-blocking pipe with nothing yet; EOF (Windows), EISDIR, EINVAL: not readable so.
    if (
      !['EAGAIN', 'EWOULDBLOCK', 'EOF', 'EISDIR', 'EINVAL'].includes(
        (err as NodeJS.ErrnoException).code ?? '',
      )
    ) {
      return Promise.reject(err);
    }
  }
  return new Promise((resolve, reject) => {
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}
