/**
 * A one-line upload progress bar for a terminal: name, bar, percent, bytes and rate, redrawn in place
 * at most ten times a second. Only used when stderr is a TTY; logs clear it before they print.
 */
import type { Logger } from '../core/log.js';
import type { UploadProgress } from './assets.js';

export interface ProgressTerminal {
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  update(progress: UploadProgress): void;
  /** Removes the bar (before a log line, or when an upload ends). */
  clear(): void;
}

/** `1.5 MiB`: bytes in binary units with one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The text of the bar for `progress`, at most `width` characters. */
export function renderProgress(progress: UploadProgress, elapsedMs: number, width: number): string {
  const fraction = progress.total === 0 ? 1 : Math.min(1, progress.sent / progress.total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = elapsedMs > 0 ? `${formatBytes(Math.round((progress.sent * 1000) / elapsedMs))}/s` : '';
  const retry = progress.attempt > 1 ? ` (try ${progress.attempt})` : '';
  const tail = ` ${percent} ${formatBytes(progress.sent)}/${formatBytes(progress.total)} ${rate}${retry}`;
  // The name gets what the tail and a 10-column bar leave; the bar then takes up to 30 of the rest.
  const room = Math.max(8, width - tail.length - 13);
  const name = progress.name.length > room ? `${progress.name.slice(0, room - 1)}…` : progress.name;
  const barWidth = Math.max(10, Math.min(30, width - tail.length - name.length - 3));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  return `${name} ${bar}${tail}`.slice(0, width);
}

export function createProgressBar(
  terminal: ProgressTerminal,
  now: () => number = Date.now,
  minIntervalMs = 100,
): ProgressBar {
  let shown = false;
  let lastDraw = 0;
  let started = 0;
  let current = '';
  return {
    update(progress) {
      const key = `${progress.name}#${progress.attempt}`;
      if (key !== current) {
        current = key;
        started = now();
        lastDraw = 0;
      }
      const time = now();
      if (progress.sent < progress.total && time - lastDraw < minIntervalMs) return;
      lastDraw = time;
      const columns = terminal.columns !== undefined && terminal.columns > 0 ? terminal.columns : 80;
      const width = Math.max(40, columns - 1);
      terminal.write(`\r${renderProgress(progress, time - started, width)}\x1b[K`);
      shown = true;
    },
    clear() {
      if (!shown) return;
      terminal.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** A logger that clears the bar before each line, so logs and the bar do not overwrite each other. */
export function loggerAroundBar(log: Logger, bar: ProgressBar): Logger {
  return {
    verbose: log.verbose,
    debug: (m) => {
      if (log.verbose) bar.clear();
      log.debug(m);
    },
    info: (m) => {
      bar.clear();
      log.info(m);
    },
    warn: (m) => {
      bar.clear();
      log.warn(m);
    },
    error: (m) => {
      bar.clear();
      log.error(m);
    },
  };
}
