import { isPrint, quote } from './strconv.js';
import { byteLength } from './utf8.js';

export const ItemType = {
  Error: 0,
  Bool: 1,
  Char: 2,
  CharConstant: 3,
  Comment: 4,
  Complex: 5,
  Assign: 6,
  Declare: 7,
  EOF: 8,
  Field: 9,
  Identifier: 10,
  LeftDelim: 11,
  LeftParen: 12,
  Number: 13,
  Pipe: 14,
  RawString: 15,
  RightDelim: 16,
  RightParen: 17,
  Space: 18,
  String: 19,
  Text: 20,
  Variable: 21,
  // Keywords appear after all the rest.
  Keyword: 22,
  Block: 23,
  Break: 24,
  Continue: 25,
  Dot: 26,
  Define: 27,
  Else: 28,
  End: 29,
  If: 30,
  Nil: 31,
  Range: 32,
  Template: 33,
  With: 34,
} as const;
export type ItemType = (typeof ItemType)[keyof typeof ItemType];

export interface Item {
  readonly type: ItemType;
  /** Start of the item (UTF-16 offset into the input). */
  readonly pos: number;
  readonly val: string;
  /** Line number at the start of the item. */
  readonly line: number;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', ItemType.Dot],
  ['block', ItemType.Block],
  ['break', ItemType.Break],
  ['continue', ItemType.Continue],
  ['define', ItemType.Define],
  ['else', ItemType.Else],
  ['end', ItemType.End],
  ['if', ItemType.If],
  ['range', ItemType.Range],
  ['nil', ItemType.Nil],
  ['template', ItemType.Template],
  ['with', ItemType.With],
]);

/** Go's item.String(), used in "unexpected X in Y" messages. */
export function itemString(i: Item): string {
  if (i.type === ItemType.EOF) return 'EOF';
  if (i.type === ItemType.Error) return i.val;
  if (i.type > ItemType.Keyword) return `<${i.val}>`;
  if (utf8Length(i.val) > 10) return `${quote(firstRunes(i.val, 10))}...`; // %.10q...
  return quote(i.val);
}

const EOF = -1;
const EOF_ITEM: Item = { type: ItemType.EOF, pos: 0, val: 'EOF', line: 0 };
const NO_DELIM = 0;
const DELIM = 1;
const DELIM_TRIM = 2;
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER_LEN = 2; // marker plus space before or after

export interface LexOptions {
  emitComment: boolean;
  breakOK: boolean;
  continueOK: boolean;
}

type StateFn = (l: Lexer) => StateFn | null;

/** lex.go's lexer: the parser pulls items one at a time with nextItem(). */
export class Lexer {
  input: string;
  readonly leftDelim: string;
  readonly rightDelim: string;
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  item: Item = { type: ItemType.EOF, pos: 0, val: 'EOF', line: 1 };
  insideAction = false;
  options: LexOptions = { emitComment: false, breakOK: true, continueOK: true };

  constructor(input: string, left: string, right: string) {
    this.input = input;
    this.leftDelim = left === '' ? '{{' : left;
    this.rightDelim = right === '' ? '}}' : right;
  }

