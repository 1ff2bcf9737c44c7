/**
 * A version file format: where in a file's text the version is written. Every format finds "spots"
 * (character ranges holding a version) so that a rewrite replaces exactly those characters and keeps
 * every other byte of the file.
 */
export interface VersionSpot {
  /** Offset of the first character of the version text. */
  readonly start: number;
  /** Offset just after the version text. */
  readonly end: number;
  /** The version as written, decoded (HTML entities, JSON escapes) and trimmed; '' for a placeholder. */
  readonly value: string;
  /** 1-based line number of the spot. */
  readonly line: number;
  /** Written before the version when the spot is filled (an empty `:Revision:` gets its space). */
  readonly before?: string;
}

export interface VersionFormat {
  /** Short name for messages: 'Markdown <repo-version> tag'. */
  readonly name: string;
  /** What the format looks like, for the list of supported formats. */
  readonly example: string;
  /** True when this format is chosen by the file's name alone. */
  claimsName(path: string): boolean;
  /** The spots holding a version in `text`, in order. */
  findSpots(text: string): VersionSpot[];
  /** How to add a version to a file that has none. */
  readonly missingHint: string;
}

/** 1-based line number of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
