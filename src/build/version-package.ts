/**
 * Finding a module's own `version` package (`<module>/version`), the default place to stamp, and which
 * of the variables the original stamped (SemVer, GitHash, BuildTime) it declares: the linker ignores a
 * `-X` for a variable that does not exist, so a missing one is worth a warning.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GoModuleRef } from './go-list.js';

export const VERSION_VARIABLES = ['SemVer', 'GitHash', 'BuildTime'] as const;

export interface VersionPackage {
  /** `<module>/version`. */
  readonly importPath: string;
  readonly dir: string;
  /** Which of VERSION_VARIABLES its source mentions as a declaration. */
  readonly declares: readonly string[];
}

function goSources(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  } catch {
    return [];
  }
}

/**
 * The project a GOPATH-mode command belongs to, as a module-like root for its stamps: the nearest
 * folder above the command (up to the repository top, the folder holding .git) with a `version`
 * folder of Go code. Its import path is the command's with the folders climbed taken off
 * (`example.com/proj/cmd/hello` in `.../proj/cmd/hello` gives `example.com/proj`).
 */
export function gopathProjectOf(dir: string, importPath: string): GoModuleRef | undefined {
  let path = importPath;
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return undefined;
    path = path.slice(0, slash);
    if (goSources(join(d, 'version')).length > 0) return { path, dir: d };
    if (existsSync(join(d, '.git'))) return undefined;
  }
  return undefined;
}

/** The module's `version` package, or undefined when the module has no `version` folder with Go code. */
export function findVersionPackage(module: GoModuleRef): VersionPackage | undefined {
  const dir = join(module.dir, 'version');
  const sources = goSources(dir);
  if (sources.length === 0) return undefined;
  const text = sources.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const declares = VERSION_VARIABLES.filter((name) =>
    new RegExp(`(^|[\\s(,])${name}(\\s*(,|=)|\\s+string\\b)`, 'm').test(text),
  );
  return { importPath: `${module.path}/version`, dir, declares };
}
