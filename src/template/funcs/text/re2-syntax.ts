/**
 * A port of Go's regexp/syntax parser (Go 1.26, parse.go) for the Perl flags regexp.Compile uses
 * (ClassNL | OneLine | PerlX | UnicodeGroups). It accepts exactly what Go accepts and fails with Go's
 * error text (`error parsing regexp: missing closing ): `(``), and produces a small syntax tree with
 * character classes already expanded to rune ranges (case folding applied as Go applies it), which
 * re2.ts turns into a JS RegExp.
 *
 * Not ported: the size limits (ErrLarge "expression too large", ErrNestingDepth) that only patterns of
 * millions of instructions or a thousand nested groups reach.
 */
import {
  categoryRanges,
  MAX_RUNE,
  type RuneRanges,
  SCRIPT_NAMES,
  scriptRanges,
  simpleFold,
} from './unicode.js';

export class RegexpSyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

const ERR_INVALID_CHAR_RANGE = 'invalid character class range';
const ERR_INVALID_ESCAPE = 'invalid escape sequence';
const ERR_INVALID_NAMED_CAPTURE = 'invalid named capture';
const ERR_INVALID_PERL_OP = 'invalid or unsupported Perl syntax';
const ERR_INVALID_REPEAT_OP = 'invalid nested repetition operator';
const ERR_INVALID_REPEAT_SIZE = 'invalid repeat count';
const ERR_INVALID_UTF8 = 'invalid UTF-8';
const ERR_MISSING_BRACKET = 'missing closing ]';
const ERR_MISSING_PAREN = 'missing closing )';
const ERR_MISSING_REPEAT_ARGUMENT = 'missing argument to repetition operator';
const ERR_TRAILING_BACKSLASH = 'trailing backslash at end of expression';
const ERR_UNEXPECTED_PAREN = 'unexpected )';

// Parse flags (regexp/syntax.Flags).
const FOLD_CASE = 1;
const DOT_NL = 8;
const ONE_LINE = 16;
const NON_GREEDY = 32;

/** The syntax tree. Literal runes of a fold-case literal match their whole case-folding orbit. */
export type Node =
  | { op: 'empty' }
  | { op: 'noMatch' }
  | { op: 'literal'; rune: number; fold: boolean }
  | { op: 'class'; ranges: RuneRanges }
  | { op: 'anyCharNotNL' }
  | { op: 'anyChar' }
  | { op: 'beginLine' | 'endLine' | 'beginText' | 'endText' | 'wordBoundary' | 'noWordBoundary' }
  | { op: 'capture'; index: number; name: string; sub: Node }
  | { op: 'repeat'; min: number; max: number; greedy: boolean; sub: Node }
  | { op: 'concat'; subs: Node[] }
  | { op: 'alternate'; subs: Node[] };

export interface ParsedRegexp {
  root: Node;
  /** Capture names by group index; index 0 (the whole match) and unnamed groups are ''. */
  names: string[];
}

/** Parse-stack entries: real nodes, or the pseudo-operators '(' and '|'. */
type StackEntry =
  | { kind: 'node'; node: Node }
  | { kind: 'leftParen'; cap: number; name: string; flags: number }
  | { kind: 'verticalBar' };

// ---- rune ranges --------------------------------------------------------------------------------

/** Sorts and merges ranges (Go's cleanClass). */
export function cleanClass(r: RuneRanges): RuneRanges {
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i] as number, r[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: RuneRanges = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number) + 1) {
      if (hi > (out[n - 1] as number)) out[n - 1] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

export function negateClass(r: RuneRanges): RuneRanges {
  const out: RuneRanges = [];
  let nextLo = 0;
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] as number;
    const hi = r[i + 1] as number;
    if (nextLo <= lo - 1) out.push(nextLo, lo - 1);
    nextLo = hi + 1;
  }
  if (nextLo <= MAX_RUNE) out.push(nextLo, MAX_RUNE);
  return out;
}

const MIN_FOLD = 0x0041;
const MAX_FOLD = 0x1e943;

