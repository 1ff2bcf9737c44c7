/**
 * sprig's path functions: base, dir, clean, ext, isAbs are Go's package path; osBase, osClean, osDir,
 * osExt, osIsAbs are path/filepath, which on Linux (the only OS duat targets) behave the same way
 * ('/' separator, no volume names).
 */
import { defineFunc, type GoFunc, type Value } from '../value.js';
import type { FuncContext } from './context.js';

/** path.Clean: the shortest equivalent path by purely lexical processing. */
export function clean(path: string): string {
  if (path === '') return '.';
  const rooted = path[0] === '/';
  const n = path.length;
  const out: string[] = [];
  let r = 0;
  let dotdot = 0;
  if (rooted) {
    out.push('/');
    r = 1;
    dotdot = 1;
  }
  while (r < n) {
    if (path[r] === '/') {
      r++;
    } else if (path[r] === '.' && (r + 1 === n || path[r + 1] === '/')) {
      r++;
    } else if (path[r] === '.' && path[r + 1] === '.' && (r + 2 === n || path[r + 2] === '/')) {
      r += 2;
      if (out.length > dotdot) {
        // Back up to (and drop) the previous '/'.
        let w = out.length - 1;
        while (w > dotdot && out[w] !== '/') w--;
        out.length = w;
      } else if (!rooted) {
        if (out.length > 0) out.push('/');
        out.push('.', '.');
        dotdot = out.length;
      }
    } else {
      if ((rooted && out.length !== 1) || (!rooted && out.length !== 0)) out.push('/');
      for (; r < n && path[r] !== '/'; r++) out.push(path[r] as string);
    }
  }
  if (out.length === 0) return '.';
  return out.join('');
}

/** path.Base: the last element; "." for "", "/" for only slashes. */
export function base(path0: string): string {
  if (path0 === '') return '.';
  let path = path0;
  while (path.length > 0 && path.endsWith('/')) path = path.slice(0, -1);
  const i = path.lastIndexOf('/');
  if (i >= 0) path = path.slice(i + 1);
  return path === '' ? '/' : path;
}

/** path.Dir: Clean of everything up to the last '/'. */
export function dir(path: string): string {
  return clean(path.slice(0, path.lastIndexOf('/') + 1));
}

/** path.Ext: from the last '.' of the last element, or "". */
export function ext(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) {
    if (path[i] === '.') return path.slice(i);
  }
  return '';
}

export const isAbs = (path: string): boolean => path.startsWith('/');

export function pathFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const out: Record<string, GoFunc> = {};
  const add = (names: string[], result: string, impl: (p: string) => Value): void => {
    for (const name of names)
      out[name] = defineFunc(name, { params: ['string'], result }, (p) => impl(p as string));
  };
  add(['base', 'osBase'], 'string', base);
  add(['dir', 'osDir'], 'string', dir);
  add(['clean', 'osClean'], 'string', clean);
  add(['ext', 'osExt'], 'string', ext);
  add(['isAbs', 'osIsAbs'], 'bool', isAbs);
  return out;
}
