import { basename, resolve } from 'node:path';
import { defaultEcrHost } from '../aws/ecr-host.js';
import { DuatError } from '../core/errors.js';
import { scrubForDocker } from '../core/names.js';
import { gitInfo } from '../git/info.js';
import { remotePath } from '../git/remote-url.js';
import { isValidRepository, isValidTag, parseReference } from '../registry/reference.js';
import { parseVersion } from '../version/semver.js';
import { DEFAULT_VERSION_FILES, findVersionFile, readVersion } from '../version/version-file.js';

export interface ImageNameOptions {
  /** The component directory; its base name is the component (default: the working directory). */
  module?: string;
  /** A directory inside the git repository (default: the module directory). */
  gitDir?: string;
  /** Version file candidates, relative to the repository top, then the working directory. */
  versionFile?: string | readonly string[];
  /** Use this version instead of reading the version file. */
  version?: string;
  /** Registry host to put in front, or 'ecr' for the AWS account's default ECR registry. */
  registry?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ImageName {
  readonly registry: string | undefined;
  /** OWNER/REPO/COMPONENT */
  readonly repository: string;
  readonly tag: string;
  /** The version as read (the tag, before '+' became '_'). */
  readonly version: string;
  /** True when the version has a pre-release part. */
  readonly prerelease: boolean;
  /** [REGISTRY/]REPOSITORY:TAG */
  readonly reference: string;
  /** Where the version came from. */
  readonly versionFile: string | undefined;
}

/** One path component as Docker accepts it: [a-z0-9] runs joined by '.', '_', '__' or '-'s. */
function fixComponent(component: string): string {
  let out = component.replace(/[^a-z0-9._-]/g, '-');
  // Separator runs Docker refuses ('..', '._', '___', '-.' ...) become a single '-'.
  out = out.replace(/[._-]{2,}/g, (run) => (/^(?:__|-+)$/.test(run) ? run : '-'));
  return out.replace(/^[._-]+|[._-]+$/g, '');
}

/**
 * The repository path for a remote path (or URL) and component: the original's generateImageName,
 * made always valid.
 */
export function imageRepository(remote: string, component: string): string {
  const path = remotePath(remote).path.replace(/\/+$/, '');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  const label = (parts[parts.length - 1] ?? '').replace(/\.git$/, '');
  const owner = parts[parts.length - 2];
  if (!owner || !label) {
    throw new DuatError(`the git remote "${remote}" has no OWNER/REPO path to name images after`, {
      hint: 'give the repository explicitly, or set a remote such as https://github.com/owner/repo.git',
    });
  }
  const joined = `${owner}/${label}/${scrubForDocker(component)}`;
  let out = '';
  let i = 0;
  for (const ch of joined) {
    const upper = ch !== ch.toLowerCase() && ch === ch.toUpperCase();
    const prev = out[out.length - 1];
    if (upper && i !== 0 && prev !== undefined && !'/-_.'.includes(prev)) out += '-';
    out += ch.toLowerCase();
    i++;
  }
  const repository = out
    .split('/')
    .map(fixComponent)
    .filter((c) => c !== '')
    .join('/');
  if (!isValidRepository(repository)) {
    throw new DuatError(`cannot make a valid image name from "${joined}" (got "${repository}")`);
  }
  return repository;
}

/** The tag for a version: the version itself, '+' (build metadata) as '_'. */
export function imageTag(version: string): string {
  const tag = version.replace(/\+/g, '_');
  if (!isValidTag(tag)) throw new DuatError(`the version "${version}" cannot be an image tag`);
  return tag;
}

/** Resolves 'ecr' to the account's ECR host; any other value is checked as a registry host. */
export async function resolveRegistry(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (registry.toLowerCase() === 'ecr') return defaultEcrHost({ env });
  const host = registry.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const parsed = parseReference(`${host}/x`);
  if (parsed.registry !== host) {
    throw new DuatError(`"${registry}" is not a registry host`, {
      hint: 'a registry host has a "." or a port (registry.example.com, 127.0.0.1:5000) or is localhost',
      exitCode: 2,
    });
  }
  return host;
}

/** The image name the conventions give for a component of the repository at hand. */
export async function resolveImageName(options: ImageNameOptions = {}): Promise<ImageName> {
  const env = options.env ?? process.env;
  const moduleDir = resolve(options.module ?? '.');
  const git = gitInfo({ dir: options.gitDir ?? moduleDir, env });
  if (!git.url) {
    throw new DuatError(`the git repository at ${git.dir} has no remote to name images after`, {
      hint: 'add one: git remote add origin https://github.com/OWNER/REPO.git',
    });
  }
  const repository = imageRepository(git.url, basename(moduleDir));
  let version = options.version;
  let versionFile: string | undefined;
  if (version === undefined) {
    const candidates = options.versionFile ?? DEFAULT_VERSION_FILES;
    versionFile = findVersionFile(candidates, { top: git.dir });
    if (!versionFile) {
      const names = typeof candidates === 'string' ? candidates : candidates.join(', ');
      throw new DuatError(`no version file (${names}) in ${git.dir}`, {
        hint: 'name it with -f FILE, or give the reference explicitly',
      });
    }
    version = readVersion(versionFile).version;
  }
  const parsed = parseVersion(version);
  const tag = imageTag(version);
  const registry = options.registry ? await resolveRegistry(options.registry, env) : undefined;
  const reference = `${registry ? `${registry}/` : ''}${repository}:${tag}`;
  return {
    registry,
    repository,
    tag,
    version,
    prerelease: parsed.prerelease !== '',
    reference,
    versionFile,
  };
}
