/**
 * AWS ECR: registries named ACCOUNT.dkr.ecr.REGION.amazonaws.com. Registry credentials come from
 * GetAuthorizationToken through the AWS SDK (the standard credential chain: environment, shared
 * files, profiles, SSO, container and instance roles) and are cached until shortly before they expire.
 * Tag listing and deletion for prune use ListImages and BatchDeleteImage; promote creates a missing
 * repository as the original did. The SDK is loaded only when an ECR registry is used.
 */
import type { BatchGetImageCommandOutput, ECRClient, ListImagesCommandOutput } from '@aws-sdk/client-ecr';
import { DuatError, errorMessage } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { checkDigest } from './digest.js';
import type { Credentials } from './docker-config.js';
import type { RawManifest } from './manifest.js';

export interface EcrRegistry {
  readonly account: string;
  readonly region: string;
  readonly host: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?::443)?$/;

/** The account and region of an ECR registry host, or undefined for any other registry. */
export function parseEcrHost(registry: string): EcrRegistry | undefined {
  const m = ECR_HOST.exec(registry.toLowerCase());
  if (!m) return undefined;
  return { account: m[1] as string, region: m[2] as string, host: registry };
}

export interface EcrOptions {
  env?: NodeJS.ProcessEnv;
  /** The ECR API endpoint (default: AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL, else AWS's). */
  endpoint?: string;
  now?: () => number;
}

interface CachedToken {
  readonly username: string;
  readonly password: string;
  readonly expiresAt: number;
}

/** Tokens by region and endpoint; ECR tokens last 12 hours, renewed 5 minutes early. */
const tokenCache = new Map<string, CachedToken>();
const RENEW_EARLY_MS = 5 * 60 * 1000;

/** Calls to GetAuthorizationToken made by this process (tests check the cache with it). */
export const ecrStats = { tokenRequests: 0 };

function endpointOf(options: EcrOptions): string | undefined {
  const env = options.env ?? process.env;
  return options.endpoint ?? (env.AWS_ENDPOINT_URL_ECR || env.AWS_ENDPOINT_URL || undefined);
}

const clients = new Map<string, ECRClient>();

