/**
 * Push webhooks from GitHub, GitLab and Gitea: each delivery is authenticated with the shared secret
 * (`--webhook-secret`) before anything in it is believed, then reduced to the repository URLs and the
 * branch it is about. A push only makes the watcher poll that repository now; what runs is still
 * decided by the poll, so a forged or replayed delivery could at most cause an extra poll.
 *
 * - GitHub: `X-Hub-Signature-256: sha256=HEX`, HMAC-SHA256 of the body with the secret.
 * - Gitea: `X-Gitea-Signature: HEX`, the same HMAC without prefix (Gitea also sends GitHub's headers).
 * - GitLab: `X-Gitlab-Token: SECRET`, the secret itself.
 * Comparisons are constant-time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { remotePath } from '../git/remote-url.js';

export type WebhookProvider = 'github' | 'gitlab' | 'gitea';

export type WebhookVerdict =
  | { readonly ok: true; readonly provider: WebhookProvider; readonly event: string }
  | { readonly ok: false; readonly provider: WebhookProvider | undefined; readonly reason: string };

export interface PushEvent {
  /** Every URL the payload gives for the repository (clone, ssh, web). */
  readonly urls: readonly string[];
  /** The branch pushed to; undefined for a tag push or an event without a ref. */
  readonly branch: string | undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Equal strings, compared in constant time whatever their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Which forge sent the delivery and whether it knows the secret. */
export function verifyWebhook(headers: IncomingHttpHeaders, body: Buffer, secret: string): WebhookVerdict {
  const giteaEvent = header(headers, 'x-gitea-event');
  if (giteaEvent !== undefined) {
    const signature = header(headers, 'x-gitea-signature');
    if (!signature) return { ok: false, provider: 'gitea', reason: 'no X-Gitea-Signature header' };
    if (!safeEqual(signature.trim().toLowerCase(), hmacHex(secret, body))) {
      return { ok: false, provider: 'gitea', reason: 'bad X-Gitea-Signature' };
    }
    return { ok: true, provider: 'gitea', event: giteaEvent };
  }
  const gitlabEvent = header(headers, 'x-gitlab-event');
  const gitlabToken = header(headers, 'x-gitlab-token');
  if (gitlabEvent !== undefined || gitlabToken !== undefined) {
    if (gitlabToken === undefined)
      return { ok: false, provider: 'gitlab', reason: 'no X-Gitlab-Token header' };
    if (!safeEqual(gitlabToken, secret))
      return { ok: false, provider: 'gitlab', reason: 'bad X-Gitlab-Token' };
    return { ok: true, provider: 'gitlab', event: gitlabEvent ?? '' };
  }
  const githubEvent = header(headers, 'x-github-event');
  if (githubEvent !== undefined) {
    const signature = header(headers, 'x-hub-signature-256');
    if (!signature) return { ok: false, provider: 'github', reason: 'no X-Hub-Signature-256 header' };
    const hex = signature
      .trim()
      .replace(/^sha256=/i, '')
      .toLowerCase();
    if (!safeEqual(hex, hmacHex(secret, body)))
      return { ok: false, provider: 'github', reason: 'bad X-Hub-Signature-256' };
    return { ok: true, provider: 'github', event: githubEvent };
  }
  return {
    ok: false,
    provider: undefined,
    reason: 'not a GitHub, GitLab or Gitea delivery (no event header)',
  };
}

/** True for the events that announce a push to a branch. */
export function isPushEvent(provider: WebhookProvider, event: string): boolean {
  return provider === 'gitlab' ? event === 'Push Hook' || event === 'System Hook' : event === 'push';
}

const URL_FIELDS = [
  'clone_url',
  'ssh_url',
  'git_url',
  'html_url',
  'url',
  'git_http_url',
  'git_ssh_url',
  'http_url',
  'web_url',
  'homepage',
];

/** The repository URLs and branch of a push payload (GitHub, Gitea and GitLab shapes). */
export function parsePush(body: Buffer): PushEvent {
  const payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const urls: string[] = [];
  for (const key of ['repository', 'project']) {
    const holder = payload[key];
    if (typeof holder !== 'object' || holder === null) continue;
    for (const field of URL_FIELDS) {
      const value = (holder as Record<string, unknown>)[field];
      if (typeof value === 'string' && value !== '') urls.push(value);
    }
  }
  const ref = typeof payload.ref === 'string' ? payload.ref : undefined;
  const branch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  return { urls, branch };
}

/**
 * What identifies a repository across its URL spellings: host (no user, no port) and path without
 * `.git`, lower-cased. `https://github.com/a/b.git`, `git@github.com:a/b.git` and
 * `https://github.com/a/b` are the same repository.
 */
export function repositoryIdentity(url: string): string {
  const { host, path } = remotePath(url.trim());
  const cleanHost = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  const cleanPath = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  return `${cleanHost}/${cleanPath}`;
}
