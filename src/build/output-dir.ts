/**
 * The output folder (bin/ by default). Go records in every binary whether the git tree was modified
 * (vcs.modified), and untracked files count: binaries written into a folder git sees would make each
 * later build differ from the first. So a folder duat creates inside a git work tree gets a
 * `.gitignore` holding `*`, and an existing one that git does not ignore draws a warning.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuatError, describeFsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { runGit } from '../git/command.js';
import { findRepository } from '../git/repository.js';

export const OUTPUT_GITIGNORE = '# Written by duat build: build outputs are not source.\n*\n';

/** Creates `outDir` (absolute; `shown` names it in messages) when needed; true when it was created. */
export function prepareOutputDir(outDir: string, shown: string, log: Logger): boolean {
  const existed = existsSync(outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new DuatError(`cannot create the output folder: ${describeFsError(err)}`, {
      file: outDir,
      cause: err,
    });
  }
  const repo = findRepository(outDir);
  if (!repo) return !existed;
  if (!existed) {
    writeFileSync(join(outDir, '.gitignore'), OUTPUT_GITIGNORE);
    return true;
  }
  const probe = relative(repo.topDir, join(outDir, 'duat-build-output'));
  let ignored = false;
  try {
    runGit(['check-ignore', '-q', '--', probe], { cwd: repo.topDir });
    ignored = true;
  } catch {
    ignored = false;
  }
  if (!ignored) {
    log.warn(
      `${shown} is not ignored by git: Go then records the tree as modified in ` +
        'every binary built after the first (vcs.modified=true), so builds are not reproducible; add it to .gitignore',
    );
  }
  return false;
}
