/**
 * The executor of Go's text/template (text/template/exec.go), ported function for function.
 *
 * Go walks reflect.Values; here values are the JS shapes of value.ts. Two details of reflect show
 * in Go's output and are tracked explicitly:
 *  - "no value" (an invalid reflect.Value) is `undefined`; a nil interface{} is `null`. A pipeline's
 *    result is unwrapped like Go's (`null` becomes `undefined`), so `{{.nil}}` prints `<no value>`
 *    while `{{print .nil}}` prints `<nil>`.
 *  - Values read out of an interface{}-typed slot (an element of []interface{} or
 *    map[string]interface{}, a result declared `interface {}`) have static type `interface {}` in
 *    Go. That only shows in error texts (`can't evaluate field x in type interface {}`) and in the
 *    builtin `slice`, so the executor carries a flag beside such values (`dotIface`, `varIface`,
 *    `lastIface`) instead of wrapping them.
 */
import {
  call as callBuiltin,
  compareGoStrings,
  isBuiltinShortCircuit,
  lookupBuiltin,
  sliceBuiltin,
  truth,
} from './builtins.js';
import { isStackOverflow, TemplateError } from './errors.js';
import { sprint } from './gofmt.js';
import { utf8Length } from './lex.js';
import {
  type ActionNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  NodeType,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './node.js';
import type { Tree } from './parse.js';
import { quote } from './strconv.js';
import {
  elemType,
  FuncError,
  GO_TYPE,
  GoComplex,
  GoFloat32,
  type GoFunc,
  GoInt,
  type GoMap,
  GoNil,
  GoObject,
  type GoSlice,
  goTypeName,
  type IntTypeName,
  isGoFunc,
  kindOfType,
  type Value,
  zeroValue as zeroValueOf,
} from './value.js';

/** Go's maxExecDepth: the deepest nesting of {{template}} invocations. */
export const MAX_EXEC_DEPTH = 100000;

export type MissingKeyMode = 'invalid' | 'zero' | 'error';

/** What the executor needs of a template (implemented by Template in template.ts). */
export interface ExecTemplate {
  readonly name: string;
  readonly tree: Tree | null;
  readonly missingKey: MissingKeyMode;
  /** The template of that name in the same set (Go's Lookup). */
  lookupExec(name: string): ExecTemplate | undefined;
  /** A function added with funcs() (Go's execFuncs); builtins are looked up after these. */
  userFunc(name: string): GoFunc | undefined;
}

/** Go's missingVal: "no final argument from a previous pipeline stage". */
const MISSING: unique symbol = Symbol('missing');
type Final = Value | typeof MISSING;

/** Control signals of walk: Go panics with walkBreak/walkContinue; we return them. */
const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Signal = typeof NORMAL | typeof BREAK | typeof CONTINUE;

const INTERFACE = 'interface {}';
const REFLECT_VALUE = 'reflect.Value';

/** Number of executions in progress (nested ones come from functions such as Helm's include). */
let activeExecutions = 0;

/**
 * Executes a template on data and returns its output (Go's Template.Execute into a buffer).
 * Throws TemplateError with Go's message; the output written so far is on `partialOutput`.
 */
export function execute(tmpl: ExecTemplate, data: Value): string {
  // Go's reflect.ValueOf(nil) is the invalid value.
  const value = data === null ? undefined : data;
  const state: State = new State(tmpl);
  state.push('$', value, false);
  activeExecutions++;
  try {
    const root = tmpl.tree?.root ?? null;
    if (root === null) state.errorf(`${quote(tmpl.name)} is an incomplete or empty template`);
    state.walkList(value, root);
    return state.out;
  } catch (e) {
    if (e instanceof TemplateError) {
      if (e.phase === 'exec' && e.partialOutput === undefined) e.partialOutput = state.out;
      throw e;
    }
    // A JS stack overflow is what Go's depth limit turns into an error; nested executions let it
    // propagate so that the outermost one reports it.
    if (isStackOverflow(e) && activeExecutions === 1) {
      const limited = state.depthError();
      limited.stackLimited = true;
      throw limited;
    }
    // Output beyond V8's largest string: Go would grow its buffer until the process runs out of
    // memory; there is no Go text for it.
    if (e instanceof RangeError && e.message === 'Invalid string length') {
      throw new TemplateError(
        `template: ${tmpl.name}: output exceeds the largest string JavaScript can hold`,
        {
          templateName: tmpl.name,
          phase: 'exec',
          cause: e,
        },
      );
    }
    throw e;
  } finally {
    activeExecutions--;
  }
}

class State {
  tmpl: ExecTemplate;
  out = '';
  /** Current node, for errors (Go's s.node, set by s.at). */
  node: Node | null = null;
  // The variable stack (Go's s.vars), as parallel arrays; varBase starts the current template's.
  readonly varNames: string[] = [];
  readonly varValues: Value[] = [];
  readonly varIface: boolean[] = [];
  varCount = 0;
  varBase = 0;
  depth = 0;
  /** Whether dot holds a value read from an interface{} slot. */
  dotIface = false;
  /** Whether the value last returned by an eval function has static type interface {}. */
  lastIface = false;
  // The {{template}} nodes being executed and their templates, for the depth error.
  readonly templateNodes: TemplateNode[] = [];
  readonly templateOwners: ExecTemplate[] = [];

  constructor(tmpl: ExecTemplate) {
    this.tmpl = tmpl;
  }

  // ---- variables ------------------------------------------------------------------------------

  // The stack is addressed through varCount rather than resized: truncating arrays is slow in V8.
  push(name: string, value: Value, iface: boolean): void {
    const n = this.varCount++;
    this.varNames[n] = name;
    this.varValues[n] = value;
    this.varIface[n] = iface;
  }

  mark(): number {
    return this.varCount;
  }

  pop(mark: number): void {
    this.varCount = mark;
  }

  setVar(name: string, value: Value, iface: boolean): void {
    for (let i = this.varCount - 1; i >= this.varBase; i--) {
      if (this.varNames[i] === name) {
        this.varValues[i] = value;
        this.varIface[i] = iface;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: Value, iface: boolean): void {
    const i = this.varCount - n;
    this.varValues[i] = value;
    this.varIface[i] = iface;
  }

  /** The value of the named variable; sets lastIface. */
  varValue(name: string): Value {
    for (let i = this.varCount - 1; i >= this.varBase; i--) {
      if (this.varNames[i] === name) {
        this.lastIface = this.varIface[i] === true;
        return this.varValues[i];
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- errors ---------------------------------------------------------------------------------

  // Go's s.at(node) is written inline as `this.node = node`: a call per node is what a cold render
  // (V8's interpreter) pays most for.

  /** Go's state.errorf: stops execution with the location of the current node. */
  errorf(msg: string): never {
    const name = this.tmpl.name;
    const node = this.node;
    if (node === null) {
      throw new TemplateError(`template: ${name}: ${msg}`, { templateName: name, phase: 'exec' });
    }
    const { location, line, column } = errorContext(node);
    throw new TemplateError(`template: ${location}: executing ${quote(name)} at <${node}>: ${msg}`, {
      templateName: name,
      phase: 'exec',
      line,
      column,
    });
  }

  /**
   * The error Go gives when {{template}} calls nest MAX_EXEC_DEPTH deep. We run out of JS stack
   * long before; when the recursion is periodic (the usual runaway case) the node and template Go
   * would stop at are extrapolated from the period, so the message is Go's.
   */
  depthError(): TemplateError {
    const nodes = this.templateNodes;
    const owners = this.templateOwners;
    const msg = `exceeded maximum template depth (${MAX_EXEC_DEPTH})`;
    const d = nodes.length;
    if (d === 0) {
      this.tmpl = this.templateOwners[0] ?? this.tmpl;
      return this.safeError(msg);
    }
    let target = d - 1;
    const window = Math.min(d >> 1, 4096);
    for (let p = 1; p <= window; p++) {
      let periodic = true;
      for (let k = d - 1; k >= d - window && k - p >= 0; k--) {
        if (nodes[k] !== nodes[k - p] || owners[k] !== owners[k - p]) {
          periodic = false;
          break;
        }
      }
      if (periodic) {
        // Go fails at depth MAX_EXEC_DEPTH: the node with that index in the periodic sequence.
        const offset = (((MAX_EXEC_DEPTH - (d - 1)) % p) + p) % p;
        target = d - 1 - ((p - offset) % p);
        break;
      }
    }
    this.tmpl = owners[target] as ExecTemplate;
    this.node = nodes[target] as TemplateNode;
    return this.safeError(msg);
  }

  private safeError(msg: string): TemplateError {
    try {
      this.errorf(msg);
    } catch (e) {
      if (e instanceof TemplateError) {
        e.partialOutput = this.out;
        return e;
      }
      throw e;
    }
  }

  // ---- walking --------------------------------------------------------------------------------

  walkList(dot: Value, list: ListNode): Signal {
    const nodes = list.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Node;
      if (node.type === NodeType.Text) {
        this.node = node;
        this.out += node.text;
        continue;
      }
      const sig = this.walk(dot, node);
      if (sig !== NORMAL) return sig;
    }
    return NORMAL;
  }

  walk(dot: Value, node: Node): Signal {
    this.node = node;
    switch (node.type) {
      case NodeType.Action: {
        // Do not pop variables so they persist until next end. If the action declares variables,
        // don't print the result.
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return NORMAL;
      }
      case NodeType.Break:
        return BREAK;
      case NodeType.Comment:
        return NORMAL;
      case NodeType.Continue:
        return CONTINUE;
      case NodeType.If:
      case NodeType.With:
        return this.walkIfOrWith(dot, node);
      case NodeType.List:
        return this.walkList(dot, node);
      case NodeType.Range:
        return this.walkRange(dot, node);
      case NodeType.Template:
        this.walkTemplate(dot, node);
        return NORMAL;
      case NodeType.Text:
        this.out += node.text;
        return NORMAL;
      default:
        this.errorf(`unknown node: ${node}`);
    }
  }

  walkIfOrWith(dot: Value, node: BranchNode): Signal {
    const mark = this.mark();
    const val = this.evalPipeline(dot, node.pipe);
    const isTruth = truthOrUndefined(val);
    if (isTruth === undefined) this.errorf(`if/with can't use ${sprint([val])}`);
    let sig: Signal = NORMAL;
    if (isTruth) {
      if (node.type === NodeType.With) {
        const saved = this.dotIface;
        this.dotIface = false;
        sig = this.walkList(val, node.list);
        this.dotIface = saved;
      } else {
        sig = this.walkList(dot, node.list);
      }
    } else if (node.elseList !== null) {
      sig = this.walkList(dot, node.elseList);
    }
    this.pop(mark);
    return sig;
  }

  /**
   * Runs a range. {{break}} and {{continue}} in the body end or advance this loop. In the else list
   * they belong to an enclosing range (the parser counts the else list outside this one): Go lets
   * a continue escape to that range, while this range's recover swallows a break.
   */
  walkRange(dot: Value, r: BranchNode): Signal {
    this.node = r;
    const outer = this.mark();
    const val = this.evalPipeline(dot, r.pipe);
    // Mark top of stack before any variables in the body are pushed.
    const mark = this.mark();
    const decl = r.pipe.decl;
    const savedIface = this.dotIface;
    const oneIteration = (index: Value, elem: Value, elemIface: boolean): Signal => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) {
          // With two variables, index comes first. With one, we use the element.
          if (decl.length > 1) this.setVar(decl[0]?.ident[0] as string, index, false);
          else this.setVar(decl[0]?.ident[0] as string, elem, elemIface);
        } else {
          // Set top var (lexically the second if there are two) to the element.
          this.setTopVar(1, elem, elemIface);
        }
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]?.ident[0] as string, elem, elemIface);
        else this.setTopVar(2, index, false); // Set next var (lexically the first) to the index.
      }
      this.dotIface = elemIface;
      const sig = this.walkList(elem, r.list);
      this.dotIface = savedIface;
      this.pop(mark);
      return sig;
    };
    let ran = false;
    if (val instanceof GoInt) {
      if (decl.length > 1) this.errorf(`can't use ${sprint([val])} to iterate over more than one variable`);
      for (let i = 0n; i < val.value; i++) {
        ran = true;
        // Pass element as second value, as Go does for channels.
        if (oneIteration(undefined, new GoInt(val.type, i), false) === BREAK) break;
      }
    } else if (Array.isArray(val)) {
      const elemIface = (val as GoSlice)[GO_TYPE] === undefined || elemType(goTypeName(val)) === INTERFACE;
      const wantIndex = decl.length > 1;
      for (let i = 0; i < val.length; i++) {
        ran = true;
        const index = wantIndex ? new GoInt('int', BigInt(i)) : undefined;
        if (oneIteration(index, val[i], elemIface) === BREAK) break;
      }
    } else if (val instanceof Map) {
      const elemIface = (val as GoMap)[GO_TYPE] === undefined || elemType(goTypeName(val)) === INTERFACE;
      const keys = [...val.keys()].sort(compareGoStrings);
      for (const key of keys) {
        ran = true;
        if (oneIteration(key, val.get(key), elemIface) === BREAK) break;
      }
    } else if (val instanceof Uint8Array) {
      const wantIndex = decl.length > 1;
      for (let i = 0; i < val.length; i++) {
        ran = true;
        const index = wantIndex ? new GoInt('int', BigInt(i)) : undefined;
        if (oneIteration(index, new GoInt('uint8', BigInt(val[i] as number)), false) === BREAK) break;
      }
    } else if (val === undefined) {
      // An invalid value is likely a nil map, etc. and acts like an empty map.
    } else if (val instanceof GoNil && (kindOfType(val.type) === 'slice' || kindOfType(val.type) === 'map')) {
      // A nil slice or map has no elements.
    } else {
      this.errorf(`range can't iterate over ${sprint([printableValue(val)])}`);
    }
    let sig: Signal = NORMAL;
    if (!ran && r.elseList !== null && this.walkList(dot, r.elseList) === CONTINUE) sig = CONTINUE;
    this.pop(outer);
    return sig;
  }

  walkTemplate(dot: Value, t: TemplateNode): void {
    this.node = t;
    const tmpl = this.tmpl.lookupExec(t.name);
    if (tmpl === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    // Variables declared by the pipeline persist.
    const newDot = this.evalPipeline(dot, t.pipe);
    const root = tmpl.tree?.root ?? null;
    this.templateNodes.push(t);
    this.templateOwners.push(this.tmpl);
    const savedTmpl = this.tmpl;
    const savedVarBase = this.varBase;
    const savedDotIface = this.dotIface;
    const savedNode = this.node;
    const mark = this.mark();
    this.tmpl = tmpl;
    this.depth++;
    // No dynamic scoping: template invocations inherit no variables.
    this.varBase = mark;
    this.push('$', newDot, false);
    this.dotIface = false;
    if (root !== null) this.walkList(newDot, root);
    this.pop(mark);
    this.depth--;
    this.tmpl = savedTmpl;
    this.varBase = savedVarBase;
    this.dotIface = savedDotIface;
    this.node = savedNode;
    this.templateNodes.pop();
    this.templateOwners.pop();
  }

  // ---- evaluation -----------------------------------------------------------------------------

  /**
   * Evaluates a pipeline; declared variables are pushed (callers pop). The result is unwrapped
   * like Go's: a nil interface becomes no value.
   */
  evalPipeline(dot: Value, pipe: PipeNode | null): Value {
    if (pipe === null) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i] as CommandNode, value);
      // If the object has type interface{}, dig down one level to the thing inside.
      if (value === null) value = undefined;
    }
    const v = value as Value;
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      const name = (decl[i] as VariableNode).ident[0] as string;
      if (pipe.isAssign) this.setVar(name, v, false);
      else this.push(name, v, false);
    }
    this.lastIface = false;
    return v;
  }

  notAFunction(args: readonly Node[] | null, final: Final): void {
    if ((args !== null && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${args?.[0]}`);
    }
  }

  evalCommand(dot: Value, cmd: CommandNode, final: Final): Value {
    const firstWord = cmd.args[0] as Node;
    switch (firstWord.type) {
      case NodeType.Field:
        return this.evalFieldNode(dot, firstWord, cmd.args, final);
      case NodeType.Chain:
        return this.evalChainNode(dot, firstWord, cmd.args, final);
      case NodeType.Identifier:
        // Must be a function.
        return this.evalFunction(dot, firstWord, cmd, cmd.args, final);
      case NodeType.Pipe:
        // Parenthesized pipeline. The arguments are all inside the pipeline; final must be absent.
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case NodeType.Variable:
        return this.evalVariableNode(dot, firstWord, cmd.args, final);
      default:
        break;
    }
    this.node = firstWord;
    this.notAFunction(cmd.args, final);
    switch (firstWord.type) {
      case NodeType.Bool:
        return firstWord.value;
      case NodeType.Dot:
        return dot;
      case NodeType.Nil:
        this.errorf('nil is not a command');
        break;
      case NodeType.Number:
        return this.idealConstant(firstWord);
      case NodeType.String:
        return firstWord.text;
      default:
        break;
    }
    this.errorf(`can't evaluate command ${quote(String(firstWord))}`);
  }

  /**
   * The value of a number literal where no type is known: the syntax decides, as Go's ideal
   * constants do (complex, else float64 when written with . e p, else int).
   */
  idealConstant(constant: NumberNode): Value {
    this.node = constant;
    this.lastIface = false;
    if (constant.isComplex) return new GoComplex(constant.complexRe, constant.complexIm);
    const text = constant.text;
    if (constant.isFloat && !isHexInt(text) && !isRuneInt(text) && hasFloatSyntax(text))
      return constant.float64;
    if (constant.isInt) {
      if (constant.idealInt === undefined) constant.idealInt = new GoInt('int', constant.int64);
      return constant.idealInt;
    }
    if (constant.isUint) this.errorf(`${text} overflows int`);
    return undefined;
  }

  evalFieldNode(dot: Value, field: FieldNode, args: readonly Node[] | null, final: Final): Value {
    this.node = field;
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, args, final);
  }

  evalChainNode(dot: Value, chain: ChainNode, args: readonly Node[] | null, final: Final): Value {
    this.node = chain;
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === NodeType.Nil) this.errorf(`indirection through explicit nil in ${chain}`);
    // (pipe).Field1.Field2 has pipe as .Node, fields as .Field. Eval the pipeline, then the fields.
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, this.lastIface, chain, chain.field, args, final);
  }

  evalVariableNode(dot: Value, variable: VariableNode, args: readonly Node[] | null, final: Final): Value {
    // $x.Field has $x as the first ident, Field as the second. Eval the var, then the fields.
    this.node = variable;
    const value = this.varValue(variable.ident[0] as string);
    if (variable.ident.length === 1) {
      const iface = this.lastIface;
      this.notAFunction(args, final);
      this.lastIface = iface;
      return value;
    }
    return this.evalFieldChain(dot, value, this.lastIface, variable, variable.fields, args, final);
  }

  /**
   * Evaluates .X.Y.Z possibly followed by arguments. dot is the environment in which to evaluate
   * arguments, while receiver is the value being walked along the chain.
   */
  evalFieldChain(
    dot: Value,
    receiver: Value,
    recvIface: boolean,
    node: Node,
    ident: readonly string[],
    args: readonly Node[] | null,
    final: Final,
  ): Value {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i] as string, node, null, MISSING, receiver, recvIface);
      recvIface = this.lastIface;
    }
    // Now if it's a method, it gets the arguments.
    return this.evalField(dot, ident[n - 1] as string, node, args, final, receiver, recvIface);
  }

  evalFunction(
    dot: Value,
    node: IdentifierNode,
    cmd: Node,
    args: readonly Node[] | null,
    final: Final,
  ): Value {
    this.node = node;
    const name = node.ident;
    const user = this.tmpl.userFunc(name);
    if (user !== undefined) return this.evalCall(dot, user, false, cmd, name, args, final);
    const builtin = lookupBuiltin(name);
    if (builtin === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, builtin, true, cmd, name, args, final);
  }

  /**
   * Evaluates an expression like (.Field) or (.Field arg1 arg2): a method of a GoObject, a field of
   * a GoObject, or a map key. Sets lastIface for the result.
   */
  evalField(
    dot: Value,
    fieldName: string,
    node: Node,
    args: readonly Node[] | null,
    final: Final,
    receiver: Value,
    recvIface: boolean,
  ): Value {
    if (receiver === undefined) {
      if (this.tmpl.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      this.lastIface = false;
      return undefined;
    }
    if (receiver === null) {
      // Calling a method on a nil interface can't work.
      this.errorf(`nil pointer evaluating ${INTERFACE}.${fieldName}`);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver instanceof Map && mapKeyAcceptsString(receiver)) {
      // If it's a map, attempt to use the field name as a key.
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const elem = mapElemType(receiver);
      let result = receiver.get(fieldName);
      if (result === undefined) {
        switch (this.tmpl.missingKey) {
          case 'zero':
            result = zeroValue(elem);
            break;
          case 'error':
            this.errorf(`map has no entry for key ${quote(fieldName)}`);
            break;
          default:
            // Just use the invalid value.
            this.lastIface = false;
            return undefined;
        }
      }
      this.lastIface = elem === INTERFACE;
      return result;
    }
    if (receiver instanceof GoObject) {
      const method = Object.hasOwn(receiver.methods, fieldName) ? receiver.methods[fieldName] : undefined;
      if (method !== undefined) return this.evalCall(dot, method, false, node, fieldName, args, final);
      if (receiver.fields.has(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        this.lastIface = false;
        return receiver.fields.get(fieldName);
      }
    } else if (receiver instanceof GoNil) {
      const kind = kindOfType(receiver.type);
      if (kind === 'map') {
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        if (this.tmpl.missingKey === 'error') this.errorf(`map has no entry for key ${quote(fieldName)}`);
        if (this.tmpl.missingKey === 'zero') {
          const elem = elemType(receiver.type);
          this.lastIface = elem === INTERFACE;
          return zeroValue(elem);
        }
        this.lastIface = false;
        return undefined;
      }
      if (kind === 'ptr') {
        this.errorf(`nil pointer evaluating ${recvIface ? INTERFACE : receiver.type}.${fieldName}`);
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${recvIface ? INTERFACE : goTypeName(receiver)}`);
  }

  /**
   * Calls a function or method (Go's evalCall). args, if non-null, includes (in the manner of the
   * shell) args[0] as the function itself. Sets lastIface for the result.
   */
  evalCall(
    dot: Value,
    fn: GoFunc,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args: readonly Node[] | null,
    final: Final,
  ): Value {
    const nargs = args === null ? 0 : args.length - 1; // Zeroth arg is function name/node.
    const params = fn.params;
    const variadic = fn.variadic;
    const numIn = final === MISSING ? nargs : nargs + 1;
    let numFixed = nargs;
    if (variadic !== undefined) {
      numFixed = params.length; // last arg is the variadic one.
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${nargs}`);
      }
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    // Special case for builtin and/or, which short-circuit.
    if (isBuiltin && isBuiltinShortCircuit(name)) {
      const isOr = name === 'or';
      let v: Value;
      for (let i = 1; i <= nargs; i++) {
        v = this.evalArg(dot, REFLECT_VALUE, (args as readonly Node[])[i] as Node);
        if (truth(v) === isOr) {
          this.lastIface = false;
          return v;
        }
      }
      // The last argument comes from the pipeline: we don't evaluate it, but check its type.
      if (final !== MISSING) v = this.validateType(final, REFLECT_VALUE);
      this.lastIface = false;
      return v;
    }

    // Build the arg list. Args must be evaluated. Fixed args first.
    const argv: Value[] = new Array(numIn);
    const wantIface = isBuiltin && name === 'slice';
    // Only the builtin slice wants to know which arguments came out of interface{} slots.
    const ifaces: boolean[] | null = wantIface ? new Array(numIn).fill(false) : null;
    let i = 0;
    for (; i < numFixed && i < nargs; i++) {
      argv[i] = this.evalArg(dot, params[i] as string, (args as readonly Node[])[i + 1] as Node);
      if (ifaces !== null) ifaces[i] = this.lastIface;
    }
    // Now the ... args.
    if (variadic !== undefined) {
      for (; i < nargs; i++) {
        argv[i] = this.evalArg(dot, variadic, (args as readonly Node[])[i + 1] as Node);
        if (ifaces !== null) ifaces[i] = this.lastIface;
      }
    }
    // Add final value if necessary.
    if (final !== MISSING) {
      let t = params[params.length - 1] as string;
      if (variadic !== undefined) {
        // The added final argument corresponds to a fixed parameter of the function, or to the
        // variadic part.
        t = numIn - 1 < numFixed ? (params[numIn - 1] as string) : variadic;
      }
      argv[i] = this.validateType(final, t);
      if (ifaces !== null) ifaces[i] = false;
    }

    let result: Value;
    try {
      if (isBuiltin && name === 'call') {
        // Insert the name of the callee function as the first argument.
        const calleeName = nargs === 0 ? reflectString(final as Value) : String((args as readonly Node[])[1]);
        result = callBuiltin(calleeName, argv[0], argv.slice(1));
      } else if (ifaces !== null) {
        result = sliceBuiltin(argv[0], argv.slice(1), ifaces.slice(1));
      } else {
        result = callImpl(fn.impl, argv);
      }
    } catch (e) {
      // Go's safeCall: an error result or a panic inside the function ends the execution.
      if (isStackOverflow(e)) {
        this.node = node; // so that the outermost execution reports the call that recursed
        throw e;
      }
      this.node = node;
      this.errorf(`error calling ${name}: ${errorText(e)}`);
    }
    const resultType = fn.result;
    if (result === undefined && resultType !== REFLECT_VALUE) result = null;
    this.lastIface = resultType === INTERFACE;
    return result;
  }

  /** Guarantees that the value is valid and assignable to the type (Go's validateType). */
  validateType(value: Value, typ: string | null): Value {
    if (value === undefined) {
      if (typ === null) {
        this.lastIface = false;
        return undefined; // An untyped nil interface{}.
      }
      if (canBeNil(typ)) {
        this.lastIface = typ === INTERFACE;
        return zeroValue(typ);
      }
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === null || typ === REFLECT_VALUE) return value;
    if (typ === INTERFACE) {
      this.lastIface = true;
      return value;
    }
    if (!assignable(value, typ)) {
      if (value === null) this.errorf(`wrong type for value; expected ${typ}; got ${INTERFACE}`);
      // One dereference: a *T object passed for T.
      if (!(value instanceof GoObject && value.type === `*${typ}`)) {
        this.errorf(`wrong type for value; expected ${typ}; got ${goTypeName(value)}`);
      }
    }
    this.lastIface = false;
    return value;
  }

  evalArg(dot: Value, typ: string | null, n: Node): Value {
    this.node = n;
    switch (n.type) {
      case NodeType.Dot:
        this.lastIface = this.dotIface;
        return this.validateType(dot, typ);
      case NodeType.Nil:
        if (typ !== null && canBeNil(typ)) {
          this.lastIface = typ === INTERFACE;
          return zeroValue(typ);
        }
        this.errorf(`cannot assign nil to ${typ}`);
        break;
      case NodeType.Field:
        return this.validateType(this.evalFieldNode(dot, n, null, MISSING), typ);
      case NodeType.Variable:
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case NodeType.Pipe:
        return this.validateType(this.evalPipeline(dot, n), typ);
      case NodeType.Identifier:
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case NodeType.Chain:
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
      default:
        break;
    }
    this.lastIface = false;
    const t = typ ?? INTERFACE;
    if (t === INTERFACE || t === REFLECT_VALUE) return this.evalEmptyInterface(dot, n);
    const kind = kindOfType(t);
    switch (kind) {
      case 'bool':
        this.node = n;
        if (n.type === NodeType.Bool) return n.value;
        this.errorf(`expected bool; found ${n}`);
        break;
      case 'complex128':
        if (n.type === NodeType.Number && n.isComplex) return new GoComplex(n.complexRe, n.complexIm);
        this.errorf(`expected complex; found ${n}`);
        break;
      case 'float32':
      case 'float64':
        this.node = n;
        if (n.type === NodeType.Number && n.isFloat) {
          return kind === 'float32' ? new GoFloat32(n.float64) : n.float64;
        }
        this.errorf(`expected float; found ${n}`);
        break;
      case 'int':
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
        this.node = n;
        if (n.type === NodeType.Number && n.isInt) return new GoInt(kind, n.int64);
        this.errorf(`expected integer; found ${n}`);
        break;
      case 'string':
        this.node = n;
        if (n.type === NodeType.String) return n.text;
        this.errorf(`expected string; found ${n}`);
        break;
      case 'uint':
      case 'uint8':
      case 'uint16':
      case 'uint32':
      case 'uint64':
      case 'uintptr':
        this.node = n;
        if (n.type === NodeType.Number && n.isUint) return new GoInt(kind as IntTypeName, n.uint64);
        this.errorf(`expected unsigned integer; found ${n}`);
        break;
      default:
        break;
    }
    this.errorf(`can't handle ${n} for arg of type ${t}`);
  }

  evalEmptyInterface(dot: Value, n: Node): Value {
    this.node = n;
    switch (n.type) {
      case NodeType.Bool:
        return n.value;
      case NodeType.Dot:
        this.lastIface = this.dotIface;
        return dot;
      case NodeType.Field:
        return this.evalFieldNode(dot, n, null, MISSING);
      case NodeType.Identifier:
        return this.evalFunction(dot, n, n, null, MISSING);
      case NodeType.Nil:
        // NilNode is handled in evalArg, the only place that calls here.
        this.errorf("evalEmptyInterface: nil (can't happen)");
        break;
      case NodeType.Number:
        return this.idealConstant(n);
      case NodeType.String:
        return n.text;
      case NodeType.Variable:
        return this.evalVariableNode(dot, n, null, MISSING);
      case NodeType.Pipe:
        return this.evalPipeline(dot, n);
      default:
        break;
    }
    this.errorf(`can't handle assignment of ${n} to empty interface argument`);
  }

  /** Writes the textual representation of the value to the output (Go's printValue). */
  printValue(n: ActionNode, v: Value): void {
    this.node = n;
    switch (typeof v) {
      case 'string':
        this.out += v;
        return;
      case 'undefined':
        this.out += '<no value>';
        return;
      case 'boolean':
        this.out += v ? 'true' : 'false';
        return;
      case 'number':
        // fmt's %v is %g with the shortest precision: integral values below 1e6 print as JS prints
        // them; from 1e6 on, and for fractions, Go switches rules (1e+06), so fmt decides.
        this.out += Number.isInteger(v) && v < 1e6 && v > -1e6 && !Object.is(v, -0) ? String(v) : sprint([v]);
        return;
      default:
        break;
    }
    if (v instanceof GoInt) {
      this.out += v.value.toString();
      return;
    }
    if (isGoFunc(v) || (v instanceof GoNil && kindOfType(v.type) === 'func')) {
      this.errorf(`can't print ${n} of type ${goTypeName(v)}`);
    }
    let text: string;
    try {
      text = sprint([printableValue(v)]);
    } catch (e) {
      // A value that contains itself: Go's fmt recurses until the process dies; we report it here.
      if (isStackOverflow(e) || !(e instanceof Error)) throw e;
      this.errorf(`can't print ${n}: ${e.message}`);
    }
    this.out += text;
  }
}

/**
 * Go's printableValue for a non-nil value: a pointer is printed as what it points to, unless the
 * pointer type has a String method (GoObject.format).
 */
export function printableValue(v: Value): Value {
  if (v instanceof GoObject && v.type.startsWith('*') && v.format === undefined) {
    return new GoObject(v.type.slice(1), v.fields, v.methods);
  }
  return v;
}

/** fn(...argv) without the spread for the usual argument counts (a spread call is slow in cold code). */
function callImpl(fn: GoFunc['impl'], argv: Value[]): Value {
  switch (argv.length) {
    case 0:
      return fn();
    case 1:
      return fn(argv[0]);
    case 2:
      return fn(argv[0], argv[1]);
    case 3:
      return fn(argv[0], argv[1], argv[2]);
    default:
      return fn(...argv);
  }
}

/** Go's isTrue: [truth, ok]. */
export function isTrue(v: Value): [boolean, boolean] {
  const truth = truthOrUndefined(v);
  return [truth === true, truth !== undefined];
}

/** Go's isTrue without the pair every if and with would allocate: the truth, undefined when not ok. */
function truthOrUndefined(v: Value): boolean | undefined {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    default:
      break;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof GoFloat32) return v.value !== 0;
  if (v instanceof GoComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof GoNil) return false;
  if (v instanceof GoObject && v.underlying !== undefined) return truthOrUndefined(v.underlying);
  return true; // structs, non-nil pointers and funcs
}

