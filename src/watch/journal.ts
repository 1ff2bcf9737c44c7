/**
 * The state directory and the run journal in it: one small JSON file per run, replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) at every change of state. A kill -9 at any
 * moment leaves each record either as it was or as it became, never torn, so a restart reads exactly
 * what had been decided. Records are few and small (one per commit seen), so they are all held in memory.
 *
 *   STATE/status.json           what the running watcher last knew of each repository (for `status`)
 *   STATE/runs/ID/run.json      the run record
 *   STATE/runs/ID/log           the job's stdout and stderr
 *   STATE/runs/ID/job           the rendered job script
 *   STATE/runs/ID/attempt-N.*   the runner's own files (claim and exit code, see runners/local.ts)
 *   STATE/mirrors/KEY.git       a bare mirror per repository
 *   STATE/workspaces/ID/        the checkout a job runs in (removed after the run unless -debug)
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';

import { homedir } from 'node:os';
import { join } from 'node:path';
import { syncDirectory, TEMP_SUFFIX, writeFileAtomic } from '../core/atomic-write.js';
import { DuatError, describeFsError, errorMessage } from '../core/errors.js';
import type { RunRecord, RunState } from './runs.js';

export interface StateLayout {
  readonly root: string;
  readonly runs: string;
  readonly mirrors: string;
  readonly workspaces: string;
  readonly statusFile: string;
  /** The file whose lock (`.watcher.duat-lock`) makes one watcher per state directory. */
  readonly lockTarget: string;
}

export function stateLayout(root: string): StateLayout {
  return {
    root,
    runs: join(root, 'runs'),
    mirrors: join(root, 'mirrors'),
    workspaces: join(root, 'workspaces'),
    statusFile: join(root, 'status.json'),
    lockTarget: join(root, 'watcher'),
  };
}

/** `$XDG_STATE_HOME/duat/git-watch`, else `~/.local/state/duat/git-watch`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.local', 'state');
  return join(base, 'duat', 'git-watch');
}

/** Creates what is missing of the state directory, private to the user (0700). */
export function ensureStateDir(root: string): StateLayout {
  const layout = stateLayout(root);
  try {
    for (const dir of [layout.root, layout.runs, layout.mirrors, layout.workspaces])
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new DuatError(`cannot use the state directory: ${describeFsError(err)}`, {
      file: root,
      cause: err,
      hint: 'choose another with -persistent-state-dir DIR',
    });
  }
  return layout;
}

const STATES: readonly RunState[] = ['queued', 'started', 'succeeded', 'failed', 'interrupted'];

function parseRecord(text: string, id: string): RunRecord {
  const value = JSON.parse(text) as RunRecord;
  if (
    value?.format !== 1 ||
    value.id !== id ||
    !STATES.includes(value.state) ||
    typeof value.commit !== 'string'
  ) {
    throw new Error('not a run record');
  }
  return value;
}

function repoIndexKey(url: string, branch: string): string {
  return `${url}\n${branch}`;
}

export class RunJournal {
  private readonly records = new Map<string, RunRecord>();
  private readonly byRepo = new Map<string, Map<string, RunRecord>>();

  private constructor(readonly layout: StateLayout) {}

  /**
   * Reads every run record. Records that cannot be read are reported through `warn` and skipped;
   * temporary files of writes that a crash interrupted are removed (the caller holds the state lock).
   */
  static load(layout: StateLayout, warn: (message: string) => void = () => {}): RunJournal {
    const journal = new RunJournal(layout);
    let ids: string[];
    try {
      ids = readdirSync(layout.runs);
    } catch {
      ids = [];
    }
    for (const id of ids) {
      const dir = join(layout.runs, id);
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.endsWith(TEMP_SUFFIX)) {
          try {
            unlinkSync(join(dir, name));
          } catch {
            // gone already
          }
        }
      }
      if (!names.includes('run.json')) continue; // created but never recorded: nothing was decided
      try {
        journal.remember(parseRecord(readFileSync(join(dir, 'run.json'), 'utf8'), id));
      } catch (err) {
        warn(`${join(dir, 'run.json')}: unreadable run record skipped (${errorMessage(err)})`);
      }
    }
    return journal;
  }

  /** Records read-only, without the lock: what `status` and `logs` use. */
  static read(layout: StateLayout): RunJournal {
    const journal = new RunJournal(layout);
    let ids: string[];
    try {
      ids = readdirSync(layout.runs);
    } catch {
      return journal;
    }
    for (const id of ids) {
      try {
        journal.remember(parseRecord(readFileSync(join(layout.runs, id, 'run.json'), 'utf8'), id));
      } catch {
        // not a record (yet)
      }
    }
    return journal;
  }

  get size(): number {
    return this.records.size;
  }

  get(id: string): RunRecord | undefined {
    return this.records.get(id);
  }

  all(): RunRecord[] {
    return [...this.records.values()];
  }

  /** The runs of one repository and branch. */
  forRepo(url: string, branch: string): RunRecord[] {
    return [...(this.byRepo.get(repoIndexKey(url, branch))?.values() ?? [])];
  }

  runDir(id: string): string {
    return join(this.layout.runs, id);
  }

  logPath(id: string): string {
    return join(this.layout.runs, id, 'log');
  }

  /** Makes the record durable, then remembers it. */
  put(record: RunRecord): void {
    const dir = this.runDir(record.id);
    if (!this.records.has(record.id)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      syncDirectory(this.layout.runs);
    }
    writeFileAtomic(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    this.remember(record);
  }

  private remember(record: RunRecord): void {
    this.records.set(record.id, record);
    const key = repoIndexKey(record.url, record.branch);
    let index = this.byRepo.get(key);
    if (!index) {
      index = new Map();
      this.byRepo.set(key, index);
    }
    index.set(record.id, record);
  }
}
