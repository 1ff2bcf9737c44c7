/**
 * The AWS context of the shell, as the AWS CLI finds it (environment variables, then the shared
 * credentials and config files): whether credentials could resolve at all, and the region. Checking
 * this needs no network and no SDK, so commands only load the SDK when there is something to ask.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AwsContext {
  /** Where credentials would come from, or undefined when none are configured. */
  readonly credentialSource: string | undefined;
  readonly profile: string;
  readonly region: string | undefined;
}

function iniSections(path: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return sections;
  }
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header?.[1]) {
      const name = header[1].replace(/^profile\s+/, '');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

export function awsContext(env: NodeJS.ProcessEnv = process.env): AwsContext {
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const home = env.HOME || homedir();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const configFile = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const config = iniSections(configFile).get(profile);
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || config?.get('region') || undefined;
  let credentialSource: string | undefined;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) credentialSource = 'environment';
  else if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) credentialSource = 'web identity';
  else if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    credentialSource = 'container';
  } else if (
    existsSync(credentialsFile) &&
    iniSections(credentialsFile).get(profile)?.has('aws_access_key_id')
  ) {
    credentialSource = `${credentialsFile} [${profile}]`;
  } else if (
    config &&
    (config.has('aws_access_key_id') ||
      config.has('role_arn') ||
      config.has('sso_session') ||
      config.has('credential_process'))
  ) {
    credentialSource = `${configFile} [${profile}]`;
  }
  return { credentialSource, profile, region };
}
