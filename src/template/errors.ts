/**
 * Errors of the template engine. Their `message` is exactly the text Go's text/template gives
 * (`err.Error()`), so callers can show it as Go would.
 */

export type TemplatePhase = 'parse' | 'exec';

export interface TemplateErrorDetails {
  /** For parse errors the name of the template being parsed (Go's Tree.ParseName); for execution
   * errors the name of the template executing when it failed (Go's ExecError.Name). */
  readonly templateName: string;
  readonly phase: TemplatePhase;
  /** 1-based line of the failure, when Go reports one. */
  readonly line?: number;
  /** Go's column: the 0-based byte offset within the line (execution errors only). */
  readonly column?: number;
  readonly partialOutput?: string;
  readonly cause?: unknown;
  /** The failure came from the JavaScript stack running out before Go's limits (see stackLimited). */
  readonly stackLimited?: boolean;
}

/** A parse or execution error, with Go's exact message. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  readonly templateName: string;
  readonly phase: TemplatePhase;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /**
   * What the template had written before it failed. Go streams output to its writer, so a Go caller
   * sees this text; `execute` only returns output on success and leaves it here.
   */
  partialOutput: string | undefined;
  /**
   * True when the JavaScript call stack ran out before Go's own limit (100000 nested template calls,
   * 10000 nested parentheses): Go would have gone on. The message is the one Go gives at its limit;
   * rendering again on a thread with a larger stack (see stencil's render) gets Go's exact result.
   */
  stackLimited: boolean;

  constructor(message: string, details: TemplateErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.templateName = details.templateName;
    this.phase = details.phase;
    this.line = details.line;
    this.column = details.column;
    this.partialOutput = details.partialOutput;
    this.stackLimited = details.stackLimited ?? false;
  }
}

/**
 * True for what V8 throws when the JS call stack runs out: a RangeError, or, when it runs out while
 * compiling a regular expression, a SyntaxError ending in "Stack overflow". (No regular expression
 * here: near the limit, using one would itself fail.)
 */
export function isStackOverflow(e: unknown): boolean {
  if (e instanceof RangeError) return e.message === 'Maximum call stack size exceeded';
  return e instanceof SyntaxError && e.message.endsWith(': Stack overflow');
}