/** Appends lo-hi and everything case-folding-equivalent to it (Go's appendFoldedRange). */
function appendFoldedRange(r: RuneRanges, lo0: number, hi0: number): void {
  let lo = lo0;
  let hi = hi0;
  if ((lo <= MIN_FOLD && hi >= MAX_FOLD) || hi < MIN_FOLD || lo > MAX_FOLD) {
    r.push(lo, hi);
    return;
  }
  if (lo < MIN_FOLD) {
    r.push(lo, MIN_FOLD - 1);
    lo = MIN_FOLD;
  }
  if (hi > MAX_FOLD) {
    r.push(MAX_FOLD + 1, hi);
    hi = MAX_FOLD;
  }
  r.push(lo, hi);
  for (let c = lo; c <= hi; c++) {
    for (let f = simpleFold(c); f !== c; f = simpleFold(f)) r.push(f, f);
  }
}

function foldedClass(x: RuneRanges): RuneRanges {
  const r: RuneRanges = [];
  for (let i = 0; i < x.length; i += 2) appendFoldedRange(r, x[i] as number, x[i + 1] as number);
  return cleanClass(r);
}

/** The orbit of r under simple case folding, r included. */
export function foldOrbit(r: number): number[] {
  const out = [r];
  for (let f = simpleFold(r); f !== r; f = simpleFold(f)) out.push(f);
  return out;
}

function minFoldRune(r: number): number {
  if (r < MIN_FOLD || r > MAX_FOLD) return r;
  return Math.min(...foldOrbit(r));
}

// ---- named groups -------------------------------------------------------------------------------

const PERL_GROUPS: Record<string, [number, RuneRanges]> = {
  '\\d': [1, [0x30, 0x39]],
  '\\D': [-1, [0x30, 0x39]],
  '\\s': [1, [0x9, 0xa, 0xc, 0xd, 0x20, 0x20]],
  '\\S': [-1, [0x9, 0xa, 0xc, 0xd, 0x20, 0x20]],
  '\\w': [1, [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]],
  '\\W': [-1, [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]],
};

