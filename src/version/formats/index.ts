/** Chooses the version format of a file: by its name, else by a <repo-version> tag in its text. */
import { basename } from 'node:path';
import { DuatError } from '../../core/errors.js';
import { asciidocFormat } from './asciidoc.js';
import type { VersionFormat } from './format.js';
import { markdownFormat } from './markdown.js';
import { packageJsonFormat } from './package-json.js';
import { plainFormat } from './plain.js';

export type { VersionFormat, VersionSpot } from './format.js';
export { asciidocFormat, markdownFormat, packageJsonFormat, plainFormat };

export const VERSION_FORMATS: readonly VersionFormat[] = [
  packageJsonFormat,
  markdownFormat,
  asciidocFormat,
  plainFormat,
];

/**
 * A file named like a plain VERSION file but holding a <repo-version> tag is read by its tag: the
 * original read the tag from any file, so `x <repo-version>1.2.3</repo-version>` in VERSION is 1.2.3.
 */
export function formatFor(path: string, text: string): VersionFormat {
  const byName = VERSION_FORMATS.find((f) => f.claimsName(path));
  const holdsTag = text.includes('<repo-version>');
  if (byName && !(byName === plainFormat && holdsTag)) return byName;
  if (holdsTag) return markdownFormat;
  const supported = VERSION_FORMATS.map((f) => f.example).join('; ');
  throw new DuatError(`cannot tell where the version is in ${basename(path)}`, {
    file: path,
    hint: `supported: ${supported}`,
  });
}
