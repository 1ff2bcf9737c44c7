/**
 * Renders cases with our engine in a worker thread, so that a render that loops forever, overflows
 * memory or takes too long is reported (and the worker replaced) instead of hanging the test run.
 */
import { Worker } from 'node:worker_threads';
import type { EngineResult, TemplateCase } from './cases.js';

interface Pending {
  id: number;
  resolve: (r: EngineResult) => void;
  timer: NodeJS.Timeout;
  started: number;
  worker: Worker;
}

export class EngineRunner {
  private worker: Worker | null = null;
  private pending: Pending | null = null;
  private nextId = 0;

  constructor(private readonly timeoutMs = 5000) {}

  private spawn(): Worker {
    const worker = new Worker(new URL('./render-worker.js', import.meta.url), {
      // The large stack is what stencil renders on when the main thread's runs out (see
      // src/stencil/large-stack.ts): with it the engine reaches Go's own depth limits.
      resourceLimits: { maxOldGenerationSizeMb: 2048, stackSizeMb: 256 },
    });
    worker.on('message', (msg: { id: number; result: EngineResult }) => {
      const p = this.pending;
      if (p === null || p.id !== msg.id) return;
      this.settle(msg.result);
    });
    const fail = (why: string): void => {
      if (this.worker === worker) this.worker = null;
      // Only the case this worker was rendering fails; a worker ended on a timeout exits later.
      if (this.pending !== null && this.pending.worker === worker) {
        this.settle({ output: null, error: null, crash: why, ms: performance.now() - this.pending.started });
      }
    };
    worker.on('error', (err) => fail(`worker died: ${err.name}: ${err.message}`));
    worker.on('exit', (code) => fail(`worker exited with code ${code}`));
    return worker;
  }

  private settle(result: EngineResult): void {
    const p = this.pending;
    if (p === null) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve(result);
  }

  /** Renders one case; resolves with a timeout result when it takes longer than the limit. */
  render(c: TemplateCase, timeoutMs = this.timeoutMs): Promise<EngineResult> {
    if (this.pending !== null) throw new Error('EngineRunner renders one case at a time');
    if (this.worker === null) this.worker = this.spawn();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        // A synchronous render cannot be interrupted: end the worker and start a fresh one next time.
        this.worker = null;
        this.settle({ output: null, error: null, timeout: true, ms: performance.now() - started });
        void worker.terminate();
      }, timeoutMs);
      this.pending = { id, resolve, timer, started, worker };
      worker.postMessage({ id, case: c });
    });
  }

  async renderAll(cases: readonly TemplateCase[], timeoutMs = this.timeoutMs): Promise<EngineResult[]> {
    const out: EngineResult[] = [];
    for (const c of cases) out.push(await this.render(c, timeoutMs));
    return out;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }
}
