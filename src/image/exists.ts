/**
 * Does an image exist? A HEAD of the manifest by tag or digest: no layers are read. A missing tag,
 * digest or repository is `exists: false`; authentication and network trouble are errors.
 */

import { DuatError } from '../core/errors.js';
import { type RegistryClientOptions, RegistryClients } from '../registry/client.js';
import { formatReference, type ImageReference, parseReference } from '../registry/reference.js';
import { type Platform, platformExists } from './platform.js';

export interface ImageExistsOptions extends RegistryClientOptions {
  readonly clients?: RegistryClients;
  /** Answer for this platform: of an index, its manifest for it; of a single image, its config's. */
  readonly platform?: Platform;
}

export interface ImageExistsResult {
  readonly exists: boolean;
  readonly reference: string;
  readonly digest?: string;
  readonly mediaType?: string;
}

export async function imageExists(
  reference: string | ImageReference,
  options: ImageExistsOptions = {},
): Promise<ImageExistsResult> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const target = ref.digest ?? ref.tag;
  if (!target) {
    throw new DuatError(`${formatReference(ref)} names no tag or digest`, {
      hint: 'add :TAG or @sha256:DIGEST',
      exitCode: 2,
    });
  }
  const clients = options.clients ?? new RegistryClients(options);
  try {
    const client = clients.get(ref.registry);
    const head = options.platform
      ? await platformExists(client, ref.repository, target, options.platform)
      : await client.headManifest(ref.repository, target);
    if (!head) return { exists: false, reference: formatReference(ref) };
    return { exists: true, reference: formatReference(ref), digest: head.digest, mediaType: head.mediaType };
  } finally {
    if (!options.clients) clients.close();
  }
}
