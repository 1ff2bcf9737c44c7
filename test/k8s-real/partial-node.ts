/**
 * A program for leftovers.test.ts: a run that brings up part of a real node as the suite does and
 * then waits to be killed. Without arguments it is the suite's outer process (netns.ts): it makes its
 * run record and a network namespace, and starts itself with --inside there. Inside, it dies when the
 * outer one is gone, as the suite's test file does inside (netns.ts's dieWithOwner; no pdeathsig
 * here, so that the test shows that one works), starts the node's runtime (node.ts's
 * startRuntime: the bridge, containerd, the images), runs a container (a shim and the pause process,
 * its overlay root filesystem mounted, in a cgroup under kubepods as the kubelet's pods are), and
 * changes a sysctl the kubelet changes, recording the old value as node.ts does. Then it prints one
 * JSON line saying what it made (for the test to check that it is there, and later gone), and waits.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRun, RUN_ENV } from './leftovers.js';
import { dieWithOwner } from './netns.js';
import { PAUSE_IMAGE, startRuntime } from './node.js';

const SYSCTL = 'kernel.keys.root_maxkeys';
const CGROUP = '/kubepods/duat-leftover-test';

async function inside(): Promise<void> {
  dieWithOwner();
  const rt = await startRuntime();
  const old = execFileSync('sysctl', ['-n', SYSCTL], { encoding: 'utf8' }).trim();
  rt.run.add('sysctl', `${SYSCTL}=${old}`);
  rt.run.add('kubepods');
  execFileSync('sysctl', ['-qw', `${SYSCTL}=${Number(old) + 1}`]);
  rt.ctr('run', '-d', '--runc-root', `${rt.dir}/runc`, '--cgroup', CGROUP, PAUSE_IMAGE, 'leftover');
  const tasks = rt.ctr('tasks', 'ls');
  const containerPid = Number(/^leftover\s+(\d+)/m.exec(tasks)?.[1]);
  // The shim is the container's parent (it reaps it).
  const stat = readFileSync(`/proc/${containerPid}/stat`, 'utf8');
  const shimPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  process.stdout.write(
    `${JSON.stringify({
      record: rt.run.dir,
      inner: process.pid,
      dir: rt.dir,
      containerd: rt.containerdPid,
      shim: shimPid,
      container: containerPid,
      sysctl: { key: SYSCTL, old },
      cgroup: CGROUP,
    })}\n`,
  );
  setInterval(() => {}, 1 << 30);
}

function outside(): void {
  const run = createRun();
  const name = `duat-real-partial-${process.pid}`;
  execFileSync('ip', ['netns', 'add', name]);
  const inode = String(statSync(`/run/netns/${name}`).ino);
  run.add('netns', name, inode);
  execFileSync('nsenter', [`--net=/run/netns/${name}`, 'ip', 'link', 'set', 'lo', 'up']);
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${name}`, process.execPath, process.argv[1] as string, '--inside'],
    { env: { ...process.env, [RUN_ENV]: run.dir }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const end = out.indexOf('\n');
    if (end < 0) return;
    const made = JSON.parse(out.slice(0, end)) as object;
    process.stdout.write(`${JSON.stringify({ ...made, netns: name, inode, owner: process.pid })}\n`);
  });
  child.on('exit', (code) => {
    process.stderr.write(`partial-node: the inner process exited (${code})\n`);
    process.exit(1);
  });
}

if (process.argv[2] === '--inside') await inside();
else outside();
