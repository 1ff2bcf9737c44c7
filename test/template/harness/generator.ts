/**
 * A seeded random generator of Go templates and JSON data for differential testing against Go.
 *
 * The grammar is weighted and depth-bounded: a template is a list of nodes (text, actions,
 * comments, variables, if/with/range with else branches, break/continue, define/template/block);
 * actions hold pipelines of commands over operands (literals in every Go spelling, fields, variables,
 * parenthesised pipelines). The generator knows the data, so field references usually hit real
 * values of the wanted kind, and now and then they miss, mistype or break on purpose.
 */
import type { TemplateCase } from './cases.js';
import { breakTemplate } from './gen-broken.js';
import { FIELD_NAMES, generateData, type Json } from './gen-data.js';
import { ALL_KINDS, type Arg, type Fn, FUNCS, funcsFor, type Kind } from './gen-funcs.js';
import {
  BASE32,
  BASE64,
  CONSTRAINTS,
  DATES,
  DURATIONS,
  ENV_NAMES,
  ENV_TEXTS,
  floatLiteral,
  intLiteral,
  JSON_TEXTS,
  KEYS,
  KIND_NAMES,
  LAYOUTS,
  NUMERIC_STRINGS,
  PATHS,
  REGEXES,
  REPLACEMENTS,
  SEMVERS,
  SEPARATORS,
  STRINGS,
  stringLiteral,
  TEXTS,
  TYPE_NAMES,
  UNIX_TIMES,
  URLS,
  ZONES,
} from './gen-pools.js';
import { printfCommand } from './gen-printf.js';
import { caseSeed, Rng } from './rng.js';

interface Var {
  readonly name: string;
  readonly kind: Kind;
  /** The value, when the variable was set from a known field. */
  readonly value?: Json;
}

interface Scope {
  /** The value of dot, or undefined when the generator cannot know it (define bodies, function results). */
  readonly dot: Json | undefined;
  /** The value of $. */
  readonly root: Json | undefined;
  readonly vars: Var[];
  readonly inRange: boolean;
}

/** An operand or command with the value it is known to have (field references only). */
interface Expr {
  readonly text: string;
  readonly value?: Json;
}

/** sprig functions that modify their first argument. */
const MUTATORS = new Set(['merge', 'mergeOverwrite', 'set', 'unset']);

const IDENT = /^[\p{L}_][\p{L}\p{N}_]*$/u;

function kindOfJson(v: Json): Kind {
  if (v === null) return 'any';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return 'num';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'list' : 'map';
}

