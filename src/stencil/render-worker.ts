/** The worker side of large-stack.ts: renders on this thread's large stack and posts the answer. */
import { parentPort, workerData } from 'node:worker_threads';
import { DuatError, errorMessage } from '../core/errors.js';
import { renderStencilHere, type StencilOptions } from './render.js';

const { text, options } = workerData as { text: string; options: StencilOptions };
try {
  const result = await renderStencilHere(text, options);
  parentPort?.postMessage({ result });
} catch (err) {
  const e = err instanceof DuatError ? err : undefined;
  parentPort?.postMessage({
    error: {
      message: errorMessage(err),
      hint: e?.hint,
      file: e?.file,
      line: e?.line,
      exitCode: e?.exitCode,
    },
  });
}