async function client(region: string, options: EcrOptions): Promise<ECRClient> {
  const endpoint = endpointOf(options);
  const key = `${region} ${endpoint ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    const { ECRClient } = await import('@aws-sdk/client-ecr');
    c = new ECRClient({ region, maxAttempts: 4, ...(endpoint ? { endpoint } : {}) });
    clients.set(key, c);
  }
  return c;
}

/** Closes the SDK clients (sockets) this process opened. */
export function closeEcrClients(): void {
  for (const c of clients.values()) c.destroy();
  clients.clear();
}

function awsError(what: string, ecr: EcrRegistry, err: unknown): DuatError {
  const name = (err as { name?: string }).name ?? '';
  const hint =
    name === 'CredentialsProviderError' || /credential/i.test(errorMessage(err))
      ? 'configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws/credentials)'
      : name === 'AccessDeniedException'
        ? `the AWS identity needs ecr:${what} on ${ecr.host}`
        : undefined;
  return new DuatError(`ECR ${what} for ${ecr.host} failed: ${name ? `${name}: ` : ''}${errorMessage(err)}`, {
    hint,
    cause: err,
  });
}

/** Registry credentials for an ECR host (user AWS and a 12-hour password), cached. */
export async function ecrCredentials(ecr: EcrRegistry, options: EcrOptions = {}): Promise<Credentials> {
  const now = (options.now ?? Date.now)();
  const key = `${ecr.region} ${endpointOf(options) ?? ''}`;
  const cached = tokenCache.get(key);
  if (cached && cached.expiresAt - RENEW_EARLY_MS > now) {
    return {
      username: cached.username,
      password: cached.password,
      source: 'ECR GetAuthorizationToken (cached)',
    };
  }
  const { GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const c = await client(ecr.region, options);
  ecrStats.tokenRequests++;
  let data: { authorizationToken?: string; expiresAt?: Date } | undefined;
  try {
    const out = await c.send(new GetAuthorizationTokenCommand({}));
    data = out.authorizationData?.[0];
  } catch (err) {
    throw awsError('GetAuthorizationToken', ecr, err);
  }
  if (!data?.authorizationToken) {
    throw new DuatError(`ECR GetAuthorizationToken for ${ecr.host} returned no token`);
  }
  registerSecret(data.authorizationToken);
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new DuatError('the ECR authorization token is not base64 of user:password');
  const token: CachedToken = {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    expiresAt: data.expiresAt ? data.expiresAt.getTime() : now + 12 * 3600 * 1000,
  };
  registerSecret(token.password);
  tokenCache.set(key, token);
  return { username: token.username, password: token.password, source: 'ECR GetAuthorizationToken' };
}

/** Forgets cached ECR tokens. */
export function clearEcrTokenCache(): void {
  tokenCache.clear();
}

export interface EcrTag {
  readonly tag: string;
  readonly digest: string;
}

/** Every tag of an ECR repository with its digest (ListImages, all pages). */
export async function ecrListTags(
  ecr: EcrRegistry,
  repository: string,
  options: EcrOptions = {},
): Promise<EcrTag[]> {
  const { ListImagesCommand } = await import('@aws-sdk/client-ecr');
  const c = await client(ecr.region, options);
  const out: EcrTag[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    let res: ListImagesCommandOutput;
    try {
      res = await c.send(
        new ListImagesCommand({
          registryId: ecr.account,
          repositoryName: repository,
          filter: { tagStatus: 'TAGGED' },
          maxResults: 1000,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    } catch (err) {
      throw awsError('ListImages', ecr, err);
    }
    for (const id of res.imageIds ?? []) {
      if (id.imageTag && id.imageDigest) {
        const digest = checkDigest(id.imageDigest, `ECR ListImages of ${repository}, tag ${id.imageTag}`);
        out.push({ tag: id.imageTag, digest });
      }
    }
    nextToken = res.nextToken;
    if (!nextToken) break;
  }
  return out;
}

export interface EcrDeleteResult {
  readonly deleted: string[];
  readonly failures: { tag: string; code: string; reason: string }[];
}

/** Deletes tags (BatchDeleteImage by tag, 100 a call); ECR drops an image when its last tag goes. */
export async function ecrDeleteTags(
  ecr: EcrRegistry,
  repository: string,
  tags: readonly string[],
  options: EcrOptions = {},
): Promise<EcrDeleteResult> {
  const { BatchDeleteImageCommand } = await import('@aws-sdk/client-ecr');
  const c = await client(ecr.region, options);
  const result: EcrDeleteResult = { deleted: [], failures: [] };
  for (let i = 0; i < tags.length; i += 100) {
    const batch = tags.slice(i, i + 100);
    try {
      const res = await c.send(
        new BatchDeleteImageCommand({
          registryId: ecr.account,
          repositoryName: repository,
          imageIds: batch.map((imageTag) => ({ imageTag })),
        }),
      );
      for (const id of res.imageIds ?? []) if (id.imageTag) result.deleted.push(id.imageTag);
      for (const f of res.failures ?? []) {
        result.failures.push({
          tag: f.imageId?.imageTag ?? '?',
          code: f.failureCode ?? 'Unknown',
          reason: f.failureReason ?? '',
        });
      }
    } catch (err) {
      const e = awsError('BatchDeleteImage', ecr, err);
      for (const tag of batch) result.failures.push({ tag, code: 'RequestFailed', reason: e.message });
    }
  }
  return result;
}

/** Manifests by digest (BatchGetImage), for finding what kept indexes refer to. */
export async function ecrGetManifests(
  ecr: EcrRegistry,
  repository: string,
  digests: readonly string[],
  options: EcrOptions = {},
): Promise<RawManifest[]> {
  const { BatchGetImageCommand } = await import('@aws-sdk/client-ecr');
  const { MANIFEST_ACCEPT } = await import('./manifest.js');
  const c = await client(ecr.region, options);
  const out: RawManifest[] = [];
  for (let i = 0; i < digests.length; i += 100) {
    const batch = digests.slice(i, i + 100);
    let res: BatchGetImageCommandOutput;
    try {
      res = await c.send(
        new BatchGetImageCommand({
          registryId: ecr.account,
          repositoryName: repository,
          imageIds: batch.map((imageDigest) => ({ imageDigest })),
          acceptedMediaTypes: MANIFEST_ACCEPT.split(', '),
        }),
      );
    } catch (err) {
      throw awsError('BatchGetImage', ecr, err);
    }
    for (const image of res.images ?? []) {
      if (!image.imageManifest || !image.imageId?.imageDigest) continue;
      out.push({
        digest: checkDigest(image.imageId.imageDigest, `ECR BatchGetImage of ${repository}`),
        mediaType: image.imageManifestMediaType ?? '',
        bytes: Buffer.from(image.imageManifest, 'utf8'),
      });
    }
  }
  return out;
}

/**
 * Creates the repository unless it exists (the original's CreateECRRepo before a push); 'unknown' when
 * the identity may not create repositories.
 */
export async function ecrEnsureRepository(
  ecr: EcrRegistry,
  repository: string,
  options: EcrOptions = {},
): Promise<'created' | 'exists' | 'unknown'> {
  const { CreateRepositoryCommand } = await import('@aws-sdk/client-ecr');
  const c = await client(ecr.region, options);
  try {
    await c.send(new CreateRepositoryCommand({ registryId: ecr.account, repositoryName: repository }));
    return 'created';
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'RepositoryAlreadyExistsException') return 'exists';
    // May push but not create: the push itself tells whether the repository is there.
    if (name === 'AccessDeniedException') return 'unknown';
    throw awsError('CreateRepository', ecr, err);
  }
}
