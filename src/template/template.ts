/**
 * Go's text/template Template (template.go, option.go, exec.go's Execute): a named template in a
 * set of associated templates that share functions, options and definitions.
 */
import { lookupBuiltin } from './builtins.js';
import { TemplateError } from './errors.js';
import { type ExecTemplate, execute, type MissingKeyMode } from './exec.js';
import { isAlphaNumeric } from './lex.js';
import { isEmptyTree } from './node.js';
import { ParseError, parseTemplates, type Tree } from './parse.js';
import { quote } from './strconv.js';
import { type FuncMap, type GoFunc, isGoFunc, type Value } from './value.js';

export interface TemplateOptions {
  /** Functions, as with funcs(). */
  funcs?: FuncMap;
  /** Action delimiters, as with delims(). */
  delims?: [string, string];
  /** What a missing map key gives: Go's Option("missingkey=..."). */
  missingKey?: 'default' | 'invalid' | 'zero' | 'error';
}

/** Go's `common`: what associated templates share. */
interface Common {
  readonly tmpl: Map<string, Template>;
  missingKey: MissingKeyMode;
  /** Go keeps parseFuncs and execFuncs; they always hold the same functions. */
  readonly funcs: Map<string, GoFunc>;
}

function newCommon(): Common {
  return { tmpl: new Map(), missingKey: 'invalid', funcs: new Map() };
}

/** A parsed template, executable on data; Go's *template.Template. */
export class Template implements ExecTemplate {
  readonly name: string;
  /** The parse tree (null until parsed). */
  tree: Tree | null = null;
  private common: Common;
  private leftDelim = '';
  private rightDelim = '';

  constructor(name: string, options: TemplateOptions = {}) {
    this.name = name;
    this.common = newCommon();
    if (options.funcs !== undefined) this.funcs(options.funcs);
    if (options.delims !== undefined) this.delims(options.delims[0], options.delims[1]);
    if (options.missingKey !== undefined) this.option(`missingkey=${options.missingKey}`);
  }

  get missingKey(): MissingKeyMode {
    return this.common.missingKey;
  }

  /** Go's New method: a new, empty template associated with this one, with the same delimiters. */
  new(name: string): Template {
    const nt = new Template(name);
    nt.common = this.common;
    nt.leftDelim = this.leftDelim;
    nt.rightDelim = this.rightDelim;
    return nt;
  }

  /**
   * Adds functions (Go's Funcs); they replace builtins and earlier functions of the same name.
   * Throws, as Go panics, for a name that is not an identifier or a value that is not a GoFunc.
   */
  funcs(map: FuncMap): this {
    for (const [name, fn] of Object.entries(map)) {
      if (!goodName(name)) throw new Error(`function name ${quote(name)} is not a valid identifier`);
      if (!isGoFunc(fn)) throw new Error(`value for ${name} not a function`);
      this.common.funcs.set(name, fn);
    }
    return this;
  }

  /** Sets the action delimiters for later parse() calls; empty strings mean {{ and }}. */
  delims(left: string, right: string): this {
    this.leftDelim = left;
    this.rightDelim = right;
    return this;
  }

  /** Go's Option: 'missingkey=default|invalid|zero|error'. Throws, as Go panics, for others. */
  option(...opts: string[]): this {
    for (const opt of opts) {
      if (opt === '') throw new Error('empty option string');
      const eq = opt.indexOf('=');
      if (eq >= 0 && opt.slice(0, eq) === 'missingkey') {
        const value = opt.slice(eq + 1);
        if (value === 'invalid' || value === 'default') {
          this.common.missingKey = 'invalid';
          continue;
        }
        if (value === 'zero' || value === 'error') {
          this.common.missingKey = value;
          continue;
        }
      }
      throw new Error(`unrecognized option: ${opt}`);
    }
    return this;
  }

  /**
   * Parses text as the body of this template; {{define}} and {{block}} add associated templates.
   * Redefinitions replace earlier ones, except that an empty body does not replace a non-empty one.
   * Throws TemplateError (phase 'parse') with Go's message.
   */
  parse(text: string): this {
    let trees: Map<string, Tree>;
    try {
      trees = parseTemplates(this.name, text, this.leftDelim, this.rightDelim, (name) => this.hasFunc(name));
    } catch (e) {
      if (e instanceof ParseError) {
        throw new TemplateError(e.message, {
          templateName: e.parseName,
          phase: 'parse',
          line: e.line,
          cause: e,
          stackLimited: e.stackLimited,
        });
      }
      throw e;
    }
    for (const [name, tree] of trees) this.addParseTree(name, tree);
    return this;
  }

