/** Temporary directories that remove themselves when the test ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function tempDir(t: TestContext, prefix = 'duat-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // Retries: a process the test started may still be finishing a write in it (ENOTEMPTY, EBUSY).
  t.after(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  return dir;
}
