/**
 * Content digests, checked in this one place before any digest is used: in a request path or query,
 * in a file name, or compared with another. A digest from a registry (a manifest's config, layers,
 * index children or subject; a Docker-Content-Digest header; an ECR answer) is untrusted: unchecked,
 * `sha256:x/../../other/manifests/y` would turn a blob request into a request for another repository,
 * sent with the user's credentials.
 *
 * The grammar is the OCI image spec's (descriptor.md):
 *
 *   digest    ::= algorithm ":" encoded
 *   algorithm ::= [a-z0-9]+ ([+._-] [a-z0-9]+)*
 *   encoded   ::= [a-zA-Z0-9=_-]+
 *
 * and of its registered algorithms duat accepts the two it can verify: sha256 (64 lower-case hex
 * digits) and sha512 (128). Any other algorithm is refused by name, since duat could neither compute
 * nor check it. Hand-written: it is two regular expressions and a table.
 */
import { DuatError, type DuatErrorOptions } from '../core/errors.js';

/** Encoded lengths of the algorithms duat computes and checks. */
export const DIGEST_ALGORITHMS: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

const GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const LOWER_HEX = /^[a-f0-9]+$/;

/** A value shown in a message: quoted, cut short, control characters escaped. */
export function shownValue(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'nothing' : `a ${typeof value}`;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

/** Why `value` is not a digest duat can use, or undefined when it is one. */
export function digestProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `${shownValue(value)} is not a digest`;
  if (!GRAMMAR.test(value)) return `${shownValue(value)} is not a digest (ALGORITHM:ENCODED)`;
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  const length = DIGEST_ALGORITHMS[algorithm];
  if (length === undefined) {
    return `${shownValue(value)} uses the digest algorithm ${algorithm}, which duat cannot verify (sha256 and sha512 only)`;
  }
  if (encoded.length !== length || !LOWER_HEX.test(encoded)) {
    return `${shownValue(value)} is not a ${algorithm} digest (${length} lower-case hex digits)`;
  }
  return undefined;
}

/** True for a sha256 or sha512 digest in canonical form. */
export function isValidDigest(value: unknown): boolean {
  return digestProblem(value) === undefined;
}

/**
 * `value` when it is a valid digest; else a DuatError saying where it came from and what is wrong:
 * `manifest sha256:ab..., layers[1]: "sha256:x/../y" is not a digest (ALGORITHM:ENCODED)`.
 */
export function checkDigest(value: unknown, where: string, options: DuatErrorOptions = {}): string {
  const problem = digestProblem(value);
  if (problem !== undefined) throw new DuatError(`${where}: ${problem}`, options);
  return value as string;
}

/** The algorithm of a valid digest. */
export function digestAlgorithm(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}
