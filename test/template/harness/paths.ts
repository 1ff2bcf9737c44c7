/** Where the template test harness finds things: the repository root, artifacts, shared cases. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest directory above this module holding package.json. Tests run from
 * the compiled dist/ tree, so the root is found by walking up rather than by a fixed depth.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The git-ignored directory where failing runs leave their evidence. */
export function artifactsDir(): string {
  return join(repoRoot(), 'test-artifacts');
}

/** The file differential mismatches are written to (and recorded from). */
export function mismatchesFile(): string {
  return join(artifactsDir(), 'template-mismatches.jsonl');
}

/** Every mismatch ever found, with Go's expected result; runs without Go. */
export function regressionsFile(): string {
  return join(repoRoot(), 'test', 'template', 'regressions.jsonl');
}

/** The shared conformance cases (DUAT_CONFORMANCE_FILE overrides the location). */
export function conformanceFile(): string {
  return process.env.DUAT_CONFORMANCE_FILE || '/work/shared/conformance/go-template-sprig.jsonl';
}

/** The per-user cache CI keeps between runs (the Go oracle binary lives there). */
export function cacheDir(): string {
  return join(process.env.DUAT_TEST_CACHE || join(homedir(), '.cache', 'duat-test'));
}
