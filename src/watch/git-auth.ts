/**
 * The environment git runs with for one watched repository. A token (or the credentials that were in
 * the URL) reaches git only through git's config environment (GIT_CONFIG_COUNT/KEY/VALUE) as an
 * `http.<url>.extraHeader` scoped to that repository's URL: never in an argument list, a URL, a log line
 * or a file. Prompts are disabled so that a missing credential fails at once instead of hanging.
 */
import { registerSecret } from '../core/redact.js';
import type { RepoSpec } from './repo-spec.js';

export interface GitAuth {
  /** A token for http(s) repositories (-github-token / GITHUB_TOKEN). */
  readonly token?: string | undefined;
}

/** The user name sent with a token; GitHub, GitLab and Gitea accept any with a token as password. */
export const TOKEN_USERNAME = 'x-access-token';

function basicHeader(username: string, password: string): string {
  const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  registerSecret(encoded);
  return `Authorization: Basic ${encoded}`;
}

/** Adds `key=value` to git's config environment, after any entries already there. */
export function withGitConfig(
  env: NodeJS.ProcessEnv,
  entries: readonly (readonly [string, string])[],
): NodeJS.ProcessEnv {
  const out = { ...env };
  let count = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  if (!Number.isInteger(count) || count < 0) count = 0;
  for (const [key, value] of entries) {
    out[`GIT_CONFIG_KEY_${count}`] = key;
    out[`GIT_CONFIG_VALUE_${count}`] = value;
    count++;
  }
  out.GIT_CONFIG_COUNT = String(count);
  return out;
}

export function gitEnvFor(
  spec: RepoSpec,
  auth: GitAuth,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  let env: NodeJS.ProcessEnv = {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    // A credential helper or askpass program must not prompt either: `true` answers with nothing.
    GIT_ASKPASS: 'true',
    SSH_ASKPASS: 'true',
    LC_ALL: 'C',
  };
  if (spec.transport === 'ssh' && !base.GIT_SSH_COMMAND) env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  if (spec.transport === 'http') {
    registerSecret(auth.token); // a library caller's token is masked in logs as the flag's is
    const credentials =
      spec.credentials ?? (auth.token ? { username: TOKEN_USERNAME, password: auth.token } : undefined);
    if (credentials) {
      env = withGitConfig(env, [
        [`http.${spec.url}.extraHeader`, basicHeader(credentials.username, credentials.password)],
      ]);
    }
  }
  return env;
}