const POSIX_CLASSES: Record<string, RuneRanges> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x0, 0x7f],
  blank: [0x9, 0x9, 0x20, 0x20],
  cntrl: [0x0, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x9, 0xd, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** unicode.CategoryAliases, keyed by canonicalName. */
const CATEGORY_ALIASES: Record<string, string> = {
  Casedletter: 'LC',
  Closepunctuation: 'Pe',
  Combiningmark: 'M',
  Connectorpunctuation: 'Pc',
  Control: 'Cc',
  Currencysymbol: 'Sc',
  Dashpunctuation: 'Pd',
  Decimalnumber: 'Nd',
  Enclosingmark: 'Me',
  Finalpunctuation: 'Pf',
  Format: 'Cf',
  Initialpunctuation: 'Pi',
  Letter: 'L',
  Letternumber: 'Nl',
  Lineseparator: 'Zl',
  Lowercaseletter: 'Ll',
  Mark: 'M',
  Mathsymbol: 'Sm',
  Modifierletter: 'Lm',
  Modifiersymbol: 'Sk',
  Nonspacingmark: 'Mn',
  Number: 'N',
  Openpunctuation: 'Ps',
  Other: 'C',
  Otherletter: 'Lo',
  Othernumber: 'No',
  Otherpunctuation: 'Po',
  Othersymbol: 'So',
  Paragraphseparator: 'Zp',
  Privateuse: 'Co',
  Punctuation: 'P',
  Separator: 'Z',
  Spaceseparator: 'Zs',
  Spacingmark: 'Mc',
  Surrogate: 'Cs',
  Symbol: 'S',
  Titlecaseletter: 'Lt',
  Unassigned: 'Cn',
  Uppercaseletter: 'Lu',
  Cntrl: 'Cc',
  Digit: 'Nd',
  Punct: 'P',
};

/** Go's canonicalName: first letter upper, the rest lower, without '_', '-' and ' '. */
function canonicalName(name: string): string {
  let out = '';
  let first = true;
  for (const c of name) {
    if (c === '_' || c === '-' || c === ' ') continue;
    if (first) {
      out += c >= 'a' && c <= 'z' ? c.toUpperCase() : c;
      first = false;
    } else {
      out += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
    }
  }
  return out;
}

const SCRIPTS_BY_CANONICAL = new Map<string, string>();

/**
 * Go's unicodeTable: [table, folded table or undefined, sign]; undefined when the name is unknown.
 * The folded table is the table with the case-folding closure, as Go's FoldCategory/FoldScript add it.
 */
function unicodeTable(name0: string): [RuneRanges, RuneRanges | undefined, number] | undefined {
  const name = canonicalName(name0);
  switch (name) {
    case 'Any':
      return [[0, MAX_RUNE], [0, MAX_RUNE], 1];
    case 'Assigned': {
      const cn = categoryRanges('Cn') as RuneRanges;
      return [cn, cn, -1];
    }
    case 'Ascii':
      return [[0, 0x7f], [0, 0x7f, 0x17f, 0x17f, 0x212a, 0x212a], 1];
    case 'Lc':
      // Go has no FoldCategory["LC"]: (?i)\p{LC} does not fold.
      return [categoryRanges('LC') as RuneRanges, undefined, 1];
    default:
      break;
  }
  const cat = name.length <= 2 ? categoryRanges(name) : undefined;
  if (cat) return [cat, undefined, 1];
  if (SCRIPTS_BY_CANONICAL.size === 0) for (const s of SCRIPT_NAMES) SCRIPTS_BY_CANONICAL.set(s, s);
  const script = SCRIPTS_BY_CANONICAL.get(name);
  if (script !== undefined) return [scriptRanges(script) as RuneRanges, undefined, 1];
  const alias = CATEGORY_ALIASES[name];
  if (alias !== undefined) return [categoryRanges(alias) as RuneRanges, undefined, 1];
  return undefined;
}

// ---- the parser ---------------------------------------------------------------------------------

function isalnum(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

class Parser {
  flags = ONE_LINE;
  stack: StackEntry[] = [];
  numCap = 0;
  names: string[] = [''];

  constructor(readonly whole: string) {}

  /** nextRune: the code point at i and the index after it; lone surrogates are invalid UTF-8. */
  nextRune(i: number): [number, number] {
    const c = this.whole.codePointAt(i) as number;
    if (c >= 0xd800 && c <= 0xdfff) throw new RegexpSyntaxError(ERR_INVALID_UTF8, this.whole.slice(i));
    return [c, i + (c > 0xffff ? 2 : 1)];
  }

  checkUTF8(from: number, to: number): void {
    for (let i = from; i < to; ) i = this.nextRune(i)[1];
  }

  push(node: Node): void {
    this.stack.push({ kind: 'node', node });
  }

  literal(r: number): void {
    const fold = (this.flags & FOLD_CASE) !== 0;
    this.push({ op: 'literal', rune: fold ? minFoldRune(r) : r, fold });
  }

  op(op: 'beginLine' | 'endLine' | 'beginText' | 'endText' | 'wordBoundary' | 'noWordBoundary'): void {
    this.push({ op });
  }

  /** parse: the main loop. */
  parse(): ParsedRegexp {
    const s = this.whole;
    let t = 0;
    let lastRepeat = -1;
    while (t < s.length) {
      let repeat = -1;
      const c = s[t] as string;
      switch (c) {
        case '(':
          if (t + 1 < s.length && s[t + 1] === '?') {
            t = this.parsePerlFlags(t);
            break;
          }
          this.numCap++;
          this.names.push('');
          this.stack.push({ kind: 'leftParen', cap: this.numCap, name: '', flags: this.flags });
          t++;
          break;
        case '|':
          this.parseVerticalBar();
          t++;
          break;
        case ')':
          this.parseRightParen();
          t++;
          break;
        case '^':
          this.op((this.flags & ONE_LINE) !== 0 ? 'beginText' : 'beginLine');
          t++;
          break;
        case '$':
          this.op((this.flags & ONE_LINE) !== 0 ? 'endText' : 'endLine');
          t++;
          break;
        case '.':
          this.push({ op: (this.flags & DOT_NL) !== 0 ? 'anyChar' : 'anyCharNotNL' });
          t++;
          break;
        case '[':
          t = this.parseClass(t);
          break;
        case '*':
        case '+':
        case '?': {
          const before = t;
          const [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
          const after = this.repeat(min, max, before, t + 1, lastRepeat, false);
          repeat = before;
          t = after;
          break;
        }
        case '{': {
          const before = t;
          const parsed = this.parseRepeat(t);
          if (!parsed) {
            // If the repeat cannot be parsed, { is a literal.
            this.literal(0x7b);
            t++;
            break;
          }
          const [min, max, after0] = parsed;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            throw new RegexpSyntaxError(ERR_INVALID_REPEAT_SIZE, s.slice(before, after0));
          }
          const after = this.repeat(min, max, before, after0, lastRepeat, true);
          repeat = before;
          t = after;
          break;
        }
        case '\\':
          t = this.parseBackslash(t);
          break;
        default: {
          const [r, next] = this.nextRune(t);
          this.literal(r);
          t = next;
        }
      }
      lastRepeat = repeat;
    }
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    if (this.stack.length !== 1) throw new RegexpSyntaxError(ERR_MISSING_PAREN, s);
    return { root: (this.stack[0] as { node: Node }).node, names: this.names };
  }

  parseBackslash(t: number): number {
    const s = this.whole;
    if (t + 1 < s.length) {
      switch (s[t + 1]) {
        case 'A':
          this.op('beginText');
          return t + 2;
        case 'b':
          this.op('wordBoundary');
          return t + 2;
        case 'B':
          this.op('noWordBoundary');
          return t + 2;
        case 'C':
          // any byte; not supported
          throw new RegexpSyntaxError(ERR_INVALID_ESCAPE, s.slice(t, t + 2));
        case 'Q': {
          // \Q ... \E: the ... is always literals
          let end = s.indexOf('\\E', t + 2);
          let next = end + 2;
          if (end < 0) {
            end = s.length;
            next = s.length;
          }
          for (let i = t + 2; i < end; ) {
            const [r, n] = this.nextRune(i);
            this.literal(r);
            i = n;
          }
          return next;
        }
        case 'z':
          this.op('endText');
          return t + 2;
        default:
          break;
      }
    }
    // Unicode character group like \p{Han}.
    if (t + 1 < s.length && (s[t + 1] === 'p' || s[t + 1] === 'P')) {
      const u = this.parseUnicodeClass(t, []);
      if (u) {
        this.push({ op: 'class', ranges: cleanClass(u[0]) });
        return u[1];
      }
    }
    // Perl character class escape.
    const perl = this.parsePerlClassEscape(t, []);
    if (perl) {
      this.push({ op: 'class', ranges: cleanClass(perl[0]) });
      return perl[1];
    }
    const [r, next] = this.parseEscape(t);
    this.literal(r);
    return next;
  }

  /** repeat: applies a repetition operator to the top of the stack; returns the index after it. */
  repeat(
    min: number,
    max: number,
    before: number,
    after0: number,
    lastRepeat: number,
    counted: boolean,
  ): number {
    let after = after0;
    let flags = this.flags;
    const s = this.whole;
    if (after < s.length && s[after] === '?') {
      after++;
      flags ^= NON_GREEDY;
    }
    if (lastRepeat >= 0) {
      // Perl does not allow stacking repetition operators: a** is a syntax error.
      throw new RegexpSyntaxError(ERR_INVALID_REPEAT_OP, s.slice(lastRepeat, after));
    }
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.kind !== 'node') {
      throw new RegexpSyntaxError(ERR_MISSING_REPEAT_ARGUMENT, s.slice(before, after));
    }
    const node: Node = { op: 'repeat', min, max, greedy: (flags & NON_GREEDY) === 0, sub: top.node };
    top.node = node;
    if (counted && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000)) {
      throw new RegexpSyntaxError(ERR_INVALID_REPEAT_SIZE, s.slice(before, after));
    }
    return after;
  }

  /** parseRepeat: {min}, {min,} or {min,max} at t; [min, max, after] or undefined if not one. */
  parseRepeat(t0: number): [number, number, number] | undefined {
    const s = this.whole;
    let t = t0 + 1;
    const first = this.parseInt(t);
    if (!first) return undefined;
    let min = first[0];
    let max: number;
    t = first[1];
    if (t >= s.length) return undefined;
    if (s[t] !== ',') {
      max = min;
    } else {
      t++;
      if (t >= s.length) return undefined;
      if (s[t] === '}') {
        max = -1;
      } else {
        const second = this.parseInt(t);
        if (!second) return undefined;
        max = second[0];
        t = second[1];
        // parseInt found too big a number
        if (max < 0) min = -1;
      }
    }
    if (t >= s.length || s[t] !== '}') return undefined;
    return [min, max, t + 1];
  }

  /** parseInt: a decimal number without leading zeros; -1 when >= 1e8. */
  parseInt(t0: number): [number, number] | undefined {
    const s = this.whole;
    let t = t0;
    if (t >= s.length || (s[t] as string) < '0' || (s[t] as string) > '9') return undefined;
    if (t + 1 < s.length && s[t] === '0' && (s[t + 1] as string) >= '0' && (s[t + 1] as string) <= '9') {
      return undefined;
    }
    while (t < s.length && (s[t] as string) >= '0' && (s[t] as string) <= '9') t++;
    let n = 0;
    for (let i = t0; i < t; i++) {
      if (n >= 1e8) {
        n = -1;
        break;
      }
      n = n * 10 + (s.charCodeAt(i) - 0x30);
    }
    return [n, t];
  }

  /** parsePerlFlags: (?i) (?-s:...) (?:...) (?P<name>...) (?<name>...) at t. */
  parsePerlFlags(t0: number): number {
    const s = this.whole;
    const rest = s.length - t0;
    const startsWithP = rest > 4 && s[t0 + 2] === 'P' && s[t0 + 3] === '<';
    const startsWithName = rest > 3 && s[t0 + 2] === '<';
    if (startsWithP || startsWithName) {
      const exprStart = t0 + (startsWithName ? 3 : 4);
      const end = s.indexOf('>', t0);
      if (end < 0) {
        this.checkUTF8(t0, s.length);
        throw new RegexpSyntaxError(ERR_INVALID_NAMED_CAPTURE, s.slice(t0));
      }
      const capture = s.slice(t0, end + 1);
      const name = s.slice(exprStart, end);
      this.checkUTF8(exprStart, end);
      if (name === '' || ![...name].every((ch) => ch === '_' || isalnum(ch))) {
        throw new RegexpSyntaxError(ERR_INVALID_NAMED_CAPTURE, capture);
      }
      this.numCap++;
      this.names.push(name);
      this.stack.push({ kind: 'leftParen', cap: this.numCap, name, flags: this.flags });
      return end + 1;
    }
    // Non-capturing group; might also twiddle Perl flags.
    let t = t0 + 2;
    let flags = this.flags;
    let sign = 1;
    let sawFlag = false;
    loop: while (t < s.length) {
      const [c, next] = this.nextRune(t);
      t = next;
      switch (c) {
        case 0x69: // i
          flags |= FOLD_CASE;
          sawFlag = true;
          break;
        case 0x6d: // m
          flags &= ~ONE_LINE;
          sawFlag = true;
          break;
        case 0x73: // s
          flags |= DOT_NL;
          sawFlag = true;
          break;
        case 0x55: // U
          flags |= NON_GREEDY;
          sawFlag = true;
          break;
        case 0x2d: // -
          if (sign < 0) break loop;
          sign = -1;
          // Invert flags so that | above turn into &^ and vice versa.
          flags = ~flags;
          sawFlag = false;
          break;
        case 0x3a: // :
        case 0x29: // )
          if (sign < 0) {
            if (!sawFlag) break loop;
            flags = ~flags;
          }
          if (c === 0x3a) {
            // Open a new group; the flags to restore at its ')' are the current ones.
            this.stack.push({ kind: 'leftParen', cap: 0, name: '', flags: this.flags });
          }
          this.flags = flags;
          return t;
        default:
          break loop;
      }
    }
    throw new RegexpSyntaxError(ERR_INVALID_PERL_OP, s.slice(t0, t));
  }

  parseVerticalBar(): void {
    this.concat();
    if (!this.swapVerticalBar()) this.stack.push({ kind: 'verticalBar' });
  }

  /** If the top is an element above a '|', swaps the two (Go's swapVerticalBar, without merging). */
  swapVerticalBar(): boolean {
    const n = this.stack.length;
    if (n >= 2) {
      const re1 = this.stack[n - 1] as StackEntry;
      const re2 = this.stack[n - 2] as StackEntry;
      if (re2.kind === 'verticalBar') {
        this.stack[n - 2] = re1;
        this.stack[n - 1] = re2;
        return true;
      }
    }
    return false;
  }

  /** Pops the nodes above the topmost pseudo-operator. */
  popNodes(): Node[] {
    let i = this.stack.length;
    while (i > 0 && (this.stack[i - 1] as StackEntry).kind === 'node') i--;
    const subs = this.stack.splice(i).map((e) => (e as { node: Node }).node);
    return subs;
  }

  concat(): void {
    const subs = this.popNodes();
    if (subs.length === 0) this.push({ op: 'empty' });
    else this.push(collapse(subs, 'concat'));
  }

  alternate(): void {
    // Below the '|' marker sit the earlier alternatives (swapVerticalBar keeps them there).
    let i = this.stack.length;
    while (i > 0 && (this.stack[i - 1] as StackEntry).kind !== 'leftParen') i--;
    const entries = this.stack.splice(i);
    const subs = entries
      .filter((e): e is { kind: 'node'; node: Node } => e.kind === 'node')
      .map((e) => e.node);
    if (subs.length === 0) this.push({ op: 'noMatch' });
    else this.push(collapse(subs, 'alternate'));
  }

  parseRightParen(): void {
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    const n = this.stack.length;
    if (n < 2) throw new RegexpSyntaxError(ERR_UNEXPECTED_PAREN, this.whole);
    const re1 = this.stack[n - 1] as { node: Node };
    const re2 = this.stack[n - 2] as StackEntry;
    this.stack.length = n - 2;
    if (re2.kind !== 'leftParen') throw new RegexpSyntaxError(ERR_UNEXPECTED_PAREN, this.whole);
    // Restore flags at time of paren.
    this.flags = re2.flags;
    if (re2.cap === 0) this.push(re1.node);
    else this.push({ op: 'capture', index: re2.cap, name: re2.name, sub: re1.node });
  }

  /** parseEscape: a single-character escape at t (which is at the backslash). */
  parseEscape(t0: number): [number, number] {
    const s = this.whole;
    let t = t0 + 1;
    if (t >= s.length) throw new RegexpSyntaxError(ERR_TRAILING_BACKSLASH, '');
    let c: number;
    [c, t] = this.nextRune(t);
    const isOctal = (i: number): boolean =>
      i < s.length && (s[i] as string) >= '0' && (s[i] as string) <= '7';
    // A single non-zero digit is a backreference: not supported (an invalid escape).
    const octal = c === 0x30 || (c >= 0x31 && c <= 0x37 && isOctal(t));
    switch (octal ? 0x30 : c) {
      case 0x30: {
        // Up to three octal digits; already have one.
        let r = c - 0x30;
        for (let i = 1; i < 3; i++) {
          if (!isOctal(t)) break;
          r = r * 8 + (s.charCodeAt(t) - 0x30);
          t++;
        }
        return [r, t];
      }
      case 0x78: {
        // x: hexadecimal escapes
        if (t >= s.length) break;
        let d: number;
        [d, t] = this.nextRune(t);
        if (d === 0x7b) {
          // Any number of hex digits in braces, at least one.
          let nhex = 0;
          let r = 0;
          for (;;) {
            if (t >= s.length) return this.badEscape(t0, t);
            [d, t] = this.nextRune(t);
            if (d === 0x7d) break;
            const v = unhex(d);
            if (v < 0) return this.badEscape(t0, t);
            r = r * 16 + v;
            if (r > MAX_RUNE) return this.badEscape(t0, t);
            nhex++;
          }
          if (nhex === 0) return this.badEscape(t0, t);
          return [r, t];
        }
        const x = unhex(d);
        if (t >= s.length) {
          // nextRune of "" in Go yields RuneError of width 0 without error.
          return this.badEscape(t0, t);
        }
        [d, t] = this.nextRune(t);
        const y = unhex(d);
        if (x < 0 || y < 0) break;
        return [x * 16 + y, t];
      }
      case 0x61:
        return [7, t];
      case 0x66:
        return [12, t];
      case 0x6e:
        return [10, t];
      case 0x72:
        return [13, t];
      case 0x74:
        return [9, t];
      case 0x76:
        return [11, t];
      default:
        // Escaped non-word characters are always themselves.
        if (c < 0x80 && !isalnum(String.fromCharCode(c))) return [c, t];
    }
    return this.badEscape(t0, t);
  }

  badEscape(t0: number, t: number): never {
    throw new RegexpSyntaxError(ERR_INVALID_ESCAPE, this.whole.slice(t0, t));
  }

  /** parsePerlClassEscape: \d \D \s \S \w \W at t, appended to r. */
  parsePerlClassEscape(t: number, r: RuneRanges): [RuneRanges, number] | undefined {
    const s = this.whole;
    if (t + 1 >= s.length || s[t] !== '\\') return undefined;
    const g = PERL_GROUPS[s.slice(t, t + 2)];
    if (!g) return undefined;
    return [this.appendGroup(r, g[0], g[1]), t + 2];
  }

  /** parseNamedClass: [:alnum:] etc. at t. */
  parseNamedClass(t: number, r: RuneRanges): [RuneRanges, number] | undefined {
    const s = this.whole;
    if (t + 1 >= s.length || s[t] !== '[' || s[t + 1] !== ':') return undefined;
    const i = s.indexOf(':]', t + 2);
    if (i < 0) return undefined;
    const name = s.slice(t, i + 2);
    let inner = name.slice(2, -2);
    let sign = 1;
    if (inner.startsWith('^')) {
      sign = -1;
      inner = inner.slice(1);
    }
    const cls = Object.hasOwn(POSIX_CLASSES, inner) ? POSIX_CLASSES[inner] : undefined;
    if (!cls) throw new RegexpSyntaxError(ERR_INVALID_CHAR_RANGE, name);
    return [this.appendGroup(r, sign, cls), i + 2];
  }

  appendGroup(r: RuneRanges, sign: number, cls: RuneRanges): RuneRanges {
    const tmp = (this.flags & FOLD_CASE) === 0 ? cls : foldedClass(cls);
    r.push(...(sign < 0 ? negateClass(tmp) : tmp));
    return r;
  }

  /** parseUnicodeClass: \pN, \p{Greek}, \P{^L} at t. */
  parseUnicodeClass(t: number, r: RuneRanges): [RuneRanges, number] | undefined {
    const s = this.whole;
    if (t + 1 >= s.length || s[t] !== '\\' || (s[t + 1] !== 'p' && s[t + 1] !== 'P')) return undefined;
    let sign = s[t + 1] === 'P' ? -1 : 1;
    // At the end of the pattern Go decodes RuneError of width 0: the name is empty (an error below).
    const c: [number, number] = t + 2 >= s.length ? [0xfffd, t + 2] : this.nextRune(t + 2);
    let seqEnd: number;
    let name: string;
    if (c[0] !== 0x7b) {
      seqEnd = c[1];
      name = s.slice(t + 2, seqEnd);
    } else {
      const end = s.indexOf('}', t);
      if (end < 0) {
        this.checkUTF8(t, s.length);
        throw new RegexpSyntaxError(ERR_INVALID_CHAR_RANGE, s.slice(t));
      }
      seqEnd = end + 1;
      name = s.slice(t + 3, end);
      this.checkUTF8(t + 3, end);
    }
    const seq = s.slice(t, seqEnd);
    if (name.startsWith('^')) {
      sign = -sign;
      name = name.slice(1);
    }
    const table = unicodeTable(name);
    if (!table) throw new RegexpSyntaxError(ERR_INVALID_CHAR_RANGE, seq);
    const [tab, fold, tsign] = table;
    if (tsign < 0) sign = -sign;
    let set: RuneRanges;
    if ((this.flags & FOLD_CASE) === 0 || fold === undefined) {
      set = tab;
      if (fold === undefined && (this.flags & FOLD_CASE) !== 0 && canonicalName(name) !== 'Lc') {
        // Categories and scripts with a Go fold table: add the case-folding closure.
        set = foldClosure(tab);
      }
    } else {
      set = cleanClass([...tab, ...fold]);
    }
    r.push(...(sign > 0 ? set : negateClass(set)));
    return [r, seqEnd];
  }

  /** parseClass: a bracketed class at t. */
  parseClass(t0: number): number {
    const s = this.whole;
    let t = t0 + 1;
    let sign = 1;
    if (t < s.length && s[t] === '^') {
      sign = -1;
      t++;
      // ClassNL is set (Perl flags): a negated class may match \n.
    }
    let cls: RuneRanges = [];
    let first = true;
    while (t >= s.length || s[t] !== ']' || first) {
      first = false;
      // POSIX [:alnum:] etc.
      if (t + 2 < s.length && s[t] === '[' && s[t + 1] === ':') {
        const named = this.parseNamedClass(t, cls);
        if (named) {
          [cls, t] = named;
          continue;
        }
      }
      const uni = this.parseUnicodeClass(t, cls);
      if (uni) {
        [cls, t] = uni;
        continue;
      }
      const perl = this.parsePerlClassEscape(t, cls);
      if (perl) {
        [cls, t] = perl;
        continue;
      }
      // Single character or simple range.
      const rng = t;
      let lo: number;
      [lo, t] = this.parseClassChar(t, t0);
      let hi = lo;
      // [a-] means (a|-), so check for the final ].
      if (t + 1 < s.length && s[t] === '-' && s[t + 1] !== ']') {
        t++;
        [hi, t] = this.parseClassChar(t, t0);
        if (hi < lo) throw new RegexpSyntaxError(ERR_INVALID_CHAR_RANGE, s.slice(rng, t));
      }
      if ((this.flags & FOLD_CASE) === 0) cls.push(lo, hi);
      else appendFoldedRange(cls, lo, hi);
    }
    t++; // chop ]
    let ranges = cleanClass(cls);
    if (sign < 0) ranges = negateClass(ranges);
    this.push({ op: 'class', ranges });
    return t;
  }

  parseClassChar(t: number, wholeClassStart: number): [number, number] {
    const s = this.whole;
    if (t >= s.length) throw new RegexpSyntaxError(ERR_MISSING_BRACKET, s.slice(wholeClassStart));
    if (s[t] === '\\') return this.parseEscape(t);
    return this.nextRune(t);
  }
}

