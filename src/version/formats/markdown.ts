/**
 * `<repo-version>X</repo-version>` tags, as the original read them from README.md: matched on one line,
 * HTML tags inside stripped and entities unescaped before parsing. Used for Markdown files and for any
 * file that holds such a tag (Dockerfiles, YAML... with the tag in a comment).
 */
import { lineAt, type VersionFormat, type VersionSpot } from './format.js';

const TAG = /<repo-version>(.*?)<\/repo-version>/g;
const OPEN = '<repo-version>';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Unescapes the HTML entities a version could contain (numeric ones and the basic named ones). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

export const markdownFormat: VersionFormat = {
  name: 'Markdown <repo-version> tag',
  example: '<repo-version>1.2.3</repo-version> (README.md, *.md, or any file holding the tag)',
  missingHint: 'add a line such as "Version : <repo-version>0.1.0</repo-version>"',
  claimsName: (path) => /\.(md|markdown|mdx)$/i.test(path),
  findSpots(text) {
    const spots: VersionSpot[] = [];
    if (!text.includes(OPEN)) return spots;
    for (const m of text.matchAll(TAG)) {
      const start = (m.index ?? 0) + OPEN.length;
      const inner = m[1] ?? '';
      spots.push({
        start,
        end: start + inner.length,
        value: unescapeHtml(inner.replace(/<[^>]*>/g, '')).trim(),
        line: lineAt(text, start),
      });
    }
    return spots;
  },
};
