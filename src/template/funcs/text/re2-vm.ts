/**
 * Go's own regexp matcher for the patterns a JS RegExp cannot reproduce: a port of regexp/syntax's
 * Simplify and Compile and of regexp's Pike VM (exec.go's machine). re2.ts uses it when a repetition
 * can match empty (Go ends the loop after an empty iteration, JS backtracks into it) or holds a capture
 * group (Go keeps a group's last value across iterations, JS resets it), so that such patterns give
 * Go's matches and submatches. It runs over code points of the engine string, with escaped invalid
 * bytes (utf8.ts) read as U+FFFD of width one, as Go reads them.
 */
import type { Node } from './re2-syntax.js';
import { simpleFold } from './unicode.js';

// ---- Simplify -----------------------------------------------------------------------------------

/** Simplified nodes: counted repetitions become star, plus, quest and concatenations (Go's Simplify). */
type SNode =
  | { op: 'empty' | 'noMatch' | 'anyChar' | 'anyCharNotNL' }
  | { op: 'literal'; rune: number; fold: boolean }
  | { op: 'class'; ranges: number[] }
  | { op: 'beginLine' | 'endLine' | 'beginText' | 'endText' | 'wordBoundary' | 'noWordBoundary' }
  | { op: 'capture'; index: number; sub: SNode }
  | { op: 'star' | 'plus' | 'quest'; greedy: boolean; sub: SNode }
  | { op: 'concat' | 'alternate'; subs: SNode[] };

function simplify1(op: 'star' | 'plus' | 'quest', greedy: boolean, sub: SNode): SNode {
  // x** is x*, (?:)* is (?:), and so on.
  if (sub.op === 'empty') return sub;
  if (sub.op === op && sub.greedy === greedy) return sub;
  return { op, greedy, sub };
}

export function simplify(n: Node): SNode {
  switch (n.op) {
    case 'capture':
      return { op: 'capture', index: n.index, sub: simplify(n.sub) };
    case 'concat':
    case 'alternate':
      return { op: n.op, subs: n.subs.map(simplify) };
    case 'repeat': {
      const { min, max, greedy } = n;
      if (min === 0 && max === 0) return { op: 'empty' };
      const sub = simplify(n.sub);
      if (max === -1) {
        if (min === 0) return simplify1('star', greedy, sub);
        if (min === 1) return simplify1('plus', greedy, sub);
        // x{4,} is xxxx+.
        const subs: SNode[] = [];
        for (let i = 0; i < min - 1; i++) subs.push(sub);
        subs.push(simplify1('plus', greedy, sub));
        return { op: 'concat', subs };
      }
      if (min === 0 && max === 1) return simplify1('quest', greedy, sub);
      if (min === 1 && max === 1) return sub;
      // x{n,m} is n copies of x then m-n nested copies of x?: xxx(x(x)?)?.
      const prefix: SNode[] = [];
      for (let i = 0; i < min; i++) prefix.push(sub);
      if (max > min) {
        let suffix = simplify1('quest', greedy, sub);
        for (let i = min + 1; i < max; i++) {
          suffix = simplify1('quest', greedy, { op: 'concat', subs: [sub, suffix] });
        }
        if (prefix.length === 0) return suffix;
        prefix.push(suffix);
      }
      if (prefix.length > 0) return { op: 'concat', subs: prefix };
      return { op: 'noMatch' };
    }
    default:
      return n;
  }
}

// ---- Compile ------------------------------------------------------------------------------------

enum Op {
  Alt,
  Capture,
  EmptyWidth,
  Match,
  Fail,
  Nop,
  Rune,
}

const EMPTY_BEGIN_LINE = 1;
const EMPTY_END_LINE = 2;
const EMPTY_BEGIN_TEXT = 4;
const EMPTY_END_TEXT = 8;
const EMPTY_WORD_BOUNDARY = 16;
const EMPTY_NO_WORD_BOUNDARY = 32;

interface Inst {
  op: Op;
  out: number;
  arg: number;
  /** Rune instructions: ranges (or one rune), and whether a single rune folds. */
  runes?: number[];
  fold?: boolean;
}

/** A patch list: the instruction slots (index * 2, +1 for arg) that must point at the next fragment. */
type Patch = number[];

interface Frag {
  i: number;
  out: Patch;
  nullable: boolean;
}

