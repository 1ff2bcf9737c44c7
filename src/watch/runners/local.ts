/**
 * The local runner: each job is a process on this machine, in its workspace, with its output appended
 * to the run's log. No cluster, no daemon.
 *
 * Exactly once across crashes: the job is started through a small sh wrapper in its own process group,
 * detached from the watcher, so a watcher killed with kill -9 does not take the job down with it. The
 * wrapper first claims the attempt by creating `attempt-N.pid` exclusively (sh's noclobber is O_EXCL),
 * so at most one process ever runs a given attempt, then runs the job, then records its exit code in
 * `attempt-N.exit` (written aside and renamed). A restarted watcher reads those files: an exit code
 * means the job finished while nobody watched; a live claimant is followed until it ends; a dead one
 * without an exit code was lost; no claim at all means the job never began.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuatError, errorMessage } from '../../core/errors.js';
import { knownSecrets } from '../../core/redact.js';
import type { JobSpec, Recovery, RunHandle, Runner, RunOutcome, RunPhase } from './runner.js';

/** The wrapper's exit code when another process already claimed the attempt. */
const CLAIMED_ELSEWHERE = 125;
/** How often a followed (adopted) job is checked. */
const FOLLOW_INTERVAL_MS = 200;
/** After asking a job to stop (SIGTERM), how long before it is killed. */
const KILL_AFTER_MS = 5_000;

// $1 run dir, $2 attempt, $3 workspace, $4 log, $5 node, $6 the log mask's script ('' when there is no
// secret to mask), then the command. With secrets the job's output reaches its log through the mask
// (see LOG_MASK), over a FIFO: the wrapper waits for the job, then for the mask to write the last of it
// but at most 5 s (a process the job left running in the background may hold the FIFO open for ever;
// the mask then goes on without holding up the run). The mask reads the secrets from fd 3; the job gets
// neither fd 3 nor the secrets, and the mask outlives a watcher killed with kill -9.
const WRAPPER = `dir=$1; n=$2; work=$3; log=$4; node=$5; mask=$6; shift 6
set -C
if ! { echo $$ > "$dir/attempt-$n.pid"; } 2>/dev/null; then exit ${CLAIMED_ELSEWHERE}; fi
set +C
fifo="$dir/attempt-$n.out"
if ! cd "$work" 2>>"$log"; then code=126
elif [ -z "$mask" ]; then
  exec 3<&-
  "$@" </dev/null >>"$log" 2>&1; code=$?
elif rm -f "$fifo" && mkfifo -m 600 "$fifo" 2>>"$log"; then
  "$node" -e "$mask" <"$fifo" >>"$log" 2>&1 & m=$!
  exec 3<&-
  "$@" </dev/null >"$fifo" 2>&1; code=$?
  trap : USR1; (sleep 5; kill -USR1 $$ 2>/dev/null) & t=$!
  wait "$m"; kill "$t" 2>/dev/null; trap - USR1
  rm -f "$fifo"
else code=126; fi
echo "$code" > "$dir/attempt-$n.exit.tmp" && mv -f "$dir/attempt-$n.exit.tmp" "$dir/attempt-$n.exit"
exit "$code"`;

/**
 * The log mask: copies its input to its output with every secret (a JSON list read from fd 3)
 * replaced by ***. It writes at once all but the end of what it has that could be the start of a
 * secret, so a secret split across two writes is masked too and the live log lags only by such an
 * end. Bytes pass as latin1, unchanged. A stop (SIGTERM to the job's group) does not end it before
 * the job: it drains the job's last words.
 */
