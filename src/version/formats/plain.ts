/** A plain VERSION file: the whole content, less surrounding white space, is the version. */
import { lineAt, type VersionFormat } from './format.js';

export const plainFormat: VersionFormat = {
  name: 'plain VERSION file',
  example: '1.2.3 alone in a file named VERSION (or VERSION.txt)',
  missingHint: 'write the version, e.g. 0.1.0, as the only content of the file',
  claimsName: (path) => /(^|[/\\])VERSION(\.txt)?$/i.test(path),
  findSpots(text) {
    const start = text.length - text.trimStart().length;
    const end = text.trimEnd().length;
    const value = end > start ? text.slice(start, end) : '';
    return [{ start: Math.min(start, end), end: Math.max(start, end), value, line: lineAt(text, start) }];
  },
};
