/**
 * The default ECR registry host of the current AWS account: ACCOUNT.dkr.ecr.REGION.amazonaws.com.
 * The account comes from STS GetCallerIdentity through the AWS SDK (loaded only when credentials are
 * configured), so a machine without AWS pays nothing.
 */
import { DuatError, errorMessage } from '../core/errors.js';
import { awsContext } from './context.js';

export interface EcrHostOptions {
  env?: NodeJS.ProcessEnv;
  /** Give up after this long (ms). Default 5 s. */
  timeoutMs?: number;
}

export async function defaultEcrHost(options: EcrHostOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const ctx = awsContext(env);
  if (!ctx.credentialSource) {
    throw new DuatError('no AWS credentials are configured', {
      hint: 'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or configure ~/.aws/credentials',
    });
  }
  if (!ctx.region) {
    throw new DuatError('no AWS region is configured', {
      hint: 'set AWS_REGION or a region in ~/.aws/config',
    });
  }
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({ region: ctx.region, maxAttempts: 2 });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 5000);
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal });
    if (!identity.Account) throw new DuatError('AWS STS did not return an account');
    return `${identity.Account}.dkr.ecr.${ctx.region}.amazonaws.com`;
  } catch (err) {
    if (err instanceof DuatError) throw err;
    throw new DuatError(
      `cannot identify the AWS account (credentials from ${ctx.credentialSource}): ${errorMessage(err)}`,
    );
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}
