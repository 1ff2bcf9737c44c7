/**
 * The parser of Go's text/template (text/template/parse/parse.go), ported function for function:
 * same grammar, same three-token look-ahead, same error texts and line numbers.
 */
import { isStackOverflow } from './errors.js';
import {
  GoSyntaxError,
  type Item,
  ItemType,
  itemString,
  Lexer,
  parseFloat64,
  parseInt64,
  parseUint,
  unquoteChar,
} from './lex.js';
import {
  ActionNode,
  BoolNode,
  BranchNode,
  BreakNode,
  ChainNode,
  CommandNode,
  CommentNode,
  ContinueNode,
  DotNode,
  ElseNode,
  EndNode,
  FieldNode,
  IdentifierNode,
  isEmptyTree,
  ListNode,
  NilNode,
  type Node,
  NodeType,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateNode,
  TextNode,
  type TreeRef,
  VariableNode,
} from './node.js';
import { quote, unquote } from './strconv.js';

/** Go's maxStackDepth: the deepest nesting of parenthesised pipelines the parser accepts. */
export const MAX_PAREN_DEPTH = 10000;

/** Tells whether a function name is defined (the parse-time check of `function "x" not defined`). */
export type FuncCheck = (name: string) => boolean;

export interface ParseModes {
  /** parse.ParseComments: keep comments in the tree. */
  readonly parseComments?: boolean;
  /** parse.SkipFuncCheck: do not check that functions are defined. */
  readonly skipFuncCheck?: boolean;
  /** Overrides MAX_PAREN_DEPTH (Go's tests set maxStackDepth to 3). */
  readonly maxParenDepth?: number;
}

/** A parse failure; `message` is Go's full text ("template: x:1: ..."). */
export class ParseError extends Error {
  /** Raised because the JavaScript stack ran out, not because Go would stop here. */
  stackLimited = false;
  constructor(
    message: string,
    readonly parseName: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const NO_ITEM: Item = { type: ItemType.EOF, pos: 0, val: '', line: 0 };

/** A parsed template (Go's parse.Tree). */
export class Tree implements TreeRef {
  name: string;
  parseName = '';
  root: ListNode | null = null;
  text = '';
  modes: ParseModes = {};
  // Parsing only; cleared after parse.
  private funcs: FuncCheck | null = null;
  private lex: Lexer | null = null;
  private readonly token: Item[] = [NO_ITEM, NO_ITEM, NO_ITEM];
  private peekCount = 0;
  private vars: string[] = [];
  private treeSet: Map<string, Tree> | null = null;
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(name: string) {
    this.name = name;
  }

  private get lexer(): Lexer {
    if (this.lex === null) throw new Error('internal error: parsing without a lexer');
    return this.lex;
  }

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lexer.nextItem();
    return this.token[this.peekCount] as Item;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1] as Item;
    this.peekCount = 1;
    this.token[0] = this.lexer.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.type === ItemType.Space);
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  /** Go's Tree.errorf: stops parsing with "template: NAME:LINE: msg". */
  errorf(msg: string): never {
    this.root = null;
    const line = (this.token[0] as Item).line;
    throw new ParseError(`template: ${this.parseName}:${line}: ${msg}`, this.parseName, line);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected1 && token.type !== expected2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === ItemType.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length); // avoid "action in action"
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private startParse(funcs: FuncCheck | null, lex: Lexer, treeSet: Map<string, Tree>): void {
    this.root = null;
    this.lex = lex;
    this.vars = ['$'];
    this.funcs = funcs;
    this.treeSet = treeSet;
    this.stackDepth = 0;
    lex.options = {
      emitComment: this.modes.parseComments === true,
      breakOK: !this.hasFunction('break'),
      continueOK: !this.hasFunction('continue'),
    };
  }

  private stopParse(): void {
    this.lex = null;
    this.vars = [];
    this.funcs = null;
    this.treeSet = null;
  }

