/**
 * Errors from a registry, on one line: what was asked, of which registry, and what it answered (the
 * distribution error code and message). Credentials never appear: requests are described by method,
 * registry and path only, and every message passes through redact when printed.
 */
import { DuatError, type DuatErrorOptions } from '../core/errors.js';

export interface RegistryErrorDetail {
  readonly code: string;
  readonly message: string;
}

export interface RegistryErrorOptions extends DuatErrorOptions {
  readonly status?: number;
  readonly codes?: readonly RegistryErrorDetail[];
  readonly registry?: string;
  /** The registry said clearly that the manifest or repository is not there (see isClearNotFound). */
  readonly notFound?: boolean;
}

export class RegistryError extends DuatError {
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined;
  /** Distribution error codes from the body (MANIFEST_UNKNOWN, UNSUPPORTED...). */
  readonly codes: readonly RegistryErrorDetail[];
  readonly registry: string | undefined;
  readonly notFound: boolean;

  constructor(message: string, options: RegistryErrorOptions = {}) {
    super(message, options);
    this.name = 'RegistryError';
    this.status = options.status;
    this.codes = options.codes ?? [];
    this.registry = options.registry;
    this.notFound = options.notFound === true;
  }

  hasCode(code: string): boolean {
    return this.codes.some((c) => c.code === code);
  }
}

/** Errors of a distribution error body; [] when the body is not one. */
export function parseErrorBody(text: string): RegistryErrorDetail[] {
  try {
    const json = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    if (!Array.isArray(json.errors)) return [];
    return json.errors
      .filter((e) => typeof e === 'object' && e !== null)
      .map((e) => ({
        code: typeof e.code === 'string' ? e.code : 'UNKNOWN',
        message: typeof e.message === 'string' ? e.message : '',
      }));
  } catch {
    return [];
  }
}

/** `CODE: message; CODE2: message2`, or a trimmed start of a non-JSON body. */
export function describeErrorBody(codes: readonly RegistryErrorDetail[], text: string): string {
  if (codes.length > 0) return codes.map((c) => (c.message ? `${c.code}: ${c.message}` : c.code)).join('; ');
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain.length > 160 ? `${plain.slice(0, 160)}...` : plain;
}

/**
 * The distribution spec's codes for "not there" on a manifest request: the manifest (tag or digest)
 * is unknown, or the whole repository is (NAME_UNKNOWN: then the image is not there either).
 */
const NOT_THERE_CODES = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);

/**
 * A 404 that says clearly "no such manifest": its body is a distribution error body naming only
 * MANIFEST_UNKNOWN or NAME_UNKNOWN, or it has no body (a HEAD answer, which cannot carry one) and a
 * JSON, plain-text or no Content-Type: go-containerregistry's registry writes its JSON error without a
 * Content-Type, which Go's net/http then sniffs as text/plain, and a HEAD answer keeps only that header.
 * A 404 page of a proxy or a web server (HTML, a text body, other codes) is not.
 */
export function isClearNotFound(
  status: number,
  contentType: string | undefined,
  codes: readonly RegistryErrorDetail[],
  body: string,
): boolean {
  if (status !== 404) return false;
  if (codes.length > 0) return codes.every((c) => NOT_THERE_CODES.has(c.code));
  if (body.trim() !== '') return false;
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || type === 'application/json' || type === 'text/plain';
}

/** Not found: a missing tag, digest or repository, said clearly (see isClearNotFound). */
export function isNotFound(err: unknown): boolean {
  return err instanceof RegistryError && err.notFound;
}
