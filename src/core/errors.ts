/**
 * Errors that reach the user. A DuatError carries a message meant to be read on one line, where it
 * happened (file and line when known), a hint on how to fix it, and the exit code: 2 for usage errors
 * (bad flags or arguments), 1 for failures.
 */
export interface DuatErrorOptions {
  /** A short suggestion of what to do about it. */
  hint?: string;
  /** The file the error is about. */
  file?: string;
  /** The 1-based line in `file`. */
  line?: number;
  /** The underlying error. */
  cause?: unknown;
  /** Process exit code for the CLI (default 1). */
  exitCode?: number;
}

export class DuatError extends Error {
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly exitCode: number;

  constructor(message: string, options: DuatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DuatError';
    this.hint = options.hint;
    this.file = options.file;
    this.line = options.line;
    this.exitCode = options.exitCode ?? 1;
  }

  /** `file:line: message (hint)` on one line. */
  describe(): string {
    let where = '';
    if (this.file !== undefined)
      where = this.line !== undefined ? `${this.file}:${this.line}: ` : `${this.file}: `;
    const hint = this.hint ? `; ${this.hint}` : '';
    return `${where}${this.message}${hint}`;
  }
}

/** A mistake in how a command was called: exit code 2. */
export class UsageError extends DuatError {
  constructor(message: string, options: Omit<DuatErrorOptions, 'exitCode'> = {}) {
    super(message, { ...options, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** The message of an unknown thrown value, for wrapping. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Node's system error code (ENOENT, EACCES...) when there is one. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** A readable phrase for common file-system errors, without Node's syscall noise. */
export function describeFsError(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return errorMessage(err);
  }
}