function isRuneInt(s: string): boolean {
  return s.length > 0 && s[0] === "'";
}

function isHexInt(s: string): boolean {
  return (
    s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !s.includes('p') && !s.includes('P')
  );
}

/** strings.ContainsAny(s, ".eEpP"). */
function hasFloatSyntax(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    switch (s[i]) {
      case '.':
      case 'e':
      case 'E':
      case 'p':
      case 'P':
        return true;
      default:
        break;
    }
  }
  return false;
}

/** Whether a field name can be a key of the map (its key type is string or interface {}). */
function mapKeyAcceptsString(m: GoMap): boolean {
  const tag = m[GO_TYPE];
  if (tag === undefined) return true;
  const key = tag.slice(4, tag.length - elemType(tag).length - 1);
  return key === 'string' || key === INTERFACE;
}

function mapElemType(m: GoMap): string {
  const tag = m[GO_TYPE];
  return tag === undefined ? INTERFACE : elemType(tag);
}

/** canBeNil: whether an untyped nil can be assigned to the type. */
export function canBeNil(typ: string): boolean {
  if (typ === REFLECT_VALUE) return true;
  switch (kindOfType(typ)) {
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return true;
    default:
      return typ.startsWith('chan ');
  }
}

/** reflect.Zero(typ) in the value model; a reflect.Value parameter's zero is no value. */
export function zeroValue(typ: string): Value {
  return typ === REFLECT_VALUE ? undefined : zeroValueOf(typ);
}

