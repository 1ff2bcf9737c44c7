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
      const start = (m.index ?? 0) + m[0].indexOf(value, ':Revision:'.length);
      spots.push({ start, end: start + value.length, value, line: lineAt(text, start) });
    }
    return spots;
  },
};
