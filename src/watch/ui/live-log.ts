/**
 * A run's log as it grows: Server-Sent Events for the run page's script (`chunk` events with the new
 * text, a `state` event when the run changes state (queued to running), then one `end` event with how
 * the run ended), or a chunked text/plain answer for a browser
 * without JavaScript. The log file is read from where the last read stopped, a few times a second,
 * until the run has ended and everything it wrote has been sent. Whole lines are sent (so a secret is
 * masked whole); a partial line is sent once it has waited a second.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isFinished } from '../runs.js';
import { type RunLog, runLogOf, type StatusSource } from '../status.js';
import { runFields, runLabel } from './format.js';
import { stripAnsi } from './html.js';
import { securityHeaders } from './security.js';

const TICK_MS = 200;
const PARTIAL_LINE_WAIT_MS = 1000;
const HEARTBEAT_MS = 15_000;
const CHUNK_BYTES = 256 * 1024;

export interface LiveLogOptions {
  readonly source: StatusSource;
  /** The full run id. */
  readonly id: string;
  /** Byte offset to start from. */
  readonly offset: number;
  readonly format: 'sse' | 'text';
}

/** Streams until the run ends or the reader goes away; resolves then. */
export function streamLog(req: IncomingMessage, res: ServerResponse, options: LiveLogOptions): Promise<void> {
  const { source, id, format } = options;
  let offset = options.offset;
  let pendingSince: number | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = Date.now();
  let lastState: string | undefined;

  res.writeHead(200, {
    ...securityHeaders(),
    'content-type': format === 'sse' ? 'text/event-stream; charset=utf-8' : 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  if (format === 'sse') res.write('retry: 2000\n\n');
  res.flushHeaders();

  return new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      resolve();
    };
    req.on('close', finish);
    res.on('close', finish);

    const send = (log: RunLog): boolean => {
      if (log.log === '') return true;
      lastWrite = Date.now();
      const text = format === 'sse' ? stripAnsi(log.log) : log.log;
      return res.write(
        format === 'sse' ? `id: ${log.next}\nevent: chunk\ndata: ${JSON.stringify({ text })}\n\n` : text,
      );
    };

    const tick = () => {
      timer = undefined;
      if (closed) return;
      let log: RunLog;
      try {
        const now = Date.now();
        log = runLogOf(source, id, { offset, maxBytes: CHUNK_BYTES });
        if (log.next === log.offset && log.size > offset && !log.complete) {
          // Only a partial line waits: send it once it has waited long enough.
          pendingSince ??= now;
          if (now - pendingSince >= PARTIAL_LINE_WAIT_MS)
            log = runLogOf(source, id, { offset, maxBytes: CHUNK_BYTES, wholeLines: false });
        }
        if (log.next > log.offset) pendingSince = undefined;
      } catch {
        // The run is gone (or the log unreadable): end the stream.
        res.end();
        finish();
        return;
      }
      offset = log.next;
      const run = log.run;
      const state = {
        state: run.state,
        label: runLabel(run),
        finished: isFinished(run),
        fields: runFields(run, Date.now()),
      };
      if (format === 'sse' && lastState !== undefined && lastState !== run.state && !log.complete)
        res.write(`event: state\ndata: ${JSON.stringify(state)}\n\n`);
      lastState = run.state;
      const writable = send(log);
      if (log.complete) {
        if (format === 'sse') res.write(`event: end\ndata: ${JSON.stringify(state)}\n\n`);
        else res.write(`\n[duat git-watch: the run ${runLabel(run)}]\n`);
        res.end();
        finish();
        return;
      }
      if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        lastWrite = Date.now();
        if (format === 'sse') res.write(': still running\n\n');
      }
      // More already waiting: read again at once (after the writer drained).
      const again = log.size > offset && log.next > log.offset ? 0 : TICK_MS;
      if (writable) timer = setTimeout(tick, again);
      else
        res.once('drain', () => {
          if (!closed) timer = setTimeout(tick, again);
        });
    };
    tick();
  });
}
