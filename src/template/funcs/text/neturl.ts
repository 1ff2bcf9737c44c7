/**
 * The parts of Go 1.26's net/url that sprig's urlParse and urlJoin use: Parse (with its errors, such as
 * `parse "http://[::1": missing ']' in host`), Hostname, Userinfo.String and URL.String, ported over
 * the bytes of the string. Host literals in brackets are checked as net/netip.ParseAddr checks them.
 */
import { quote as goQuote } from '../../strconv.js';
import { fromBytes, toBytes } from './utf8.js';

type Mode = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

/** net/url's shouldEscape (the rules its encoding table is generated from). */
function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'pathSegment':
        return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case 'userPassword':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

export class UrlError extends Error {}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function unhex(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

/** net/url's unescape; throws UrlError with EscapeError / InvalidHostError text. */
function urlUnescape(s0: string, mode: Mode): string {
  const s = toBytes(s0);
  let n = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length; ) {
    const c = s[i] as number;
    if (c === 0x25) {
      n++;
      if (i + 2 >= s.length || !isHex(s[i + 1] as number) || !isHex(s[i + 2] as number)) {
        const bad = s.subarray(i, Math.min(i + 3, s.length));
        throw new UrlError(`invalid URL escape ${goQuote(fromBytes(bad))}`);
      }
      const esc = fromBytes(s.subarray(i, i + 3));
      if (mode === 'host' && unhex(s[i + 1] as number) < 8 && esc !== '%25') {
        throw new UrlError(`invalid URL escape ${goQuote(esc)}`);
      }
      if (mode === 'zone') {
        const v = (unhex(s[i + 1] as number) << 4) | unhex(s[i + 2] as number);
        if (esc !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
          throw new UrlError(`invalid URL escape ${goQuote(esc)}`);
        }
      }
      i += 3;
    } else if (c === 0x2b) {
      hasPlus = mode === 'queryComponent';
      i++;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new UrlError(`invalid character ${goQuote(String.fromCharCode(c))} in host name`);
      }
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s0;
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as number;
    if (c === 0x25) {
      out.push((unhex(s[i + 1] as number) << 4) | unhex(s[i + 2] as number));
      i += 2;
    } else if (c === 0x2b) {
      out.push(mode === 'queryComponent' ? 0x20 : 0x2b);
    } else {
      out.push(c);
    }
  }
  return fromBytes(Uint8Array.from(out));
}

const UPPERHEX = '0123456789ABCDEF';

/** net/url's escape. */
export function urlEscape(s: string, mode: Mode): string {
  const b = toBytes(s);
  if (!b.some((c) => shouldEscape(c, mode))) return s;
  let out = '';
  for (const c of b) {
    if (c === 0x20 && mode === 'queryComponent') out += '+';
    else if (shouldEscape(c, mode)) out += `%${UPPERHEX[c >> 4]}${UPPERHEX[c & 15]}`;
    else out += String.fromCharCode(c);
  }
  return out;
}

export interface Userinfo {
  username: string;
  password: string;
  passwordSet: boolean;
}

export function userinfoString(u: Userinfo): string {
  let s = urlEscape(u.username, 'userPassword');
  if (u.passwordSet) s += `:${urlEscape(u.password, 'userPassword')}`;
  return s;
}

export interface URL {
  scheme: string;
  opaque: string;
  user: Userinfo | undefined;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

export function emptyURL(): URL {
  return {
    scheme: '',
    opaque: '',
    user: undefined,
    host: '',
    path: '',
    rawPath: '',
    omitHost: false,
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  };
}

/** getScheme: [scheme, rest]. */
function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '.') {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new UrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function cut(s: string, sep: string): [string, string, boolean] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, '', false] : [s.slice(0, i), s.slice(i + sep.length), true];
}