/** The set plus every rune case-folding-equivalent to a member (Go's FoldCategory/FoldScript). */
function foldClosure(tab: RuneRanges): RuneRanges {
  const extra: RuneRanges = [];
  const inTab = (r: number): boolean => {
    let lo = 0;
    let hi = tab.length / 2 - 1;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      if (r < (tab[2 * m] as number)) hi = m - 1;
      else if (r > (tab[2 * m + 1] as number)) lo = m + 1;
      else return true;
    }
    return false;
  };
  for (let i = 0; i < tab.length; i += 2) {
    const lo = Math.max(tab[i] as number, MIN_FOLD);
    const hi = Math.min(tab[i + 1] as number, MAX_FOLD);
    for (let c = lo; c <= hi; c++) {
      for (let f = simpleFold(c); f !== c; f = simpleFold(f)) if (!inTab(f)) extra.push(f, f);
    }
  }
  return extra.length === 0 ? tab : cleanClass([...tab, ...extra]);
}

function collapse(subs: Node[], op: 'concat' | 'alternate'): Node {
  if (subs.length === 1) return subs[0] as Node;
  const out: Node[] = [];
  for (const sub of subs) {
    if (sub.op === op) out.push(...sub.subs);
    else out.push(sub);
  }
  return { op, subs: out };
}

/** repeatIsValid: nested counted repetitions may not exceed n copies of the innermost thing. */
function repeatIsValid(re: Node, n0: number): boolean {
  let n = n0;
  if (re.op === 'repeat') {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.trunc(n / m);
  }
  switch (re.op) {
    case 'repeat':
    case 'capture':
      return repeatIsValid(re.sub, n);
    case 'concat':
    case 'alternate':
      return re.subs.every((sub) => repeatIsValid(sub, n));
    default:
      return true;
  }
}

/** regexp/syntax.Parse(s, syntax.Perl). Throws RegexpSyntaxError. */
export function parseRegexp(pattern: string): ParsedRegexp {
  return new Parser(pattern).parse();
}
