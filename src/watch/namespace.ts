/**
 * The default namespace of a run, by the original's rule (spec "Kubernetes names"): `gw-` + the
 * version with dots as dashes, lower-cased, then trimmed by words to fit a DNS label. The local runner
 * only hands it to the job (`.Namespace`, DUAT_NAMESPACE); the Kubernetes runner creates it.
 */

/** The longest DNS label, hence the longest namespace. The original allowed 64, one too many. */
export const DNS_LABEL_MAX = 63;

/**
 * Shortens `input` to at most `max` characters by whole words: the first and the last word are kept
 * (the last is the unique stamp of a pre-release), then middle words are added in order while they fit.
 * One word, or a first and last word that alone do not fit, is cut to `max` characters.
 */
export function trimWords(input: string, max: number, delimiter = '-'): string {
  if (input.length <= max) return input;
  const words = input.split(delimiter);
  const first = words[0] ?? '';
  const last = words[words.length - 1] ?? '';
  if (words.length === 1 || first.length + delimiter.length + last.length > max) return input.slice(0, max);
  const middle: string[] = [];
  let length = first.length + delimiter.length + last.length;
  for (const word of words.slice(1, -1)) {
    length += delimiter.length + word.length;
    if (length > max) break;
    middle.push(word);
  }
  return [first, ...middle, last].join(delimiter);
}

/**
 * The namespace for a version (`0.11.1-feature-102-microk8s-registry-aaaagjfuypo` ->
 * `gw-0-11-1-feature-102-microk8s-registry-aaaagjfuypo`) or, lacking one, a repository name
 * (`karlmutch/duat` -> `gw-karlmutch-duat`). Characters a DNS label cannot hold (`+`, `/`, `_`) become
 * dashes too, which the original did not need for its own pre-release versions.
 */
export function namespaceFor(versionOrName: string, max = DNS_LABEL_MAX): string {
  const safe = versionOrName.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return trimWords(`gw-${safe}`, max).replace(/-+$/, '');
}