class Compiler {
  readonly prog: Inst[] = [{ op: Op.Fail, out: 0, arg: 0 }];

  private inst(op: Op): Frag {
    this.prog.push({ op, out: 0, arg: 0 });
    return { i: this.prog.length - 1, out: [], nullable: true };
  }

  patch(l: Patch, val: number): void {
    for (const slot of l) {
      const inst = this.prog[slot >> 1] as Inst;
      if (slot & 1) inst.arg = val;
      else inst.out = val;
    }
  }

  private nop(): Frag {
    const f = this.inst(Op.Nop);
    f.out = [f.i << 1];
    return f;
  }

  private fail(): Frag {
    return { i: 0, out: [], nullable: false };
  }

  private cap(arg: number): Frag {
    const f = this.inst(Op.Capture);
    f.out = [f.i << 1];
    (this.prog[f.i] as Inst).arg = arg;
    return f;
  }

  private cat(f1: Frag, f2: Frag): Frag {
    if (f1.i === 0 || f2.i === 0) return this.fail();
    this.patch(f1.out, f2.i);
    return { i: f1.i, out: f2.out, nullable: f1.nullable && f2.nullable };
  }

  private alt(f1: Frag, f2: Frag): Frag {
    if (f1.i === 0) return f2;
    if (f2.i === 0) return f1;
    const f = this.inst(Op.Alt);
    const inst = this.prog[f.i] as Inst;
    inst.out = f1.i;
    inst.arg = f2.i;
    f.out = [...f1.out, ...f2.out];
    f.nullable = f1.nullable || f2.nullable;
    return f;
  }

  private quest(f1: Frag, greedy: boolean): Frag {
    const f = this.inst(Op.Alt);
    const inst = this.prog[f.i] as Inst;
    if (!greedy) {
      inst.arg = f1.i;
      f.out = [f.i << 1];
    } else {
      inst.out = f1.i;
      f.out = [(f.i << 1) | 1];
    }
    f.out = [...f.out, ...f1.out];
    return f;
  }

  private loop(f1: Frag, greedy: boolean): Frag {
    const f = this.inst(Op.Alt);
    const inst = this.prog[f.i] as Inst;
    if (!greedy) {
      inst.arg = f1.i;
      f.out = [f.i << 1];
    } else {
      inst.out = f1.i;
      f.out = [(f.i << 1) | 1];
    }
    this.patch(f1.out, f.i);
    return f;
  }

  private star(f1: Frag, greedy: boolean): Frag {
    // A nullable body is compiled as (f1+)? to get the priority order right (golang.org/issue/46123).
    if (f1.nullable) return this.quest(this.plus(f1, greedy), greedy);
    return this.loop(f1, greedy);
  }

  private plus(f1: Frag, greedy: boolean): Frag {
    return { i: f1.i, out: this.loop(f1, greedy).out, nullable: f1.nullable };
  }

  private empty(op: number): Frag {
    const f = this.inst(Op.EmptyWidth);
    (this.prog[f.i] as Inst).arg = op;
    f.out = [f.i << 1];
    return f;
  }

  private rune(runes: number[], fold: boolean): Frag {
    const f = this.inst(Op.Rune);
    f.nullable = false;
    const inst = this.prog[f.i] as Inst;
    inst.runes = runes;
    inst.fold = fold && runes.length === 1 && simpleFold(runes[0] as number) !== runes[0];
    f.out = [f.i << 1];
    return f;
  }

