/**
 * sprig's environment functions: `env` is os.Getenv and `expandenv` is os.ExpandEnv (Go 1.26
 * os/env.go), both reading the FuncContext's environment.
 */
import { defineFunc, type GoFunc } from '../value.js';
import type { FuncContext } from './context.js';

/** os.isShellSpecialVar: characters naming special shell variables such as $* and $1. */
function isShellSpecialVar(c: string | undefined): boolean {
  return c !== undefined && '*#$@!?-0123456789'.includes(c);
}

/** os.isAlphaNum: an ASCII letter, digit or underscore. */
function isAlphaNum(c: string | undefined): boolean {
  return c !== undefined && /^[_0-9a-zA-Z]$/.test(c);
}

/**
 * os.getShellName: the variable name at the start of s (which follows a '$') and how many
 * characters it takes. A name of "" with w > 0 is bad syntax ("${}", unterminated "${"), eaten.
 */
function getShellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && isShellSpecialVar(s[1]) && s[2] === '}') return [s.slice(1, 2), 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (isShellSpecialVar(s[0])) return [s.slice(0, 1), 1];
  let i = 0;
  while (i < s.length && isAlphaNum(s[i])) i++;
  return [s.slice(0, i), i];
}

/**
 * os.Expand: replaces $var and ${var} using mapping. A '$' not followed by a name is kept; bad
 * syntax ("${}", "${" without "}") is removed.
 */
export function expand(s: string, mapping: (name: string) => string): string {
  let buf: string | undefined;
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      buf = (buf ?? '') + s.slice(i, j);
      const [name, w] = getShellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // invalid syntax: eat the characters
      } else if (name === '') {
        buf += '$';
      } else {
        buf += mapping(name);
      }
      j += w;
      i = j + 1;
    }
  }
  return buf === undefined ? s : buf + s.slice(i);
}

export function envFuncs(ctx: FuncContext): Record<string, GoFunc> {
  const getenv = (name: string): string => ctx.getenv(name) ?? '';
  return {
    env: defineFunc('env', { params: ['string'], result: 'string' }, (name) => getenv(name as string)),
    expandenv: defineFunc('expandenv', { params: ['string'], result: 'string' }, (s) =>
      expand(s as string, getenv),
    ),
  };
}
