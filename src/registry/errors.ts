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
}

export class RegistryError extends DuatError {
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined;
  /** Distribution error codes from the body (MANIFEST_UNKNOWN, UNSUPPORTED...). */
  readonly codes: readonly RegistryErrorDetail[];
  readonly registry: string | undefined;

  constructor(message: string, options: RegistryErrorOptions = {}) {
    super(message, options);
    this.name = 'RegistryError';
    this.status = options.status;
    this.codes = options.codes ?? [];
    this.registry = options.registry;
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

/** Not found: a missing tag, digest or repository (404 with MANIFEST_UNKNOWN, NAME_UNKNOWN...). */
export function isNotFound(err: unknown): boolean {
  return err instanceof RegistryError && err.status === 404;
}
