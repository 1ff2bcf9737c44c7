/**
 * Rendering on a worker thread whose stack is large enough for Go's depth limits (100000 nested
 * template calls, 10000 nested parentheses). Only options that can be copied to another thread
 * qualify: a caller's own function context (closures) stays on its thread.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DuatError } from '../core/errors.js';
import type { StencilOptions, StencilResult } from './render.js';

/** Enough for Go's 100000 template calls with room to spare (reserved, not used, unless needed). */
const STACK_MB = 256;

export function workerCanRender(options: StencilOptions): boolean {
  if (options.funcContext !== undefined) return false;
  try {
    structuredClone({ ...options, env: undefined });
    return true;
  } catch {
    return false;
  }
}

/** dist/src/stencil/render-worker.js of this package, whether this code runs from dist/src or a bundle. */
function workerScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'duat') {
          return join(dir, 'dist', 'src', 'stencil', 'render-worker.js');
        }
      } catch {
        // keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new DuatError("cannot find duat's render worker (dist/src/stencil/render-worker.js)");
    dir = parent;
  }
}

interface WorkerAnswer {
  result?: StencilResult;
  error?: { message: string; hint?: string; file?: string; line?: number; exitCode?: number };
}

export function renderOnLargeStack(text: string, options: StencilOptions): Promise<StencilResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(), {
      workerData: { text, options: { ...options, env: { ...(options.env ?? process.env) } } },
      resourceLimits: { stackSizeMb: STACK_MB },
    });
    let answered = false;
    worker.once('message', (answer: WorkerAnswer) => {
      answered = true;
      if (answer.result) resolve(answer.result);
      else {
        const e = answer.error ?? { message: 'the render worker gave no answer' };
        reject(new DuatError(e.message, { hint: e.hint, file: e.file, line: e.line, exitCode: e.exitCode }));
      }
    });
    worker.once('error', (err) => {
      answered = true;
      reject(new DuatError(`the render worker failed: ${err.message}`, { cause: err }));
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new DuatError(`the render worker exited with code ${code} without an answer`));
    });
  });
}
