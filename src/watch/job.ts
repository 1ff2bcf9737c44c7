/**
 * What a run executes: the job template rendered through stencil, a `--run` command, or the built-in
 * default that runs the repository's conventional tests. The result is a script that the runner runs
 * in the workspace (by its `#!` line, else with sh).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DuatError, describeFsError, errorMessage } from '../core/errors.js';
import { repositoryName } from '../git/remote-url.js';
import { readVersion } from '../version/version-file.js';
import { checkCheckoutFiles, confinedPath } from './checkout-file.js';
import { namespaceFor } from './namespace.js';

export type JobSource =
  | { readonly kind: 'template'; readonly path: string }
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'default' };

/** The values a job template sees (besides stencil's own .Env and .duat). */
export interface JobValues {
  readonly ID: string;
  readonly Namespace: string;
  readonly Dir: string;
  readonly Commit: string;
  readonly URL: string;
  readonly Branch: string;
}

export interface RenderOptions {
  /** The job's environment: stencil's .Env and env functions. */
  readonly env: NodeJS.ProcessEnv;
  /** Run a template whose output holds `<no value>` anyway (the original's -ignore-warn). */
  readonly ignoreWarn?: boolean;
  readonly ignoreAwsErrors?: boolean;
  /** More template data from the runner (Runner.templateData); the run's own values win. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface RenderedJob {
  readonly script: string;
  /** Stencil's warnings, for the run log. */
  readonly warnings: readonly string[];
}

/**
 * The built-in job. Its description in `duat git-watch --help` is DEFAULT_JOB_SUMMARY: keep both in step.
 */
export const DEFAULT_JOB_SCRIPT = `#!/bin/sh
# duat git-watch's built-in job: the repository's conventional test entry.
set -e
echo "duat git-watch: commit $DUAT_COMMIT of $DUAT_URL ($DUAT_BRANCH), run $DUAT_RUN_ID"
if [ -f Makefile ] && grep -q '^test:' Makefile; then
  echo '+ make test'; exec make test
elif [ -f package.json ] && grep -q '"test"[[:space:]]*:' package.json; then
  if [ -f package-lock.json ]; then echo '+ npm ci'; npm ci; else echo '+ npm install'; npm install; fi
  echo '+ npm test'; exec npm test
elif [ -f go.mod ]; then
  echo '+ go test ./...'; exec go test ./...
elif [ -f Cargo.toml ]; then
  echo '+ cargo test'; exec cargo test
else
  echo 'no test entry found (a Makefile "test:" target, a package.json "test" script, go.mod or Cargo.toml): nothing to run'
fi
`;

export const DEFAULT_JOB_SUMMARY =
  'Without -job-template or --run, each commit runs the built-in job in its workspace: "make test" when the ' +
  'Makefile has a "test:" target; else, when package.json has a "test" script, "npm ci" (or "npm install" ' +
  'without a package-lock.json) then "npm test"; else "go test ./..." when there is a go.mod; else "cargo ' +
  'test" when there is a Cargo.toml; else it prints that no test entry was found and succeeds.';

/** The files of the commit that hold its version (.duat.version, the default namespace). */
export const VERSION_FILE_NAMES = ['README.md', 'README.adoc'] as const;

/**
 * The run's namespace: `gw-` + the version in the workspace's README.md (or README.adoc), else the
 * repository's name. A version file that leads out of the checkout, is no regular file or is too large
 * throws an UntrustedFileError (the run fails); one without a version gives the repository's name.
 */
export function defaultNamespace(dir: string, url: string): string {
  const files = VERSION_FILE_NAMES.map((name) => confinedPath(dir, name)).filter(
    (path): path is string => path !== undefined,
  );
  try {
    if (files.length > 0) return namespaceFor(readVersion(files).version);
  } catch {
    // no version in it: the repository's name
  }
  return namespaceFor(repositoryName(url) ?? 'repository');
}

/** The script for one run. Template errors are DuatErrors with Go's `template: NAME:LINE:COL: ...`. */
export async function renderJob(
  source: JobSource,
  values: JobValues,
  options: RenderOptions,
): Promise<RenderedJob> {
  if (source.kind === 'command') return { script: `${source.command}\n`, warnings: [] };
  if (source.kind === 'default') return { script: DEFAULT_JOB_SCRIPT, warnings: [] };
  // The template may read the commit's version file (.duat.version): only a confined, bounded one.
  checkCheckoutFiles(values.Dir, VERSION_FILE_NAMES);
  let text: string;
  try {
    text = readFileSync(source.path, 'utf8');
  } catch (err) {
    throw new DuatError(`cannot read the job template: ${describeFsError(err)}`, {
      file: source.path,
      cause: err,
    });
  }
  // The template engine is only loaded by runs that use a template.
  const { renderStencil, noValueLines } = await import('../stencil/index.js');
  let output: string;
  let warnings: string[];
  try {
    ({ output, warnings } = await renderStencil(text, {
      name: basename(source.path),
      data: { ...options.data, ...values },
      gitDir: values.Dir,
      module: values.Dir,
      // Only the watched commit's own files: never the watcher's working directory.
      versionFile: VERSION_FILE_NAMES.map((name) => join(values.Dir, name)),
      optionalVersion: true,
      env: options.env,
      ignoreAwsErrors: options.ignoreAwsErrors === true,
    }));
  } catch (err) {
    if (err instanceof DuatError) throw err;
    throw new DuatError(`the job template failed: ${errorMessage(err)}`, { file: source.path, cause: err });
  }
  const missing = noValueLines(output);
  if (missing.length > 0 && !options.ignoreWarn) {
    throw new DuatError(
      `the rendered job has <no value> on line ${missing.slice(0, 5).join(', ')}: the template printed a missing value`,
      { file: source.path, hint: 'fix the template, or pass -ignore-warn to run it anyway' },
    );
  }
  return { script: output, warnings };
}
