/**
 * Go's regexp package (Go 1.26) over JS strings: patterns are parsed by the port of regexp/syntax in
 * re2-syntax.ts (so what Go rejects is rejected with Go's message) and translated to an equivalent JS
 * RegExp with the `u` flag. JS backtracking and Go's RE2 engine agree on leftmost-first matching; the
 * translation makes the rest agree:
 *
 * - case folding ((?i)) is expanded into classes of Go's simple-folding orbits (the JS `i` flag folds
 *   with a newer Unicode and changes `\b`); flags that change inside the pattern come for free;
 * - `.` is `[^\n]`, multi-line `^`/`$` only look at `\n`, `\A`/`\z` are JS's `^`/`$` without `m`;
 * - `\b` is ASCII (as JS's without `i`); classes are rune ranges from Go's Unicode 15 tables;
 * - a byte of invalid UTF-8 (held as a lone surrogate, see utf8.ts) is U+FFFD for matching, as in Go;
 * - FindAll, ReplaceAll and Split iterate as Go does (an empty match right after a match is skipped),
 *   and replacement templates follow Regexp.Expand (`$1`, `${1}`, `$name`, `$1x` is group "1x", `$$`).
 *
 * Two things a JS RegExp cannot do Go's way: a repetition whose body can match empty (Go ends the loop
 * after an empty iteration, JS backtracks into the body: `(|a)+` on "a" is "" in Go, "a" in JS) and a
 * capture group inside a repetition (Go keeps its last value, JS resets it at each iteration:
 * `(?:(a)|b)+` on "ab" gives $1 = "a" in Go, nothing in JS). Patterns with such loops run on the port
 * of Go's own matcher in re2-vm.ts instead.
 */
import { quote as goQuote } from '../../strconv.js';
import { cleanClass, foldOrbit, type Node, parseRegexp, RegexpSyntaxError } from './re2-syntax.js';
import { compileProgram, needsVM, type Program, pikeMatch } from './re2-vm.js';
import { isDigit, isLetter, type RuneRanges } from './unicode.js';

export { RegexpSyntaxError };

const SURROGATE_LO = 0xd800;
const SURROGATE_HI = 0xdfff;

function hex(c: number): string {
  return `\\u{${c.toString(16)}}`;
}

/** A JS character class for a Go rune set (see the module comment about U+FFFD and surrogates). */
function classSource(ranges0: RuneRanges): string {
  const out: RuneRanges = [];
  let hasReplacement = false;
  for (let i = 0; i < ranges0.length; i += 2) {
    const lo = ranges0[i] as number;
    const hi = ranges0[i + 1] as number;
    if (lo <= 0xfffd && 0xfffd <= hi) hasReplacement = true;
    if (hi < SURROGATE_LO || lo > SURROGATE_HI) out.push(lo, hi);
    else {
      if (lo < SURROGATE_LO) out.push(lo, SURROGATE_LO - 1);
      if (hi > SURROGATE_HI) out.push(SURROGATE_HI + 1, hi);
    }
  }
  if (hasReplacement) out.push(SURROGATE_LO, SURROGATE_HI);
  const ranges = cleanClass(out);
  let body = '';
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i] as number;
    const hi = ranges[i + 1] as number;
    body += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
  }
  return `[${body}]`;
}

function literalSource(rune: number, fold: boolean): string {
  if (fold) {
    const orbit = foldOrbit(rune);
    if (orbit.length > 1) return classSource(cleanClass(orbit.flatMap((r) => [r, r])));
  }
  if ((rune >= 0x30 && rune <= 0x39) || (rune >= 0x41 && rune <= 0x5a) || (rune >= 0x61 && rune <= 0x7a)) {
    return String.fromCharCode(rune);
  }
  if (rune === 0xfffd || (rune >= SURROGATE_LO && rune <= SURROGATE_HI)) return classSource([rune, rune]);
  return hex(rune);
}

/** True when the JS source of n is a single atom that a quantifier may follow. */
function isAtom(n: Node): boolean {
  switch (n.op) {
    case 'literal':
    case 'class':
    case 'anyChar':
    case 'anyCharNotNL':
    case 'capture':
    case 'noMatch':
      return true;
    default:
      return false;
  }
}

function quantifier(min: number, max: number, greedy: boolean): string {
  let q: string;
  if (min === 0 && max === -1) q = '*';
  else if (min === 1 && max === -1) q = '+';
  else if (min === 0 && max === 1) q = '?';
  else if (max === -1) q = `{${min},}`;
  else if (min === max) q = `{${min}}`;
  else q = `{${min},${max}}`;
  return greedy ? q : `${q}?`;
}

