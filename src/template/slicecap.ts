/**
 * Slice capacity as Go's runtime gives it. Go lets a template slice past a slice's length up to its
 * capacity (`slice .l 0 4` on a 3-element list decoded from JSON is `[3 1 2 <nil>]`), so the engine
 * tracks the capacity Go would have: JSON-decoded lists (grown by append), and what sprig functions
 * build with append or make. Arrays carry it under GO_CAP; without it, capacity is the length.
 *
 * The growth is runtime.growslice (nextslicecap, then roundupsize to the malloc size classes, with
 * the 8-byte malloc header on pointer-holding blocks over 512 bytes) for slices on the heap.
 */
import { GO_CAP, GO_TYPE, type GoSlice, type Value } from './value.js';

// internal/runtime/gc/sizeclasses.go (Go 1.26): SizeClassToSize.
const SIZE_CLASSES = [
  8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416,
  448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
  3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384,
  18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
];
const MAX_SMALL_SIZE = 32768;
const MALLOC_HEADER_SIZE = 8;
const MIN_SIZE_FOR_MALLOC_HEADER = 512;
const PAGE_SIZE = 8192;

/** runtime.roundupsize: the size the allocator really gives for `size` bytes. */
function roundupsize(size: number, noscan: boolean): number {
  if (size <= MAX_SMALL_SIZE - MALLOC_HEADER_SIZE) {
    const req = !noscan && size > MIN_SIZE_FOR_MALLOC_HEADER ? size + MALLOC_HEADER_SIZE : size;
    const cls = SIZE_CLASSES.find((c) => c >= req) ?? MAX_SMALL_SIZE;
    return cls - (req - size);
  }
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

/** runtime.nextslicecap */
function nextslicecap(newLen: number, oldCap: number): number {
  let newcap = oldCap;
  const doublecap = newcap + newcap;
  if (newLen > doublecap) return newLen;
  const threshold = 256;
  if (oldCap < threshold) return doublecap;
  for (;;) {
    newcap += (newcap + 3 * threshold) >> 2;
    if (newcap >= newLen) return newcap;
  }
}

/** Element kinds whose size and pointer-ness decide the growth. */
export type ElemKind = 'interface' | 'int' | 'string';
const ELEM: Record<ElemKind, { size: number; noscan: boolean }> = {
  interface: { size: 16, noscan: false },
  int: { size: 8, noscan: true },
  string: { size: 16, noscan: false },
};

/** The capacity after appending to a slice of capacity `oldCap` so it holds `newLen` elements. */
export function grownCap(oldCap: number, newLen: number, elem: ElemKind): number {
  const { size, noscan } = ELEM[elem];
  const newcap = nextslicecap(newLen, oldCap);
  return Math.floor(roundupsize(newcap * size, noscan) / size);
}

/** The capacity of a slice built by appending `n` elements one at a time to an empty one. */
export function appendedCap(n: number, elem: ElemKind): number {
  let cap = 0;
  for (let len = 1; len <= n; len++) if (len > cap) cap = grownCap(cap, len, elem);
  return cap;
}

/** The capacity Go gives a slice (the length when none was recorded). */
export function capOf(v: GoSlice): number {
  return v[GO_CAP] ?? v.length;
}

/** Records a capacity beyond the length (nothing to record when they are equal). */
export function withCap<T extends GoSlice>(v: T, cap: number): T {
  // Not enumerable: capacity is not part of a slice's value (reflect.DeepEqual ignores it too).
  if (cap > v.length) Object.defineProperty(v, GO_CAP, { value: cap, writable: true, configurable: true });
  return v;
}

/**
 * items[lo:hi] (or items[lo:hi:max]) as Go slices: indexes up to the capacity are allowed, and the
 * elements past the length are the zero value (what Go's unused backing array holds). The result's
 * capacity is (max or the capacity) - lo; it keeps the slice's Go type.
 */
export function sliceWithinCap(items: GoSlice, lo: number, hi: number, zero: Value, max?: number): GoSlice {
  const out: GoSlice = items.slice(lo, Math.min(hi, items.length));
  for (let i = Math.max(lo, items.length); i < hi; i++) out.push(zero);
  const tag = items[GO_TYPE];
  if (tag !== undefined) out[GO_TYPE] = tag;
  return withCap(out, (max ?? capOf(items)) - lo);
}
