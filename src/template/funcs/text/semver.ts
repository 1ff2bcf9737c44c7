/**
 * github.com/Masterminds/semver/v3 v3.3.0 (the version sprig v3.3.0 pins): NewVersion, Version's
 * comparison and increment methods, and the constraint language of NewConstraint/Check (`^`, `~`,
 * `x` wildcards, hyphen ranges, `||`, comma or space AND, pre-release rules), with the library's error
 * texts. Its regular expressions run on the Go regexp port (re2.ts), so they match as in Go.
 */
import { quote as goQuote } from '../../strconv.js';
import { GoRegexp } from './re2.js';

export class SemverError extends Error {}

const SEMVER_REGEX =
  'v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';

const CV_REGEX =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';

const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';

let regexes:
  | { version: GoRegexp; constraint: GoRegexp; range: GoRegexp; find: GoRegexp; valid: GoRegexp }
  | undefined;

function re(): NonNullable<typeof regexes> {
  regexes ??= {
    version: GoRegexp.compile(`^${SEMVER_REGEX}$`),
    constraint: GoRegexp.compile(`^\\s*(${OPS})\\s*(${CV_REGEX})\\s*$`),
    range: GoRegexp.compile(`\\s*(${CV_REGEX})\\s+-\\s+(${CV_REGEX})\\s*`),
    find: GoRegexp.compile(`(${OPS})\\s*(${CV_REGEX})`),
    valid: GoRegexp.compile(
      `^(\\s*(${OPS})\\s*(${CV_REGEX})\\s*)((?:\\s+|,\\s*)(${OPS})\\s*(${CV_REGEX})\\s*)*$`,
    ),
  };
  return regexes;
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** strconv.ParseUint(s, 10, 64) for a string of decimal digits. */
function parseUint(s: string): bigint {
  const n = BigInt(s);
  if (n > MAX_UINT64) {
    throw new SemverError(
      `Error parsing version segment: strconv.ParseUint: parsing ${goQuote(s)}: value out of range`,
    );
  }
  return n;
}

const NUM = '0123456789';
const ALLOWED = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-${NUM}`;

function containsOnly(s: string, comp: string): boolean {
  for (const ch of s) if (!comp.includes(ch)) return false;
  return true;
}

function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (containsOnly(part, NUM)) {
      if (part.length > 1 && part[0] === '0') throw new SemverError('Version segment starts with 0');
    } else if (!containsOnly(part, ALLOWED)) {
      throw new SemverError('Invalid Prerelease string');
    }
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split('.')) {
    if (!containsOnly(part, ALLOWED)) throw new SemverError('Invalid Metadata string');
  }
}

/** semver.Version. */
export class Version {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {}

  /** semver.NewVersion. */
  static parse(v: string): Version {
    const m = re().version.findStringSubmatch(v);
    if (m === undefined) throw new SemverError('Invalid Semantic Version');
    const major = parseUint(m[1] as string);
    const minor = m[2] !== '' ? parseUint((m[2] as string).slice(1)) : 0n;
    const patch = m[3] !== '' ? parseUint((m[3] as string).slice(1)) : 0n;
    const pre = m[5] as string;
    const metadata = m[8] as string;
    if (pre !== '') validatePrerelease(pre);
    if (metadata !== '') validateMetadata(metadata);
    return new Version(major, minor, patch, pre, metadata, v);
  }

  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre !== '') s += `-${this.pre}`;
    if (this.metadata !== '') s += `+${this.metadata}`;
    return s;
  }

  private vPrefix(): string {
    return this.original.startsWith('v') ? 'v' : '';
  }

  private with(major: bigint, minor: bigint, patch: bigint, pre: string, metadata: string): Version {
    const next = new Version(major, minor, patch, pre, metadata, '');
    return new Version(major, minor, patch, pre, metadata, this.vPrefix() + next.toString());
  }

  incPatch(): Version {
    // A pre-release of x.y.z increments to x.y.z.
    return this.with(this.major, this.minor, this.pre !== '' ? this.patch : this.patch + 1n, '', '');
  }

  incMinor(): Version {
    return this.with(this.major, this.minor + 1n, 0n, '', '');
  }

  incMajor(): Version {
    return this.with(this.major + 1n, 0n, 0n, '', '');
  }

  setPrerelease(pre: string): Version {
    if (pre.length > 0) validatePrerelease(pre);
    return this.with(this.major, this.minor, this.patch, pre, this.metadata);
  }

  setMetadata(metadata: string): Version {
    if (metadata.length > 0) validateMetadata(metadata);
    return this.with(this.major, this.minor, this.patch, this.pre, metadata);
  }

  compare(o: Version): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a < b) return -1;
      if (a > b) return 1;
    }
    if (this.pre === '' && o.pre === '') return 0;
    if (this.pre === '') return 1;
    if (o.pre === '') return -1;
    return comparePrerelease(this.pre, o.pre);
  }
}

function comparePrerelease(v: string, o: string): number {
  const sparts = v.split('.');
  const oparts = o.split('.');
  const l = Math.max(sparts.length, oparts.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(sparts[i] ?? '', oparts[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** strconv.ParseUint(s, 10, 64) as a success test and value. */
function uintOf(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > MAX_UINT64 ? undefined : n;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const oi = uintOf(o);
  const si = uintOf(s);
  if (oi === undefined && si === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

// ---- constraints --------------------------------------------------------------------------------

interface Constraint {
  con: Version;
  orig: string;
  origfunc: string;
  minorDirty: boolean;
  dirty: boolean;
  patchDirty: boolean;
}

const isX = (x: string): boolean => x === 'x' || x === '*' || x === 'X';

function parseConstraint(c: string): Constraint {
  if (c.length === 0) {
    return {
      con: new Version(0n, 0n, 0n, '', '', '0.0.0'),
      orig: c,
      origfunc: '',
      minorDirty: false,
      patchDirty: false,
      dirty: true,
    };
  }
  const m = re().constraint.findStringSubmatch(c);
  if (m === undefined) throw new SemverError(`improper constraint: ${c}`);
  const [, op, orig, m3, m4, m5, m6] = m as [string, string, string, string, string, string, string];
  let ver = orig;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(m3) || m3 === '') {
    ver = `0.0.0${m6}`;
    dirty = true;
  } else if (isX(m4.replace(/^\./, '')) || m4 === '') {
    minorDirty = true;
    dirty = true;
    ver = `${m3}.0.0${m6}`;
  } else if (isX(m5.replace(/^\./, '')) || m5 === '') {
    dirty = true;
    patchDirty = true;
    ver = `${m3}${m4}.0${m6}`;
  }
  let con: Version;
  try {
    con = Version.parse(ver);
  } catch (e) {
    if (e instanceof SemverError) throw new SemverError('constraint Parser Error');
    throw e;
  }
  return { con, orig, origfunc: op, minorDirty, dirty, patchDirty };
}

/** rewriteRange: "1.2 - 1.4.5" becomes ">= 1.2, <= 1.4.5 ". */
function rewriteRange(i: string): string {
  const ms = re().range.findAllStringSubmatch(i, -1);
  if (ms === undefined) return i;
  let o = i;
  for (const v of ms) {
    const t = `>= ${v[1]}, <= ${v[11]} `;
    const at = o.indexOf(v[0] as string);
    if (at >= 0) o = o.slice(0, at) + t + o.slice(at + (v[0] as string).length);
  }
  return o;
}

/** semver.NewConstraint: a disjunction of conjunctions. */
export function parseConstraints(c0: string): Constraint[][] {
  const c = rewriteRange(c0);
  return c.split('||').map((v) => {
    if (!re().valid.matchString(v)) throw new SemverError(`improper constraint: ${v}`);
    const cs = re().find.findAllString(v, -1) ?? [v];
    return cs.map(parseConstraint);
  });
}

/** Constraints.Check. */
export function checkConstraints(cs: Constraint[][], v: Version): boolean {
  return cs.some((and) => and.every((c) => check(c, v)));
}

function check(c: Constraint, v: Version): boolean {
  switch (c.origfunc) {
    case '':
    case '=':
      return tildeOrEqual(v, c);
    case '!=':
      return notEqual(v, c);
    case '>':
      return greaterThan(v, c);
    case '<':
      return releaseOk(v, c) && v.compare(c.con) < 0;
    case '>=':
    case '=>':
      return releaseOk(v, c) && v.compare(c.con) >= 0;
    case '<=':
    case '=<':
      return lessThanEqual(v, c);
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c);
    default:
      return false;
  }
}

/** A pre-release version only satisfies constraints that carry a pre-release themselves. */
const releaseOk = (v: Version, c: Constraint): boolean => !(v.pre !== '' && c.con.pre === '');

function notEqual(v: Version, c: Constraint): boolean {
  if (c.dirty) {
    if (!releaseOk(v, c)) return false;
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
      return false;
    }
  }
  return v.compare(c.con) !== 0;
}

function greaterThan(v: Version, c: Constraint): boolean {
  if (!releaseOk(v, c)) return false;
  if (!c.dirty) return v.compare(c.con) === 1;
  if (v.major > c.con.major) return true;
  if (v.major < c.con.major) return false;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return v.compare(c.con) === 1;
}

function lessThanEqual(v: Version, c: Constraint): boolean {
  if (!releaseOk(v, c)) return false;
  if (!c.dirty) return v.compare(c.con) <= 0;
  if (v.major > c.con.major) return false;
  if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
  return true;
}

function tilde(v: Version, c: Constraint): boolean {
  if (!releaseOk(v, c)) return false;
  if (v.compare(c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty)
    return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function tildeOrEqual(v: Version, c: Constraint): boolean {
  if (!releaseOk(v, c)) return false;
  if (c.dirty) return tilde(v, c);
  return v.compare(c.con) === 0;
}

function caret(v: Version, c: Constraint): boolean {
  if (!releaseOk(v, c)) return false;
  if (v.compare(c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0n && v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (c.con.minor === 0n && v.minor > 0n) return false;
  return c.con.patch === v.patch;
}
