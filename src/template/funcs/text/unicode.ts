/**
 * Go's package unicode over the tables of Go 1.26 (Unicode 15.0.0, see unicode-data.ts), so that case
 * mapping and character classes agree with Go rather than with the newer Unicode of the JS engine
 * (ICU's full case mappings such as "ß" -> "SS" are not what Go's simple per-rune mappings do).
 */
import {
  CASE_ORBIT,
  CASE_RANGES,
  CATEGORY_NAMES,
  CATEGORY_RUNS,
  CATEGORY_SYMBOLS,
  SCRIPT_NAMES,
  SCRIPT_RUNS,
} from './unicode-data.js';

export const MAX_RUNE = 0x10ffff;
export const REPLACEMENT_CHAR = 0xfffd;

/** A set of runes as sorted, disjoint, non-adjacent inclusive ranges [lo0, hi0, lo1, hi1, ...]. */
export type RuneRanges = number[];

interface RunTable {
  starts: Int32Array;
  values: Uint16Array;
}

let categoryTable: RunTable | undefined;
let scriptTable: RunTable | undefined;

function decodeRuns(text: string, parse: (text: string, at: number) => [number, number, number]): RunTable {
  const starts: number[] = [];
  const values: number[] = [];
  let cp = 0;
  let i = 0;
  while (i < text.length) {
    const [len, value, next] = parse(text, i);
    starts.push(cp);
    values.push(value);
    cp += len;
    i = next;
  }
  return { starts: Int32Array.from(starts), values: Uint16Array.from(values) };
}

function categories(): RunTable {
  categoryTable ??= decodeRuns(CATEGORY_RUNS, (text, at) => {
    let j = at;
    while (!CATEGORY_SYMBOLS.includes(text[j] as string)) j++;
    return [Number.parseInt(text.slice(at, j), 36), CATEGORY_SYMBOLS.indexOf(text[j] as string), j + 1];
  });
  return categoryTable;
}

function scripts(): RunTable {
  scriptTable ??= decodeRuns(SCRIPT_RUNS, (text, at) => {
    let comma = text.indexOf(',', at);
    if (comma < 0) comma = text.length;
    const dot = text.indexOf('.', at);
    return [
      Number.parseInt(text.slice(at, dot), 36),
      Number.parseInt(text.slice(dot + 1, comma), 36),
      comma + 1,
    ];
  });
  return scriptTable;
}

function lookup(table: RunTable, r: number): number {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if ((table.starts[m] as number) <= r) lo = m;
    else hi = m - 1;
  }
  return table.values[lo] as number;
}

/** The two-letter general category of r ('Lu', 'Nd', 'Cn' for unassigned...). */
export function category(r: number): string {
  if (r < 0 || r > MAX_RUNE) return 'Cn';
  return CATEGORY_NAMES[lookup(categories(), r)] as string;
}

export const isUpper = (r: number): boolean => category(r) === 'Lu';
export const isLower = (r: number): boolean => category(r) === 'Ll';
export const isTitle = (r: number): boolean => category(r) === 'Lt';
export const isLetter = (r: number): boolean => category(r).startsWith('L');
export const isDigit = (r: number): boolean => category(r) === 'Nd';
export const isNumber = (r: number): boolean => category(r).startsWith('N');
export const isPunct = (r: number): boolean => category(r).startsWith('P');

/** unicode.IsSpace: Latin-1 spaces plus the White_Space property. */
export function isSpace(r: number): boolean {
  switch (r) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200a;
  }
}

const UPPER = 0;
const LOWER = 1;
const TITLE = 2;

