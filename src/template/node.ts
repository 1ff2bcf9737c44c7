/**
 * Parse tree nodes of Go's text/template (text/template/parse/node.go). `toString()` reproduces
 * Go's Node.String(), which appears in error messages (`executing "x" at <.a.b>`).
 */
import { quote } from './strconv.js';
import type { GoInt } from './value.js';

export const NodeType = {
  Text: 0,
  Action: 1,
  Bool: 2,
  Chain: 3,
  Command: 4,
  Dot: 5,
  Else: 6,
  End: 7,
  Field: 8,
  Identifier: 9,
  If: 10,
  List: 11,
  Nil: 12,
  Number: 13,
  Pipe: 14,
  Range: 15,
  String: 16,
  Template: 17,
  Variable: 18,
  With: 19,
  Comment: 20,
  Break: 21,
  Continue: 22,
} as const;
export type NodeType = (typeof NodeType)[keyof typeof NodeType];

/** What a node needs from its tree to report errors: the parse name and the full source text. */
export interface TreeRef {
  readonly name: string;
  readonly parseName: string;
  readonly text: string;
}

/*
 * Node fields are `declare`d and assigned in constructors: class field definitions would compile
 * to define-property semantics, which V8 runs slowly on the 20-odd node shapes (it dominated
 * parsing time).
 */
abstract class BaseNode {
  abstract readonly type: NodeType;
  /** UTF-16 offset of the node's start in the full source text. */
  declare readonly pos: number;
  declare readonly tree: TreeRef;
  constructor(pos: number, tree: TreeRef) {
    this.pos = pos;
    this.tree = tree;
  }
}

export class ListNode extends BaseNode {
  declare readonly type: typeof NodeType.List;
  declare readonly nodes: Node[];
  constructor(pos: number, tree: TreeRef) {
    super(pos, tree);
    this.type = NodeType.List;
    this.nodes = [];
  }
  override toString(): string {
    return this.nodes.map(String).join('');
  }
}

/**
 * How TextNode.toString() renders text: Go's parse package uses "%s", and its tests switch the
 * package variable textFormat to "%q"; setTextFormat does the same.
 */
let textFormat: (text: string) => string = (text) => text;

export function setTextFormat(format: 'plain' | 'quoted'): void {
  textFormat = format === 'quoted' ? quote : (text) => text;
}

export class TextNode extends BaseNode {
  declare readonly type: typeof NodeType.Text;
  declare readonly text: string;
  constructor(pos: number, tree: TreeRef, text: string) {
    super(pos, tree);
    this.type = NodeType.Text;
    this.text = text;
  }
  override toString(): string {
    return textFormat(this.text);
  }
}

export class CommentNode extends BaseNode {
  declare readonly type: typeof NodeType.Comment;
  declare readonly text: string;
  constructor(pos: number, tree: TreeRef, text: string) {
    super(pos, tree);
    this.type = NodeType.Comment;
    this.text = text;
  }
  override toString(): string {
    return `{{${this.text}}}`;
  }
}

export class PipeNode extends BaseNode {
  declare readonly type: typeof NodeType.Pipe;
  declare readonly line: number;
  /** The variables are being assigned (=), not declared (:=). */
  declare isAssign: boolean;
  declare readonly decl: VariableNode[];
  declare readonly cmds: CommandNode[];
  constructor(pos: number, tree: TreeRef, line: number) {
    super(pos, tree);
    this.type = NodeType.Pipe;
    this.line = line;
    this.isAssign = false;
    this.decl = [];
    this.cmds = [];
  }
  override toString(): string {
    let s = '';
    if (this.decl.length > 0) {
      s = this.decl.map(String).join(', ') + (this.isAssign ? ' = ' : ' := ');
    }
    return s + this.cmds.map(String).join(' | ');
  }
}

export class ActionNode extends BaseNode {
  declare readonly type: typeof NodeType.Action;
  declare readonly line: number;
  declare readonly pipe: PipeNode;
  constructor(pos: number, tree: TreeRef, line: number, pipe: PipeNode) {
    super(pos, tree);
    this.type = NodeType.Action;
    this.line = line;
    this.pipe = pipe;
  }
  override toString(): string {
    return `{{${this.pipe}}}`;
  }
}

