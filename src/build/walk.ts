/**
 * Walking a folder tree for the roots `go list ./...` cannot see from above — nested Go modules — and
 * for npm packages with a `bin`, and whether any Go file lies outside every module (a GOPATH project).
 * Folders are skipped as the go tool skips them (vendor, testdata, names starting with `.` or `_`),
 * plus node_modules; symbolic links are not followed.
 */
import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface WalkResult {
  /** Folders holding a go.mod, the root included when it has one. */
  readonly moduleRoots: string[];
  /** Folders holding a package.json (whether it has a bin is decided by the caller). */
  readonly packageJsonDirs: string[];
  /** True when a .go file is in a folder with no go.mod at or above it within `root`. */
  readonly goOutsideModules: boolean;
}

/** True for folder names that a recursive search does not enter. */
export function skippedFolder(name: string): boolean {
  return (
    name === 'vendor' ||
    name === 'testdata' ||
    name === 'node_modules' ||
    name.startsWith('.') ||
    name.startsWith('_')
  );
}

/** Every module root and package.json folder under `root` (sorted, root first). */
export function walkProjectTree(root: string): WalkResult {
  const moduleRoots: string[] = [];
  const packageJsonDirs: string[] = [];
  let goOutsideModules = false;
  const visit = (dir: string, aboveInModule: boolean) => {
    const isModuleRoot = existsSync(join(dir, 'go.mod'));
    if (isModuleRoot) moduleRoots.push(dir);
    const inModule = aboveInModule || isModuleRoot;
    if (existsSync(join(dir, 'package.json'))) packageJsonDirs.push(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folders are not ours to build
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.isDirectory() && !skippedFolder(entry.name)) visit(join(dir, entry.name), inModule);
      else if (!inModule && entry.isFile() && entry.name.endsWith('.go')) goOutsideModules = true;
    }
  };
  visit(root, false);
  return { moduleRoots, packageJsonDirs, goOutsideModules };
}
