/** Locations tests need: the repository root and the built CLI (tests run from dist/test). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRoot();
/**
 * The command as shipped: the bundle package.json's "bin" points at (`npm run build` makes it from the
 * compiled sources; `npm test` builds first). DUAT_TEST_CLI=src runs the unbundled compile instead,
 * for a quick loop after `npx tsc`.
 */
export const cliPath =
  process.env.DUAT_TEST_CLI === 'src'
    ? join(repoRoot, 'dist', 'src', 'cli', 'main.js')
    : join(repoRoot, 'dist', 'bin', 'duat.js');
export const libraryPath = join(repoRoot, 'dist', 'src', 'index.js');