const LOG_MASK = `'use strict';
const fs = require('fs');
let secrets = [];
try { secrets = JSON.parse(fs.readFileSync(3, 'utf8')); } catch {}
secrets = secrets.map((s) => Buffer.from(String(s), 'utf8').toString('latin1')).filter((s) => s.length >= 4);
process.on('SIGTERM', () => {});
const mask = (t) => { for (const s of secrets) if (t.includes(s)) t = t.split(s).join('***'); return t; };
const held = (t) => {
  let k = 0;
  for (const s of secrets)
    for (let n = Math.min(s.length - 1, t.length); n > k; n--) if (t.endsWith(s.slice(0, n))) { k = n; break; }
  return k;
};
let rest = '';
process.stdin.setEncoding('latin1');
process.stdin.on('data', (chunk) => {
  const t = mask(rest + chunk);
  const k = held(t);
  rest = t.slice(t.length - k);
  if (t.length > k) process.stdout.write(t.slice(0, t.length - k), 'latin1');
});
process.stdin.on('end', () => process.stdout.write(mask(rest), 'latin1'));
`;

function claimPath(job: JobSpec): string {
  return join(job.runDir, `attempt-${job.attempt}.pid`);
}

function exitPath(job: JobSpec): string {
  return join(job.runDir, `attempt-${job.attempt}.exit`);
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The exit code the wrapper recorded, if it got that far. */
function recordedExit(job: JobSpec): number | undefined {
  const text = readTrimmed(exitPath(job));
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The claimant's pid: a number, 'pending' while the claim file is still empty, or undefined: no claim. */
function claimant(job: JobSpec): number | 'pending' | undefined {
  const text = readTrimmed(claimPath(job));
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : 'pending';
}

/** True when `pid` is alive and is the wrapper of this run (not a process that reused the pid). */
function isWrapperAlive(pid: number, job: JobSpec): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no /proc here: the signal test is all there is
  }
  if (/\) Z /.test(stat)) return false; // a zombie has finished
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(job.runDir);
  } catch {
    return false;
  }
}

function outcomeOf(exitCode: number, cancelled: string | undefined): RunOutcome {
  if (exitCode === 0) return { result: 'succeeded', exitCode };
  if (cancelled !== undefined) return { result: 'interrupted', exitCode, detail: cancelled };
  return { result: 'failed', exitCode };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

class LocalRunHandle implements RunHandle {
  readonly id: string;
  readonly done: Promise<RunOutcome>;
  private settle!: (outcome: RunOutcome) => void;
  private settled = false;
  private readonly listeners: ((phase: RunPhase, detail: string) => void)[] = [];
  private pid: number | undefined;
  private cancelled: string | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly job: JobSpec) {
    this.id = job.id;
    this.done = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  onPhase(listener: (phase: RunPhase, detail: string) => void): void {
    this.listeners.push(listener);
  }

  phase(phase: RunPhase, detail: string): void {
    for (const listener of this.listeners) listener(phase, detail);
  }

  running(pid: number, detail: string): void {
    this.pid = pid;
    this.phase('Running', detail);
    if (this.cancelled !== undefined) this.signalJob();
  }

  finish(outcome: RunOutcome): void {
    if (this.settled) return;
    this.settled = true;
    clearInterval(this.followTimer);
    clearTimeout(this.killTimer);
    this.phase(
      outcome.result === 'succeeded' ? 'Succeeded' : outcome.result === 'failed' ? 'Failed' : 'Interrupted',
      '',
    );
    this.settle(outcome);
  }

  /** Follows a wrapper that this process did not start, until it records an exit code or dies. */
  follow(pid: number): void {
    this.running(pid, `following pid ${pid}`);
    const check = () => {
      const code = recordedExit(this.job);
      if (code !== undefined) {
        this.finish(outcomeOf(code, this.cancelled));
      } else if (!isWrapperAlive(pid, this.job)) {
        const late = recordedExit(this.job);
        if (late !== undefined) this.finish(outcomeOf(late, this.cancelled));
        else
          this.finish({
            result: 'interrupted',
            detail: this.cancelled ?? 'the job ended without recording an exit code',
          });
      }
    };
    this.followTimer = setInterval(check, FOLLOW_INTERVAL_MS);
    check();
  }

  /** The wrapper process this handle started has exited. */
  exited(code: number | null, signal: NodeJS.Signals | null): void {
    // The exit code file is the attempt's result, whoever ran it (a job may exit 125 itself).
    const recorded = recordedExit(this.job);
    if (recorded !== undefined) this.finish(outcomeOf(recorded, this.cancelled));
    else if (code === CLAIMED_ELSEWHERE) {
      // An earlier process (of a watcher that died) holds this attempt: follow it instead.
      const pid = claimant(this.job);
      if (typeof pid === 'number') this.follow(pid);
      else
        this.finish({ result: 'interrupted', detail: 'the attempt was claimed by a process that is gone' });
    } else if (this.cancelled !== undefined)
      this.finish({ result: 'interrupted', detail: this.cancelled, signal: signal ?? undefined });
    else
      this.finish({
        result: 'failed',
        signal: signal ?? undefined,
        detail: `the job was killed by ${signal ?? `exit ${code}`}`,
      });
  }

  cancel(reason: string): void {
    if (this.settled || this.cancelled !== undefined) return;
    this.cancelled = reason;
    if (this.pid !== undefined) this.signalJob();
  }

  private signalJob(): void {
    const pid = this.pid as number;
    killGroup(pid, 'SIGTERM');
    this.killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_AFTER_MS);
    this.killTimer.unref();
  }
}