/** Whether a value of v's dynamic type is assignable to a parameter of type typ. */
export function assignable(v: Value, typ: string): boolean {
  switch (typ) {
    case INTERFACE:
      return true;
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'float64':
      return typeof v === 'number';
    default:
      break;
  }
  if (v instanceof GoInt) return v.type === typ;
  return goTypeName(v) === typ;
}

/** reflect.Value.String(): the string for string kinds, "<T Value>" otherwise. */
function reflectString(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '<invalid Value>';
  return `<${goTypeName(v)} Value>`;
}

function errorText(e: unknown): string {
  if (e instanceof FuncError || e instanceof Error) return e.message;
  return String(e);
}

/** Go's string ordering, also used by functions that sort keys (see builtins.ts). */
export { compareGoStrings };

/** Go's ErrorContext: "NAME:LINE:COL" (COL a 0-based byte offset within the line). */
export function errorContext(node: Node): { location: string; line: number; column: number } {
  const tree = node.tree;
  const text = tree.text;
  const pos = Math.min(node.pos, text.length);
  const lastNewline = pos === 0 ? -1 : text.lastIndexOf('\n', pos - 1);
  const column =
    lastNewline === -1 ? utf8Length(text.slice(0, pos)) : utf8Length(text.slice(lastNewline + 1, pos));
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return { location: `${tree.parseName}:${line}:${column}`, line, column };
}
