/**
 * Keeps secrets out of logs and errors. Tokens and passwords the process knows about are registered
 * once; every line written to the terminal passes through `redact`. URLs lose their credentials.
 */
const secrets = new Set<string>();

/** Remembers a secret so that `redact` masks it wherever it appears. Short values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Every registered secret, longest first (for masking that happens in another process: job logs). */
export function knownSecrets(): string[] {
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** Replaces every registered secret and any URL credentials in `text` with `***`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(:[^/\s@]*)?@/gi,
    (_m, scheme: string) => `${scheme}***@`,
  );
}

/**
 * A URL without its user name and password, for showing and for deriving names. `ssh://git@host/x`
 * keeps `git@` since an ssh user name is not a secret; http(s) URLs lose all user information.
 */
export function stripUrlCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/@]*)@/i.exec(url);
  if (!match) return url;
  const scheme = (match[1] ?? '').toLowerCase();
  const userinfo = match[2] ?? '';
  const rest = url.slice(match[0].length);
  if ((scheme === 'ssh' || scheme === 'git+ssh') && !userinfo.includes(':')) return url;
  if (scheme === 'ssh' || scheme === 'git+ssh') return `${match[1]}://${userinfo.split(':')[0]}@${rest}`;
  return `${match[1]}://${rest}`;
}
