/**
 * Render benchmark: a generated Helm-sized chart (a few thousand template lines ranging over a few
 * hundred services, with defines, nested if/with and many sprig calls) rendered in-process by our
 * engine and by Go's text/template + sprig (the Go oracle's bench mode), both parsed once and
 * executed many times after a warm-up. Prints both medians and ours/Go (< 1 means we are faster),
 * but only after checking that both outputs are byte-identical; otherwise it reports the mismatch.
 *
 * Then the same render cold, as `duat stencil` does it: the first parse and execute in a fresh
 * process (CPU time, median over --cold-runs processes), beside the warm figure. Their difference is
 * what V8 costs before it has compiled the engine (it runs in the interpreter most of a render); the
 * whole-process row against Go is in bench/startup.ts.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/template-render.js [--runs N] [--services N] [--sections N] [--cold-runs N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixedContext, sprigFuncs } from '../src/template/funcs/index.js';
import { Template } from '../src/template/index.js';
import { fromJSON } from '../src/template/value.js';
import { generateChart } from '../test/template/harness/chart.js';
import { goBytes } from '../test/template/harness/judge.js';
import { benchOracle } from '../test/template/harness/oracle.js';
import { firstDifference } from '../test/template/harness/report.js';
import { emitRow } from './measure.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    services: { type: 'string', default: '240' },
    sections: { type: 'string', default: '40' },
    'cold-runs': { type: 'string', default: '9' },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const ms = (ns: number): string => `${(ns / 1e6).toFixed(2)} ms`;

/**
 * The first render in a fresh Node process, CPU milliseconds of parse and of execute (modules already
 * loaded, values decoded): what the render costs before V8 has compiled the engine.
 */
function coldRender(templateFile: string, dataFile: string): { parseMs: number; executeMs: number } {
  const dist = new URL('../src/template/', import.meta.url).href;
  const script = `
    import { readFileSync } from 'node:fs';
    const { fixedContext, sprigFuncs } = await import(${JSON.stringify(`${dist}funcs/index.js`)});
    const { Template } = await import(${JSON.stringify(`${dist}index.js`)});
    const { decodeJSON } = await import(${JSON.stringify(`${dist}funcs/json.js`)});
    const text = readFileSync(${JSON.stringify(templateFile)}, 'utf8');
    const data = decodeJSON(readFileSync(${JSON.stringify(dataFile)}, 'utf8'), 'map').value;
    const funcs = sprigFuncs(fixedContext({}));
    const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
    const t0 = cpu();
    const template = new Template('chart', { funcs }).parse(text);
    const t1 = cpu();
    template.execute(data);
    const t2 = cpu();
    console.log(JSON.stringify({ parseMs: t1 - t0, executeMs: t2 - t1 }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out) as { parseMs: number; executeMs: number };
}

function main(): number {
  const chart = generateChart(Number(values.sections), Number(values.services));
  const lines = chart.template.split('\n').length;
  console.log(
    `chart: ${lines} template lines, ${(chart.data as { Values: { services: unknown[] } }).Values.services.length} services`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'duat-bench-'));
  try {
    const templateFile = join(dir, 'chart.tpl');
    const dataFile = join(dir, 'values.json');
    writeFileSync(templateFile, chart.template);
    writeFileSync(dataFile, JSON.stringify(chart.data));

    const go = benchOracle(templateFile, dataFile, runs, 'chart');

    const data = fromJSON(JSON.parse(JSON.stringify(chart.data)));
    let template: Template;
    let output: string;
    try {
      template = new Template('chart', { funcs: sprigFuncs(fixedContext({})) }).parse(chart.template);
      output = template.execute(data);
    } catch (err) {
      console.log(
        `MISMATCH: Go rendered ${go.output.length} bytes; our engine failed: ${(err as Error).message}`,
      );
      return 1;
    }
    const ours = goBytes(output);
    console.log(`output: ${go.output.length} bytes from Go, ${ours.length} from ours`);
    if (!ours.equals(go.output)) {
      console.log(
        `MISMATCH: outputs differ, no timing reported. ${firstDifference(go.output.toString('utf8'), output)}`,
      );
      return 1;
    }

    for (let i = 0; i < warmup; i++) template.execute(data);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      template.execute(data);
      times.push(Number(process.hrtime.bigint() - start));
    }
    const oursNs = median(times);
    console.log(`Go text/template + sprig: median ${ms(go.medianNs)} over ${go.runs} runs`);
    console.log(`duat engine:              median ${ms(oursNs)} over ${runs} runs`);
    console.log(`ratio ours/Go: ${(oursNs / go.medianNs).toFixed(2)} (< 1 means faster than Go)`);
    const colds = Array.from({ length: Number(values['cold-runs']) }, () =>
      coldRender(templateFile, dataFile),
    );
    const coldParse = median(colds.map((c) => c.parseMs));
    const coldExecute = median(colds.map((c) => c.executeMs));
    console.log(
      `duat engine cold (first render in a fresh process, CPU, median of ${colds.length}): ` +
        `parse ${coldParse.toFixed(1)} ms, execute ${coldExecute.toFixed(1)} ms ` +
        `(${(coldExecute / (oursNs / 1e6)).toFixed(1)}x the warm execute)`,
    );
    emitRow({
      work: `engine, warm, in-process execute of the chart (${output.split('\n').length} lines; context for the whole-process 2x row)`,
      metric: 'wall',
      duat: oursNs / 1e6,
      peers: [{ name: 'Go text/template + sprig', value: go.medianNs / 1e6 }],
      against: 'Go text/template + sprig',
      target: 2,
    });
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