export class LocalRunner implements Runner {
  readonly name = 'local';

  async prepare(): Promise<void> {
    const probe = spawnSync('sh', ['-c', 'exit 0'], { stdio: 'ignore' });
    if (probe.error || probe.status !== 0) {
      throw new DuatError('the local runner needs sh, which cannot be run here', {
        hint: 'install a POSIX shell',
      });
    }
  }

  start(job: JobSpec): RunHandle {
    const handle = new LocalRunHandle(job);
    let command: string[];
    try {
      // A script with a #! line runs as itself; anything else is given to sh.
      command = readFileSync(job.script, 'utf8').startsWith('#!') ? [job.script] : ['sh', job.script];
      chmodSync(job.script, 0o700);
      appendFileSync(
        job.logPath,
        `--- duat git-watch: run ${job.id} attempt ${job.attempt}, commit ${job.commit} of ${job.url} (${job.branch}), ${new Date().toISOString()}\n`,
        { mode: 0o600 },
      );
    } catch (err) {
      handle.finish({ result: 'failed', detail: `cannot prepare the job: ${errorMessage(err)}` });
      return handle;
    }
    const secrets = knownSecrets();
    const child = spawn(
      'sh',
      [
        '-c',
        WRAPPER,
        'duat-job',
        job.runDir,
        String(job.attempt),
        job.dir,
        job.logPath,
        process.execPath,
        secrets.length > 0 ? LOG_MASK : '',
        ...command,
      ],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
        env: job.env,
      },
    );
    // The secrets to mask, through a pipe that only the mask reads: never argv or an environment.
    const secretsPipe = child.stdio[3] as Writable | null;
    secretsPipe?.on('error', () => {}); // a job that never started
    secretsPipe?.end(JSON.stringify(secrets));
    child.on('spawn', () => handle.running(child.pid as number, `pid ${child.pid}`));
    child.on('error', (err) =>
      handle.finish({ result: 'failed', detail: `cannot start the job: ${errorMessage(err)}` }),
    );
    child.on('exit', (code, signal) => handle.exited(code, signal));
    return handle;
  }

  async recover(job: JobSpec): Promise<Recovery> {
    const code = recordedExit(job);
    if (code !== undefined) return { kind: 'finished', outcome: outcomeOf(code, undefined) };
    let pid = claimant(job);
    if (pid === undefined) return { kind: 'not-started' };
    // A claim file is created, then the pid written: give a wrapper caught in between a moment.
    for (let i = 0; i < 20 && pid === 'pending'; i++) {
      await sleep(50);
      pid = claimant(job);
    }
    if (typeof pid === 'number' && isWrapperAlive(pid, job)) {
      const handle = new LocalRunHandle(job);
      handle.follow(pid);
      return { kind: 'running', handle };
    }
    const late = recordedExit(job);
    if (late !== undefined) return { kind: 'finished', outcome: outcomeOf(late, undefined) };
    return {
      kind: 'lost',
      detail: 'the job ended without recording an exit code (killed, or the machine restarted)',
    };
  }
}
