/**
 * Logging for the CLI: everything goes to stderr so stdout stays for results; debug lines only when
 * verbose. Every line is redacted of known secrets.
 */
import { redact } from './redact.js';

export interface Logger {
  readonly verbose: boolean;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoggerOptions {
  verbose?: boolean;
  /** Prefix of every line, e.g. 'duat semver'. */
  prefix?: string;
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const prefix = options.prefix ? `${options.prefix}: ` : '';
  const verbose = options.verbose ?? false;
  const emit = (level: string, message: string) => write(`${prefix}${level}${redact(message)}\n`);
  return {
    verbose,
    debug: (m) => {
      if (verbose) emit('debug: ', m);
    },
    info: (m) => emit('', m),
    warn: (m) => emit('warning: ', m),
    error: (m) => emit('error: ', m),
  };
}

/** A logger that drops everything, for library callers that want silence. */
export const silentLogger: Logger = {
  verbose: false,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