export class CommandNode extends BaseNode {
  declare readonly type: typeof NodeType.Command;
  declare readonly args: Node[];
  constructor(pos: number, tree: TreeRef) {
    super(pos, tree);
    this.type = NodeType.Command;
    this.args = [];
  }
  override toString(): string {
    return this.args.map((a) => (a.type === NodeType.Pipe ? `(${a})` : String(a))).join(' ');
  }
}

export class IdentifierNode extends BaseNode {
  declare readonly type: typeof NodeType.Identifier;
  declare readonly ident: string;
  constructor(pos: number, tree: TreeRef, ident: string) {
    super(pos, tree);
    this.type = NodeType.Identifier;
    this.ident = ident;
  }
  override toString(): string {
    return this.ident;
  }
}

/** A $ variable, possibly with fields: `$x.a.b` has ident ['$x', 'a', 'b']. */
export class VariableNode extends BaseNode {
  declare readonly type: typeof NodeType.Variable;
  declare readonly ident: string[];
  /** The fields after the variable name (ident without its first element). */
  declare readonly fields: string[];
  constructor(pos: number, tree: TreeRef, ident: string) {
    super(pos, tree);
    this.type = NodeType.Variable;
    this.ident = ident.split('.');
    this.fields = this.ident.slice(1);
  }
  override toString(): string {
    return this.ident.join('.');
  }
}

export class DotNode extends BaseNode {
  declare readonly type: typeof NodeType.Dot;
  constructor(pos: number, tree: TreeRef) {
    super(pos, tree);
    this.type = NodeType.Dot;
  }
  override toString(): string {
    return '.';
  }
}

export class NilNode extends BaseNode {
  declare readonly type: typeof NodeType.Nil;
  constructor(pos: number, tree: TreeRef) {
    super(pos, tree);
    this.type = NodeType.Nil;
  }
  override toString(): string {
    return 'nil';
  }
}

/** A field chain `.a.b` (the leading periods dropped: ident ['a', 'b']). */
export class FieldNode extends BaseNode {
  declare readonly type: typeof NodeType.Field;
  declare readonly ident: string[];
  constructor(pos: number, tree: TreeRef, ident: string) {
    super(pos, tree);
    this.type = NodeType.Field;
    this.ident = ident.slice(1).split('.');
  }
  override toString(): string {
    let s = '';
    for (const id of this.ident) s += `.${id}`;
    return s;
  }
}

/** A term followed by field accesses: `(pipe).a.b`, `fn.a`. */
export class ChainNode extends BaseNode {
  declare readonly type: typeof NodeType.Chain;
  declare readonly node: Node;
  declare readonly field: string[];
  constructor(pos: number, tree: TreeRef, node: Node) {
    super(pos, tree);
    this.type = NodeType.Chain;
    this.node = node;
    this.field = [];
  }
  add(field: string): void {
    if (field.length === 0 || field[0] !== '.') throw new Error('no dot in field');
    const f = field.slice(1);
    if (f === '') throw new Error('empty field');
    this.field.push(f);
  }
  override toString(): string {
    let s = this.node.type === NodeType.Pipe ? `(${this.node})` : String(this.node);
    for (const f of this.field) s += `.${f}`;
    return s;
  }
}

export class BoolNode extends BaseNode {
  declare readonly type: typeof NodeType.Bool;
  declare readonly value: boolean;
  constructor(pos: number, tree: TreeRef, value: boolean) {
    super(pos, tree);
    this.type = NodeType.Bool;
    this.value = value;
  }
  override toString(): string {
    return this.value ? 'true' : 'false';
  }
}

/**
 * A number constant, stored under every type that can represent it (Go's simulation of ideal
 * constants): int64, uint64, float64 and complex128.
 */
export class NumberNode extends BaseNode {
  declare readonly type: typeof NodeType.Number;
  /** The original textual representation from the input. */
  declare readonly text: string;
  declare isInt: boolean;
  declare isUint: boolean;
  declare isFloat: boolean;
  declare isComplex: boolean;
  declare int64: bigint;
  declare uint64: bigint;
  declare float64: number;
  declare complexRe: number;
  declare complexIm: number;
  /** The executor's cached int value of the literal (GoInt is immutable). */
  declare idealInt: GoInt | undefined;
  constructor(pos: number, tree: TreeRef, text: string) {
    super(pos, tree);
    this.type = NodeType.Number;
    this.text = text;
    this.isInt = false;
    this.isUint = false;
    this.isFloat = false;
    this.isComplex = false;
    this.int64 = 0n;
    this.uint64 = 0n;
    this.float64 = 0;
    this.complexRe = 0;
    this.complexIm = 0;
    this.idealInt = undefined;
  }
  override toString(): string {
    return this.text;
  }
}

