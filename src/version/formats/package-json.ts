/**
 * The top-level "version" of a package.json. A small scanner finds the exact characters of that string
 * (a nested "version", say a dependency named version, is not it), so the rewrite keeps the file's
 * formatting.
 */
import { lineAt, type VersionFormat, type VersionSpot } from './format.js';

/** Offsets of JSON string tokens at depth 1 of the top-level object, paired key -> value. */
function findTopLevelString(
  text: string,
  wantedKey: string,
): { start: number; end: number; raw: string } | undefined {
  let depth = 0;
  let expectKey = false;
  let lastKey: string | undefined;
  let afterColon = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i + 1, j);
      if (depth === 1 && expectKey) {
        lastKey = JSON.parse(`"${raw}"`) as string;
        expectKey = false;
      } else if (depth === 1 && afterColon && lastKey === wantedKey) {
        return { start: i + 1, end: j, raw };
      }
      afterColon = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
      afterColon = false;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    } else if (c === ':' && depth === 1) {
      afterColon = true;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
      afterColon = false;
    }
  }
  return undefined;
}

export const packageJsonFormat: VersionFormat = {
  name: 'package.json "version"',
  example: '"version": "1.2.3" (package.json)',
  missingHint: 'add "version": "0.1.0" to the top-level object',
  claimsName: (path) => /(^|[/\\])package\.json$/.test(path),
  findSpots(text) {
    JSON.parse(text.replace(/^\uFEFF/, '')); // a syntax error is reported by the caller with the file name
    const found = findTopLevelString(text, 'version');
    if (!found) return [];
    const spot: VersionSpot = {
      start: found.start,
      end: found.end,
      value: (JSON.parse(`"${found.raw}"`) as string).trim(),
      line: lineAt(text, found.start),
    };
    return [spot];
  },
};
