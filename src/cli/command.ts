/**
 * What a subcommand module provides: its spec (flags, help) and a run function that takes parsed
 * arguments and returns an exit code. The CLI layer does only this: parse, call the library, print.
 */
import type { Logger } from '../core/log.js';
import type { CommandSpec, ParsedArgs } from './args.js';

export interface CommandIO {
  /** Writes to stdout (results only). */
  readonly out: (text: string) => void;
  /** Writes raw bytes to stdout. */
  readonly outBytes: (bytes: Uint8Array) => void;
  /** The logger for progress, warnings and errors (stderr). */
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** Reads all of stdin (for `-` arguments) as UTF-8 text. */
  readonly readStdin: () => Promise<string>;
  /** Reads all of stdin as bytes. */
  readonly readStdinBytes: () => Promise<Buffer>;
}

export interface CommandModule {
  readonly spec: CommandSpec;
  run(args: ParsedArgs, io: CommandIO): number | Promise<number>;
}
