/** Names as other systems accept them. */

/**
 * A component name as Docker accepts it, as the original's ScrubForDocker made it: lower case, each
 * character outside [0-9A-Za-z._-] replaced by '-'.
 */
export function scrubForDocker(name: string): string {
  let out = '';
  for (const ch of name) out += /^[0-9A-Za-z._-]$/.test(ch) ? ch : '-';
  return out.toLowerCase();
}
