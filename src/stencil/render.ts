/**
 * Rendering a stencil template: Go text/template with sprig's functions, Helm's common extras and the
 * original stencil's (toJson, toYaml, toToml, RaiseError), over the stencil data.
 */
import { DuatError } from '../core/errors.js';
import { helmDataFuncs } from '../template/funcs/helm.js';
import { type FuncContext, sprigFuncs, systemContext } from '../template/funcs/index.js';
import { stencilFuncs } from '../template/funcs/stencil.js';
import { helmTemplateFuncs, Template, TemplateError } from '../template/index.js';
import { buildStencilData, type StencilDataOptions } from './data.js';
import { renderOnLargeStack, workerCanRender } from './large-stack.js';

export interface StencilOptions extends StencilDataOptions {
  /** Template name in error messages; the original used 'noname'. */
  name?: string;
  /** Action delimiters, e.g. ['[[', ']]']. */
  delims?: [string, string];
  /** Clock, randomness and environment for the functions (tests fix them). */
  funcContext?: FuncContext;
}

export interface StencilResult {
  readonly output: string;
  /** Warnings to show once each (missing AWS context, <no value> in the output...). */
  readonly warnings: string[];
}

/** Output lines holding `<no value>`: a template printed a missing value. */
export function noValueLines(output: string): number[] {
  const lines: number[] = [];
  if (!output.includes('<no value>')) return lines;
  output.split('\n').forEach((line, i) => {
    if (line.includes('<no value>')) lines.push(i + 1);
  });
  return lines;
}

/**
 * Renders a stencil template. Go lets templates nest 100000 calls and 10000 parentheses deep, and
 * Helm 1000 includes; the JavaScript stack of the main thread runs out sooner, so a render that hits the stack's end is done
 * again on a worker thread with a large stack, which gives Go's exact result.
 */
export async function renderStencil(text: string, options: StencilOptions = {}): Promise<StencilResult> {
  try {
    return await renderStencilHere(text, options);
  } catch (err) {
    const limited = err instanceof DuatError && err.cause instanceof TemplateError && err.cause.stackLimited;
    if (!limited || !workerCanRender(options)) throw err;
    return renderOnLargeStack(text, options);
  }
}

/** Renders on the current thread (the engine's depth is bounded by this thread's stack). */
export async function renderStencilHere(text: string, options: StencilOptions = {}): Promise<StencilResult> {
  const name = options.name ?? 'noname';
  const { data, warnings } = await buildStencilData(options);
  const env = options.env ?? process.env;
  const base = options.funcContext ?? systemContext();
  // The base's properties as they are (a spread would call systemContext's lazy localZone getter,
  // and with it Intl's time zone set-up, for every template).
  const ctx: FuncContext = Object.defineProperties({} as FuncContext, {
    ...Object.getOwnPropertyDescriptors(base),
    getenv: { value: (key: string) => env[key], enumerable: true },
  });
  const raised: string[] = [];
  // An include that ran out of this thread's stack before Helm's limit: render again on a large one.
  let includeStackLimited = false;
  const template = new Template(name);
  if (options.delims) template.delims(options.delims[0], options.delims[1]);
  // One funcs() call per table, later tables winning as in one merged map, without building that map.
  template.funcs(sprigFuncs(ctx));
  template.funcs(helmDataFuncs(ctx));
  template.funcs(
    helmTemplateFuncs(template, {
      onStackLimit: () => {
        includeStackLimited = true;
      },
    }),
  );
  template.funcs(stencilFuncs(ctx, { raise: (message) => raised.push(message) }));
  let output: string;
  try {
    template.parse(text);
    output = template.execute(data);
  } catch (err) {
    if (err instanceof TemplateError) {
      if (includeStackLimited) err.stackLimited = true;
      throw new DuatError(err.message, { cause: err });
    }
    throw err;
  }
  if (raised.length > 0) {
    throw new DuatError(
      `the template raised ${raised.length === 1 ? 'an error' : `${raised.length} errors`}: ${raised.join('; ')}`,
    );
  }
  const missing = noValueLines(output);
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '');
    warnings.push(
      `the output has <no value> on line ${shown}: the template printed a missing value (use default, or check the key)`,
    );
  }
  return { output, warnings };
}
