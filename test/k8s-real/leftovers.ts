/**
 * What a real-node run leaves behind when it dies without its clean-up (kill -9), and its removal.
 * A killed run leaves its network namespace, the node's processes (containerd, kubelet, the control
 * plane, git servers, git-watch; the containerd shims and their containers, which are not children of
 * anything the run started), the mounts under its directories (overlay root filesystems, emptyDir and
 * secret tmpfs, pod network namespaces), the kubelet's pod cgroups and the host sysctls it changed.
 *
 * So each run keeps a record, a directory under $DUAT_TEST_CACHE/k8s-real-runs/: `owner` (the process
 * whose life the run is: its pid, its start time and the boot's id, so that a reused pid or a reboot is
 * no owner) and `items`, lines appended as the run makes things: `netns NAME INODE`, `dir PATH`, `pid
 * PID START`, `sysctl KEY=VALUE` (the value to restore), `kubepods` (a kubelet ran). A record whose
 * owner is gone is stale: `reap` kills every process in the record's namespace (while its name still
 * holds it: a deleted namespace's inode may be reused) and every recorded process (the same start
 * time), with all their descendants (so the shims' containers, even in pods' own namespaces), then
 * unmounts what is mounted under its directories, deletes the namespace, removes the pod cgroups,
 * restores the sysctls and deletes the directories and the record (of a record from before the last
 * boot, only the directories and the record). It is called
 * - by node.ts when a node starts, for every stale record (under the machine's real-node lock, since
 *   the pod cgroups and sysctls are machine-wide),
 * - by netns.ts for its own record when its run ends, however the inner test process ended,
 * - by hand: `bash scripts/k8s-real-node.sh --down` (down.ts).
 * Hand-written: there is no library for this, and it is a few /proc and mount-table walks.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function cacheRoot(): string {
  return process.env.DUAT_TEST_CACHE || join(homedir(), '.cache', 'duat-test');
}

export function runsRoot(): string {
  return join(cacheRoot(), 'k8s-real-runs');
}

/** The environment variable that hands a run's record to the processes of that run. */
export const RUN_ENV = 'DUAT_REAL_NODE_RUN';

function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** A process's start time (clock ticks since boot, /proc/PID/stat field 22), or undefined when gone. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** A process's network namespace, as /proc shows it (`net:[INODE]`), or undefined. */
function netnsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

export interface Run {
  /** The record's directory. */
  readonly dir: string;
  /** Appends an item (see the header) to the record. */
  add(kind: 'netns' | 'dir' | 'pid' | 'sysctl' | 'kubepods', ...fields: string[]): void;
  /** Records a process the run started. */
  addPid(pid: number | undefined): void;
  /** True when this process owns the record (no netns.ts around it): it removes it when done. */
  readonly ownedHere: boolean;
}

function openRecord(dir: string): Run {
  const items = join(dir, 'items');
  const add = (kind: string, ...fields: string[]) =>
    appendFileSync(items, `${[kind, ...fields].join(' ')}\n`);
  let ownedHere = false;
  try {
    ownedHere = Number(readFileSync(join(dir, 'owner'), 'utf8').split(' ')[0]) === process.pid;
  } catch {
    // no owner: not ours
  }
  return {
    dir,
    add,
    ownedHere,
    addPid(pid) {
      const start = pid === undefined ? undefined : startTime(pid);
      if (pid !== undefined && start) add('pid', String(pid), start);
    },
  };
}

