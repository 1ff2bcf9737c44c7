/**
 * How our results are judged against Go's. Error messages are compared from the line:column on,
 * since the part before ("template: NAME:") only repeats the template name.
 */
import type { EngineResult, ExpectedCase } from './cases.js';

/** The text of a Go template error after "NAME:" (the line:column and message), as compare.mjs cuts it. */
export function afterPosition(message: string, name: string): string {
  const marker = `${name}:`;
  const at = message.indexOf(marker);
  return at >= 0 ? message.slice(at + marker.length) : message;
}

/**
 * The Go bytes an engine string stands for. Go strings are bytes and byte-wise functions (trunc,
 * substr, b64dec...) can cut runes apart; the engine keeps such a byte as the lone surrogate
 * U+DC00 + byte ("surrogateescape", see src/template/funcs/text/utf8.ts), and any other lone
 * surrogate stands for U+FFFD. Valid text is plain UTF-8.
 */
export function goBytes(s: string): Buffer {
  if (!/[\ud800-\udfff]/.test(s)) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0xdc80 && c <= 0xdcff) out.push(c - 0xdc00);
    else out.push(...Buffer.from(c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch, 'utf8'));
  }
  return Buffer.from(out);
}

/** Go's exact error bytes (its message may quote bytes that are not valid UTF-8). */
export function goErrorBytes(c: Pick<ExpectedCase, 'error' | 'errorBase64'>): Buffer {
  if (c.errorBase64 !== undefined) return Buffer.from(c.errorBase64, 'base64');
  return Buffer.from(c.error ?? '', 'utf8');
}

/** afterPosition over bytes. */
function errorTailBytes(message: Buffer, name: string): Buffer {
  const marker = Buffer.from(`${name}:`, 'utf8');
  const at = message.indexOf(marker);
  return at >= 0 ? message.subarray(at + marker.length) : message;
}

/** The exact bytes Go wrote before failing. */
export function partialBytes(c: Pick<ExpectedCase, 'partial' | 'partialBase64'>): Buffer {
  if (c.partialBase64 !== undefined) return Buffer.from(c.partialBase64, 'base64');
  return Buffer.from(c.partial ?? '', 'utf8');
}

/** Go's exact output bytes for an expectation. */
export function expectedBytes(c: Pick<ExpectedCase, 'expected' | 'expectedBase64'>): Buffer | null {
  if (c.expectedBase64 !== undefined) return Buffer.from(c.expectedBase64, 'base64');
  return c.expected === null ? null : Buffer.from(c.expected, 'utf8');
}

export interface Verdict {
  ok: boolean;
  /** What Go did, for messages. */
  want: string;
  /** What we did, for messages. */
  got: string;
}

function describe(r: EngineResult): string {
  if (r.timeout) return `(timeout after ${Math.round(r.ms)} ms)`;
  if (r.crash !== undefined) return `(crash) ${r.crash}`;
  return r.error !== null ? `(error) ${r.error}` : (r.output ?? '');
}

/**
 * The shared conformance rule of compare.mjs: outputs must be identical; when Go failed, our error
 * must contain Go's message from the line:column on (with the template name swapped for ours).
 */
export function judgeConformance(c: ExpectedCase, r: EngineResult, ourName = c.name): Verdict {
  const got = describe(r);
  if (r.timeout || r.crash !== undefined) return { ok: false, want: c.error ?? c.expected ?? '', got };
  if (c.error === null) {
    const want = expectedBytes(c);
    const ok = r.error === null && r.output !== null && want !== null && goBytes(r.output).equals(want);
    return { ok, want: c.expected ?? '', got };
  }
  const tail = afterPosition(c.error, c.name).replaceAll(`"${c.name}"`, `"${ourName}"`);
  return { ok: r.error?.includes(tail) === true, want: `(error) ${c.error}`, got };
}

/**
 * The differential rule, stricter than compare.mjs: the same template name is used on both sides, so
 * the error text from the line:column on must be equal, not merely contained.
 */
export function judgeExact(c: ExpectedCase, r: EngineResult): Verdict {
  const got = describe(r);
  if (r.timeout || r.crash !== undefined) return { ok: false, want: c.error ?? c.expected ?? '', got };
  if (c.error === null) {
    const want = expectedBytes(c);
    const ok = r.error === null && r.output !== null && want !== null && goBytes(r.output).equals(want);
    return { ok, want: c.expected ?? '', got };
  }
  if (
    r.error === null ||
    !errorTailBytes(goBytes(r.error), c.name).equals(errorTailBytes(goErrorBytes(c), c.name))
  ) {
    return { ok: false, want: `(error) ${c.error}`, got };
  }
  // Go streams to its writer, so what it wrote before failing is observable; compare it when both
  // sides know it.
  if (
    c.partial !== undefined &&
    r.partialOutput !== undefined &&
    !partialBytes(c).equals(goBytes(r.partialOutput))
  ) {
    return {
      ok: false,
      want: `(error, partial output ${JSON.stringify(c.partial)}) ${c.error}`,
      got: `(error, partial output ${JSON.stringify(r.partialOutput)}) ${r.error}`,
    };
  }
  return { ok: true, want: `(error) ${c.error}`, got };
}
