/** Worker thread body for runner.ts: renders the cases it is sent with our engine. */
import { parentPort } from 'node:worker_threads';
import type { TemplateCase } from './cases.js';
import { renderCase } from './engine.js';

interface Request {
  id: number;
  case: TemplateCase;
}

const port = parentPort;
if (port === null) throw new Error('render-worker.js must run as a worker thread');
port.on('message', (req: Request) => {
  port.postMessage({ id: req.id, result: renderCase(req.case) });
});