  /** Returns the next rune (code point), or EOF. */
  next(): number {
    const input = this.input;
    if (this.pos >= input.length) {
      this.atEOF = true;
      return EOF;
    }
    let r = input.charCodeAt(this.pos);
    let w = 1;
    if (r >= 0xd800 && r <= 0xdbff && this.pos + 1 < input.length) {
      const lo = input.charCodeAt(this.pos + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        r = ((r - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        w = 2;
      }
    }
    this.pos += w;
    if (r === 10) this.line++;
    // A lone surrogate holds a byte of invalid UTF-8 (funcs/text/utf8.ts); Go decodes it as RuneError.
    if (w === 1 && r >= 0xd800 && r <= 0xdfff) return 0xfffd;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  /** Steps back one rune. Like Go's, a no-op once EOF has been seen. */
  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const input = this.input;
      const c = input.charCodeAt(this.pos - 1);
      let w = 1;
      if (c >= 0xdc00 && c <= 0xdfff && this.pos >= 2) {
        const hi = input.charCodeAt(this.pos - 2);
        if (hi >= 0xd800 && hi <= 0xdbff) w = 2;
      }
      this.pos -= w;
      if (c === 10) this.line--;
    }
  }

  thisItem(type: ItemType): Item {
    const i: Item = {
      type,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.startLine,
    };
    this.start = this.pos;
    this.startLine = this.line;
    return i;
  }

  emit(type: ItemType): null {
    this.item = this.thisItem(type);
    return null;
  }

  emitItem(i: Item): null {
    this.item = i;
    return null;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(message: string): null {
    this.item = { type: ItemType.Error, pos: this.start, val: message, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = '';
    return null;
  }

  nextItem(): Item {
    // Go starts from an EOF item; every state emits its own, so a shared one avoids an allocation.
    this.item = EOF_ITEM;
    let state: StateFn | null = this.insideAction ? lexInsideAction : lexText;
    while (state !== null) state = state(this);
    return this.item;
  }

  /** Whether the lexer is at a right delimiter: NO_DELIM, DELIM, or DELIM_TRIM (after " -"). */
  atRightDelim(): number {
    const input = this.input;
    if (
      hasRightTrimMarker(input, this.pos) &&
      input.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN)
    ) {
      return DELIM_TRIM;
    }
    if (input.startsWith(this.rightDelim, this.pos)) return DELIM;
    return NO_DELIM;
  }

  /** Whether the input is at a character that may follow an identifier. */
  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
      default:
        return this.input.startsWith(this.rightDelim, this.pos);
    }
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      // Note: Leading 0 does not mean octal in floats.
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 10 + 1 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 16 + 6 + 1 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function lexText(l: Lexer): StateFn | null {
  const x = l.input.indexOf(l.leftDelim, l.pos);
  if (x >= 0) {
    if (x > l.pos) {
      l.pos = x;
      let trimLength = 0;
      const delimEnd = l.pos + l.leftDelim.length;
      if (hasLeftTrimMarker(l.input, delimEnd)) trimLength = rightTrimLength(l.input, l.start, l.pos);
      l.pos -= trimLength;
      l.line += countNewlines(l.input, l.start, l.pos);
      const i = l.thisItem(ItemType.Text);
      l.pos += trimLength;
      l.ignore();
      if (i.val.length > 0) return l.emitItem(i);
    }
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    return l.emit(ItemType.Text);
  }
  return l.emit(ItemType.EOF);
}

function isSpaceCode(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Length of the ASCII spaces at the end of input[from:to]. */
function rightTrimLength(s: string, from: number, to: number): number {
  let i = to;
  while (i > from && isSpaceCode(s.charCodeAt(i - 1))) i--;
  return to - i;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpaceCode(s.charCodeAt(i))) i++;
  return i - from;
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && s.charCodeAt(at) === 0x2d && isSpaceCode(s.charCodeAt(at + 1));
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && isSpaceCode(s.charCodeAt(at)) && s.charCodeAt(at + 1) === 0x2d;
}

function lexLeftDelim(l: Lexer): StateFn | null {
  l.pos += l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  const i = l.thisItem(ItemType.LeftDelim);
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(i);
}

function lexComment(l: Lexer): StateFn | null {
  l.pos += LEFT_COMMENT.length;
  const x = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (x < 0) return l.errorf('unclosed comment');
  l.pos = x + RIGHT_COMMENT.length;
  const at = l.atRightDelim();
  if (at === NO_DELIM) return l.errorf('comment ends before closing delimiter');
  const trimSpaces = at === DELIM_TRIM;
  l.line += countNewlines(l.input, l.start, l.pos);
  const i = l.thisItem(ItemType.Comment);
  if (trimSpaces) l.pos += TRIM_MARKER_LEN;
  l.pos += l.rightDelim.length;
  if (trimSpaces) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  if (l.options.emitComment) return l.emitItem(i);
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn | null {
  const trimSpaces = l.atRightDelim() === DELIM_TRIM;
  if (trimSpaces) {
    l.pos += TRIM_MARKER_LEN;
    l.ignore();
  }
  l.pos += l.rightDelim.length;
  const i = l.thisItem(ItemType.RightDelim);
  if (trimSpaces) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(i);
}

function lexInsideAction(l: Lexer): StateFn | null {
  if (l.atRightDelim() !== NO_DELIM) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const r = l.next();
  if (r === EOF) return l.errorf('unclosed action');
  if (isSpace(r)) {
    l.backup(); // Put space back in case we have " -}}".
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      return l.emit(ItemType.Assign);
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf('expected :=');
      return l.emit(ItemType.Declare);
    case 0x7c: // |
      return l.emit(ItemType.Pipe);
    case 0x22: // "
      return lexQuote;
    case 0x60: // `
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27: // '
      return lexChar;
    case 0x2e: // .
      // Special look-ahead for ".field" so we don't break l.backup().
      if (l.pos < l.input.length) {
        const c = l.input.charCodeAt(l.pos);
        if (c < 0x30 || c > 0x39) return lexField;
      }
      // '.' can start a number.
      l.backup();
      return lexNumber;
    case 0x28: // (
      l.parenDepth++;
      return l.emit(ItemType.LeftParen);
    case 0x29: // )
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf('unexpected right paren');
      return l.emit(ItemType.RightParen);
    default:
      break;
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && isPrint(r)) return l.emit(ItemType.Char);
  return l.errorf(`unrecognized character in action: ${formatRuneU(r)}`);
}

function lexSpace(l: Lexer): StateFn | null {
  let numSpaces = 0;
  for (;;) {
    const r = l.peek();
    if (!isSpace(r)) break;
    l.next();
    numSpaces++;
  }
  // Be careful about a trim-marked closing delimiter, which has a minus after a space.
  if (
    hasRightTrimMarker(l.input, l.pos - 1) &&
    l.input.startsWith(l.rightDelim, l.pos - 1 + TRIM_MARKER_LEN)
  ) {
    l.backup(); // Before the space.
    if (numSpaces === 1) return lexRightDelim;
  }
  return l.emit(ItemType.Space);
}

function lexIdentifier(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
    const key = KEYWORDS.get(word);
    if (key !== undefined && key > ItemType.Keyword) {
      if (
        (key === ItemType.Break && !l.options.breakOK) ||
        (key === ItemType.Continue && !l.options.continueOK)
      ) {
        return l.emit(ItemType.Identifier);
      }
      return l.emit(key);
    }
    if (word.charCodeAt(0) === 0x2e) return l.emit(ItemType.Field);
    if (word === 'true' || word === 'false') return l.emit(ItemType.Bool);
    return l.emit(ItemType.Identifier);
  }
}

function lexField(l: Lexer): StateFn | null {
  return lexFieldOrVariable(l, ItemType.Field);
}

function lexVariable(l: Lexer): StateFn | null {
  if (l.atTerminator()) return l.emit(ItemType.Variable); // Nothing interesting follows -> "$".
  return lexFieldOrVariable(l, ItemType.Variable);
}

function lexFieldOrVariable(l: Lexer, type: ItemType): StateFn | null {
  if (l.atTerminator()) {
    // Nothing interesting follows -> "." or "$".
    return l.emit(type === ItemType.Variable ? ItemType.Variable : ItemType.Dot);
  }
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(r)}`);
  return l.emit(type);
}

function lexChar(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF && e !== 10) continue;
      return l.errorf('unterminated character constant');
    }
    if (r === EOF || r === 10) return l.errorf('unterminated character constant');
    if (r === 0x27) break;
  }
  return l.emit(ItemType.CharConstant);
}

function lexNumber(l: Lexer): StateFn | null {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!l.scanNumber() || l.input.charCodeAt(l.pos - 1) !== 0x69) {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    }
    return l.emit(ItemType.Complex);
  }
  return l.emit(ItemType.Number);
}

function lexQuote(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF && e !== 10) continue;
      return l.errorf('unterminated quoted string');
    }
    if (r === EOF || r === 10) return l.errorf('unterminated quoted string');
    if (r === 0x22) break;
  }
  return l.emit(ItemType.String);
}

function lexRawQuote(l: Lexer): StateFn | null {
  for (;;) {
    const r = l.next();
    if (r === EOF) return l.errorf('unterminated raw quoted string');
    if (r === 0x60) break;
  }
  return l.emit(ItemType.RawString);
}

export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** Go's isAlphaNumeric: '_', unicode.IsLetter or unicode.IsDigit. */
export function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) {
    return r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  }
  if (r === EOF) return false;
  const s = String.fromCodePoint(r);
  return LETTER.test(s) || DIGIT.test(s);
}

/** fmt's %#U: "U+0041 'A'" (the character only when printable). */
export function formatRuneU(r: number): string {
  const hex = r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`;
}

/** len(s) in Go: the bytes of s's UTF-8 encoding, an escaped invalid byte counting one (utf8.ts). */
export function utf8Length(s: string): number {
  return byteLength(s);
}

function firstRunes(s: string, n: number): string {
  let i = 0;
  let count = 0;
  while (i < s.length && count < n) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    count++;
  }
  return s.slice(0, i);
}

