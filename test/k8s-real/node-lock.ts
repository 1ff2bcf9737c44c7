/**
 * One real node per machine at a time: the kubelet owns /sys/fs/cgroup/<each>/kubepods and host
 * sysctls, and the clean-up of dead runs (leftovers.ts) removes those. Every node start, and the
 * clean-up, holds this lock.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './leftovers.js';

/**
 * Holds the machine-wide real-node lock (flock on $DUAT_TEST_CACHE/k8s-real-node.lock) until
 * release(). The lock is held by a child whose stdin is ours, so it is let go however this process
 * ends (kill -9 too): its stdin closes and it exits.
 */
export async function takeNodeLock(timeoutMs: number): Promise<() => void> {
  mkdirSync(cacheRoot(), { recursive: true });
  const path = join(cacheRoot(), 'k8s-real-node.lock');
  const child = spawn('flock', [path, '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const locked = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  const release = () => {
    child.stdin.end();
    child.kill();
  };
  if (!locked) {
    release();
    throw new Error(`another real-node suite held ${path} for ${timeoutMs / 1000}s`);
  }
  return release;
}
