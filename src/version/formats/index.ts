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

export function formatFor(path: string, text: string): VersionFormat {
  const byName = VERSION_FORMATS.find((f) => f.claimsName(path));
  if (byName) return byName;
  if (text.includes('<repo-version>')) return markdownFormat;
  const supported = VERSION_FORMATS.map((f) => f.example).join('; ');
  throw new DuatError(`cannot tell where the version is in ${basename(path)}`, {
    file: path,
    hint: `supported: ${supported}`,
  });
}
