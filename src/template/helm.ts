/**
 * Helm's template functions that need the template set itself: `include` and `tpl`, as
 * helm.sh/helm/v3 pkg/engine/engine.go (v3.21) defines them (includeFun, tplFun), with Helm's
 * error wording and its limit on recursive includes.
 */
import { isStackOverflow, TemplateError } from './errors.js';
import { quote } from './strconv.js';
import type { Template } from './template.js';
import { defineFunc, FuncError, type FuncMap, type GoFunc, type Value } from './value.js';

/** Helm's recursionMaxNums: how deep one name may be included within itself. */
export const HELM_RECURSION_MAX = 1000;

export interface HelmFuncOptions {
  /** Helm's Engine.Strict: `tpl` templates use missingkey=error instead of missingkey=zero. */
  readonly strict?: boolean;
  /**
   * Called when an `include` ran out of JavaScript stack before Helm's limit of 1000 nested
   * includes: the error it gives then is Helm's text, but Go would have gone on. A caller that can
   * render again on a larger stack (stencil's large-stack worker) should.
   */
  readonly onStackLimit?: () => void;
}

/** What the include and tpl functions of one template set share. */
interface HelmState {
  readonly includedNames: Map<string, number>;
  readonly strict: boolean;
  readonly onStackLimit: (() => void) | undefined;
}

/**
 * `include NAME DATA` and `tpl TEXT DATA` bound to a template set. Add them with
 * `t.funcs(helmTemplateFuncs(t))` before parsing templates that use them.
 */
export function helmTemplateFuncs(template: Template, options: HelmFuncOptions = {}): FuncMap {
  const state: HelmState = {
    includedNames: new Map(),
    strict: options.strict === true,
    onStackLimit: options.onStackLimit,
  };
  return { include: includeFun(template, state), tpl: tplFun(template, state) };
}

/** Helm's includeFun: renders the named template of t's set to a string. */
function includeFun(t: Template, state: HelmState): GoFunc {
  const { includedNames } = state;
  return defineFunc(
    'include',
    { params: ['string', 'interface {}'], result: 'string', error: true },
    (name: Value, data: Value): Value => {
      const n = name as string;
      const v = includedNames.get(n);
      if (v !== undefined) {
        if (v > HELM_RECURSION_MAX) {
          // errors.Wrapf(fmt.Errorf("unable to execute template"), "rendering ... name: %s", name)
          throw new FuncError(
            `rendering template has a nested reference name: ${n}: unable to execute template`,
          );
        }
        includedNames.set(n, v + 1);
      } else {
        includedNames.set(n, 1);
      }
      try {
        return t.executeTemplate(n, data);
      } catch (e) {
        if (e instanceof TemplateError) throw new FuncError(e.message);
        // Helm stops a runaway include after 1000 levels; the JS stack runs out sooner (a few
        // hundred levels). Report it as Helm's limit rather than as a crash, and say so.
        if (isStackOverflow(e)) {
          state.onStackLimit?.();
          throw new FuncError(
            `rendering template has a nested reference name: ${n}: unable to execute template`,
          );
        }
        throw e;
      } finally {
        includedNames.set(n, (includedNames.get(n) ?? 1) - 1);
      }
    },
  );
}

/**
 * Helm's tplFun: parses TEXT as a template in a clone of the parent's set (so {{define}}s inside it
 * stay local), with `include` and `tpl` rebound to the clone, runs it, and drops "<no value>".
 */
function tplFun(parent: Template, state: HelmState): GoFunc {
  return defineFunc(
    'tpl',
    { params: ['string', 'interface {}'], result: 'string', error: true },
    (tpl: Value, vals: Value): Value => {
      const text = tpl as string;
      const t = parent.clone();
      // Re-inject the missingkey option (see golang/go#43022).
      t.option(state.strict ? 'missingkey=error' : 'missingkey=zero');
      // Re-inject 'include' so that it can close over our clone of t; this lets any 'define's
      // inside tpl be 'include'd.
      t.funcs({ include: includeFun(t, state), tpl: tplFun(t, state) });
      let body: Template;
      try {
        body = t.new(parent.name).parse(text);
      } catch (e) {
        if (isStackOverflow(e) || !(e instanceof Error)) throw e;
        throw new FuncError(`cannot parse template ${quote(text)}: ${e.message}`);
      }
      let out: string;
      try {
        out = body.execute(vals);
      } catch (e) {
        if (isStackOverflow(e) || !(e instanceof Error)) throw e;
        throw new FuncError(`error during tpl function execution for ${quote(text)}: ${e.message}`);
      }
      // See renderWithReferences in Helm: the <no value> hack.
      return out.replaceAll('<no value>', '');
    },
  );
}
