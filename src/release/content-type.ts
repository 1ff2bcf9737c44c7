/**
 * The media type a release asset is uploaded with, from its name. GitHub stores it and serves the
 * download with it; anything unknown (a Go binary has no extension) is application/octet-stream.
 */

const BY_SUFFIX: readonly (readonly [string, string])[] = [
  ['.tar.gz', 'application/gzip'],
  ['.tgz', 'application/gzip'],
  ['.gz', 'application/gzip'],
  ['.tar.xz', 'application/x-xz'],
  ['.txz', 'application/x-xz'],
  ['.xz', 'application/x-xz'],
  ['.tar.bz2', 'application/x-bzip2'],
  ['.tbz2', 'application/x-bzip2'],
  ['.bz2', 'application/x-bzip2'],
  ['.tar.zst', 'application/zstd'],
  ['.zst', 'application/zstd'],
  ['.tar', 'application/x-tar'],
  ['.zip', 'application/zip'],
  ['.jar', 'application/java-archive'],
  ['.whl', 'application/zip'],
  ['.7z', 'application/x-7z-compressed'],
  ['.deb', 'application/vnd.debian.binary-package'],
  ['.rpm', 'application/x-rpm'],
  ['.apk', 'application/vnd.android.package-archive'],
  ['.msi', 'application/x-msi'],
  ['.exe', 'application/vnd.microsoft.portable-executable'],
  ['.dmg', 'application/x-apple-diskimage'],
  ['.pkg', 'application/octet-stream'],
  ['.appimage', 'application/vnd.appimage'],
  ['.wasm', 'application/wasm'],
  ['.json', 'application/json'],
  ['.yaml', 'application/yaml'],
  ['.yml', 'application/yaml'],
  ['.toml', 'application/toml'],
  ['.xml', 'application/xml'],
  ['.pdf', 'application/pdf'],
  ['.html', 'text/html'],
  ['.md', 'text/markdown'],
  ['.txt', 'text/plain'],
  ['.csv', 'text/csv'],
  ['.sha256', 'text/plain'],
  ['.sha512', 'text/plain'],
  ['.asc', 'application/pgp-signature'],
  ['.sig', 'application/pgp-signature'],
  ['.pem', 'application/x-pem-file'],
  ['.sbom', 'application/json'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.gif', 'image/gif'],
  ['.svg', 'image/svg+xml'],
];

/** Names that are text whatever their extension. */
const TEXT_NAMES = new Set(['SHA256SUMS', 'SHA512SUMS', 'CHECKSUMS', 'LICENSE', 'NOTICE', 'README']);

/** The content type for an asset named `name`. */
export function contentTypeFor(name: string): string {
  if (TEXT_NAMES.has(name.toUpperCase())) return 'text/plain';
  const lower = name.toLowerCase();
  for (const [suffix, type] of BY_SUFFIX) if (lower.endsWith(suffix)) return type;
  return 'application/octet-stream';
}