  /**
   * Go's Tree.Parse: parses text, adding this tree and every {{define}}d one to treeSet.
   * Throws ParseError.
   */
  parse(
    text: string,
    leftDelim: string,
    rightDelim: string,
    treeSet: Map<string, Tree>,
    funcs: FuncCheck,
  ): this {
    this.parseName = this.name;
    const lexer = new Lexer(text, leftDelim, rightDelim);
    this.startParse(funcs, lexer, treeSet);
    this.text = text;
    try {
      this.parseTop();
      this.add();
    } catch (e) {
      if (isStackOverflow(e)) {
        // Go's goroutine stacks grow to 1 GB; ours do not. Report it as Go reports runaway nesting.
        try {
          this.errorf('max expression depth exceeded');
        } catch (limited) {
          if (limited instanceof ParseError) limited.stackLimited = true;
          throw limited;
        }
      }
      throw e;
    } finally {
      this.stopParse();
    }
    return this;
  }

  private add(): void {
    const set = this.treeSet as Map<string, Tree>;
    const tree = set.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      set.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  private newSubTree(name: string): Tree {
    const t = new Tree(name);
    t.text = this.text;
    t.modes = this.modes;
    t.parseName = this.parseName;
    t.startParse(this.funcs, this.lexer, this.treeSet as Map<string, Tree>);
    return t;
  }

  private parseTop(): void {
    this.root = new ListNode(this.peek().pos, this);
    while (this.peek().type !== ItemType.EOF) {
      if (this.peek().type === ItemType.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().type === ItemType.Define) {
          const newT = this.newSubTree('definition'); // name will be updated once we know it.
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === NodeType.End || n.type === NodeType.Else) this.errorf(`unexpected ${n}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(ItemType.String, ItemType.RawString, context);
    try {
      this.name = unquote(name.val);
    } catch (e) {
      this.error(e);
    }
    this.expect(ItemType.RightDelim, context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== NodeType.End) this.errorf(`unexpected ${end} in ${context}`);
    this.add();
    this.stopParse();
  }

  private error(e: unknown): never {
    this.errorf(e instanceof Error ? e.message : String(e));
  }

  private itemList(): [ListNode, Node] {
    const list = new ListNode(this.peekNonSpace().pos, this);
    while (this.peekNonSpace().type !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.type === NodeType.End || n.type === NodeType.Else) return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Text:
        return new TextNode(token.pos, this, token.val);
      case ItemType.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case ItemType.Comment:
        return new CommentNode(token.pos, this, token.val);
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Block:
        return this.blockControl();
      case ItemType.Break:
        return this.breakControl(token.pos, token.line);
      case ItemType.Continue:
        return this.continueControl(token.pos, token.line);
      case ItemType.Else:
        return this.elseControl();
      case ItemType.End:
        return this.endControl();
      case ItemType.If:
        return this.parseControl(NodeType.If, 'if');
      case ItemType.Range:
        return this.parseControl(NodeType.Range, 'range');
      case ItemType.Template:
        return this.templateControl();
      case ItemType.With:
        return this.parseControl(NodeType.With, 'with');
      default:
        break;
    }
    this.backup();
    const t = this.peek();
    // Do not pop variables; they persist until "end".
    return new ActionNode(t.pos, this, t.line, this.pipeline('command', ItemType.RightDelim));
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.type !== ItemType.RightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return new BreakNode(pos, this, line);
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.type !== ItemType.RightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return new ContinueNode(pos, this, line);
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe = new PipeNode(token.pos, this, token.line);
    // Are there declarations or assignments?
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== ItemType.Variable) break;
      this.next();
      // Since space is a token, we need 3-token look-ahead here in the worst case: in "$x foo" we
      // need to read "foo" (as opposed to ":=") to know that $x is an argument variable rather
      // than a declaration.
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === ItemType.Assign || next.type === ItemType.Declare) {
        pipe.isAssign = next.type === ItemType.Assign;
        this.nextNonSpace();
        pipe.decl.push(new VariableNode(v.pos, this, v.val));
        this.vars.push(v.val);
      } else if (next.type === ItemType.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(new VariableNode(v.pos, this, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === ItemType.Variable || p === ItemType.RightDelim || p === ItemType.RightParen) {
            continue; // second initialized variable in a range pipeline
          }
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === ItemType.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.type) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case ItemType.Bool:
        case ItemType.CharConstant:
        case ItemType.Complex:
        case ItemType.Dot:
        case ItemType.Field:
        case ItemType.Identifier:
        case ItemType.Number:
        case ItemType.Nil:
        case ItemType.RawString:
        case ItemType.String:
        case ItemType.Variable:
        case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    // Only the first command of a pipeline can start with a non executable operand.
    for (let i = 1; i < pipe.cmds.length; i++) {
      const t = (pipe.cmds[i] as CommandNode).args[0]?.type;
      if (
        t === NodeType.Bool ||
        t === NodeType.Dot ||
        t === NodeType.Nil ||
        t === NodeType.Number ||
        t === NodeType.String
      ) {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private parseControl(type: BranchNode['type'], context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, ItemType.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === NodeType.Else) {
        // Special case for "else if" and "else with": treat {{if a}}_{{else if b}}_{{end}} as
        // {{if a}}_{{else}}{{if b}}_{{end}}{{end}}.
        if (context === 'if' && this.peek().type === ItemType.If) {
          this.next();
          elseList = new ListNode(next.pos, this);
          elseList.nodes.push(this.parseControl(NodeType.If, 'if'));
        } else if (context === 'with' && this.peek().type === ItemType.With) {
          this.next();
          elseList = new ListNode(next.pos, this);
          elseList.nodes.push(this.parseControl(NodeType.With, 'with'));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== NodeType.End) this.errorf(`expected end; found ${next}`);
        }
      }
      return new BranchNode(type, pipe.pos, this, pipe.line, pipe, list, elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private endControl(): Node {
    return new EndNode(this.expect(ItemType.RightDelim, 'end').pos, this);
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    // "{{else if ..." and "{{else with ..." are treated as "{{else}}{{if ..." and "{{else}}{{with ...".
    if (peek.type === ItemType.If || peek.type === ItemType.With)
      return new ElseNode(peek.pos, this, peek.line);
    const token = this.expect(ItemType.RightDelim, 'else');
    return new ElseNode(token.pos, this, token.line);
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    const block = this.newSubTree(name);
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== NodeType.End) this.errorf(`unexpected ${end} in ${context}`);
    block.add();
    block.stopParse();
    return new TemplateNode(token.pos, this, token.line, name, pipe);
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== ItemType.RightDelim) {
      this.backup();
      // Do not pop variables; they persist until "end".
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return new TemplateNode(token.pos, this, token.line, name, pipe);
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.type === ItemType.String || token.type === ItemType.RawString) {
      try {
        return unquote(token.val);
      } catch (e) {
        this.error(e);
      }
    }
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd = new CommandNode(this.peekNonSpace().pos, this);
    for (;;) {
      this.peekNonSpace(); // skip leading spaces.
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.type === ItemType.Space) continue;
      if (token.type === ItemType.RightDelim || token.type === ItemType.RightParen) this.backup();
      else if (token.type !== ItemType.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().type === ItemType.Field) {
      const chain = new ChainNode(this.peek().pos, this, node);
      while (this.peek().type === ItemType.Field) chain.add(this.next().val);
      // Compatibility with the original API: fields after a field or variable extend it; obvious
      // errors involving literal values are detected here.
      switch (node.type) {
        case NodeType.Field:
          node = new FieldNode(chain.pos, this, chain.toString());
          break;
        case NodeType.Variable:
          node = new VariableNode(chain.pos, this, chain.toString());
          break;
        case NodeType.Bool:
        case NodeType.String:
        case NodeType.Number:
        case NodeType.Nil:
        case NodeType.Dot:
          this.errorf(`unexpected . after term ${quote(node.toString())}`);
          break;
        default:
          node = chain;
      }
    }
    return node;
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Identifier: {
        if (this.modes.skipFuncCheck !== true && !this.hasFunction(token.val)) {
          this.errorf(`function ${quote(token.val)} not defined`);
        }
        return new IdentifierNode(token.pos, this, token.val);
      }
      case ItemType.Dot:
        return new DotNode(token.pos, this);
      case ItemType.Nil:
        return new NilNode(token.pos, this);
      case ItemType.Variable:
        return this.useVar(token.pos, token.val);
      case ItemType.Field:
        return new FieldNode(token.pos, this, token.val);
      case ItemType.Bool:
        return new BoolNode(token.pos, this, token.val === 'true');
      case ItemType.CharConstant:
      case ItemType.Complex:
      case ItemType.Number:
        return this.number(token);
      case ItemType.LeftParen: {
        if (this.stackDepth >= (this.modes.maxParenDepth ?? MAX_PAREN_DEPTH)) {
          this.errorf('max expression depth exceeded');
        }
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', ItemType.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case ItemType.String:
      case ItemType.RawString: {
        let s = '';
        try {
          s = unquote(token.val);
        } catch (e) {
          this.error(e);
        }
        return new StringNode(token.pos, this, token.val, s);
      }
      default:
        break;
    }
    this.backup();
    return null;
  }

  private number(token: Item): NumberNode {
    try {
      return newNumber(token.pos, this, token.val, token.type);
    } catch (e) {
      this.error(e);
    }
  }

  private hasFunction(name: string): boolean {
    return this.funcs?.(name) ?? false;
  }

  private useVar(pos: number, name: string): Node {
    const v = new VariableNode(pos, this, name);
    const first = v.ident[0];
    for (const varName of this.vars) if (varName === first) return v;
    this.errorf(`undefined variable ${quote(first ?? '')}`);
  }
}

/**
 * parse.Parse: the map from template name to tree of every template described by text; the
 * top-level one is named `name`. Throws ParseError.
 */
export function parseTemplates(
  name: string,
  text: string,
  leftDelim: string,
  rightDelim: string,
  funcs: FuncCheck,
  modes: ParseModes = {},
): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const t = new Tree(name);
  t.modes = modes;
  t.text = text;
  t.parse(text, leftDelim, rightDelim, treeSet, funcs);
  return treeSet;
}

// ---- number literals ----------------------------------------------------------------------------

/** parse.newNumber: a number node holding every type that can represent the literal. */
function newNumber(pos: number, tree: TreeRef, text: string, type: ItemType): NumberNode {
  const n = new NumberNode(pos, tree, text);
  if (type === ItemType.CharConstant) {
    let c: ReturnType<typeof unquoteChar>;
    try {
      c = unquoteChar(text, 1, 0x27);
    } catch {
      throw new GoSyntaxError();
    }
    if (text.slice(c.next) !== "'") throw new Error(`malformed character constant: ${text}`);
    n.int64 = BigInt(c.value);
    n.isInt = true;
    n.uint64 = BigInt(c.value);
    n.isUint = true;
    n.float64 = c.value; // odd but those are the rules.
    n.isFloat = true;
    return n;
  }
  if (type === ItemType.Complex) {
    const [re, im] = sscanComplex(text);
    n.isComplex = true;
    n.complexRe = re;
    n.complexIm = im;
    simplifyComplex(n);
    return n;
  }
  // Imaginary constants can only be complex unless they are zero.
  if (text.length > 0 && text[text.length - 1] === 'i') {
    const f = parseFloat64(text.slice(0, -1));
    if (f.ok) {
      n.isComplex = true;
      n.complexRe = 0;
      n.complexIm = f.value;
      simplifyComplex(n);
      return n;
    }
  }
  // Do integer test first so we get 0x123 etc.
  const u = parseUint(text); // will fail for -0; fixed below.
  if (u.ok) {
    n.isUint = true;
    n.uint64 = u.value;
  }
  const i = parseInt64(text);
  if (i.ok) {
    n.isInt = true;
    n.int64 = i.value;
    if (i.value === 0n) {
      n.isUint = true; // in case of -0.
      n.uint64 = u.ok ? u.value : 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (f.ok) {
      // If we parsed it as a float but it looks like an integer, it's a huge number too large to
      // fit in an int. Reject it.
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quote(text)}`);
      n.isFloat = true;
      n.float64 = f.value;
      // If a floating-point extraction succeeded, extract the int if needed.
      if (!n.isInt && fitsInt64(f.value)) {
        n.isInt = true;
        n.int64 = BigInt(f.value);
      }
      if (!n.isUint && fitsUint64(f.value)) {
        n.isUint = true;
        n.uint64 = BigInt(f.value);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${quote(text)}`);
  return n;
}

/** float64(int64(f)) == f on amd64: f integral and in [-2^63, 2^63). */
function fitsInt64(f: number): boolean {
  return Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63;
}

/** float64(uint64(f)) == f on amd64: f integral and in [0, 2^64) (including -0). */
function fitsUint64(f: number): boolean {
  return Number.isInteger(f) && f >= 0 && f < 2 ** 64;
}

/** NumberNode.simplifyComplex: a complex with zero imaginary part is also a float (and maybe int). */
function simplifyComplex(n: NumberNode): void {
  n.isFloat = n.complexIm === 0;
  if (n.isFloat) {
    n.float64 = n.complexRe;
    n.isInt = fitsInt64(n.float64);
    if (n.isInt) n.int64 = BigInt(n.float64);
    n.isUint = fitsUint64(n.float64);
    if (n.isUint) n.uint64 = BigInt(n.float64);
  }
}

/** fmt.Sscan of a complex128 ("1+2i"), as parse.newNumber does for complex literals. */
function sscanComplex(text: string): [number, number] {
  let i = 0;
  const accept = (chars: string): boolean => {
    if (i < text.length && chars.includes(text[i] as string)) {
      i++;
      return true;
    }
    return false;
  };
  const complexError = (): never => {
    throw new Error('syntax error scanning complex number');
  };
  const floatToken = (): string => {
    const start = i;
    if (accept('nN') && accept('aA') && accept('nN')) return text.slice(start, i);
    accept('+-');
    if (accept('iI') && accept('nN') && accept('fF')) return text.slice(start, i);
    let digits = '0123456789_';
    let exp = 'eEpP';
    if (accept('0') && accept('xX')) {
      digits = '0123456789aAbBcCdDeEfF_';
      exp = 'pP';
    }
    while (accept(digits));
    if (accept('.')) while (accept(digits));
    if (accept(exp)) {
      accept('+-');
      while (accept('0123456789_'));
    }
    return text.slice(start, i);
  };
  const parens = accept('(');
  const re = floatToken();
  const signStart = i;
  if (!accept('+-')) complexError();
  const im = text.slice(signStart, i) + floatToken();
  if (!accept('i')) complexError();
  if (parens && !accept(')')) complexError();
  return [convertFloat(re), convertFloat(im)];
}

/** fmt's convertFloat: strconv.ParseFloat, plus the decimal-mantissa/binary-exponent form 1.5p4. */
function convertFloat(str: string): number {
  const p = str.indexOf('p');
  if (p >= 0 && !/[xX]/.test(str)) {
    const f = parseFloat64(str.slice(0, p));
    if (!f.ok) throw numError(str, f.range);
    const m = parseInt64(str.slice(p + 1));
    if (!m.ok) throw numError(str, m.range);
    return f.value * 2 ** Number(m.value);
  }
  const f = parseFloat64(str);
  if (!f.ok) throw numError(str, f.range);
  return f.value;
}

function numError(str: string, range: boolean): Error {
  return new Error(
    `strconv.ParseFloat: parsing ${quote(str)}: ${range ? 'value out of range' : 'invalid syntax'}`,
  );
}
