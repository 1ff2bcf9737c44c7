/** Flags several commands share, spelled as the original tools spelled them. */
import { DEFAULT_VERSION_FILES } from '../version/version-file.js';
import type { FlagSpec } from './args.js';

/** `-f FILE[,FILE...]`: the version file, or candidates of which the first that exists is used. */
export function versionFileFlag(description: string): FlagSpec {
  return {
    name: 'f',
    aliases: ['file'],
    type: 'list',
    placeholder: 'FILE[,FILE...]',
    default: [...DEFAULT_VERSION_FILES],
    description,
  };
}

/** `-v`: verbose logging on stderr, and stack traces on errors. */
export function verboseFlag(description = 'Log what is done to stderr; stack traces on errors.'): FlagSpec {
  return { name: 'v', aliases: ['verbose'], type: 'boolean', description };
}
