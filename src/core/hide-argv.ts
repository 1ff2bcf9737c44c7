/**
 * Secrets given on the command line (a `--github-token`, a password in a URL) are visible to every
 * user of the machine in `ps` and /proc/PID/cmdline for as long as the process lives. Once they are read
 * (and registered with redact.ts), the process's argument list is rewritten without them: Node writes
 * `process.title` over the memory the kernel shows as the command line (on Linux and the BSDs), and
 * process.argv is masked too, so nothing later copies a secret from it. Until this runs the secrets
 * are visible: the environment is the safe way to give them, and `--help` says so.
 */
import { redact } from './redact.js';

/** Masks every registered secret and URL password in this process's argument list; true if any was. */
export function hideSecretsInArgv(): boolean {
  const shown = process.argv.map((arg) => redact(arg));
  if (shown.every((arg, i) => arg === process.argv[i])) return false;
  process.argv.splice(0, process.argv.length, ...shown);
  try {
    process.title = shown.join(' ');
  } catch {
    // no way to set it here: the masked process.argv is all we can do
  }
  return true;
}
