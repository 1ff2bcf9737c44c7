/**
 * Finding the git repository a directory belongs to, without running git: walk up to a `.git`
 * directory or a `.git` file (worktrees and submodules point elsewhere with `gitdir: PATH`), and follow
 * `commondir` to the directory that holds the shared refs and config.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DuatError } from '../core/errors.js';

export interface RepositoryLocation {
  /** The top of the working tree. */
  readonly topDir: string;
  /** This working tree's git directory (HEAD, index): `.git`, or `.git/worktrees/NAME`. */
  readonly gitDir: string;
  /** The directory with refs, packed-refs, objects and config shared by all worktrees. */
  readonly commonDir: string;
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function kindOf(path: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** The repository holding `start` (a directory), or undefined when there is none up to the root. */
export function findRepository(start: string = process.cwd()): RepositoryLocation | undefined {
  let dir = resolve(start);
  for (;;) {
    const dotGit = join(dir, '.git');
    const kind = kindOf(dotGit);
    if (kind === 'dir' && kindOf(join(dotGit, 'HEAD')) === 'file') {
      return { topDir: dir, gitDir: dotGit, commonDir: commonDirOf(dotGit) };
    }
    if (kind === 'file') {
      const content = readTrimmed(dotGit) ?? '';
      const match = /^gitdir:\s*(.+)$/m.exec(content);
      if (match?.[1]) {
        const target = match[1].trim();
        const gitDir = isAbsolute(target) ? target : resolve(dir, target);
        if (kindOf(join(gitDir, 'HEAD')) === 'file') {
          return { topDir: dir, gitDir, commonDir: commonDirOf(gitDir) };
        }
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function commonDirOf(gitDir: string): string {
  const common = readTrimmed(join(gitDir, 'commondir'));
  if (!common) return gitDir;
  return isAbsolute(common) ? common : resolve(gitDir, common);
}

/** Like findRepository, but a missing repository is an error naming where we looked. */
export function requireRepository(start: string = process.cwd()): RepositoryLocation {
  const repo = findRepository(start);
  if (!repo) {
    throw new DuatError(`not inside a git repository (looked in ${resolve(start)} and its parents)`, {
      hint: 'run in a git working tree or point at one with -git DIR',
    });
  }
  return repo;
}