  compile(n: SNode): Frag {
    switch (n.op) {
      case 'noMatch':
        return this.fail();
      case 'empty':
        return this.nop();
      case 'literal':
        return this.rune([n.rune], n.fold);
      case 'class':
        return this.rune(
          n.ranges.length === 2 && n.ranges[0] === n.ranges[1] ? [n.ranges[0] as number] : n.ranges,
          false,
        );
      case 'anyCharNotNL':
        return this.rune([0, 9, 11, 0x10ffff], false);
      case 'anyChar':
        return this.rune([0, 0x10ffff], false);
      case 'beginLine':
        return this.empty(EMPTY_BEGIN_LINE);
      case 'endLine':
        return this.empty(EMPTY_END_LINE);
      case 'beginText':
        return this.empty(EMPTY_BEGIN_TEXT);
      case 'endText':
        return this.empty(EMPTY_END_TEXT);
      case 'wordBoundary':
        return this.empty(EMPTY_WORD_BOUNDARY);
      case 'noWordBoundary':
        return this.empty(EMPTY_NO_WORD_BOUNDARY);
      case 'capture': {
        const bra = this.cap(n.index << 1);
        const sub = this.compile(n.sub);
        const ket = this.cap((n.index << 1) | 1);
        return this.cat(this.cat(bra, sub), ket);
      }
      case 'star':
        return this.star(this.compile(n.sub), n.greedy);
      case 'plus':
        return this.plus(this.compile(n.sub), n.greedy);
      case 'quest':
        return this.quest(this.compile(n.sub), n.greedy);
      case 'concat': {
        if (n.subs.length === 0) return this.nop();
        let f = this.compile(n.subs[0] as SNode);
        for (let i = 1; i < n.subs.length; i++) f = this.cat(f, this.compile(n.subs[i] as SNode));
        return f;
      }
      case 'alternate': {
        let f = this.fail();
        for (const sub of n.subs) f = this.alt(f, this.compile(sub));
        return f;
      }
    }
  }
}

export interface Program {
  insts: Inst[];
  start: number;
  numCap: number;
}

/** syntax.Compile(re.Simplify()). */
export function compileProgram(root: Node, groups: number): Program {
  const c = new Compiler();
  const f = c.compile(simplify(root));
  const match = c.prog.length;
  c.prog.push({ op: Op.Match, out: 0, arg: 0 });
  c.patch(f.out, match);
  return { insts: c.prog, start: f.i, numCap: 2 * (groups + 1) };
}

// ---- the Pike VM ----------------------------------------------------------------------------------

function matchRune(inst: Inst, r: number): boolean {
  const runes = inst.runes as number[];
  if (runes.length === 1) {
    const r0 = runes[0] as number;
    if (r === r0) return true;
    if (inst.fold) {
      for (let r1 = simpleFold(r0); r1 !== r0; r1 = simpleFold(r1)) if (r === r1) return true;
    }
    return false;
  }
  let lo = 0;
  let hi = runes.length / 2;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((runes[2 * m] as number) <= r) {
      if (r <= (runes[2 * m + 1] as number)) return true;
      lo = m + 1;
    } else {
      hi = m;
    }
  }
  return false;
}

const isWordChar = (r: number): boolean =>
  (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r === 0x5f;

/** syntax.EmptyOpContext: the empty-width conditions between runes r1 and r2 (-1: text edge). */
function emptyOpContext(r1: number, r2: number): number {
  let op = EMPTY_NO_WORD_BOUNDARY;
  let boundary = 0;
  if (isWordChar(r1)) boundary = 1;
  else if (r1 === 0x0a) op |= EMPTY_BEGIN_LINE;
  else if (r1 < 0) op |= EMPTY_BEGIN_TEXT | EMPTY_BEGIN_LINE;
  if (isWordChar(r2)) boundary ^= 1;
  else if (r2 === 0x0a) op |= EMPTY_END_LINE;
  else if (r2 < 0) op |= EMPTY_END_TEXT | EMPTY_END_LINE;
  if (boundary !== 0) op ^= EMPTY_WORD_BOUNDARY | EMPTY_NO_WORD_BOUNDARY;
  return op;
}

/** The rune at i and its width in UTF-16 units; [-1, 0] at the end. Lone surrogates are RuneError. */
function step(s: string, i: number): [number, number] {
  if (i >= s.length) return [-1, 0];
  const c = s.codePointAt(i) as number;
  if (c > 0xffff) return [c, 2];
  if (c >= 0xd800 && c <= 0xdfff) return [0xfffd, 1];
  return [c, 1];
}

function runeBefore(s: string, i: number): number {
  if (i <= 0) return -1;
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return s.codePointAt(i - 2) as number;
  }
  if (c >= 0xd800 && c <= 0xdfff) return 0xfffd;
  return c;
}

interface Thread {
  pc: number;
  cap: number[];
}

class Queue {
  readonly sparse: Int32Array;
  dense: { pc: number; t: Thread | undefined }[] = [];
  constructor(size: number) {
    this.sparse = new Int32Array(size);
  }
  has(pc: number): boolean {
    const j = this.sparse[pc] as number;
    return j < this.dense.length && this.dense[j]?.pc === pc;
  }
}

