/**
 * The escapers of Go's text/template (funcs.go: HTMLEscapeString, JSEscapeString) and
 * net/url.QueryEscape, used by the `html`, `js` and `urlquery` builtins.
 */
import { toBytes } from './funcs/text/utf8.js';
import { isPrint } from './strconv.js';

/** template.HTMLEscapeString: escapes ' " & < > and replaces NUL with U+FFFD. */
export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s.charCodeAt(i)) {
      case 0:
        rep = '\uFFFD';
        break;
      case 0x22:
        rep = '&#34;'; // shorter than "&quot;"
        break;
      case 0x27:
        rep = '&#39;'; // shorter than "&apos;" and apos was not in HTML until HTML5
        break;
      case 0x26:
        rep = '&amp;';
        break;
      case 0x3c:
        rep = '&lt;';
        break;
      case 0x3e:
        rep = '&gt;';
        break;
      default:
        continue;
    }
    out += s.slice(last, i) + rep;
    last = i + 1;
  }
  return out + s.slice(last);
}

const HEX = '0123456789ABCDEF';

/**
 * template.JSEscapeString: backslash-escapes \ ' " , writes < > & = and control characters as
 * \uXXXX, keeps printable non-ASCII runes and writes the others as \uXXXX (%04X, so runes above
 * U+FFFF get five or six digits, as in Go).
 */
export function jsEscapeString(s: string): string {
  if (!needsJsEscape(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      switch (c) {
        case 0x5c:
          out += '\\\\';
          break;
        case 0x27:
          out += "\\'";
          break;
        case 0x22:
          out += '\\"';
          break;
        case 0x3c:
          out += '\\u003C';
          break;
        case 0x3e:
          out += '\\u003E';
          break;
        case 0x26:
          out += '\\u0026';
          break;
        case 0x3d:
          out += '\\u003D';
          break;
        default:
          if (c < 0x20) out += `\\u00${HEX[c >> 4]}${HEX[c & 0x0f]}`;
          else out += s[i];
      }
      continue;
    }
    const r = s.codePointAt(i) ?? c;
    const width = r > 0xffff ? 2 : 1;
    // A lone surrogate is a byte of invalid UTF-8 (funcs/text/utf8.ts): Go decodes RuneError, which
    // is printable, and copies the byte through.
    if (isPrint(r) || (r >= 0xd800 && r <= 0xdfff)) out += s.slice(i, i + width);
    else out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
    i += width - 1;
  }
  return out;
}

/** jsIsSpecial for any character of s. */
function needsJsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x80) return true;
    switch (c) {
      case 0x5c:
      case 0x27:
      case 0x22:
      case 0x3c:
      case 0x3e:
      case 0x26:
      case 0x3d:
        return true;
      default:
        break;
    }
  }
  return false;
}

/** net/url.QueryEscape: everything but A-Z a-z 0-9 - _ . ~ is %XX-escaped; space becomes '+'. */
export function urlQueryEscape(s: string): string {
  if (/^[A-Za-z0-9\-_.~]*$/.test(s)) return s;
  let out = '';
  for (const b of toBytes(s)) {
    if (
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      (b >= 0x30 && b <= 0x39) ||
      b === 0x2d ||
      b === 0x5f ||
      b === 0x2e ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += `%${HEX[b >> 4]}${HEX[b & 0x0f]}`;
    }
  }
  return out;
}