// ---- strconv literal decoding ----------------------------------------------------------------

/** strconv.ErrSyntax, whose Error() is "invalid syntax". */
export class GoSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export interface UnquotedChar {
  /** The rune, or for \x and octal escapes the byte value. */
  readonly value: number;
  /** False when value is a raw byte (\x, octal) rather than a rune. */
  readonly multibyte: boolean;
  /** Index just after the character in the input. */
  readonly next: number;
}

/** strconv.UnquoteChar over s starting at index i; throws GoSyntaxError like Go's ErrSyntax. */
export function unquoteChar(s: string, i: number, quoteChar: number): UnquotedChar {
  if (i >= s.length) throw new GoSyntaxError();
  const c = s.charCodeAt(i);
  if (c === quoteChar && (quoteChar === 0x27 || quoteChar === 0x22)) throw new GoSyntaxError();
  if (c >= 0x80) {
    const r = s.codePointAt(i) ?? c;
    return { value: r, multibyte: true, next: i + (r > 0xffff ? 2 : 1) };
  }
  if (c !== 0x5c) return { value: c, multibyte: false, next: i + 1 };
  if (i + 1 >= s.length) throw new GoSyntaxError();
  const e = s.charCodeAt(i + 1);
  let j = i + 2;
  let value: number;
  switch (e) {
    case 0x61: // a
      value = 7;
      break;
    case 0x62: // b
      value = 8;
      break;
    case 0x66: // f
      value = 12;
      break;
    case 0x6e: // n
      value = 10;
      break;
    case 0x72: // r
      value = 13;
      break;
    case 0x74: // t
      value = 9;
      break;
    case 0x76: // v
      value = 11;
      break;
    case 0x78: // x
    case 0x75: // u
    case 0x55: {
      // U
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (s.length - j < n) throw new GoSyntaxError();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const x = unhex(s.charCodeAt(j + k));
        if (x < 0) throw new GoSyntaxError();
        v = v * 16 + x;
      }
      j += n;
      if (e === 0x78) return { value: v, multibyte: false, next: j }; // a single byte
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new GoSyntaxError();
      return { value: v, multibyte: true, next: j };
    }
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37: {
      let v = e - 0x30;
      if (s.length - j < 2) throw new GoSyntaxError();
      for (let k = 0; k < 2; k++) {
        const x = s.charCodeAt(j + k) - 0x30;
        if (x < 0 || x > 7) throw new GoSyntaxError();
        v = (v << 3) | x;
      }
      j += 2;
      if (v > 255) throw new GoSyntaxError();
      return { value: v, multibyte: false, next: j };
    }
    case 0x5c:
      value = 0x5c;
      break;
    case 0x27:
    case 0x22:
      if (e !== quoteChar) throw new GoSyntaxError();
      value = e;
      break;
    default:
      throw new GoSyntaxError();
  }
  return { value, multibyte: false, next: j };
}

