/**
 * Our side of every comparison: renders a case with duat's engine exactly as the oracle renders it
 * with Go (sprig functions, the case's environment, delimiters and missingkey option), and sorts
 * what happened into output, TemplateError, or crash.
 */
import { TemplateError } from '../../../src/template/errors.js';
import { fixedContext, sprigFuncs } from '../../../src/template/funcs/index.js';
import { renderTemplate, type TemplateOptions } from '../../../src/template/index.js';
import { fromJSON } from '../../../src/template/value.js';
import type { EngineResult, TemplateCase } from './cases.js';

/** Engine options for a case: sprig with a fixed clock and seed, and only the case's environment. */
export function optionsFor(c: TemplateCase): TemplateOptions {
  const options: TemplateOptions = { funcs: sprigFuncs(fixedContext({ seed: 1, env: c.env ?? {} })) };
  if (c.delims !== undefined) options.delims = c.delims;
  if (c.missingkey !== undefined)
    options.missingKey = c.missingkey as NonNullable<TemplateOptions['missingKey']>;
  return options;
}

/** A one-line description of an unexpected exception, with the top of its stack. */
export function describeCrash(err: unknown): string {
  if (err instanceof Error) {
    const frames = (err.stack ?? '')
      .split('\n')
      .slice(1, 4)
      .map((f) => f.trim());
    return `${err.name}: ${err.message}${frames.length ? ` [${frames.join(' | ')}]` : ''}`;
  }
  return `non-Error thrown: ${String(err)}`;
}

/** Renders one case with our engine, in this thread. */
export function renderCase(c: TemplateCase): EngineResult {
  const start = performance.now();
  try {
    const output: unknown = renderTemplate(c.name, c.template, fromJSON(c.data ?? null), optionsFor(c));
    const ms = performance.now() - start;
    if (typeof output !== 'string') {
      return { output: null, error: null, crash: `renderTemplate returned ${typeof output}`, ms };
    }
    return { output, error: null, ms };
  } catch (err) {
    const ms = performance.now() - start;
    if (err instanceof TemplateError) {
      const result: EngineResult = { output: null, error: err.message, ms };
      if (err.partialOutput !== undefined) result.partialOutput = err.partialOutput;
      return result;
    }
    return { output: null, error: null, crash: describeCrash(err), ms };
  }
}
