/**
 * `bash scripts/k8s-real-node.sh --down` (or `node dist/test/k8s-real/down.js`): removes by hand what
 * real-node runs killed without their clean-up left behind (leftovers.ts says what and how): for
 * every run record under $DUAT_TEST_CACHE/k8s-real-runs/ whose owner is gone. A run that is still
 * going is left alone; this waits up to a minute for the machine's real-node lock, so it never
 * removes the pod cgroups under a live kubelet. Prints one line per run removed; exit 0 when all went,
 * 1 with a one-line reason otherwise.
 */
import { describeReaped, reapDeadRuns, runsRoot } from './leftovers.js';
import { takeNodeLock } from './node-lock.js';

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      'k8s-real-node --down: needs root (it kills processes, unmounts, deletes namespaces)\n',
    );
    return 1;
  }
  let release: () => void;
  try {
    release = await takeNodeLock(60_000);
  } catch (err) {
    process.stderr.write(`k8s-real-node --down: a real-node suite is running: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const reaped = await reapDeadRuns();
    for (const r of reaped) process.stdout.write(`${describeReaped(r)}\n`);
    if (reaped.length === 0) process.stdout.write(`nothing left by dead real-node runs (${runsRoot()})\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`k8s-real-node --down: ${(err as Error).message}\n`);
    return 1;
  } finally {
    release();
  }
}

process.exitCode = await main();
