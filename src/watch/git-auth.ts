/**
 * The environment git runs with for one watched repository, and where its credentials may go.
 *
 * A credential (user:password from the repository's URL, or the token of --github-token/GITHUB_TOKEN/
 * GH_TOKEN) goes:
 *   - only over https; over plain http only to a loopback host, and only with --insecure-http-token;
 *   - only to the host it is for: the host of the URL it came in; for the token, github.com, the GitHub
 *     Enterprise host of GH_HOST or GITHUB_SERVER_URL, and the hosts of --token-hosts;
 *   - only when the server asks for it (a 401): git gets it from a credential helper, never as a header
 *     sent with every request. The helper is a shell function in git's config environment
 *     (GIT_CONFIG_COUNT/KEY/VALUE); it answers only for exactly that protocol and host (a redirect to
 *     another host gets nothing) and reads the secret from the environment of git's own process
 *     (DUAT_GIT_PASSWORD): never an argument list, a URL, a log line or a file. The user's own
 *     credential helpers are switched off for such a repository, so that nothing else answers for it.
 * Prompts are disabled so that a missing credential fails at once instead of hanging.
 */
import { UsageError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback.js';
import { registerSecret } from '../core/redact.js';
import { remotePath } from '../git/remote-url.js';
import type { RepoCredentials, RepoSpec } from './repo-spec.js';

export interface GitAuth {
  /** A token for https repositories (--github-token / GITHUB_TOKEN / GH_TOKEN). */
  readonly token?: string | undefined;
  /** More hosts (`host` or `host:port`) the token is for, besides github.com and GH_HOST/GITHUB_SERVER_URL. */
  readonly tokenHosts?: readonly string[] | undefined;
  /** Let credentials go over plain http to a loopback host (a test server on this machine). */
  readonly insecureHttpToken?: boolean | undefined;
}

/** The user name sent with a token; GitHub, GitLab and Gitea accept any with a token as password. */
export const TOKEN_USERNAME = 'x-access-token';

/**
 * The credential helper (git appends ` get`, ` store` or ` erase`). It answers `get` only when git asks
 * for exactly DUAT_GIT_CREDENTIAL_FOR (`protocol://host[:port]`).
 */
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || return 0; p=; h=; ' +
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not a template
  'while IFS= read -r l; do case "$l" in protocol=*) p=${l#protocol=};; host=*) h=${l#host=};; esac; done; ' +
  'test -n "$DUAT_GIT_CREDENTIAL_FOR" && test "$p://$h" = "$DUAT_GIT_CREDENTIAL_FOR" || return 0; ' +
  `printf 'username=%s\\npassword=%s\\n' "$DUAT_GIT_USERNAME" "$DUAT_GIT_PASSWORD"; }; f`;

/**
 * git config that makes the credential helper above the only one: the empty value first makes git
 * forget every helper configured before (system, global, repository). It answers from the
 * environment: DUAT_GIT_CREDENTIAL_FOR, DUAT_GIT_USERNAME and DUAT_GIT_PASSWORD.
 */
export const CREDENTIAL_HELPER_CONFIG: readonly (readonly [string, string])[] = [
  ['credential.helper', ''],
  ['credential.helper', CREDENTIAL_HELPER],
];

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

/** `host` or `host:port` of a URL or a bare name, lower-cased; a default port is dropped. */
function normalHost(text: string, scheme = 'https'): string | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${scheme}://${text}`);
    return url.host || undefined;
  } catch {
    return undefined;
  }
}

/** The hosts the token is for: github.com, GH_HOST, GITHUB_SERVER_URL's host and `extra`. */
export function tokenHostsOf(extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const hosts = new Set<string>(['github.com']);
  for (const candidate of [env.GH_HOST, env.GITHUB_SERVER_URL, ...extra]) {
    const text = candidate?.trim();
    if (!text) continue;
    const host = normalHost(text);
    if (host === undefined)
      throw new UsageError(`"${text}" is not a host name`, { hint: 'give --token-hosts HOST[:PORT],...' });
    hosts.add(host);
  }
  return [...hosts];
}

/** What becomes of a repository's credentials: sent (when asked) to `target`, or not, and why. */
export type CredentialPlan =
  | { readonly send: true; readonly target: string; readonly credentials: RepoCredentials }
  | { readonly send: false; readonly why?: string };

/**
 * Decides where `spec`'s credentials may go (see the module comment). URL credentials that cannot go
 * anywhere are a usage error (the user asked for them to be used); a token that is not for this host
 * is simply not sent, with the reason.
 */
export function credentialPlan(
  spec: RepoSpec,
  auth: GitAuth,
  env: NodeJS.ProcessEnv = process.env,
): CredentialPlan {
  if (spec.transport !== 'http') return { send: false };
  const scheme = /^https:/i.test(spec.url) ? 'https' : 'http';
  const authority = remotePath(spec.url).host ?? '';
  const host = normalHost(authority, scheme) ?? authority.toLowerCase();
  const plainHttpRefused =
    scheme === 'http' && !(auth.insecureHttpToken && isLoopbackHost(authority))
      ? isLoopbackHost(authority)
        ? 'plain http (--insecure-http-token allows it to a loopback host)'
        : 'plain http, where anyone on the way can read it'
      : undefined;
  if (spec.credentials) {
    if (plainHttpRefused)
      throw new UsageError(`the credentials in ${spec.display} would go over ${plainHttpRefused}`, {
        hint: 'use an https URL',
      });
    return { send: true, target: `${scheme}://${authority}`, credentials: spec.credentials };
  }
  if (!auth.token) return { send: false };
  if (!tokenHostsOf(auth.tokenHosts, env).includes(host))
    return { send: false, why: `${host} is not a host the token is for (add it with --token-hosts)` };
  if (plainHttpRefused) return { send: false, why: `the token is not sent over ${plainHttpRefused}` };
  return {
    send: true,
    target: `${scheme}://${authority}`,
    credentials: { username: TOKEN_USERNAME, password: auth.token },
  };
}

function checkCredential(value: string, what: string): void {
  if (/[\n\r\0]/.test(value))
    throw new UsageError(`the ${what} holds a line break or NUL, which git cannot take`, {
      hint: 'check the token or URL',
    });
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
  // Never inherited: only the plan below sets them.
  delete env.DUAT_GIT_CREDENTIAL_FOR;
  delete env.DUAT_GIT_USERNAME;
  delete env.DUAT_GIT_PASSWORD;
  if (spec.transport === 'ssh' && !base.GIT_SSH_COMMAND) env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  registerSecret(auth.token); // a library caller's token is masked in logs as the flag's is
  const plan = credentialPlan(spec, auth, base);
  if (plan.send) {
    checkCredential(plan.credentials.username, 'user name');
    checkCredential(plan.credentials.password, 'password or token');
    registerSecret(plan.credentials.password);
    env = withGitConfig(env, CREDENTIAL_HELPER_CONFIG);
    env.DUAT_GIT_CREDENTIAL_FOR = plan.target;
    env.DUAT_GIT_USERNAME = plan.credentials.username;
    env.DUAT_GIT_PASSWORD = plan.credentials.password;
  }
  return env;
}
