/** AsciiDoc `:Revision: X` attribute lines, as the original read them from README.adoc. */
import { lineAt, type VersionFormat, type VersionSpot } from './format.js';

const REVISION = /^:Revision:[ \t]*(.*?)[ \t]*$/gm;

export const asciidocFormat: VersionFormat = {
  name: 'AsciiDoc :Revision: attribute',
  example: ':Revision: 1.2.3 (*.adoc)',
  missingHint: 'add a header line ":Revision: 0.1.0"',
  claimsName: (path) => /\.(adoc|asciidoc|asc)$/i.test(path),
  findSpots(text) {
    const spots: VersionSpot[] = [];
    for (const m of text.matchAll(REVISION)) {
      const value = m[1] ?? '';
      const at = m.index ?? 0;
      if (value === '') {
        // An empty attribute: the version replaces any blanks after the colon, one space before it,
        // as the original wrote it (`:Revision: 1.0.0`).
        const start = at + ':Revision:'.length;
        spots.push({ start, end: at + m[0].length, value, line: lineAt(text, start), before: ' ' });
        continue;
      }
      const start = at + m[0].indexOf(value, ':Revision:'.length);
      spots.push({ start, end: start + value.length, value, line: lineAt(text, start) });
    }
    return spots;
  },
};