// ---- strconv number parsing (base 0, as the template parser calls it) --------------------------

function lower(c: number): number {
  return c | 0x20;
}

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
export function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0') {
    const b = lower(s.charCodeAt(1));
    if (b === 0x62 || b === 0x6f || b === 0x78) {
      i = 2;
      saw = '0';
      hex = b === 0x78;
    }
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (hex && lower(c) >= 0x61 && lower(c) <= 0x66)) {
      saw = '0';
      continue;
    }
    if (c === 0x5f) {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const MAX_UINT64 = (1n << 64n) - 1n;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; range: boolean; value: T };

/** strconv.ParseUint(s, 0, 64). */
export function parseUint(s: string): ParseResult<bigint> {
  if (s === '') return { ok: false, range: false, value: 0n };
  const s0 = s;
  let base = 10;
  if (s[0] === '0') {
    const b = s.length >= 3 ? lower(s.charCodeAt(1)) : 0;
    if (b === 0x62) {
      base = 2;
      s = s.slice(2);
    } else if (b === 0x6f) {
      base = 8;
      s = s.slice(2);
    } else if (b === 0x78) {
      base = 16;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  const bigBase = BigInt(base);
  let underscores = false;
  let n = 0n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c === 0x5f) {
      underscores = true;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (lower(c) >= 0x61 && lower(c) <= 0x7a) d = lower(c) - 0x61 + 10;
    else return { ok: false, range: false, value: 0n };
    if (d >= base) return { ok: false, range: false, value: 0n };
    n = n * bigBase + BigInt(d);
    if (n > MAX_UINT64) return { ok: false, range: true, value: MAX_UINT64 };
  }
  if (underscores && !underscoreOK(s0)) return { ok: false, range: false, value: 0n };
  return { ok: true, value: n };
}

/** strconv.ParseInt(s, 0, 64). */
export function parseInt64(s: string): ParseResult<bigint> {
  if (s === '') return { ok: false, range: false, value: 0n };
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    s = s.slice(1);
    neg = true;
  }
  const u = parseUint(s);
  if (!u.ok && !u.range) return { ok: false, range: false, value: 0n };
  const cutoff = 1n << 63n;
  if (!neg && u.value >= cutoff) return { ok: false, range: true, value: cutoff - 1n };
  if (neg && u.value > cutoff) return { ok: false, range: true, value: -cutoff };
  return { ok: true, value: neg ? -u.value : u.value };
}

