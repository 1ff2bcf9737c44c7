/** The case and result shapes shared by the Go oracle, our engine and the comparison code. */
import { readFileSync } from 'node:fs';

/** What the oracle and the candidate protocol read: one template execution. */
export interface TemplateCase {
  name: string;
  template: string;
  /** JSON data, decoded as Go decodes into interface{} (numbers are float64). */
  data?: unknown;
  /** Environment variables set while the case runs. */
  env?: Record<string, string>;
  /** Left and right action delimiters when not {{ }}. */
  delims?: [string, string];
  /** text/template's missingkey option: default, invalid, zero or error. */
  missingkey?: string;
}

/** A case with Go's result, as in the conformance and regression files. */
export interface ExpectedCase extends TemplateCase {
  /** Go's output, or null when Go failed. */
  expected: string | null;
  /** Go's err.Error(), or null. */
  error: string | null;
  /** Go's exact output bytes when they are not valid UTF-8. */
  expectedBase64?: string;
  /** When Go failed during execution: what it had written before (differential cases only). */
  partial?: string;
  /** The exact bytes of `partial` when they are not valid UTF-8. */
  partialBase64?: string;
  /** The exact bytes of `error` when they are not valid UTF-8. */
  errorBase64?: string;
}

/** One line of the oracle's answer. */
export interface GoResult {
  name: string;
  /** The output (partial output when execution failed; bad UTF-8 replaced by U+FFFD). */
  output: string;
  /** The exact output bytes, present only when the output is not valid UTF-8. */
  outputBase64?: string;
  error: string | null;
  /** The exact bytes of the error, present only when they are not valid UTF-8. */
  errorBase64?: string;
}

/** What our engine did with a case. */
export interface EngineResult {
  /** The output, or null when rendering failed. */
  output: string | null;
  /** A TemplateError's message, or null. */
  error: string | null;
  /** What a failed render had written before failing (TemplateError.partialOutput), when known. */
  partialOutput?: string;
  /** Set when rendering threw something other than a TemplateError (a bug in any case). */
  crash?: string;
  /** Set when rendering did not finish within the time limit. */
  timeout?: boolean;
  /** Wall time of the render in milliseconds. */
  ms: number;
}

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

export function toJsonl(items: readonly unknown[]): string {
  return items.map((item) => `${JSON.stringify(item)}\n`).join('');
}

/** The fields of a case the oracle and candidates read. */
export function requestOf(c: TemplateCase): TemplateCase {
  const req: TemplateCase = { name: c.name, template: c.template, data: c.data };
  if (c.env !== undefined) req.env = c.env;
  if (c.delims !== undefined) req.delims = c.delims;
  if (c.missingkey !== undefined) req.missingkey = c.missingkey;
  return req;
}

/** Go's result as the expectation of a regression case. */
export function withExpectation(c: TemplateCase, go: GoResult): ExpectedCase {
  const out: ExpectedCase = {
    ...requestOf(c),
    expected: go.error === null ? go.output : null,
    error: go.error,
  };
  if (go.error === null && go.outputBase64 !== undefined) out.expectedBase64 = go.outputBase64;
  if (go.error !== null) out.partial = go.output;
  if (go.error !== null && go.outputBase64 !== undefined) out.partialBase64 = go.outputBase64;
  if (go.errorBase64 !== undefined) out.errorBase64 = go.errorBase64;
  return out;
}