function source(n: Node): string {
  switch (n.op) {
    case 'empty':
      return '(?:)';
    case 'noMatch':
      return '[]';
    case 'literal':
      return literalSource(n.rune, n.fold);
    case 'class':
      return classSource(n.ranges);
    case 'anyCharNotNL':
      return '[^\\n]';
    case 'anyChar':
      return '[\\s\\S]';
    case 'beginLine':
      return '(?<![^\\n])';
    case 'endLine':
      return '(?![^\\n])';
    case 'beginText':
      return '^';
    case 'endText':
      return '$';
    case 'wordBoundary':
      return '\\b';
    case 'noWordBoundary':
      return '\\B';
    case 'capture':
      return `(${source(n.sub)})`;
    case 'repeat': {
      const sub = source(n.sub);
      return `${isAtom(n.sub) ? sub : `(?:${sub})`}${quantifier(n.min, n.max, n.greedy)}`;
    }
    case 'concat':
      return n.subs.map((s) => (s.op === 'alternate' ? `(?:${source(s)})` : source(s))).join('');
    case 'alternate':
      return n.subs.map(source).join('|');
  }
}

/** strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= SURROGATE_LO && c <= SURROGATE_HI) return false;
    if (c === 0xfeff) return false;
    if ((c < 0x20 && c !== 0x09) || c === 0x60 || c === 0x7f) return false;
  }
  return true;
}

/** regexp's quote: a backquoted string when possible, else strconv.Quote. */
function quotePattern(s: string): string {
  return canBackquote(s) ? `\`${s}\`` : goQuote(s);
}

