/**
 * duat as a library: everything the command line does, as typed functions.
 *
 *   import { readVersion, bumpVersion, prerelease, gitInfo } from 'duat';
 */

export { writeFileAtomic } from './core/atomic-write.js';
// Errors and plumbing
export { DuatError, UsageError } from './core/errors.js';
export { acquireFileLock, withFileLock } from './core/lock.js';
export { createLogger, type Logger, silentLogger } from './core/log.js';
export { redact, registerSecret, stripUrlCredentials } from './core/redact.js';

// Git metadata
export {
  CI_BRANCH_VARIABLES,
  type GitInfo,
  type GitInfoOptions,
  gitInfo,
  requireBranch,
} from './git/info.js';
export { repositoryName } from './git/remote-url.js';
export { findRepository, type RepositoryLocation, requireRepository } from './git/repository.js';
// semver tool
export {
  bumpVersion,
  nextReleaseCandidate,
  runSemver,
  SEMVER_COMMANDS,
  type SemverCommand,
  type SemverOptions,
  type SemverResult,
} from './semver/semver-tool.js';
export { formatFor, VERSION_FORMATS, type VersionFormat } from './version/formats/index.js';
export {
  type ParsedPrerelease,
  parsePrerelease,
  prerelease,
  prereleaseLabel,
  sanitizeBranch,
  stampTime,
} from './version/prerelease.js';
// Versions
export {
  type BumpKind,
  compareVersions,
  formatVersion,
  incrementVersion,
  isVersion,
  normalizeVersion,
  parseVersion,
  type Version,
  withPrerelease,
} from './version/semver.js';
export { decodeStamp, encodeStamp, STAMP_ALPHABET } from './version/stamp.js';
export {
  applyVersion,
  DEFAULT_VERSION_FILES,
  loadVersionFile,
  type ReadVersionResult,
  readVersion,
  resolveVersionFile,
  type UpdateResult,
  updateVersionFile,
} from './version/version-file.js';
