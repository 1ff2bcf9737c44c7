/**
 * Listing Go packages with `go list -json`: which directories hold a `main` package, in which module.
 * `-find` skips resolving dependencies (fast, and no downloads); `-e` reports broken packages instead
 * of stopping, so one bad directory does not hide the others.
 */
import { DuatError } from '../core/errors.js';
import { runGoCommand } from './go-tool.js';
import { lastLine } from './process.js';

export interface GoModuleRef {
  /** The module path: `example.com/m`. */
  readonly path: string;
  /** The module's root directory (holding go.mod). */
  readonly dir: string;
}

export interface GoPackage {
  readonly dir: string;
  readonly importPath: string;
  /** The package name (`main` for commands); '' when go could not tell. */
  readonly name: string;
  readonly module: GoModuleRef | undefined;
  /** go's error for this package, when it has one. */
  readonly error: string | undefined;
}

interface RawPackage {
  Dir?: string;
  ImportPath?: string;
  Name?: string;
  Module?: { Path?: string; Dir?: string };
  Error?: { Err?: string };
}

/**
 * Splits go list's output, a stream of indented JSON objects, into objects. Each top-level object
 * starts with a line `{` and ends with a line `}`; nested values are indented.
 */
export function parseGoListJson(text: string): GoPackage[] {
  const packages: GoPackage[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (current.length === 0 && line.trim() === '') continue;
    current.push(line);
    if (line === '}' || (current.length === 1 && line === '{}')) {
      const raw = JSON.parse(current.join('\n')) as RawPackage;
      current = [];
      if (raw.Dir === undefined && raw.ImportPath === undefined) continue;
      packages.push({
        dir: raw.Dir ?? '',
        importPath: raw.ImportPath ?? '',
        name: raw.Name ?? '',
        module:
          raw.Module?.Path !== undefined && raw.Module.Dir !== undefined
            ? { path: raw.Module.Path, dir: raw.Module.Dir }
            : undefined,
        error: raw.Error?.Err,
      });
    }
  }
  if (current.some((l) => l.trim() !== '')) throw new Error('go list output ended inside a JSON object');
  return packages;
}

export interface GoListOptions {
  readonly tags?: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** `go list -e -find -json` of `patterns` (`./...`, `.`) run in `dir`. */
export async function listGoPackages(
  dir: string,
  patterns: readonly string[],
  options: GoListOptions,
): Promise<GoPackage[]> {
  const args = ['list', '-e', '-find', '-json=Dir,ImportPath,Name,Module,Error'];
  if (options.tags && options.tags.length > 0) args.push(`-tags=${options.tags.join(',')}`);
  args.push(...patterns);
  const result = await runGoCommand(args, dir, options.env);
  if (result.code !== 0) {
    throw new DuatError(`go list failed in ${dir}: ${lastLine(result.stderr) || `exit ${result.code}`}`);
  }
  try {
    return parseGoListJson(result.stdout);
  } catch (err) {
    throw new DuatError(`cannot read the output of go list in ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