  /** Go's AddParseTree: associates tree with this template (or a new one of that name). */
  addParseTree(name: string, tree: Tree): Template {
    const nt = name === this.name ? this : this.new(name);
    if (this.associate(nt, tree) || nt.tree === null) nt.tree = tree;
    return nt;
  }

  private associate(nt: Template, tree: Tree): boolean {
    const old = this.common.tmpl.get(nt.name);
    if (old !== undefined && isEmptyTree(tree.root) && old.tree !== null) {
      // If a template by that name exists, don't replace it with an empty template.
      return false;
    }
    this.common.tmpl.set(nt.name, nt);
    return true;
  }

  private hasFunc(name: string): boolean {
    return this.common.funcs.has(name) || lookupBuiltin(name) !== undefined;
  }

  /** Executes this template on data and returns the output. Throws TemplateError. */
  execute(data: Value): string {
    return execute(this, data);
  }

  /** Executes the associated template of that name. Throws TemplateError. */
  executeTemplate(name: string, data: Value): string {
    const tmpl = this.lookup(name);
    if (tmpl === undefined) {
      throw new TemplateError(
        `template: no template ${quote(name)} associated with template ${quote(this.name)}`,
        {
          templateName: this.name,
          phase: 'exec',
        },
      );
    }
    return tmpl.execute(data);
  }

  /** The associated template of that name, if defined. */
  lookup(name: string): Template | undefined {
    return this.common.tmpl.get(name);
  }

  lookupExec(name: string): ExecTemplate | undefined {
    return this.common.tmpl.get(name);
  }

  userFunc(name: string): GoFunc | undefined {
    return this.common.funcs.get(name);
  }

  /** All associated templates, this one included once parsed. */
  templates(): Template[] {
    return [...this.common.tmpl.values()];
  }

  /**
   * Go's DefinedTemplates: `; defined templates are: "a", "b"`, or '' when there are none. Go lists
   * them in map order (random); they are sorted here.
   */
  definedTemplates(): string {
    const names = [...this.common.tmpl.entries()]
      .filter(([, t]) => t.tree?.root != null)
      .map(([name]) => name)
      .sort();
    if (names.length === 0) return '';
    return `; defined templates are: ${names.map(quote).join(', ')}`;
  }

  /**
   * Go's Clone: a copy of this template and its associated ones, sharing parse trees, so that
   * templates added to the clone do not affect the original.
   */
  clone(): Template {
    const nt = this.copyInto(newCommon());
    nt.common.missingKey = this.common.missingKey;
    for (const [k, v] of this.common.tmpl) {
      if (k === this.name) {
        nt.common.tmpl.set(this.name, nt);
        continue;
      }
      nt.common.tmpl.set(k, v.copyInto(nt.common));
    }
    for (const [k, f] of this.common.funcs) nt.common.funcs.set(k, f);
    return nt;
  }

  private copyInto(common: Common): Template {
    const t = new Template(this.name);
    t.common = common;
    t.tree = this.tree;
    t.leftDelim = this.leftDelim;
    t.rightDelim = this.rightDelim;
    return t;
  }
}

/** Go's goodName: a function name must be an identifier (letters, digits, '_'; not a digit first). */
function goodName(name: string): boolean {
  if (name === '') return false;
  // Nearly every name is ASCII: decided without the Unicode tables (a Funcs call of sprig's ~200
  // names is part of every render's start-up).
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return true;
  let i = 0;
  for (const ch of name) {
    const r = ch.codePointAt(0) as number;
    if (r === 0x5f) {
      i++;
      continue;
    }
    const letterOrDigit = isAlphaNumeric(r);
    const isDigit = letterOrDigit && /^\p{Nd}$/u.test(ch);
    if (i === 0 && (!letterOrDigit || isDigit)) return false;
    if (!letterOrDigit) return false;
    i++;
  }
  return true;
}

/** Parses text as template `name` and executes it on data in one step. Throws TemplateError. */
export function renderTemplate(name: string, text: string, data: Value, options?: TemplateOptions): string {
  return new Template(name, options).parse(text).execute(data);
}