function charWidth(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function isMidPair(s: string, i: number): boolean {
  if (i <= 0 || i >= s.length) return false;
  const a = s.charCodeAt(i - 1);
  const b = s.charCodeAt(i);
  return a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff;
}

interface Match {
  start: number;
  end: number;
  /** Group texts by index (0: the whole match); undefined for groups that did not participate. */
  groups: (string | undefined)[];
}

/** A compiled Go regexp. */
export class GoRegexp {
  /** Forces Go's own matcher (re2-vm.ts) for every pattern; for differential testing. */
  static forceVM = false;

  private readonly js: RegExp | undefined;
  private readonly prog: Program | undefined;
  readonly names: readonly string[];

  private constructor(
    readonly expr: string,
    matcher: RegExp | Program,
    names: string[],
  ) {
    if (matcher instanceof RegExp) this.js = matcher;
    else this.prog = matcher;
    this.names = names;
  }

  /** regexp.Compile: throws RegexpSyntaxError with Go's message. */
  static compile(expr: string): GoRegexp {
    const key = GoRegexp.forceVM ? `vm:${expr}` : expr;
    const cached = cache.get(key);
    if (cached) return cached;
    const parsed = parseRegexp(expr);
    // Loops that can match empty or that hold captures run on Go's matcher; the rest on JS's.
    const matcher =
      GoRegexp.forceVM || needsVM(parsed.root)
        ? compileProgram(parsed.root, parsed.names.length - 1)
        : new RegExp(source(parsed.root), 'gu');
    const re = new GoRegexp(expr, matcher, parsed.names);
    if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
    cache.set(key, re);
    return re;
  }

  /** True when this regexp runs on the port of Go's matcher rather than a JS RegExp. */
  get usesGoMatcher(): boolean {
    return this.prog !== undefined;
  }

  /** regexp.MustCompile: panics with `regexp: Compile(`expr`): error parsing regexp: ...`. */
  static mustCompile(expr: string): GoRegexp {
    try {
      return GoRegexp.compile(expr);
    } catch (e) {
      if (e instanceof RegexpSyntaxError)
        throw new Error(`regexp: Compile(${quotePattern(expr)}): ${e.message}`);
      throw e;
    }
  }

  /** doExecute: the leftmost-first match starting at or after pos. */
  private execute(s: string, pos0: number): Match | undefined {
    if (this.prog) {
      const caps = pikeMatch(this.prog, s, pos0);
      if (caps === undefined) return undefined;
      const groups: (string | undefined)[] = [];
      for (let i = 0; i < caps.length; i += 2) {
        const a = caps[i] as number;
        const b = caps[i + 1] as number;
        groups.push(a >= 0 && b >= 0 ? s.slice(a, b) : undefined);
      }
      return { start: caps[0] as number, end: caps[1] as number, groups };
    }
    const js = this.js as RegExp;
    let pos = pos0;
    for (;;) {
      js.lastIndex = pos;
      const m = js.exec(s);
      if (m === null) return undefined;
      // V8 may report an empty match between the two halves of a surrogate pair, where Go (which sees
      // one rune) has no position: skip it and search on from the end of the pair.
      if (isMidPair(s, m.index)) {
        pos = m.index + 1;
        continue;
      }
      return { start: m.index, end: m.index + (m[0] as string).length, groups: [...m] };
    }
  }

  matchString(s: string): boolean {
    return this.execute(s, 0) !== undefined;
  }

  findString(s: string): string {
    const m = this.execute(s, 0);
    return m === undefined ? '' : (m.groups[0] as string);
  }

  /** Regexp.allMatches: successive matches; an empty match right after a match is skipped. */
  private allMatches(s: string, n0: number): Match[] {
    const n = n0 < 0 ? Number.POSITIVE_INFINITY : n0;
    const out: Match[] = [];
    const end = s.length;
    let prevMatchEnd = -1;
    for (let pos = 0; out.length < n && pos <= end; ) {
      const m = this.execute(s, pos);
      if (m === undefined) break;
      let accept = true;
      if (m.end === pos) {
        // An empty match: not allowed right after a previous match; move on one character.
        if (m.start === prevMatchEnd) accept = false;
        const width = charWidth(s, pos);
        pos = width > 0 ? pos + width : end + 1;
      } else {
        pos = m.end;
      }
      prevMatchEnd = m.end;
      if (accept) out.push(m);
    }
    return out;
  }

  /** FindAllString; undefined is Go's nil (no match, or n == 0). */
  findAllString(s: string, n: number): string[] | undefined {
    if (n === 0) return undefined;
    const ms = this.allMatches(s, n);
    return ms.length === 0 ? undefined : ms.map((m) => m.groups[0] as string);
  }

  /** FindStringSubmatch: the match and its groups ("" for groups that did not take part). */
  findStringSubmatch(s: string): string[] | undefined {
    const m = this.execute(s, 0);
    return m === undefined ? undefined : m.groups.map((g) => g ?? '');
  }

  /** FindAllStringSubmatch. */
  findAllStringSubmatch(s: string, n: number): string[][] | undefined {
    if (n === 0) return undefined;
    const ms = this.allMatches(s, n);
    return ms.length === 0 ? undefined : ms.map((m) => m.groups.map((g) => g ?? ''));
  }

  /** Regexp.Split. undefined is Go's nil (n == 0). */
  split(s: string, n: number): string[] | undefined {
    if (n === 0) return undefined;
    if (this.expr.length > 0 && s.length === 0) return [''];
    const matches = this.allMatches(s, n);
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of matches) {
      if (n > 0 && out.length >= n - 1) break;
      end = m.start;
      if (m.end !== 0) out.push(s.slice(beg, end));
      beg = m.end;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }

  /** Regexp.replaceAll with a replacement callback. */
  private replaceAll(src: string, repl: (m: Match) => string): string {
    let lastMatchEnd = 0;
    let searchPos = 0;
    let buf = '';
    const endPos = src.length;
    while (searchPos <= endPos) {
      const a = this.execute(src, searchPos);
      if (a === undefined) break;
      buf += src.slice(lastMatchEnd, a.start);
      // No replacement for an empty match right after another match.
      if (a.end > lastMatchEnd || a.start === 0) buf += repl(a);
      lastMatchEnd = a.end;
      // Advance past this match; always advance at least one character.
      const width = charWidth(src, searchPos);
      if (searchPos + width > a.end) searchPos += width;
      else if (searchPos + 1 > a.end) searchPos++;
      else searchPos = a.end;
    }
    return buf + src.slice(lastMatchEnd);
  }

  replaceAllString(src: string, template: string): string {
    return this.replaceAll(src, (m) => this.expand(template, m));
  }

  replaceAllLiteralString(src: string, repl: string): string {
    return this.replaceAll(src, () => repl);
  }

  /** Regexp.expand: `$name`, `${name}`, `$1`, `$$`. */
  private expand(template0: string, m: Match): string {
    let template = template0;
    let dst = '';
    while (template.length > 0) {
      const dollar = template.indexOf('$');
      if (dollar < 0) break;
      dst += template.slice(0, dollar);
      template = template.slice(dollar + 1);
      if (template.startsWith('$')) {
        dst += '$';
        template = template.slice(1);
        continue;
      }
      const ref = extract(template);
      if (!ref) {
        // Malformed: the $ is raw text.
        dst += '$';
        continue;
      }
      template = ref.rest;
      if (ref.num >= 0) {
        const g = m.groups[ref.num];
        if (g !== undefined) dst += g;
      } else {
        for (let i = 0; i < this.names.length; i++) {
          const g = m.groups[i];
          if (this.names[i] === ref.name && g !== undefined) {
            dst += g;
            break;
          }
        }
      }
    }
    return dst + template;
  }
}

const cache = new Map<string, GoRegexp>();

/** regexp's extract: the name after a `$` (letters, digits, '_'), braced or not. */
function extract(str0: string): { name: string; num: number; rest: string } | undefined {
  if (str0 === '') return undefined;
  let str = str0;
  const brace = str.startsWith('{');
  if (brace) str = str.slice(1);
  let i = 0;
  while (i < str.length) {
    const c = str.codePointAt(i) as number;
    const r = c >= SURROGATE_LO && c <= SURROGATE_HI ? 0xfffd : c;
    if (!isLetter(r) && !isDigit(r) && r !== 0x5f) break;
    i += c > 0xffff ? 2 : 1;
  }
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (let j = 0; j < name.length; j++) {
    const d = name.charCodeAt(j);
    if (d < 0x30 || d > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (d - 0x30);
  }
  // Disallow leading zeros.
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

/** regexp.QuoteMeta: backslashes before `\.+*?()|[]{}^$`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
