/**
 * npm packages as build commands: a folder whose package.json has a `bin` is packed with `npm pack`
 * into the output folder, with the build's version applied. The version is written into a temporary
 * copy of the package, so the user's package.json is never changed; the tarball takes npm's name
 * (`name-version.tgz`, a scope `@s/n` giving `s-n-version.tgz`).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DuatError, describeFsError, errorMessage } from '../core/errors.js';
import { packageJsonFormat } from '../version/formats/package-json.js';
import { replaceSpots } from '../version/version-file.js';
import { OUTPUT_GITIGNORE } from './output-dir.js';
import { type ProcessResult, runProcess } from './process.js';

export interface NpmPackageInfo {
  readonly name: string;
  readonly version: string | undefined;
  /** True when package.json has a non-empty `bin`. */
  readonly hasBin: boolean;
}

/** Reads a folder's package.json; undefined when there is none. */
export function readNpmPackage(dir: string): NpmPackageInfo | undefined {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return undefined;
  let manifest: { name?: unknown; version?: unknown; bin?: unknown };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as typeof manifest;
  } catch (err) {
    throw new DuatError(`is not valid JSON: ${errorMessage(err)}`, { file: path, cause: err });
  }
  const bin = manifest.bin;
  const hasBin =
    (typeof bin === 'string' && bin !== '') ||
    (typeof bin === 'object' && bin !== null && Object.keys(bin).length > 0);
  return {
    name: typeof manifest.name === 'string' ? manifest.name : '',
    version: typeof manifest.version === 'string' ? manifest.version : undefined,
    hasBin,
  };
}

/** npm's tarball name: `name-version.tgz`, `@scope/name` -> `scope-name-version.tgz`. */
export function npmTarballName(name: string, version: string): string {
  return `${name}-${version}.tgz`.replace(/^@/, '').replace(/\//, '-');
}

/** package.json text with its top-level "version" set, keeping the rest of the text as it was. */
export function withPackageVersion(text: string, version: string): string {
  const spots = packageJsonFormat.findSpots(text);
  if (spots.length > 0) return replaceSpots(text, spots, version);
  const manifest = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  return `${JSON.stringify({ ...manifest, version }, null, 2)}\n`;
}

/**
 * What the temporary copy takes: not .git or node_modules (linked instead), and from the output folder
 * (which may be the package's own bin/) not the tarballs, .gitignore and other artifacts builds put
 * there.
 */
function copied(source: string, dir: string, outDir: string, artifacts: ReadonlySet<string>): boolean {
  const name = basename(source);
  if (source !== dir && (name === '.git' || name === 'node_modules')) return false;
  if (dirname(source) !== outDir) return true;
  if (artifacts.has(source)) return false;
  if (name.endsWith('.tgz')) return false;
  if (name !== '.gitignore') return true;
  try {
    return readFileSync(source, 'utf8') !== OUTPUT_GITIGNORE;
  } catch {
    return true;
  }
}

export interface NpmPackOptions {
  /** The package folder. */
  readonly dir: string;
  readonly version: string;
  /** Absolute output folder. */
  readonly outDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Absolute paths of the other artifacts of the build, never packed. */
  readonly artifacts?: ReadonlySet<string>;
}

export interface NpmPackResult {
  readonly tarball: string;
  readonly process: ProcessResult;
  /** The command run, for -v. */
  readonly args: readonly string[];
  readonly cwd: string;
}

/**
 * Packs `dir` at `version` into `outDir`. The package is copied to a temporary folder (without .git
 * and node_modules; node_modules is linked so prepack/prepare scripts find their tools), the copy's
 * package.json gets the version, and `npm pack` runs there. A failed pack leaves no tarball behind.
 */
export async function packNpm(options: NpmPackOptions): Promise<NpmPackResult> {
  const dir = resolve(options.dir);
  const info = readNpmPackage(dir);
  if (!info) throw new DuatError('no package.json', { file: join(dir, 'package.json') });
  if (info.name === '') {
    throw new DuatError('has a bin but no name, so npm cannot pack it', {
      file: join(dir, 'package.json'),
      hint: 'add a "name"',
    });
  }
  const tarball = join(options.outDir, npmTarballName(info.name, options.version));
  const work = mkdtempSync(join(tmpdir(), 'duat-npm-pack-'));
  try {
    const copy = join(work, basename(dir));
    const artifacts = options.artifacts ?? new Set<string>();
    try {
      cpSync(dir, copy, {
        recursive: true,
        filter: (source) => copied(source, dir, options.outDir, artifacts),
      });
    } catch (err) {
      throw new DuatError(`cannot copy the package to pack it: ${describeFsError(err)}`, {
        file: dir,
        cause: err,
      });
    }
    if (existsSync(join(dir, 'node_modules')))
      symlinkSync(join(dir, 'node_modules'), join(copy, 'node_modules'));
    const manifestPath = join(copy, 'package.json');
    writeFileSync(manifestPath, withPackageVersion(readFileSync(manifestPath, 'utf8'), options.version));
    const args = ['pack', '--pack-destination', options.outDir];
    const result = await runProcess('npm', args, {
      cwd: copy,
      env: options.env,
      installHint: 'install Node.js with npm',
    });
    if (result.code !== 0) rmSync(tarball, { force: true });
    else if (!existsSync(tarball)) {
      throw new DuatError(`npm pack did not write ${tarball}`, { file: join(dir, 'package.json') });
    }
    return { tarball, process: result, args, cwd: copy };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