export class StringNode extends BaseNode {
  declare readonly type: typeof NodeType.String;
  /** The original text, with quotes. */
  declare readonly quoted: string;
  /** The string after quote processing. */
  declare readonly text: string;
  constructor(pos: number, tree: TreeRef, quoted: string, text: string) {
    super(pos, tree);
    this.type = NodeType.String;
    this.quoted = quoted;
    this.text = text;
  }
  override toString(): string {
    return this.quoted;
  }
}

/** {{end}}: returned by the parser's itemList, never in the final tree. */
export class EndNode extends BaseNode {
  declare readonly type: typeof NodeType.End;
  constructor(pos: number, tree: TreeRef) {
    super(pos, tree);
    this.type = NodeType.End;
  }
  override toString(): string {
    return '{{end}}';
  }
}

/** {{else}}: returned by the parser's itemList, never in the final tree. */
export class ElseNode extends BaseNode {
  declare readonly type: typeof NodeType.Else;
  declare readonly line: number;
  constructor(pos: number, tree: TreeRef, line: number) {
    super(pos, tree);
    this.type = NodeType.Else;
    this.line = line;
  }
  override toString(): string {
    return '{{else}}';
  }
}

/** The shared shape of if, range and with. */
export class BranchNode extends BaseNode {
  declare readonly type: typeof NodeType.If | typeof NodeType.Range | typeof NodeType.With;
  declare readonly line: number;
  declare readonly pipe: PipeNode;
  declare readonly list: ListNode;
  declare readonly elseList: ListNode | null;
  constructor(
    type: typeof NodeType.If | typeof NodeType.Range | typeof NodeType.With,
    pos: number,
    tree: TreeRef,
    line: number,
    pipe: PipeNode,
    list: ListNode,
    elseList: ListNode | null,
  ) {
    super(pos, tree);
    this.type = type;
    this.line = line;
    this.pipe = pipe;
    this.list = list;
    this.elseList = elseList;
  }
  override toString(): string {
    const name = this.type === NodeType.If ? 'if' : this.type === NodeType.Range ? 'range' : 'with';
    let s = `{{${name} ${this.pipe}}}${this.list}`;
    if (this.elseList !== null) s += `{{else}}${this.elseList}`;
    return `${s}{{end}}`;
  }
}

export class BreakNode extends BaseNode {
  declare readonly type: typeof NodeType.Break;
  declare readonly line: number;
  constructor(pos: number, tree: TreeRef, line: number) {
    super(pos, tree);
    this.type = NodeType.Break;
    this.line = line;
  }
  override toString(): string {
    return '{{break}}';
  }
}

export class ContinueNode extends BaseNode {
  declare readonly type: typeof NodeType.Continue;
  declare readonly line: number;
  constructor(pos: number, tree: TreeRef, line: number) {
    super(pos, tree);
    this.type = NodeType.Continue;
    this.line = line;
  }
  override toString(): string {
    return '{{continue}}';
  }
}

export class TemplateNode extends BaseNode {
  declare readonly type: typeof NodeType.Template;
  declare readonly line: number;
  /** The name of the template (unquoted). */
  declare readonly name: string;
  /** The command to evaluate as dot for the template. */
  declare readonly pipe: PipeNode | null;
  constructor(pos: number, tree: TreeRef, line: number, name: string, pipe: PipeNode | null) {
    super(pos, tree);
    this.type = NodeType.Template;
    this.line = line;
    this.name = name;
    this.pipe = pipe;
  }
  override toString(): string {
    return `{{template ${quote(this.name)}${this.pipe === null ? '' : ` ${this.pipe}`}}}`;
  }
}

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | EndNode
  | ElseNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode;

/** Text made only of unicode.IsSpace characters (bytes.TrimSpace leaves nothing). */
const GO_SPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** parse.IsEmptyTree: whether the node holds nothing but space or comments. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case NodeType.Comment:
      return true;
    case NodeType.List:
      return n.nodes.every(isEmptyTree);
    case NodeType.Text:
      return GO_SPACE_ONLY.test(n.text);
    default:
      return false;
  }
}
