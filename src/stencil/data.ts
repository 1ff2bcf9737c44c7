import { userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { defaultEcrHost } from '../aws/ecr-host.js';
import { DuatError, errorMessage } from '../core/errors.js';
import { scrubForDocker } from '../core/names.js';
import { type GitInfo, gitInfo } from '../git/info.js';
import { fromJSON, type GoMap, type Value } from '../template/value.js';
import { DEFAULT_VERSION_FILES, findVersionFile, readVersion } from '../version/version-file.js';
import { readValuesFile } from './values.js';

export { scrubForDocker };

export interface StencilDataOptions {
  /** Top-level values (-values k=v). */
  values?: Record<string, string>;
  /** .json/.yaml/.toml files merged at the top level, in order. */
  valuesFiles?: readonly string[];
  /** Extra top-level data, merged last (git-watch's ID, Namespace, Dir, Commit, URL, Branch). */
  data?: Record<string, unknown>;
  /** Version file candidates, relative to the repository top (then the working directory). */
  versionFile?: string | readonly string[];
  /** A missing version file is only a warning (always true for git-watch). */
  optionalVersion?: boolean;
  /** Directory inside the git repository (default: the module directory). */
  gitDir?: string;
  /** The component directory: its name is .duat.module (default: the working directory). */
  module?: string;
  env?: NodeJS.ProcessEnv;
  /** Do not warn when the AWS context (for .duat.awsecr) is missing. */
  ignoreAwsErrors?: boolean;
  /** Resolve .duat.awsecr (default true). */
  resolveAws?: boolean;
}

export interface StencilData {
  readonly data: GoMap;
  readonly warnings: string[];
}

export async function buildStencilData(options: StencilDataOptions = {}): Promise<StencilData> {
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const moduleDir = resolve(options.module ?? '.');
  let git: GitInfo | undefined;
  try {
    git = gitInfo({ dir: options.gitDir ?? moduleDir, env });
  } catch (err) {
    warnings.push(`${errorMessage(err)}: the .duat git values are empty`);
  }

  let version = '';
  const candidates = options.versionFile ?? DEFAULT_VERSION_FILES;
  const versionFile = findVersionFile(candidates, { top: git?.dir });
  if (versionFile) {
    version = readVersion(versionFile).version;
  } else {
    const names = typeof candidates === 'string' ? candidates : candidates.join(',');
    if (!options.optionalVersion) {
      warnings.push(`no version file (${names}) was found: .duat.version is empty`);
    }
  }

  const user = userInfo();
  const duat = new Map<string, Value>([
    ['version', version],
    ['module', scrubForDocker(basename(moduleDir))],
    ['gitTag', git?.tag ?? ''],
    ['gitHash', git?.hash ?? ''],
    ['gitBranch', git?.branch ?? ''],
    ['gitURL', git?.url ?? ''],
    ['gitDir', git?.dir ?? ''],
    ['userID', String(user.uid)],
    ['userName', user.username],
    ['userGroupID', String(user.gid)],
  ]);
  if (options.resolveAws !== false) {
    try {
      duat.set('awsecr', await defaultEcrHost({ env }));
    } catch (err) {
      if (!options.ignoreAwsErrors) warnings.push(`${errorMessage(err)}: .duat.awsecr is not set`);
    }
  }

  const envMap: GoMap = new Map();
  for (const [key, value] of Object.entries(env)) if (value !== undefined) envMap.set(key, value);

  const data: GoMap = new Map<string, Value>([
    ['Env', envMap],
    ['duat', duat],
  ]);
  for (const file of options.valuesFiles ?? []) {
    for (const [key, value] of readValuesFile(file)) data.set(key, value);
  }
  for (const [key, value] of Object.entries(options.values ?? {})) data.set(key, value);
  if (options.data) {
    const extra = fromJSON(options.data);
    if (!(extra instanceof Map)) throw new DuatError('stencil data must be an object');
    for (const [key, value] of extra) data.set(key, value);
  }
  return { data, warnings };
}
