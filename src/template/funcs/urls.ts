/**
 * sprig v3.3.0's url.go: urlParse gives the dict sprig builds from net/url.Parse (scheme, host,
 * hostname, path, query, opaque, fragment, userinfo) and panics with `unable to parse url: parse
 * "...": ...`; urlJoin builds a url.URL from such a dict and returns its String().
 */
import { defineFunc, type GoFunc, type GoMap, kindOf, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { NIL_DEREFERENCE } from './convert.js';
import { emptyURL, hostname, parseURL, UrlError, urlString, userinfoString } from './text/neturl.js';

function urlParse(v: string): GoMap {
  let u: ReturnType<typeof parseURL>;
  try {
    u = parseURL(v);
  } catch (e) {
    if (e instanceof UrlError) throw new Error(`unable to parse url: ${e.message}`);
    throw e;
  }
  return new Map<string, Value>([
    ['scheme', u.scheme],
    ['host', u.host],
    ['hostname', hostname(u)],
    ['path', u.path],
    ['query', u.rawQuery],
    ['opaque', u.opaque],
    ['fragment', u.fragment],
    ['userinfo', u.user === undefined ? '' : userinfoString(u.user)],
  ]);
}

/** sprig's dictGetOrEmpty: "" when missing; panics unless the value is a string. */
function dictGetOrEmpty(dict: GoMap, key: string): string {
  if (!dict.has(key)) return '';
  const value = dict.get(key);
  // reflect.TypeOf(nil).Kind() dereferences a nil Type.
  if (value === null || value === undefined) throw new Error(NIL_DEREFERENCE);
  const kind = kindOf(value);
  if (kind !== 'string') {
    throw new Error(`unable to parse ${key} key, must be of type string, but ${kind} found`);
  }
  return value as string;
}

function urlJoin(d: GoMap): string {
  const u = emptyURL();
  u.scheme = dictGetOrEmpty(d, 'scheme');
  u.host = dictGetOrEmpty(d, 'host');
  u.path = dictGetOrEmpty(d, 'path');
  u.rawQuery = dictGetOrEmpty(d, 'query');
  u.opaque = dictGetOrEmpty(d, 'opaque');
  u.fragment = dictGetOrEmpty(d, 'fragment');
  const userinfo = dictGetOrEmpty(d, 'userinfo');
  if (userinfo !== '') {
    try {
      u.user = parseURL(`proto://${userinfo}@host`).user;
    } catch (e) {
      if (e instanceof UrlError) throw new Error(`unable to parse userinfo in dict: ${e.message}`);
      throw e;
    }
  }
  return urlString(u);
}

export function urlFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  return {
    urlParse: defineFunc('urlParse', { params: ['string'], result: 'map[string]interface {}' }, (v) =>
      urlParse(v as string),
    ),
    urlJoin: defineFunc('urlJoin', { params: ['map[string]interface {}'], result: 'string' }, (d) =>
      urlJoin(d as GoMap),
    ),
  };
}