/** url.Parse; throws UrlError whose message is the *url.Error text (`parse "x": ...`). */
export function parseURL(raw: string): URL {
  const [u, frag] = cut(raw, '#');
  let url: URL;
  try {
    url = parse(u);
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${goQuote(u)}: ${e.message}`);
    throw e;
  }
  if (frag === '') return url;
  try {
    setFragment(url, frag);
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${goQuote(raw)}: ${e.message}`);
    throw e;
  }
  return url;
}

function parse(raw: string): URL {
  // stringContainsCTLByte
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new UrlError('net/url: invalid control character in URL');
  }
  const url = emptyURL();
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  let rest: string;
  [url.scheme, rest] = getScheme(raw);
  url.scheme = url.scheme.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    [rest, url.rawQuery] = cut(rest, '?');
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      // Rootless paths are opaque (RFC 3986).
      url.opaque = rest;
      return url;
    }
    const [segment] = cut(rest, '/');
    if (segment.includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    [url.user, url.host] = parseAuthority(url.scheme, authority);
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  setPath(url, rest);
  return url;
}

function validUserinfo(s: string): boolean {
  for (const ch of s) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

function parseAuthority(scheme: string, authority: string): [Userinfo | undefined, string] {
  const i = authority.lastIndexOf('@');
  const host = parseHost(scheme, i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return [undefined, host];
  const userinfo = authority.slice(0, i);
  if (!validUserinfo(userinfo)) throw new UrlError('net/url: invalid userinfo');
  if (!userinfo.includes(':')) {
    return [{ username: urlUnescape(userinfo, 'userPassword'), password: '', passwordSet: false }, host];
  }
  const [username, password] = cut(userinfo, ':');
  return [
    {
      username: urlUnescape(username, 'userPassword'),
      password: urlUnescape(password, 'userPassword'),
      passwordSet: true,
    },
    host,
  ];
}

/** validOptionalPort: "" or ":" followed by digits. */
function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  return /^:[0-9]*$/.test(port);
}

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new UrlError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
    const unescapedColonPort = urlUnescape(colonPort, 'host');
    const hostname = host.slice(1, close);
    let unescapedHostname: string;
    const zoneIdx = hostname.indexOf('%25');
    if (zoneIdx >= 0) {
      unescapedHostname =
        urlUnescape(hostname.slice(0, zoneIdx), 'host') + urlUnescape(hostname.slice(zoneIdx), 'zone');
    } else {
      unescapedHostname = urlUnescape(hostname, 'host');
    }
    const is4 = parseAddr(unescapedHostname);
    if (is4) throw new UrlError('invalid IP-literal');
    return `[${unescapedHostname}]${unescapedColonPort}`;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const lastColon = host.lastIndexOf(':');
    // Several colons are only refused for http and https (GODEBUG urlstrictcolons, on in Go 1.26).
    if (lastColon !== i && scheme !== 'http' && scheme !== 'https') i = lastColon;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
  }
  return urlUnescape(host, 'host');
}

function setPath(url: URL, p: string): void {
  const path = urlUnescape(p, 'path');
  url.path = path;
  url.rawPath = urlEscape(path, 'path') === p ? '' : p;
}