/** A new record owned by `ownerPid` (default: this process). */
export function createRun(ownerPid = process.pid): Run {
  const start = startTime(ownerPid);
  if (!start) throw new Error(`no process ${ownerPid} to own a real-node run`);
  const dir = join(runsRoot(), `${ownerPid}-${start}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'owner'), `${ownerPid} ${start} ${bootId()}\n`);
  writeFileSync(join(dir, 'items'), '', { flag: 'a' });
  return openRecord(dir);
}

/** The record this process was handed (RUN_ENV), or a new one it owns. */
export function currentRun(): Run {
  const dir = process.env[RUN_ENV];
  if (dir && existsSync(join(dir, 'owner'))) return openRecord(dir);
  const run = createRun();
  process.env[RUN_ENV] = run.dir;
  return run;
}

/** True while the record's owner lives (the same process: pid, start time and boot). */
export function ownerAlive(recordDir: string): boolean {
  let owner: string[];
  try {
    owner = readFileSync(join(recordDir, 'owner'), 'utf8').trim().split(' ');
  } catch {
    return false;
  }
  const [pid, start, boot] = owner;
  return boot === bootId() && startTime(Number(pid)) === start;
}

interface Items {
  netns?: { name: string; inode: string };
  dirs: string[];
  pids: { pid: number; start: string }[];
  sysctls: [string, string][];
  kubepods: boolean;
}

function readItems(recordDir: string): Items {
  const items: Items = { dirs: [], pids: [], sysctls: [], kubepods: false };
  let text = '';
  try {
    text = readFileSync(join(recordDir, 'items'), 'utf8');
  } catch {
    // an empty record
  }
  for (const line of text.split('\n')) {
    const [kind, ...rest] = line.split(' ');
    if (kind === 'netns' && rest.length === 2)
      items.netns = { name: rest[0] as string, inode: rest[1] as string };
    else if (kind === 'dir' && rest.length > 0) items.dirs.push(rest.join(' '));
    else if (kind === 'pid' && rest.length === 2)
      items.pids.push({ pid: Number(rest[0]), start: rest[1] as string });
    else if (kind === 'sysctl' && rest[0]?.includes('=')) {
      const [key, value] = rest.join(' ').split(/=(.*)/s) as [string, string];
      // The first value recorded is the one from before the run changed anything.
      if (!items.sysctls.some(([k]) => k === key)) items.sysctls.push([key, value]);
    } else if (kind === 'kubepods') items.kubepods = true;
  }
  return items;
}

/** Everything under `root` that is mounted, deepest first. */
export function mountsUnder(root: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .map((path) => path.replace(/\\040/g, ' '))
    .filter((path) => path === root || path.startsWith(`${root}/`))
    .sort()
    .reverse();
}

/** Removes a cgroup directory tree, deepest first (cgroup v1: rmdir only). */
export function removeCgroupTree(path: string): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return;
  }
  for (const entry of entries) removeCgroupTree(join(path, entry));
  try {
    rmdirSync(path);
  } catch {
    // still in use, or gone
  }
}

/** Removes the kubelet's pod cgroups from every hierarchy (only when no kubelet runs: hold the lock). */
export function removePodCgroups(): void {
  for (const hierarchy of readdirSync('/sys/fs/cgroup'))
    removeCgroupTree(join('/sys/fs/cgroup', hierarchy, 'kubepods'));
}

/** The containerd shims' pids under a run's directory (containerd keeps them in its state). */
function shimPids(dir: string): number[] {
  const pids: number[] = [];
  const tasks = join(dir, 'containerd', 'state', 'io.containerd.runtime.v2.task');
  if (!existsSync(tasks)) return pids;
  for (const ns of readdirSync(tasks)) {
    let ids: string[] = [];
    try {
      ids = readdirSync(join(tasks, ns));
    } catch {
      continue;
    }
    for (const id of ids) {
      try {
        pids.push(Number(readFileSync(join(tasks, ns, id, 'shim.pid'), 'utf8')));
      } catch {
        // no shim
      }
    }
  }
  return pids;
}

/** True for a process that is gone or has ended and waits for its parent to reap it. */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return true;
  }
}

/** This process and its ancestors: never killed. */
function ourselves(): Set<number> {
  const keep = new Set<number>();
  for (let pid: number | undefined = process.pid; pid && pid > 0 && !keep.has(pid); pid = parentOf(pid))
    keep.add(pid);
  return keep;
}

/** True when the record was made since this machine last booted (else nothing of it runs or is mounted). */
function thisBoot(recordDir: string): boolean {
  try {
    return readFileSync(join(recordDir, 'owner'), 'utf8').trim().split(' ')[2] === bootId();
  } catch {
    return false;
  }
}

/** True while the record's namespace is still there under its name (so its inode is still its own). */
function netnsNamed(netns: { name: string; inode: string }): boolean {
  try {
    return String(statSync(`/run/netns/${netns.name}`).ino) === netns.inode;
  } catch {
    return false;
  }
}

/** The processes a run left: in its namespace, recorded, shims; and all their descendants. */
export function leftoverProcesses(recordDir: string): number[] {
  if (!thisBoot(recordDir)) return [];
  const items = readItems(recordDir);
  const keep = ourselves();
  const pids = allPids();
  const victims = new Set<number>();
  // By namespace only while its name holds it: a namespace gone, its inode may be another's now.
  if (items.netns && netnsNamed(items.netns)) {
    const ns = `net:[${items.netns.inode}]`;
    for (const pid of pids) if (netnsOf(pid) === ns) victims.add(pid);
  }
  for (const { pid, start } of items.pids) if (startTime(pid) === start) victims.add(pid);
  for (const dir of items.dirs) for (const pid of shimPids(dir)) if (startTime(pid)) victims.add(pid);
  // Descendants: containers are the shims' children (and may be in their pods' own namespaces).
  const parents = new Map(pids.map((pid) => [pid, parentOf(pid)]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (parent !== undefined && victims.has(parent) && !victims.has(pid)) {
        victims.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of keep) victims.delete(pid);
  return [...victims].sort((a, b) => a - b);
}

export interface Reaped {
  readonly record: string;
  readonly killed: number;
  readonly unmounted: number;
  readonly netns?: string;
  readonly dirs: readonly string[];
}

/**
 * Removes what the run of `recordDir` left (see the header) and the record. The caller holds the
 * machine's real-node lock when the record says a kubelet ran (pod cgroups, sysctls).
 */
export async function reap(recordDir: string): Promise<Reaped> {
  const items = readItems(recordDir);
  // Killed all at once, so that no shim outlives containerd to restart anything; again until none is
  // left, as a dying parent's children may be seen only once reparented.
  const killed = new Set<number>();
  const deadline = Date.now() + 30_000;
  for (let victims = leftoverProcesses(recordDir); victims.length > 0; ) {
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // gone
      }
    }
    await sleep(50);
    victims = leftoverProcesses(recordDir).filter((pid) => !zombie(pid));
    if (Date.now() > deadline)
      throw new Error(`processes ${victims.join(', ')} of run ${recordDir} did not end within 30s`);
  }
  // A record from before the last boot: its processes, mounts, namespace, cgroups and sysctls went with
  // that boot; only its directories are left.
  const booted = thisBoot(recordDir);
  let unmounted = 0;
  for (const dir of booted ? items.dirs : []) {
    for (const mount of mountsUnder(dir)) {
      if (spawnSync('umount', ['-l', mount]).status === 0) unmounted++;
    }
  }
  let netns: string | undefined;
  if (booted && items.netns && netnsNamed(items.netns)) {
    spawnSync('ip', ['netns', 'del', items.netns.name]);
    netns = items.netns.name;
  }
  if (booted && items.kubepods) removePodCgroups();
  for (const [key, value] of booted ? items.sysctls : []) spawnSync('sysctl', ['-qw', `${key}=${value}`]);
  for (const d of ['/run/containerd/s', '/run/containerd/fifo', '/run/containerd']) {
    try {
      rmdirSync(d); // containerd 1.6 makes these; only when empty
    } catch {
      // in use by another containerd, or gone
    }
  }
  for (const dir of items.dirs) rmSync(dir, { recursive: true, force: true });
  rmSync(recordDir, { recursive: true, force: true });
  return { record: recordDir, killed: killed.size, unmounted, netns, dirs: items.dirs };
}

/** Reaps every record whose owner is gone (hold the machine's real-node lock). */
export async function reapDeadRuns(): Promise<Reaped[]> {
  if (!existsSync(runsRoot())) return [];
  const reaped: Reaped[] = [];
  for (const entry of readdirSync(runsRoot())) {
    const record = join(runsRoot(), entry);
    if (!ownerAlive(record)) reaped.push(await reap(record));
  }
  return reaped;
}

/** One line for the log about what a reap removed. */
export function describeReaped(r: Reaped): string {
  return `removed what real-node run ${r.record.split('/').pop()} left: ${r.killed} processes killed, ${r.unmounted} mounts unmounted${r.netns ? `, network namespace ${r.netns} deleted` : ''}, ${r.dirs.length} directories`;
}
