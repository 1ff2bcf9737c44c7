/**
 * Finding a module's own `version` package (`<module>/version`), the default place to stamp, and which
 * of the variables the original stamped (SemVer, GitHash, BuildTime) it declares: the linker ignores a
 * `-X` for a variable that does not exist, so a missing one is worth a warning.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GoModuleRef } from './go-list.js';

export const VERSION_VARIABLES = ['SemVer', 'GitHash', 'BuildTime'] as const;

export interface VersionPackage {
  /** `<module>/version`. */
  readonly importPath: string;
  readonly dir: string;
  /** Which of VERSION_VARIABLES its source mentions as a declaration. */
  readonly declares: readonly string[];
}

/** The module's `version` package, or undefined when the module has no `version` folder with Go code. */
export function findVersionPackage(module: GoModuleRef): VersionPackage | undefined {
  const dir = join(module.dir, 'version');
  let sources: string[];
  try {
    sources = readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  } catch {
    return undefined;
  }
  if (sources.length === 0) return undefined;
  const text = sources.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const declares = VERSION_VARIABLES.filter((name) =>
    new RegExp(`(^|[\\s(,])${name}(\\s*(,|=)|\\s+string\\b)`, 'm').test(text),
  );
  return { importPath: `${module.path}/version`, dir, declares };
}
