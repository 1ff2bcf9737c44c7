/**
 * Target platforms (`linux/amd64`, `linux/arm/7`) and the original's artifact names:
 * `<command>-<goos>-<goarch>`, where the command is the folder's name scrubbed as the original's
 * ScrubForDocker did, and for arm the GOARM variant is appended to the arch (`arm7`).
 */
import { UsageError } from '../core/errors.js';
import { scrubForDocker } from '../core/names.js';

export interface Platform {
  readonly goos: string;
  readonly goarch: string;
  /** GOARM for arm ('5', '6', '7'); '' for none. */
  readonly goarm: string;
}

/** `linux/amd64`, `linux/arm/7`. */
export function platformLabel(platform: Platform): string {
  return `${platform.goos}/${platform.goarch}${platform.goarm ? `/${platform.goarm}` : ''}`;
}

/** Parses `os/arch` or `linux/arm/7` (a usage error otherwise). */
export function parsePlatform(text: string): Platform {
  const trimmed = text.trim();
  const match = /^([a-z0-9]+)\/([a-z0-9]+)(?:\/v?([5-7]))?$/.exec(trimmed);
  if (!match) {
    throw new UsageError(`"${text}" is not a platform`, {
      hint: 'write GOOS/GOARCH, e.g. linux/amd64,linux/arm64,darwin/arm64 (linux/arm/7 for GOARM=7)',
    });
  }
  const [, goos = '', goarch = '', goarm = ''] = match;
  if (goarm !== '' && goarch !== 'arm') {
    throw new UsageError(`"${text}": a variant is only for arm (linux/arm/7)`);
  }
  return { goos, goarch, goarm };
}

/**
 * The platforms to build: the list given, else the one `fallback` names (GOOS/GOARCH). An arm
 * platform without a variant takes `fallback.GOARM` (the GOARM environment variable, as the original).
 */
export function resolvePlatforms(
  given: readonly (string | Platform)[] | undefined,
  fallback: { GOOS: string; GOARCH: string; GOARM: string },
): Platform[] {
  const list = (
    given && given.length > 0
      ? given.map((p) => (typeof p === 'string' ? parsePlatform(p) : p))
      : [{ goos: fallback.GOOS, goarch: fallback.GOARCH, goarm: '' }]
  ).map((p) => (p.goarch === 'arm' && p.goarm === '' ? { ...p, goarm: fallback.GOARM } : p));
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = platformLabel(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The original's ScrubForDocker: characters outside [0-9A-Za-z._-] become '-', then lower case.
 */
export const scrubCommandName = scrubForDocker;

/**
 * The file name of a Go artifact: `<command>-<version>-<goos>-<goarch>[GOARM]`, plus `.exe` for windows (which
 * the original, never building for windows, did not add).
 */
export function artifactName(command: string, version: string, platform: Platform): string {
  const exe = platform.goos === 'windows' ? '.exe' : '';
  return `${scrubCommandName(command)}-${version}-${platform.goos}-${platform.goarch}${platform.goarm}${exe}`;
}
