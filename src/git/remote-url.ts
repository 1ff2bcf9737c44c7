/** Names derived from a git remote URL. */

export type UrlKind = 'network' | 'local';

/** Splits a remote into its kind and path: https/ssh/git URLs, scp-like `user@host:path`, file paths. */
export function remotePath(url: string): { kind: UrlKind; host?: string; path: string } {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme) {
    const name = (scheme[1] ?? '').toLowerCase();
    if (name === 'file') return { kind: 'local', path: decodeURIComponent(url.slice(7)) };
    const rest = url.slice(scheme[0].length);
    const slash = rest.indexOf('/');
    const authority = slash === -1 ? rest : rest.slice(0, slash);
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    return { kind: 'network', host, path: slash === -1 ? '' : (rest.slice(slash).split(/[?#]/)[0] ?? '') };
  }
  const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(url);
  if (scp && !/^[A-Za-z]:[\\/]/.test(url)) return { kind: 'network', host: scp[1] ?? '', path: scp[2] ?? '' };
  return { kind: 'local', path: url };
}

/**
 * The repository name (`owner/name`) of a remote URL: the URL's path without `.git`; for local paths
 * the last two components.
 */
export function repositoryName(url: string): string | undefined {
  const { kind, path } = remotePath(url);
  const parts = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return undefined;
  return (kind === 'local' ? parts.slice(-2) : parts).join('/');
}
