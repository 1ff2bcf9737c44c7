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

// stencil: Go text/template with sprig, Helm's and the original's extras (duat stencil)

export { awsContext } from './aws/context.js';
export { defaultEcrHost } from './aws/ecr-host.js';
export {
  buildStencilData,
  parseValuesFlag,
  readValuesFile,
  renderStencil,
  type StencilDataOptions,
  type StencilOptions,
  type StencilResult,
  scrubForDocker,
} from './stencil/index.js';
export { type FuncContext, fixedContext, sprigFuncs, systemContext } from './template/funcs/index.js';
export {
  defineFunc,
  FuncError,
  type FuncMap,
  fromJSON,
  type GoFunc,
  GoInt,
  GoObject,
  goInt,
  helmTemplateFuncs,
  renderTemplate,
  Template,
  TemplateError,
  type TemplateOptions,
  type Value,
} from './template/index.js';

// build: stamped Go builds and npm packs (duat build)

export { type Artifact, fileDigest } from './build/artifact.js';
export { BuildError, type BuildFailure, type BuildOptions, build } from './build/build.js';
export {
  type BuildCommand,
  type FindCommandsOptions,
  findCommands,
  type GoCommand,
  type NpmCommand,
} from './build/find-commands.js';
export { type GoTestOptions, goTest } from './build/go-test.js';
export { npmTarballName } from './build/npm-package.js';
export {
  artifactName,
  type Platform,
  parsePlatform,
  platformLabel,
  scrubCommandName,
} from './build/platform.js';
export {
  formatBuildTime,
  parseStampSpec,
  resolveStampValues,
  STAMP_FIELDS,
  type StampSpec,
  type StampValues,
  type StampValuesOptions,
} from './build/stamp.js';
// git-watch: poll repositories and run a job per new commit, exactly once (duat git-watch)
export { formatDuration, parseDuration } from './core/duration.js';
// image: registry client, naming conventions, exists, promote and prune (duat image)
export {
  type ImageExistsOptions,
  type ImageExistsResult,
  imageExists,
} from './image/exists.js';
export {
  type ImageName,
  type ImageNameOptions,
  imageRepository,
  imageTag,
  resolveImageName,
  resolveRegistry,
} from './image/naming.js';
export {
  defaultDestinationTag,
  type PromoteOptions,
  type PromoteResult,
  type Promotion,
  type PromotionOptions,
  promoteImage,
  resolvePromotion,
} from './image/promote.js';
export {
  applyPrune,
  formatPlan,
  type PruneOptions,
  type PruneOutcome,
  type PrunePlan,
  type PruneResult,
  type PruneRow,
  parseAge,
  planPrune,
} from './image/prune.js';
export { parseChallenges, repositoryScope } from './registry/auth.js';
export {
  type BlobCopyResult,
  copyBlob,
  type ManifestHead,
  RegistryClient,
  type RegistryClientOptions,
  RegistryClients,
  type UploadMode,
} from './registry/client.js';
export {
  type Credentials,
  dockerConfigCredentials,
  readDockerConfig,
} from './registry/docker-config.js';
export { clearEcrTokenCache, ecrCredentials, parseEcrHost } from './registry/ecr.js';
export { RegistryError } from './registry/errors.js';
export {
  type Descriptor,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  manifestContents,
  type RawManifest,
} from './registry/manifest.js';
export {
  formatReference,
  type ImageReference,
  isLoopbackRegistry,
  parseReference,
} from './registry/reference.js';
// github-release: publish files to the GitHub release of the current version (duat github-release)
export {
  deleteAsset,
  downloadAssetText,
  type GitHubAsset,
  listAssets,
  type UploadOptions,
  type UploadProgress,
  uploadAsset,
} from './release/assets.js';
export { CHECKSUMS_NAME, formatChecksums, parseChecksums, sha256File } from './release/checksums.js';
export { contentTypeFor } from './release/content-type.js';
export {
  type AssetFile,
  type ExpandedFiles,
  expandFilePatterns,
  githubAssetName,
  parseFileList,
} from './release/files.js';
export {
  createGitHubClient,
  DEFAULT_API_URL,
  type GitHubClient,
  type GitHubClientOptions,
} from './release/github-client.js';
export { describeGitHubError } from './release/github-errors.js';
export { glob, globMatch } from './release/glob.js';
export { type AssetStep, type HashedFile, planAssets, type SameBasis } from './release/plan.js';
export {
  type PublishedAsset,
  type PublishOptions,
  type PublishResult,
  type PublishTuning,
  publishRelease,
  publishToTarget,
} from './release/publish.js';
export {
  type EnsuredRelease,
  ensureRelease,
  type GitHubRelease,
  getReleaseByTag,
  type ReleaseRequest,
  type RepoRef,
} from './release/release.js';
export {
  parseRepoSlug,
  type ReleaseTarget,
  type ReleaseTargetOptions,
  resolveReleaseTarget,
} from './release/target.js';
export * as gitWatch from './watch/index.js';
export {
  type JobSpec,
  LocalRunner,
  namespaceFor,
  pollOnce,
  type Runner,
  type RunRecord,
  readRunLog,
  readStatus,
  type WatchCallOptions,
  type WatchSummary,
  watch,
} from './watch/index.js';