function setFragment(url: URL, f: string): void {
  const frag = urlUnescape(f, 'fragment');
  url.fragment = frag;
  url.rawFragment = urlEscape(frag, 'fragment') === f ? '' : f;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of toBytes(s)) {
    if ("!$&'()*+,;=:@[]%".includes(String.fromCharCode(c)) && c < 0x80) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

function escapedPath(u: URL): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    try {
      if (urlUnescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch (e) {
      if (!(e instanceof UrlError)) throw e;
    }
  }
  if (u.path === '*') return '*';
  return urlEscape(u.path, 'path');
}

function escapedFragment(u: URL): string {
  if (u.rawFragment !== '' && validEncoded(u.rawFragment, 'fragment')) {
    try {
      if (urlUnescape(u.rawFragment, 'fragment') === u.fragment) return u.rawFragment;
    } catch (e) {
      if (!(e instanceof UrlError)) throw e;
    }
  }
  return urlEscape(u.fragment, 'fragment');
}

/** URL.String. */
export function urlString(u: URL): string {
  let buf = '';
  if (u.scheme !== '') buf += `${u.scheme}:`;
  if (u.opaque !== '') {
    buf += u.opaque;
  } else {
    if (u.scheme !== '' || u.host !== '' || u.user !== undefined) {
      if (!(u.omitHost && u.host === '' && u.user === undefined)) {
        if (u.host !== '' || u.path !== '' || u.user !== undefined) buf += '//';
        if (u.user !== undefined) buf += `${userinfoString(u.user)}@`;
        if (u.host !== '') buf += urlEscape(u.host, 'host');
      }
    }
    const path = escapedPath(u);
    if (path !== '' && path[0] !== '/' && u.host !== '') buf += '/';
    if (buf.length === 0) {
      // A first segment with a colon would read as a scheme: prefix "./".
      const [segment] = cut(path, '/');
      if (segment.includes(':')) buf += './';
    }
    buf += path;
  }
  if (u.forceQuery || u.rawQuery !== '') buf += `?${u.rawQuery}`;
  if (u.fragment !== '') buf += `#${escapedFragment(u)}`;
  return buf;
}

/** URL.Hostname: the host without port and brackets. */
export function hostname(u: URL): string {
  let host = u.host;
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) host = host.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

// ---- net/netip.ParseAddr (validation only) ------------------------------------------------------

class ParseAddrError extends UrlError {
  constructor(input: string, msg: string, at = '') {
    super(`invalid host: ParseAddr(${goQuote(input)}): ${msg}${at !== '' ? ` (at ${goQuote(at)})` : ''}`);
  }
}

/** Checks s as netip.ParseAddr does; returns true for an IPv4 address, false for IPv6. */
function parseAddr(s: string): boolean {
  for (const c of s) {
    if (c === '.') {
      parseIPv4Fields(s, 0, s.length);
      return true;
    }
    if (c === ':') {
      parseIPv6(s);
      return false;
    }
    if (c === '%') throw new ParseAddrError(s, 'missing IPv6 address');
  }
  throw new ParseAddrError(s, 'unable to parse IP');
}

function parseIPv4Fields(input: string, off: number, end: number): void {
  const s = input.slice(off, end);
  let val = 0;
  let pos = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c >= '0' && c <= '9') {
      if (digLen === 1 && val === 0)
        throw new ParseAddrError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c.charCodeAt(0) - 0x30);
      digLen++;
      if (val > 255) throw new ParseAddrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw new ParseAddrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (pos === 3) throw new ParseAddrError(input, 'IPv4 address too long');
      pos++;
      val = 0;
      digLen = 0;
    } else {
      throw new ParseAddrError(input, 'unexpected character', s.slice(i));
    }
  }
  if (pos < 3) throw new ParseAddrError(input, 'IPv4 address too short');
}

function parseIPv6(input: string): void {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') throw new ParseAddrError(input, 'zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const c = s[off] as string;
      if (!/[0-9a-fA-F]/.test(c)) break;
      acc = acc * 16 + Number.parseInt(c, 16);
      if (off > 3) throw new ParseAddrError(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) throw new ParseAddrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0)
      throw new ParseAddrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) {
        throw new ParseAddrError(
          input,
          'embedded IPv4 address must replace the final 2 fields of the address',
          s,
        );
      }
      if (i + 4 > 16) {
        throw new ParseAddrError(
          input,
          'too many hex fields to fit an embedded IPv4 at the end of the address',
          s,
        );
      }
      let end = input.length;
      if (zone.length > 0) end -= zone.length + 1;
      parseIPv4Fields(input, end - s.length, end);
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':') throw new ParseAddrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw new ParseAddrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw new ParseAddrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) throw new ParseAddrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw new ParseAddrError(input, 'address string too short');
  } else if (ellipsis >= 0) {
    throw new ParseAddrError(input, 'the :: must expand to at least one field of zeros');
  }
}