/**
 * strconv.ParseFloat(s, 64) for the syntax the template lexer produces (decimal and hexadecimal
 * floats with optional `_` separators). Out-of-range values fail with range=true, as Go's ErrRange.
 */
export function parseFloat64(s: string): ParseResult<number> {
  let i = 0;
  let neg = false;
  let underscores = false;
  if (i < s.length && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  let hex = false;
  if (i + 2 < s.length && s[i] === '0' && lower(s.charCodeAt(i + 1)) === 0x78) {
    hex = true;
    i += 2;
  }
  let sawdot = false;
  let sawdigits = false;
  let mant = '';
  let fracDigits = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      underscores = true;
      continue;
    }
    if (c === 0x2e) {
      if (sawdot) break;
      sawdot = true;
      continue;
    }
    if ((c >= 0x30 && c <= 0x39) || (hex && lower(c) >= 0x61 && lower(c) <= 0x66)) {
      sawdigits = true;
      mant += s[i];
      if (sawdot) fracDigits++;
      continue;
    }
    break;
  }
  const fail: ParseResult<number> = { ok: false, range: false, value: 0 };
  if (!sawdigits) return fail;
  let exp = 0;
  const expChar = hex ? 0x70 : 0x65;
  if (i < s.length && lower(s.charCodeAt(i)) === expChar) {
    i++;
    if (i >= s.length) return fail;
    let esign = 1;
    if (s[i] === '+') i++;
    else if (s[i] === '-') {
      i++;
      esign = -1;
    }
    if (i >= s.length || s.charCodeAt(i) < 0x30 || s.charCodeAt(i) > 0x39) return fail;
    let e = 0;
    for (; i < s.length && ((s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      if (e < 100000) e = e * 10 + (s.charCodeAt(i) - 0x30);
    }
    exp = e * esign;
  } else if (hex) {
    return fail; // Must have exponent.
  }
  if (i !== s.length) return fail;
  if (underscores && !underscoreOK(s.slice(0, i))) return fail;
  let value: number;
  if (hex) {
    const m = BigInt(`0x${mant}`);
    value = scaleBinary(m, exp - 4 * fracDigits);
  } else {
    const clean = underscores ? s.replaceAll('_', '') : s;
    value = Math.abs(Number(clean));
  }
  if (neg) value = -value;
  if (!Number.isFinite(value)) return { ok: false, range: true, value };
  return { ok: true, value };
}

/** m * 2^e rounded once to float64 (exact for normal results). */
function scaleBinary(m: bigint, e: number): number {
  if (m === 0n) return 0;
  if (e >= 0) {
    if (e > 2000) return Number.POSITIVE_INFINITY;
    return Number(m << BigInt(e));
  }
  // Keep enough bits that the division by 2^-e rounds correctly: shift the mantissa up first.
  const bits = m.toString(2).length;
  const shift = -e;
  if (bits - shift < -1100) return 0;
  if (bits > 64 + shift) return Number(m >> BigInt(shift)); // integral part dominates
  // Use exact rational rounding: Number(m) * 2^-shift is exact when m fits in 53 bits and the result
  // is normal.
  if (bits <= 53) return Number(m) * 2 ** -shift;
  const drop = bits - 53;
  let top = m >> BigInt(drop);
  const rem = m - (top << BigInt(drop));
  const half = 1n << BigInt(drop - 1);
  if (rem > half || (rem === half && (top & 1n) === 1n)) top += 1n;
  return Number(top) * 2 ** (drop - shift);
}