/** unicode.to: maps r through CaseRanges; [mapped, found]. */
function to(which: number, r: number): [number, boolean] {
  let lo = 0;
  let hi = CASE_RANGES.length / 5;
  while (lo < hi) {
    const m = lo + ((hi - lo) >> 1);
    const base = m * 5;
    const crLo = CASE_RANGES[base] as number;
    const crHi = CASE_RANGES[base + 1] as number;
    if (crLo <= r && r <= crHi) {
      const delta = CASE_RANGES[base + 2 + which] as number;
      if (delta > MAX_RUNE) {
        // Upper-lower alternating sequence: even offsets are upper case, odd ones lower case.
        return [crLo + (((r - crLo) & ~1) | (which & 1)), true];
      }
      return [r + delta, true];
    }
    if (r < crLo) hi = m;
    else lo = m + 1;
  }
  return [r, false];
}

export function toUpper(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  return to(UPPER, r)[0];
}

export function toLower(r: number): number {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  return to(LOWER, r)[0];
}

export function toTitle(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  return to(TITLE, r)[0];
}

let orbit: Map<number, number> | undefined;

/** unicode.SimpleFold: the next rune in r's case-folding orbit. */
export function simpleFold(r: number): number {
  if (r < 0 || r > MAX_RUNE) return r;
  if (!orbit) {
    orbit = new Map();
    for (let i = 0; i < CASE_ORBIT.length; i += 2)
      orbit.set(CASE_ORBIT[i] as number, CASE_ORBIT[i + 1] as number);
  }
  const special = orbit.get(r);
  if (special !== undefined) return special;
  const [l, found] = to(LOWER, r);
  if (!found) return r;
  if (l !== r) return l;
  return to(UPPER, r)[0];
}

// ---- rune sets for regexp classes ----------------------------------------------------------------

function rangesOf(table: RunTable, match: (value: number) => boolean): RuneRanges {
  const out: RuneRanges = [];
  const n = table.starts.length;
  for (let i = 0; i < n; i++) {
    if (!match(table.values[i] as number)) continue;
    const lo = table.starts[i] as number;
    const hi = i + 1 < n ? (table.starts[i + 1] as number) - 1 : MAX_RUNE;
    if (out.length > 0 && out[out.length - 1] === lo - 1) out[out.length - 1] = hi;
    else out.push(lo, hi);
  }
  return out;
}

const rangeCache = new Map<string, RuneRanges>();

/**
 * The runes of a unicode.Categories entry ('L', 'Lu', 'LC', 'C', ...) or undefined when Go has no
 * such category.
 */
export function categoryRanges(name: string): RuneRanges | undefined {
  const key = `c:${name}`;
  const cached = rangeCache.get(key);
  if (cached) return cached;
  let match: ((v: number) => boolean) | undefined;
  if (name === 'LC') {
    const set = new Set(['Lu', 'Ll', 'Lt'].map((c) => CATEGORY_NAMES.indexOf(c)));
    match = (v) => set.has(v);
  } else if (name.length === 1) {
    if (!CATEGORY_NAMES.some((c) => c[0] === name)) return undefined;
    match = (v) => (CATEGORY_NAMES[v] as string)[0] === name;
  } else {
    const idx = CATEGORY_NAMES.indexOf(name);
    if (idx < 0) return undefined;
    match = (v) => v === idx;
  }
  const ranges = rangesOf(categories(), match);
  rangeCache.set(key, ranges);
  return ranges;
}

/** The runes of a unicode.Scripts entry ('Greek', 'Han', ...) or undefined. */
export function scriptRanges(name: string): RuneRanges | undefined {
  const idx = SCRIPT_NAMES.indexOf(name);
  if (idx < 0) return undefined;
  const key = `s:${name}`;
  const cached = rangeCache.get(key);
  if (cached) return cached;
  const ranges = rangesOf(scripts(), (v) => v === idx + 1);
  rangeCache.set(key, ranges);
  return ranges;
}

/** True when Go's unicode.Categories has the name (two-letter, one-letter or 'LC'). */
export function hasCategory(name: string): boolean {
  return categoryRanges(name) !== undefined;
}

export { SCRIPT_NAMES };
