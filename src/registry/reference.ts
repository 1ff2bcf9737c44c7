/**
 * Image references as docker and distribution/reference read them: `[registry/]path[:tag][@digest]`.
 * The first path component is the registry when it holds a `.` or a `:`, is `localhost`, or has an
 * upper-case letter; otherwise the registry is docker.io, where a one-component path gets `library/`.
 * Path components are lower case `[a-z0-9]` joined by `.`, `_`, `__` or runs of `-`; tags are
 * `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; the whole name is at most 255 characters. The error texts are
 * distribution's, so they read as docker's do.
 */
import { UsageError } from '../core/errors.js';
import { digestProblem, isValidDigest } from './digest.js';

export { isValidDigest };

export interface ImageReference {
  /** Registry host with an optional port, as written: `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** The repository path inside the registry: `library/ubuntu`, `owner/repo/component`. */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:hex`. */
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const NAME_TOTAL_LENGTH_MAX = 255;

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';

const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const ANCHORED_HEX_ID = /^[a-f0-9]{64}$/;

function invalid(text: string, reason: string, hint?: string): UsageError {
  return new UsageError(`invalid image reference "${text}": ${reason}`, {
    hint: hint ?? 'write [REGISTRY/]PATH[:TAG][@DIGEST], e.g. 127.0.0.1:5000/owner/repo/app:1.2.3',
  });
}

/** True for a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** True for a valid repository path (without registry). */
export function isValidRepository(path: string): boolean {
  return PATH_RE.test(path) && path.length <= NAME_TOTAL_LENGTH_MAX;
}

/** Splits `name` into registry and remainder as distribution's splitDockerDomain does. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    return [DOCKER_HUB, name];
  }
  return [first === 'index.docker.io' ? DOCKER_HUB : first, name.slice(slash + 1)];
}

/**
 * Parses a reference as `docker pull` would (distribution's ParseNormalizedNamed). `defaultTag` is not
 * applied: a reference without tag or digest has neither.
 */
export function parseReference(text: string): ImageReference {
  if (text === '') throw invalid(text, 'repository name must have at least one component');
  if (ANCHORED_HEX_ID.test(text)) {
    throw invalid(text, 'cannot specify 64-byte hexadecimal strings', 'write the digest as NAME@sha256:HEX');
  }
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem !== undefined) {
      throw invalid(
        text,
        `invalid digest format: ${problem}`,
        'a digest is sha256: and 64 lower-case hex digits',
      );
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw invalid(
        text,
        'invalid reference format',
        'a tag is up to 128 characters of [A-Za-z0-9_.-] and does not start with "." or "-"',
      );
    }
  }
  const [registry, path0] = splitDomain(rest);
  let path = path0;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (path === '') throw invalid(text, 'repository name must have at least one component');
  if (path.toLowerCase() !== path) {
    throw invalid(text, `invalid reference format: repository name (${path}) must be lowercase`);
  }
  if (!DOMAIN_RE.test(registry)) throw invalid(text, 'invalid reference format');
  if (!PATH_RE.test(path)) {
    throw invalid(
      text,
      'invalid reference format',
      'path components are [a-z0-9] joined by ".", "_", "__" or "-", separated by "/"',
    );
  }
  if (registry.length + 1 + path.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(text, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  return { registry, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository[:tag][@digest]`, always with the registry. */
export function formatReference(ref: ImageReference): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The tag or digest a manifest request names: the digest when there is one, else the tag. */
export function referenceTarget(ref: ImageReference): string | undefined {
  return ref.digest ?? ref.tag;
}

/** A copy of `ref` with another tag and no digest. */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  if (!TAG_RE.test(tag)) throw invalid(`${ref.registry}/${ref.repository}:${tag}`, 'invalid tag');
  return { registry: ref.registry, repository: ref.repository, tag };
}

/** The host the registry API is served on: Docker Hub's API lives at registry-1.docker.io. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** The host name without port or IPv6 brackets. */
export function hostName(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon === -1 ? registry : registry.slice(0, colon);
}

/** True for localhost, 127.0.0.0/8 and ::1: registries Docker lets us speak plain HTTP to. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostName(registry).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