/**
 * machine.match: the leftmost-first match starting at or after pos, as capture positions
 * [start0, end0, start1, end1, ...] (-1 for groups that did not take part), or undefined.
 */
export function pikeMatch(prog: Program, s: string, pos0: number): number[] | undefined {
  const { insts, start, numCap } = prog;
  let runq = new Queue(insts.length);
  let nextq = new Queue(insts.length);
  let matched = false;
  let matchcap: number[] = new Array(numCap).fill(-1);
  let pos = pos0;
  let [r, width] = step(s, pos);
  let [r1, width1] = r !== -1 ? step(s, pos + width) : [-1, 0];
  let flag = emptyOpContext(pos === 0 ? -1 : runeBefore(s, pos), r);

  const add = (q: Queue, pc0: number, at: number, cap: number[], cond: number): void => {
    let pc = pc0;
    for (;;) {
      if (pc === 0 || q.has(pc)) return;
      q.sparse[pc] = q.dense.length;
      const entry: { pc: number; t: Thread | undefined } = { pc, t: undefined };
      q.dense.push(entry);
      const inst = insts[pc] as Inst;
      switch (inst.op) {
        case Op.Fail:
          return;
        case Op.Alt:
          add(q, inst.out, at, cap, cond);
          pc = inst.arg;
          continue;
        case Op.EmptyWidth:
          if ((inst.arg & ~cond) === 0) {
            pc = inst.out;
            continue;
          }
          return;
        case Op.Nop:
          pc = inst.out;
          continue;
        case Op.Capture:
          if (inst.arg < cap.length) {
            const old = cap[inst.arg] as number;
            cap[inst.arg] = at;
            add(q, inst.out, at, cap, cond);
            cap[inst.arg] = old;
            return;
          }
          pc = inst.out;
          continue;
        default:
          entry.t = { pc, cap: cap.slice() };
          return;
      }
    }
  };

  for (;;) {
    if (runq.dense.length === 0 && matched) break;
    if (!matched) {
      const cap = matchcap.slice();
      cap[0] = pos;
      add(runq, start, pos, cap, flag);
    }
    flag = emptyOpContext(r, r1);
    // step: advance every thread over rune r.
    const nextPos = pos + width;
    for (let j = 0; j < runq.dense.length; j++) {
      const t = (runq.dense[j] as { t: Thread | undefined }).t;
      if (t === undefined) continue;
      const inst = insts[t.pc] as Inst;
      if (inst.op === Op.Match) {
        t.cap[1] = pos;
        matchcap = t.cap;
        // First-match mode: cut off all lower-priority threads.
        runq.dense.length = j + 1;
        matched = true;
        break;
      }
      if (r !== -1 && matchRune(inst, r)) add(nextq, inst.out, nextPos, t.cap, flag);
    }
    runq.dense = [];
    if (width === 0) break;
    pos += width;
    r = r1;
    width = width1;
    if (r !== -1) [r1, width1] = step(s, pos + width);
    [runq, nextq] = [nextq, runq];
  }
  return matched ? matchcap : undefined;
}

/** True when some repetition's body can match empty or holds a capture group (see the module comment). */
export function needsVM(n: Node): boolean {
  switch (n.op) {
    case 'repeat':
      if (!(n.max === 1 && !nullable(n.sub)) && (nullable(n.sub) || hasCapture(n.sub))) return true;
      return needsVM(n.sub);
    case 'capture':
      return needsVM(n.sub);
    case 'concat':
    case 'alternate':
      return n.subs.some(needsVM);
    default:
      return false;
  }
}

function hasCapture(n: Node): boolean {
  switch (n.op) {
    case 'capture':
      return true;
    case 'repeat':
      return hasCapture(n.sub);
    case 'concat':
    case 'alternate':
      return n.subs.some(hasCapture);
    default:
      return false;
  }
}

function nullable(n: Node): boolean {
  switch (n.op) {
    case 'literal':
    case 'class':
    case 'anyChar':
    case 'anyCharNotNL':
    case 'noMatch':
      return false;
    case 'capture':
      return nullable(n.sub);
    case 'repeat':
      return n.min === 0 || nullable(n.sub);
    case 'concat':
      return n.subs.every(nullable);
    case 'alternate':
      return n.subs.some(nullable);
    default:
      return true;
  }
}