function fits(v: Json, kind: Kind): boolean {
  return kind === 'any' || kindOfJson(v) === kind;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class TemplateGenerator {
  private depth = 0;
  private varCount = 0;
  private blockCount = 0;
  /** Templates defined so far; a body only calls earlier ones, so no recursion happens by accident. */
  private readonly defines: string[] = [];
  constructor(
    private readonly rng: Rng,
    private readonly delims: readonly [string, string],
    private readonly maxDepth: number,
  ) {}

  // ---- top level ------------------------------------------------------------------------------

  template(data: Json): string {
    const root: Scope = { dot: data, root: data, vars: [], inRange: false };
    const before: string[] = [];
    const after: string[] = [];
    const defineCount = this.rng.weighted([
      [6, 0],
      [3, 1],
      [1, 2],
    ]);
    for (let i = 0; i < defineCount; i++) (this.rng.chance(0.7) ? before : after).push(this.define());
    const body = this.list(root, this.rng.range(1, 5));
    return before.join(this.rng.pick(['', '\n'])) + body + after.join('');
  }

  private define(): string {
    // Names are fresh except now and then (Go rejects a second non-empty definition in one parse).
    const fresh = ['T', 'row', 'sub.tpl', 'chart.name', 'x y', ''].filter((n) => !this.defines.includes(n));
    const reuse = this.defines.length > 0 && this.rng.chance(0.03);
    const name = reuse || fresh.length === 0 ? this.rng.pick(this.defines) : this.rng.pick(fresh);
    const scope: Scope = { dot: undefined, root: undefined, vars: [], inRange: false };
    // A redefinition must not see its own name (it would recurse forever): drop it while generating.
    const callable = this.defines.filter((d) => d !== name);
    const saved = this.defines.splice(0, this.defines.length, ...callable);
    const body = this.nested(() => this.list(scope, this.rng.range(1, 3)));
    this.defines.splice(0, this.defines.length, ...saved);
    if (!this.defines.includes(name)) this.defines.push(name);
    return `${this.act(`define ${JSON.stringify(name)}`)}${body}${this.act('end')}`;
  }

  // ---- delimiters -----------------------------------------------------------------------------

  /** An action: left delimiter, optional trim marker and spaces, body, right side likewise. */
  private act(body: string, options: { trim?: boolean } = {}): string {
    const [left, right] = this.delims;
    const trim = options.trim ?? true;
    const space = (): string =>
      this.rng.weighted([
        [6, ' '],
        [1, '  '],
        [0.3, '\n'],
        [0.3, '\t'],
      ]);
    const l = trim && this.rng.chance(0.2) ? `${left}-${space()}` : this.rng.chance(0.5) ? `${left} ` : left;
    const r =
      trim && this.rng.chance(0.2) ? `${space()}-${right}` : this.rng.chance(0.5) ? ` ${right}` : right;
    return `${l}${body}${r}`;
  }

  private nested<T>(make: () => T): T {
    this.depth++;
    try {
      return make();
    } finally {
      this.depth--;
    }
  }

  private deep(): boolean {
    return this.depth >= this.maxDepth;
  }

  // ---- nodes ----------------------------------------------------------------------------------

  /** A list of nodes; variables declared in it stay visible to the end of the list (Go's scoping). */
  private list(outer: Scope, count: number): string {
    const scope: Scope = { ...outer, vars: [...outer.vars] };
    let out = '';
    for (let i = 0; i < count; i++) out += this.node(scope);
    return out;
  }

  private node(scope: Scope): string {
    const deep = this.deep();
    type Make = () => string;
    const choices: [number, Make][] = [
      [3, () => this.rng.pick(TEXTS)],
      [6, () => this.act(this.pipeline('any', scope))],
      [0.5, () => this.comment()],
      [1.5, () => this.declare(scope)],
      [scope.vars.length > 0 ? 0.7 : 0.02, () => this.assign(scope)],
      [deep ? 0 : 1.5, () => this.ifNode(scope)],
      [deep ? 0 : 1, () => this.withNode(scope)],
      [deep ? 0 : 1.5, () => this.rangeNode(scope)],
      [scope.inRange ? 0.6 : 0.02, () => this.act(this.rng.pick(['break', 'continue']))],
      [this.defines.length > 0 ? 1 : 0.05, () => this.templateCall(scope)],
      [deep ? 0 : 0.2, () => this.block(scope)],
    ];
    return this.rng.weighted(choices)();
  }

  private comment(): string {
    const [left, right] = this.delims;
    const text = this.rng.pick([' a comment ', '', ' {{nested}} ', '\nmulti\nline\n', '*']);
    return this.rng.chance(0.5) ? `${left}/*${text}*/${right}` : `${left}- /*${text}*/ -${right}`;
  }

  private newVar(): string {
    return `$${this.rng.pick(['x', 'v', 'item', 'i', '_', 'é'])}${this.varCount++}`;
  }

  private declare(scope: Scope): string {
    const name = this.newVar();
    const kind = this.rng.pick(ALL_KINDS);
    const expr = this.rng.chance(0.4) ? this.ref(kind, scope) : undefined;
    const text = expr?.text ?? this.pipeline(kind, scope);
    scope.vars.push(expr?.value !== undefined ? { name, kind, value: expr.value } : { name, kind });
    return this.act(`${name} := ${text}`);
  }

  private assign(scope: Scope): string {
    if (scope.vars.length === 0 || this.rng.chance(0.03))
      return this.act(`$undeclared = ${this.operand('any', scope)}`);
    const v = this.rng.pick(scope.vars);
    return this.act(`${v.name} = ${this.pipeline(v.kind, scope)}`);
  }

  /** The condition of if/with: a pipeline, sometimes declaring a variable visible in the branches. */
  private condition(scope: Scope, kind: Kind): { text: string; inner: Scope; value?: Json } {
    const inner: Scope = { ...scope, vars: [...scope.vars] };
    const ref = this.rng.chance(0.5) ? this.ref(kind, scope) : undefined;
    let text = ref?.text ?? this.pipeline(kind, scope);
    if (this.rng.chance(0.15)) {
      const name = this.newVar();
      inner.vars.push({ name, kind });
      text = `${name} := ${text}`;
    }
    return ref?.value !== undefined ? { text, inner, value: ref.value } : { text, inner };
  }

  private ifNode(scope: Scope): string {
    return this.nested(() => {
      const cond = this.condition(scope, this.rng.pick(['bool', 'bool', 'any']));
      let out = this.act(`if ${cond.text}`) + this.list(cond.inner, this.rng.range(1, 3));
      while (this.rng.chance(0.25)) {
        const next = this.condition(scope, 'bool');
        out += this.act(`else if ${next.text}`) + this.list(next.inner, this.rng.range(1, 2));
      }
      if (this.rng.chance(0.4)) out += this.act('else') + this.list(cond.inner, this.rng.range(1, 2));
      return out + this.act('end');
    });
  }

  private withNode(scope: Scope): string {
    return this.nested(() => {
      const cond = this.condition(scope, this.rng.pick(['map', 'str', 'any', 'list']));
      const inner: Scope = { ...cond.inner, dot: cond.value };
      let out = this.act(`with ${cond.text}`) + this.list(inner, this.rng.range(1, 3));
      if (this.rng.chance(0.15)) {
        const next = this.condition(scope, 'any');
        out += this.act(`else with ${next.text}`) + this.list({ ...next.inner, dot: next.value }, 1);
      }
      if (this.rng.chance(0.35)) out += this.act('else') + this.list(scope, this.rng.range(1, 2));
      return out + this.act('end');
    });
  }

  private rangeNode(scope: Scope): string {
    return this.nested(() => {
      const source = this.rangeSource(scope);
      const inner: Scope = { ...scope, vars: [...scope.vars], dot: source.elem, inRange: true };
      let decl = '';
      // Go ranges over an int with at most one variable.
      const form = this.rng.weighted([
        [5, 'none'],
        [2, 'one'],
        [source.int ? 0.1 : 3, 'two'],
        [0.2, 'assign'],
      ]);
      if (form === 'one') {
        const v = this.newVar();
        inner.vars.push(
          source.elem !== undefined ? { name: v, kind: 'any', value: source.elem } : { name: v, kind: 'any' },
        );
        decl = `${v} := `;
      } else if (form === 'two') {
        const k = this.newVar();
        const v = this.newVar();
        inner.vars.push({ name: k, kind: 'any' });
        inner.vars.push(
          source.elem !== undefined ? { name: v, kind: 'any', value: source.elem } : { name: v, kind: 'any' },
        );
        decl = `${k}, ${v} := `;
      } else if (form === 'assign' && scope.vars.length > 0) {
        decl = `${this.rng.pick(scope.vars).name} = `;
      }
      let out = this.act(`range ${decl}${source.text}`) + this.list(inner, this.rng.range(1, 3));
      if (this.rng.chance(0.3)) out += this.act('else') + this.list(scope, this.rng.range(1, 2));
      return out + this.act('end');
    });
  }

  /** Something to range over: usually a list or map, sometimes an int, rarely a non-iterable. */
  private rangeSource(scope: Scope): { text: string; elem?: Json; int?: boolean } {
    return this.rng.weighted<() => { text: string; elem?: Json; int?: boolean }>([
      [
        6,
        () => {
          const ref = this.ref(this.rng.pick(['list', 'list', 'map']), scope);
          const v = ref.value;
          const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
          const elem = items.length > 0 ? this.rng.pick(items) : undefined;
          return elem !== undefined ? { text: ref.text, elem } : { text: ref.text };
        },
      ],
      [2, () => ({ text: this.pipeline('list', scope) })],
      [1, () => ({ text: this.pipeline('map', scope) })],
      [
        1,
        () => ({
          text: this.rng.pick([
            '3',
            '0',
            '-1',
            '(len .l)',
            '5',
            "'a'",
            '(add 1 2)',
            '(int64 2)',
            '(len .sl)',
          ]),
          int: true,
        }),
      ],
      [0.3, () => ({ text: this.operand(this.rng.pick(['str', 'num', 'bool', 'any']), scope) })],
    ])();
  }

  private templateCall(scope: Scope): string {
    const name = this.defines.length > 0 && this.rng.chance(0.98) ? this.rng.pick(this.defines) : 'missing';
    const arg = this.rng.weighted([
      [2, ''],
      [3, ' .'],
      [3, ` ${this.pipeline('any', scope)}`],
      [1, ' $'],
    ]);
    return this.act(`template ${JSON.stringify(name)}${arg}`);
  }

  private block(scope: Scope): string {
    return this.nested(() => {
      const name = `B${this.blockCount++}`;
      const body = this.list({ ...scope, dot: undefined, root: undefined, vars: [], inRange: false }, 1);
      this.defines.push(name);
      return `${this.act(`block ${JSON.stringify(name)} ${this.rng.pick(['.', '$', '.m', '.s'])}`)}${body}${this.act('end')}`;
    });
  }

  // ---- pipelines and commands -----------------------------------------------------------------

  /** A pipeline producing `kind`: one command, or a chain `head | fn args`. */
  pipeline(kind: Kind, scope: Scope): string {
    if (this.deep() || this.rng.chance(0.7)) return this.command(kind, scope);
    return this.nested(() => {
      const fns = funcsFor(kind).filter((f) => f.params.length > 0 || f.variadic !== undefined);
      const fn = this.pickFn(fns);
      const last = fn.params.length > 0 ? fn.params[fn.params.length - 1] : fn.variadic;
      // sprig's date functions take any value and use time.Now() for what is not a time: only
      // times may reach them, or Go's output would depend on the clock.
      // Counts and widths stay small literals, or the output could grow without bound.
      const head =
        last === 'time'
          ? this.time()
          : last === 'count' || last === 'width'
            ? this.arg(last, scope)
            : this.pipeline(this.kindFor(last ?? 'any'), scope);
      const args = fn.params.length > 0 ? fn.params.slice(0, -1) : this.variadicArgs(fn, 0, 2);
      const rendered = this.mutatorSafe(
        fn,
        args.map((a) => this.arg(a, scope)),
        scope,
      );
      return `${head} | ${[fn.name, ...rendered].join(' ')}`;
    });
  }

  private pickFn(fns: readonly Fn[]): Fn {
    return this.rng.weighted(fns.map((f) => [f.weight ?? 1, f] as const));
  }

  private variadicArgs(fn: Fn, min: number, max: number): Arg[] {
    const v = fn.variadic;
    return v === undefined ? [] : Array.from({ length: this.rng.range(min, max) }, () => v);
  }

  /** The value kind an argument kind stands for, for the head of a pipe. */
  private kindFor(arg: Arg): Kind {
    return (ALL_KINDS as readonly string[]).includes(arg)
      ? (arg as Kind)
      : arg === 'count' || arg === 'width'
        ? 'int'
        : 'str';
  }

  /** A command: an operand or a function call with its arguments. */
  command(kind: Kind, scope: Scope): string {
    if (this.deep()) return this.operand(kind, scope, false);
    return this.nested(() =>
      this.rng.weighted<() => string>([
        [4, () => this.operand(kind, scope, false)],
        [5, () => this.call(kind, scope)],
        [kind === 'str' || kind === 'any' ? 1.5 : 0, () => this.printf(scope)],
        [kind === 'bool' || kind === 'any' ? 2 : 0, () => this.comparison(scope)],
        [kind === 'bool' || kind === 'any' ? 1 : 0.2, () => this.andOr(scope)],
        [1, () => this.index(kind, scope)],
        [kind === 'map' || kind === 'any' ? 1.5 : 0, () => this.dict(scope)],
        [kind === 'any' ? 0.3 : 0, () => this.dig(scope)],
        [kind === 'list' || kind === 'any' ? 0.3 : 0, () => this.pluck(scope)],
        [kind === 'list' || kind === 'any' ? 0.5 : 0, () => this.sortedKeys(scope)],
        [kind === 'any' || kind === 'int' ? 0.3 : 0, () => this.semverField()],
        [0.05, () => `call ${this.operand('any', scope)}`],
      ])(),
    );
  }

  private call(kind: Kind, scope: Scope): string {
    const fn = this.pickFn(funcsFor(kind));
    const args = [...fn.params, ...this.variadicArgs(fn, 0, 3)];
    // Now and then a call gets one argument too many or too few.
    const tweak = this.rng.next();
    if (tweak < 0.02) args.push('any');
    else if (tweak < 0.04 && args.length > 0) args.pop();
    return [
      fn.name,
      ...this.mutatorSafe(
        fn,
        args.map((a) => this.arg(a, scope)),
        scope,
      ),
    ].join(' ');
  }

  /**
   * merge and set write into their first argument; writing the data into a part of itself makes
   * maps that contain themselves, which Go cannot print (a fatal stack overflow) or merge again
   * (mergo loops forever). Usually they write into a fresh dict or a copy instead.
   */
  private mutatorSafe(fn: Fn, rendered: string[], scope: Scope): string[] {
    if (!MUTATORS.has(fn.name) || rendered.length === 0 || !this.rng.chance(0.9)) return rendered;
    const out = [...rendered];
    out[0] = this.rng.chance(0.5) ? `(${this.dict(scope)})` : `(deepCopy ${out[0]})`;
    return out;
  }

  /** An argument: an operand of the wanted kind, or a literal from a pool that suits the function. */
  private arg(arg: Arg, scope: Scope): string {
    if (arg !== 'time' && this.rng.chance(0.02)) return this.operand(this.rng.pick(ALL_KINDS), scope);
    const lit = (pool: readonly string[]): string =>
      this.rng.chance(0.85) ? stringLiteral(this.rng.pick(pool), this.rng) : this.operand('str', scope);
    switch (arg) {
      case 'count':
        return this.rng.weighted([
          [8, String(this.rng.range(0, 4))],
          [1, String(-this.rng.range(1, 2))],
          [1, '(len .sl)'],
        ]);
      case 'width':
        return this.rng.weighted([
          [8, String(this.rng.pick([0, 1, 2, 3, 4, 5, 8, 10, 20]))],
          [1, String(this.rng.pick([-1, -3, 100]))],
          [0.5, '3.0'],
        ]);
      case 'regex':
        return lit(REGEXES);
      case 'repl':
        return lit(REPLACEMENTS);
      case 'sep':
        return lit(SEPARATORS);
      case 'semver':
        return this.rng.chance(0.3) ? this.fieldOr('ver', 'str', scope) : lit(SEMVERS);
      case 'constraint':
        return lit(CONSTRAINTS);
      case 'json':
        return this.rng.chance(0.3) ? this.fieldOr('json', 'str', scope) : lit(JSON_TEXTS);
      case 'b64':
        return this.rng.chance(0.3) ? this.fieldOr('b64', 'str', scope) : lit(BASE64);
      case 'b32':
        return lit(BASE32);
      case 'layout':
        return lit(LAYOUTS);
      case 'time':
        return this.time();
      case 'zone':
        return lit(ZONES);
      case 'dur':
        return this.rng.weighted([
          [3, () => lit(DURATIONS)],
          [1, () => String(this.rng.pick([90, 3600, 0, -5]))],
          [1, () => `(int64 ${this.rng.pick([90, 3600, 86400 * 3])})`],
        ])();
      case 'key':
        return lit(KEYS);
      case 'envname':
        return lit(ENV_NAMES);
      case 'envtext':
        return lit(ENV_TEXTS);
      case 'typename':
        return lit(TYPE_NAMES);
      case 'kindname':
        return lit(KIND_NAMES);
      case 'url':
        return this.rng.chance(0.3) ? this.fieldOr('url', 'str', scope) : lit(URLS);
      case 'path':
        return this.rng.chance(0.3) ? this.fieldOr('path', 'str', scope) : lit(PATHS);
      case 'numstr':
        return this.rng.chance(0.3) ? this.fieldOr('num', 'str', scope) : lit(NUMERIC_STRINGS);
      case 'ver':
        return lit(SEMVERS);
      default:
        return this.operand(arg, scope);
    }
  }

  /** `.key` from the root when the data has it there, else an operand of the kind. */
  private fieldOr(key: string, kind: Kind, scope: Scope): string {
    if (isObject(scope.root) && key in scope.root) return `$.${key}`;
    return this.operand(kind, scope);
  }

  /** A time.Time for sprig's date functions: parsed by toDate, or Unix seconds as an int. */
  private time(): string {
    const [layout, value] = this.rng.pick(DATES);
    const parsed = `(toDate ${JSON.stringify(layout)} ${JSON.stringify(value)})`;
    return this.rng.weighted([
      [4, parsed],
      [2, String(this.rng.pick(UNIX_TIMES))],
      [1, `(dateModify ${JSON.stringify(this.rng.pick(['+1h', '-90m', '24h', 'bad', '1.5h']))} ${parsed})`],
      [0.5, `(mustToDate ${JSON.stringify(layout)} ${JSON.stringify(value)})`],
    ]);
  }

  // ---- special commands -----------------------------------------------------------------------

  /** printf with a random format (see gen-printf.ts) over operands of fitting or random kinds. */
  private printf(scope: Scope): string {
    return printfCommand(this.rng, (kind) => this.operand(kind, scope));
  }

  /** eq/ne/lt/le/gt/ge, usually over operands of one kind, sometimes mixed (Go errors then). */
  private comparison(scope: Scope): string {
    const op = this.rng.pick(['eq', 'eq', 'ne', 'lt', 'le', 'gt', 'ge']);
    const ordered = op !== 'eq' && op !== 'ne';
    const kind = this.rng.pick<Kind>(
      ordered ? ['str', 'num', 'int'] : ['str', 'num', 'int', 'bool', 'int', 'str', 'any'],
    );
    const second = (): Kind => (this.rng.chance(0.9) ? kind : this.rng.pick(ALL_KINDS));
    const extra = op === 'eq' && this.rng.chance(0.2) ? this.rng.range(1, 2) : 0;
    const args = [this.operand(kind, scope), this.operand(second(), scope)];
    for (let i = 0; i < extra; i++) args.push(this.operand(second(), scope));
    if (this.rng.chance(0.02)) args.splice(1);
    return `${op} ${args.join(' ')}`;
  }

  /** and/or over a few operands; a failing call after a deciding value checks short-circuiting. */
  private andOr(scope: Scope): string {
    const op = this.rng.pick(['and', 'or']);
    const args = Array.from({ length: this.rng.range(1, 3) }, () =>
      this.operand(this.rng.pick(ALL_KINDS), scope),
    );
    if (this.rng.chance(0.2)) args.push('(fail "short-circuit")');
    return `${op} ${args.join(' ')}`;
  }

  /** index over lists (in and out of range), maps (present and missing keys) and strings. */
  private index(kind: Kind, scope: Scope): string {
    const targetKind = this.rng.weighted<Kind>([
      [3, 'list'],
      [3, 'map'],
      [1, 'str'],
      [0.5, kind],
    ]);
    const target = this.operand(targetKind, scope);
    const keys = Array.from(
      {
        length: this.rng.weighted([
          [1, 0],
          [6, 1],
          [2, 2],
        ]),
      },
      (_, i) =>
        this.rng.weighted<() => string>([
          [
            i === 0 && targetKind === 'map' ? 0.3 : 3,
            () =>
              String(
                this.rng.weighted([
                  [1, -1],
                  [8, 0],
                  [4, 1],
                  [2, 2],
                  [1, 4],
                ]),
              ),
          ],
          [i === 0 && targetKind !== 'map' ? 0.3 : 3, () => stringLiteral(this.rng.pick(KEYS), this.rng)],
          [0.5, () => this.operand('any', scope)],
          [0.3, () => this.rng.pick(['1.0', '1.5', 'nil', '(int64 1)', '"1"'])],
        ])(),
    );
    return ['index', target, ...keys].join(' ');
  }

  private dict(scope: Scope): string {
    const pairs = this.rng.range(0, 3);
    const args: string[] = [];
    for (let i = 0; i < pairs; i++) {
      args.push(
        this.rng.chance(0.9) ? stringLiteral(this.rng.pick(KEYS), this.rng) : this.operand('any', scope),
      );
      args.push(this.operand(this.rng.pick(ALL_KINDS), scope));
    }
    if (this.rng.chance(0.1)) args.push(stringLiteral(this.rng.pick(KEYS), this.rng));
    return ['dict', ...args].join(' ');
  }

  private dig(scope: Scope): string {
    const keys = Array.from({ length: this.rng.range(1, 3) }, () =>
      stringLiteral(this.rng.pick(['c', 'd', 'a', 'nope']), this.rng),
    );
    return ['dig', ...keys, this.operand('any', scope), this.operand('map', scope)].join(' ');
  }

  private pluck(scope: Scope): string {
    const maps = Array.from({ length: this.rng.range(0, 3) }, () =>
      this.rng.chance(0.5) ? `(index $.users ${this.rng.range(0, 2)})` : this.operand('map', scope),
    );
    return ['pluck', stringLiteral(this.rng.pick(['name', 'a', 'tags', 'nope']), this.rng), ...maps].join(
      ' ',
    );
  }

  /** keys and values come out in Go's random map order; only their sorted forms are comparable. */
  private sortedKeys(scope: Scope): string {
    const fn = this.rng.pick(['keys', 'values']);
    return `sortAlpha (${fn} ${this.operand('map', scope)})`;
  }

  private semverField(): string {
    const field = this.rng.pick(['Major', 'Minor', 'Patch', 'Prerelease', 'Metadata', 'Original', 'String']);
    return `(semver ${JSON.stringify(this.rng.pick(SEMVERS.filter((s) => s !== 'x.y' && s !== '')))}).${field}`;
  }

  // ---- operands -------------------------------------------------------------------------------

  /** An operand: a literal, a reference, or a parenthesised pipeline. `asArg` allows nil. */
  operand(kind: Kind, scope: Scope, asArg = true): string {
    if (this.rng.chance(0.02)) kind = this.rng.pick(ALL_KINDS);
    const deep = this.deep();
    return this.rng.weighted<() => string>([
      [4, () => this.literal(kind, scope, asArg)],
      [4, () => this.ref(kind, scope).text],
      [deep ? 0 : 1.5, () => `(${this.nested(() => this.pipeline(kind, scope))})`],
      [deep ? 0 : 0.2, () => this.chainedField(scope)],
    ])();
  }

  private literal(kind: Kind, scope: Scope, asArg: boolean): string {
    switch (kind) {
      case 'str':
        return stringLiteral(this.rng.pick(STRINGS), this.rng);
      case 'num':
        return floatLiteral(this.rng);
      case 'int':
        return intLiteral(this.rng);
      case 'bool':
        return this.rng.pick(['true', 'false']);
      case 'list':
        return this.deep() ? '(list 1 "a")' : `(${this.nested(() => this.call('list', scope))})`;
      case 'map':
        return this.deep() ? '(dict "a" 1)' : `(${this.nested(() => this.dict(scope))})`;
      default: {
        const k = this.rng.pick<Kind>(['str', 'num', 'int', 'bool', 'list', 'map']);
        if (asArg && this.rng.chance(0.08)) return 'nil';
        return this.literal(k, scope, asArg);
      }
    }
  }

  /** A field or variable reference, with its value when the generator knows it. */
  ref(kind: Kind, scope: Scope): Expr {
    const candidates: Expr[] = [];
    const collect = (value: Json | undefined, prefix: string, depth: number): void => {
      if (!isObject(value) || depth > 3) return;
      for (const [key, v] of Object.entries(value)) {
        if (!IDENT.test(key)) continue;
        const text = `${prefix}.${key}`;
        if (fits(v, kind)) candidates.push({ text, value: v });
        collect(v, text, depth + 1);
      }
    };
    collect(scope.dot, '', 0);
    if (scope.root !== scope.dot || this.rng.chance(0.2)) collect(scope.root, '$', 0);
    for (const v of scope.vars) {
      if (v.value !== undefined) {
        if (fits(v.value, kind)) candidates.push({ text: v.name, value: v.value });
        collect(v.value, v.name, 1);
      } else if (v.kind === kind || kind === 'any') candidates.push({ text: v.name });
    }
    if (scope.dot !== undefined && fits(scope.dot, kind)) candidates.push({ text: '.', value: scope.dot });
    if (candidates.length > 0 && !this.rng.chance(0.015)) return this.rng.pick(candidates);
    if (candidates.length === 0 && this.rng.chance(0.96)) {
      // Dot unknown (a define body, a function's result): plain references that may or may not hit.
      return {
        text: this.rng.pick(['.', '$', `.${this.rng.pick(FIELD_NAMES)}`, `$.${this.rng.pick(FIELD_NAMES)}`]),
      };
    }
    // Deliberate misses: missing keys, fields of non-maps, fields of nil.
    return { text: this.rng.pick(['.nope', '.m.nope', '$.nope.deeper', '.nope', '.s.x', '.nil.x', '.l.x']) };
  }

  /** A field of a parenthesised result: `(dict "a" 1).a`, `(fromJson "...").a`. */
  private chainedField(scope: Scope): string {
    return this.nested(() =>
      this.rng.pick([
        () => `(${this.dict(scope)}).${this.rng.pick(['a', 'b', 'nope'])}`,
        () => `(fromJson ${JSON.stringify(this.rng.pick(JSON_TEXTS))}).${this.rng.pick(['a', 'x', 'b'])}`,
        () =>
          `(urlParse ${JSON.stringify(this.rng.pick(URLS))}).${this.rng.pick(['host', 'scheme', 'query', 'path'])}`,
        () => `(.).${this.rng.pick(FIELD_NAMES)}`,
      ])(),
    );
  }
}

// ---- cases ------------------------------------------------------------------------------------

const DELIMS: readonly (readonly [string, string])[] = [
  ['[[', ']]'],
  ['<%', '%>'],
  ['{%', '%}'],
  ['((', '))'],
  ['<<', '>>'],
  ['{{{', '}}}'],
];

/** Case `index` of the run seeded with `seed` (the same pair always gives the same case). */
export function generateCase(seed: number, index: number): TemplateCase {
  const rng = new Rng(caseSeed(seed, index));
  const delims: [string, string] = rng.chance(0.08) ? [...rng.pick(DELIMS)] : ['{{', '}}'];
  const data = generateData(rng);
  const generator = new TemplateGenerator(rng, delims, rng.range(2, 4));
  let template = generator.template(data);
  if (rng.chance(0.1)) template = breakTemplate(template, delims, rng);
  const c: TemplateCase = { name: `g${index}`, template, data };
  if (delims[0] !== '{{') c.delims = delims;
  if (rng.chance(0.1)) c.missingkey = rng.pick(['default', 'invalid', 'zero', 'error']);
  if (/\benv\b|expandenv/.test(template) || rng.chance(0.02)) {
    c.env = {
      DUAT_FUZZ_A: rng.pick(['value', '', 'a b', 'é']),
      DUAT_FUZZ_B: rng.pick(['x', '$DUAT_FUZZ_A']),
    };
  }
  return c;
}

export function generateCases(seed: number, count: number): TemplateCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(seed, i));
}

/** Function names the generator can call, for coverage reports. */
export const GENERATED_FUNCTIONS: readonly string[] = [
  ...new Set([
    ...FUNCS.map((f) => f.name),
    'printf',
    'eq',
    'ne',
    'lt',
    'le',
    'gt',
    'ge',
    'and',
    'or',
    'index',
    'dict',
    'dig',
    'pluck',
    'keys',
    'values',
    'call',
    'toDate',
    'mustToDate',
    'dateModify',
    'semver',
  ]),
];
