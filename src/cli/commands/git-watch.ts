/** `duat git-watch`: the command line over src/watch. */
import { availableParallelism } from 'node:os';
import { formatDuration, parsePositiveDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { hideSecretsInArgv } from '../../core/hide-argv.js';
import { createLogger, type Logger } from '../../core/log.js';
import { DEFAULT_JOB_SUMMARY, type JobSource } from '../../watch/job.js';
import { defaultStateDir } from '../../watch/journal.js';
import type { Runner } from '../../watch/runners/runner.js';
import type { RunRecord } from '../../watch/runs.js';
import { diskSource, readRunLog, statusOf, type WatchStatus } from '../../watch/status.js';
import { MIN_TOKEN_LENGTH } from '../../watch/ui/token-rules.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { CommandIO } from '../command.js';

export const spec: CommandSpec = {
  name: 'git-watch',
  summary: 'poll git repositories and run a job on every new commit, exactly once',
  usage: [
    '[flags] URL[^branch]...',
    'status [--json]',
    'logs RUN [--json]',
    'gc [--older-than DURATION] [--dry-run]',
  ],
  description:
    'Polls each repository with git ls-remote (cheap: nothing is cloned to find out) and, for every new commit of the ' +
    'watched branch, runs a job on a checkout of exactly that commit. A repository is URL[^branch]: https, ssh ' +
    "(ssh:// or user@host:path), git:// or file:// URLs, or a local path; without ^branch the remote's default " +
    'branch (its HEAD) is watched, where the original assumed master. The first poll of a repository runs its ' +
    'current commit. Several commits pushed between two polls run once, on the newest; runs of one repository ' +
    'never overlap and queue in the order their commits were seen; --max-jobs bounds all runs together.\n' +
    'Exactly once: each run is named after its repository, branch and commit and recorded in the state directory ' +
    'before its job starts. Jobs run detached, so a git-watch killed at any moment (even kill -9) and started again ' +
    'follows the jobs still running, records the ones that ended meanwhile, and runs again, once, a job that was ' +
    'lost or stopped; nothing that finished runs twice.\n' +
    'The local runner (the default) checks the commit out from a mirror kept per repository under the state ' +
    'directory, renders the job through stencil, and runs it in the checkout as a script (its #! line, else sh), ' +
    "output to the run's log. The template sees .ID .Namespace .Dir .Commit .URL .Branch besides .Env and .duat; " +
    "the job's environment has GIT_HOME (the checkout), DUAT_COMMIT, DUAT_BRANCH, DUAT_URL, DUAT_RUN_ID, " +
    'DUAT_NAMESPACE and GIT_BRANCH. ' +
    DEFAULT_JOB_SUMMARY,
  flags: [
    {
      name: 'github-token',
      type: 'string',
      placeholder: 'TOKEN',
      secret: true,
      envAliases: ['GH_TOKEN'],
      description:
        'A token for https repositories on github.com, on the GitHub Enterprise host of GH_HOST or GITHUB_SERVER_URL, ' +
        'and on the hosts of --token-hosts; never sent to another host nor over plain http. git gets it from a ' +
        'credential helper only when the server asks (401): never in a URL, an argument list, a log or the state ' +
        'files. Give it in the environment (GITHUB_TOKEN or GH_TOKEN): a flag, like a password in a URL, is ' +
        'visible to other users of the machine (ps) until git-watch has read it and hidden it.',
    },
    {
      name: 'token-hosts',
      type: 'string',
      placeholder: 'HOST[:PORT],...',
      env: 'GIT_WATCH_TOKEN_HOSTS',
      description:
        'More hosts the --github-token is for (a GitLab or Gitea server, say), besides github.com and GH_HOST / ' +
        "GITHUB_SERVER_URL's host. A host without a port means its https port.",
    },
    {
      name: 'insecure-http-token',
      type: 'boolean',
      env: false,
      description:
        'Let the token, or credentials in a URL, go over plain http to a loopback host (127.0.0.1, [::1], ' +
        'localhost): for a test server on this machine. Over http to any other host they are never sent.',
    },
    {
      name: 'job-template',
      type: 'string',
      placeholder: 'FILE',
      description:
        'A stencil template rendered for each run into the job script (read again for every run, so a fix ' +
        'takes effect without a restart). A template error fails that run, naming the line and column.',
    },
    {
      name: 'run',
      type: 'string',
      placeholder: 'CMD',
      env: 'GIT_WATCH_RUN',
      description: 'A shell command to run for each commit instead of a template.',
    },
    {
      name: 'namespace',
      type: 'string',
      description:
        "The namespace of every run (.Namespace, DUAT_NAMESPACE). Default: gw- and the version in the commit's " +
        'README.md (else the repository name), dots as dashes, lower case, trimmed by words to 63 characters.',
    },
    {
      name: 'persistent-state-dir',
      aliases: ['state-persistence-dir', 'stat-persistence-dir'],
      type: 'string',
      placeholder: 'DIR',
      description:
        'Where runs, logs, mirrors and workspaces are kept; created private (0700). One git-watch at a time ' +
        'per directory. Default $XDG_STATE_HOME/duat/git-watch, else ~/.local/state/duat/git-watch.',
    },
    {
      name: 'interval',
      type: 'string',
      placeholder: 'DURATION',
      default: '60s',
      env: 'GIT_WATCH_INTERVAL',
      description:
        'Time between polls of a repository, moved at random by up to 10% (Go durations: 30s, 5m, 1h30m).',
    },
    {
      name: 'max-backoff',
      type: 'string',
      placeholder: 'DURATION',
      default: '10m',
      env: 'GIT_WATCH_MAX_BACKOFF',
      description:
        'An unreachable repository is polled less and less often (doubling from the interval) up to this wait.',
    },
    {
      name: 'once',
      type: 'boolean',
      env: 'GIT_WATCH_ONCE',
      description:
        'Poll every repository once, run what is new (and what an earlier git-watch left to do), wait for those ' +
        'runs and exit: 0 when all succeeded or nothing was new, 1 when a run failed or a repository could not be ' +
        'polled. For cron and CI. Each run is printed on stdout: ID RESULT REPOSITORY COMMIT.',
    },
    {
      name: 'max-jobs',
      type: 'int',
      placeholder: 'N',
      env: 'GIT_WATCH_MAX_JOBS',
      description: 'Jobs running at the same time, all repositories together (default: the number of CPUs).',
    },
    {
      name: 'runner',
      type: 'string',
      placeholder: 'local|kubernetes',
      default: 'local',
      env: 'GIT_WATCH_RUNNER',
      description:
        'Where jobs run: local runs them on this machine, with no cluster and no daemon; kubernetes runs each as a ' +
        'Kubernetes Job (see "Kubernetes" below).',
    },
    {
      name: 'context',
      type: 'string',
      placeholder: 'NAME',
      env: 'GIT_WATCH_CONTEXT',
      description:
        'With --runner kubernetes (and gc): the kubeconfig context to use instead of the current one.',
    },
    {
      name: 'kubeconfig',
      type: 'string',
      placeholder: 'FILE',
      env: false,
      description:
        'With --runner kubernetes (and gc): the kubeconfig file, instead of KUBECONFIG or ~/.kube/config.',
    },
    {
      name: 'allow-cluster-scoped',
      type: 'boolean',
      env: 'GIT_WATCH_ALLOW_CLUSTER_SCOPED',
      description:
        'With --runner kubernetes: let job templates create cluster-scoped objects (ClusterRole...). Off: refused.',
    },
    {
      name: 'source',
      type: 'string',
      placeholder: 'init|pvc',
      default: 'init',
      env: 'GIT_WATCH_SOURCE',
      description:
        'With --runner kubernetes, how the commit reaches the Job: init, an init container fetches exactly the ' +
        'commit into an emptyDir (http, https and git:// repositories; a token goes through a Secret); pvc, ' +
        'git-watch copies it into a PersistentVolumeClaim named after the run, as the original did.',
    },
    {
      name: 'source-image',
      type: 'string',
      placeholder: 'IMAGE',
      env: 'GIT_WATCH_SOURCE_IMAGE',
      description:
        'The image of the init container that fetches the commit (needs git and sh; default alpine/git); ' +
        'with --source pvc, of the pod that copies the commit into the claim (needs tar; default busybox).',
    },
    {
      name: 'source-mount-path',
      type: 'string',
      placeholder: 'PATH',
      default: '/workspace/source',
      env: 'GIT_WATCH_SOURCE_MOUNT_PATH',
      description: "With --runner kubernetes: where the Job's containers see the commit (.SourceMountPath).",
    },
    {
      name: 'older-than',
      type: 'string',
      placeholder: 'DURATION',
      default: '1h',
      env: false,
      description: 'With gc: remove git-watch namespaces no run used for this long.',
    },
    {
      name: 'dry-run',
      type: 'boolean',
      env: false,
      description: 'With gc: only print what would be removed.',
    },
    {
      name: 'listen',
      type: 'string',
      placeholder: 'ADDR',
      env: 'GIT_WATCH_LISTEN',
      description:
        'Serve the status pages (GET /: repositories, runs and live logs in a browser; JSON under /api/), GET ' +
        '/healthz, GET /metrics (Prometheus) and POST /webhook on ADDR: PORT or :PORT (127.0.0.1), HOST:PORT, ' +
        '[IPv6]:PORT; port 0 picks a free one (the address is logged).',
    },
    {
      name: 'ui-token',
      type: 'string',
      placeholder: 'TOKEN',
      secret: true,
      env: 'GIT_WATCH_UI_TOKEN',
      description:
        `With --listen: allow the status pages' actions ("poll now") from other machines to whoever signs in with ` +
        `this token (at least ${MIN_TOKEN_LENGTH} characters), or sends it as "Authorization: Bearer TOKEN". ` +
        'Without it actions are allowed only from this machine and the pages are read-only elsewhere. Ten wrong ' +
        'tokens in a minute from one client block that client (429) for the minute; each is logged and counted.',
    },
    {
      name: 'webhook-secret',
      type: 'string',
      placeholder: 'SECRET',
      secret: true,
      env: 'GIT_WATCH_WEBHOOK_SECRET',
      description:
        'The shared secret of push webhooks from GitHub (X-Hub-Signature-256), Gitea (X-Gitea-Signature) and GitLab ' +
        '(X-Gitlab-Token). A verified push polls the matching repository at once; a bad signature is refused (401) ' +
        'and logged. Without a secret /webhook refuses everything.',
    },
    {
      name: 'grace-period',
      type: 'string',
      placeholder: 'DURATION',
      default: '30s',
      env: 'GIT_WATCH_GRACE_PERIOD',
      description:
        'On SIGTERM or SIGINT polling stops and running jobs get this long to finish; the rest are stopped and ' +
        'recorded as interrupted, to run again once on the next start. A second signal exits at once (the jobs ' +
        'go on and are followed by the next git-watch).',
    },
    {
      name: 'ignore-warn',
      type: 'boolean',
      description: 'Run a job whose rendered template holds <no value> (a missing value) anyway.',
    },
    {
      name: 'ignore-aws-errors',
      type: 'boolean',
      description: "Do not warn (in the run log) when the template's AWS data (.duat.awsecr) is unavailable.",
    },
    {
      name: 'debug',
      type: 'boolean',
      description:
        "Keep each run's workspace (with --runner kubernetes, its namespace and objects too) after the run, for looking at.",
    },
    {
      name: 'json',
      type: 'boolean',
      env: false,
      description: 'With status or logs: print JSON for scripts.',
    },
    {
      name: 'v',
      aliases: ['verbose'],
      type: 'boolean',
      description: 'Log debug lines too; stack traces on errors.',
    },
  ],
  sections: [
    [
      'Output',
      'Progress goes to stderr, one line per change of state as the original logged it: "task update id: ID text: ... ' +
        'phase: Queued|Running" and "task completed id: ID text: ... phase: Succeeded|Failed". A repository that ' +
        'cannot be reached is reported once when it fails and once when it answers again.',
    ],
    [
      'Status and logs',
      'duat git-watch status lists each repository (last commit seen, last run and its result, next poll) and the ' +
        "recent runs; duat git-watch logs RUN prints a run's output (RUN: its id or a unique prefix of 4 or more " +
        'characters). Both read the state directory (the same -persistent-state-dir) and work while git-watch runs.',
    ],
    [
      'Status pages',
      'With --listen, http://ADDR/ shows the same in a browser: every repository (last commit with author and ' +
        'subject, last run, next poll, back-off), the runs newest first (50 a page), and each run with its log, ' +
        'which follows the job live while it runs. The JSON API under /api/ (status, repos, runs, runs/ID, ' +
        'runs/ID/log) serves the data that status --json prints. "Poll now" is allowed from this machine, or ' +
        'elsewhere with --ui-token; every action checks the Origin header and a per-session CSRF token. ' +
        'Everything is built in: no CDN, no fonts or scripts from elsewhere; the pages work without JavaScript.',
    ],
    [
      'Differences from the original',
      "Jobs run locally by default (the original only ran Kubernetes Jobs); the default branch is the remote's HEAD, " +
        "not master; the namespace comes from the watched commit's README, not the working directory's; run ids are " +
        'derived from repository, branch and commit (UUID-shaped) rather than random; the default state directory is ' +
        'per user under ~/.local/state rather than /tmp. Flags of the original keep their names and environment ' +
        'variables (GITHUB_TOKEN, JOB_TEMPLATE, NAMESPACE, PERSISTENT_STATE_DIR, IGNORE_WARN, IGNORE_AWS_ERRORS, ' +
        'DEBUG, V); the new ones read GIT_WATCH_*.',
    ],
    [
      'Kubernetes',
      'With --runner kubernetes each run is a Kubernetes Job. Cluster access: --kubeconfig, else KUBECONFIG, else ' +
        '~/.kube/config (the current context, or --context), else the in-cluster service account when git-watch runs ' +
        'as a Deployment (see deploy/). The job template must render to Kubernetes objects (YAML documents): exactly ' +
        "one Job, whose result is the run's, and any namespaced objects it needs (Secret, Service, ConfigMap, " +
        'ServiceAccount, Role, RoleBinding, PersistentVolumeClaim...); cluster-scoped ones only with ' +
        "--allow-cluster-scoped. All are applied with server-side apply (field manager duat) into the run's " +
        "namespace: -namespace, else gw- and the version in the commit's README.md (else the repository name), with " +
        'dots as dashes, lower case, trimmed by words to 63 characters keeping the first and last (0.11.1-feature-x-' +
        'aaaagjfuypo gives gw-0-11-1-feature-x-aaaagjfuypo). A namespace git-watch makes is labelled ' +
        'duat.dev/git-watch=true. Objects are checked first (a dry run); an object the API server refuses fails the ' +
        'run naming the template and the document. The Job is named after its template name and the run ' +
        '(NAME-<12 hex of the run id>), so a git-watch restarted after a crash finds it and follows it instead of ' +
        'making another; it gets backoffLimit 0 and ttlSecondsAfterFinished 86400 unless the template sets them. ' +
        'Besides .ID .Namespace .Dir .Commit .URL .Branch the template sees .SourceVolume and .SourceMountPath (the ' +
        "commit's files, mounted into every container that does not mount them itself; --source pvc adds " +
        '.SourceClaim) and, when the cluster has its own registry, .RegistryIP and .RegistryPort (microk8s: the ' +
        'registry pod in namespace container-registry; minikube: 127.0.0.1 and 2375). The Job and its Pods are ' +
        "watched, each phase change logged as the original did, and the containers' logs streamed into the run's " +
        'log. When the run ends what it made is deleted (its namespace, when git-watch made it and no other run uses ' +
        'it), unless -debug. duat git-watch gc removes git-watch namespaces that no run has used for --older-than.',
    ],
    [
      'Exit codes',
      '0 success (or a clean stop), 1 failure (with --once: a run failed, or a poll), 2 usage error.',
    ],
  ],
  examples: [
    {
      command: 'duat git-watch --once --run "npm test" .',
      comment: "run the tests of the local repository's newest commit, once",
    },
    {
      command: 'duat git-watch https://github.com/karlmutch/duat.git^main',
      comment: 'watch a branch; the built-in job runs its tests',
    },
    {
      command:
        'duat git-watch --job-template ci.tmpl --interval 5m --max-jobs 2 https://github.com/o/a.git git@github.com:o/b.git',
      comment: 'two repositories, a job template, a poll every 5 minutes',
    },
    {
      command:
        'GIT_WATCH_WEBHOOK_SECRET=s3cret duat git-watch --listen :8080 https://gitea.example.com/o/a.git',
      comment: 'also poll at once on a push webhook to http://HOST:8080/webhook',
    },
    { command: 'duat git-watch status', comment: 'what is watched and the recent runs' },
    { command: 'duat git-watch logs 3b8e99c8', comment: 'the output of a run' },
  ],
};

function stateDirOf(args: ParsedArgs, io: CommandIO): string {
  return (args.flags['persistent-state-dir'] as string | undefined) || defaultStateDir(io.env);
}

function jobSourceOf(args: ParsedArgs): JobSource {
  const template = args.flags['job-template'] as string | undefined;
  const command = args.flags.run as string | undefined;
  if (template && command) {
    throw new UsageError('-job-template and --run both say what to run: give one', {
      hint: 'see duat git-watch --help',
    });
  }
  if (template) return { kind: 'template', path: template };
  if (command) return { kind: 'command', command };
  return { kind: 'default' };
}

function uiTokenOf(args: ParsedArgs): string | undefined {
  const token = (args.flags['ui-token'] as string | undefined) || undefined;
  if (token === undefined) return undefined;
  if (args.flags.listen === undefined)
    throw new UsageError('--ui-token goes with --listen', {
      hint: 'add --listen ADDR to serve the status pages',
    });
  if (token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(`--ui-token must be at least ${MIN_TOKEN_LENGTH} characters`, {
      hint: 'make one with: openssl rand -hex 24',
    });
  return token;
}

/** `a, b,c` -> ['a', 'b', 'c']. */
function listOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function clock(): string {
  const now = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
}

async function runWatch(args: ParsedArgs, io: CommandIO): Promise<number> {
  const runner = args.flags.runner as string;
  if (runner !== 'local' && runner !== 'kubernetes') {
    throw new UsageError(`--runner ${runner} is not a runner`, { hint: 'choose local or kubernetes' });
  }
  const maxJobs = (args.flags['max-jobs'] as number | undefined) ?? availableParallelism();
  if (maxJobs < 1) throw new UsageError(`--max-jobs must be 1 or more, not ${maxJobs}`);
  if (args.flags.json) throw new UsageError('--json goes with status or logs');
  // A long-running command: each line gets the time, as the original's did.
  const log = createLogger({
    verbose: io.log.verbose,
    prefix: 'duat git-watch',
    write: (line) => process.stderr.write(`${clock()} ${line}`),
  });
  const once = args.flags.once === true;
  const job = jobSourceOf(args);
  const kubernetes = runner === 'kubernetes' ? await kubernetesRunner(args, io, job, log) : undefined;
  // Loaded here only: status, logs and gc need none of the watcher (nor the status pages it serves).
  const { Watcher } = await import('../../watch/watcher.js');
  const watcher = await Watcher.start({
    repositories: args.positionals,
    stateDir: stateDirOf(args, io),
    intervalMs: parsePositiveDuration(args.flags.interval as string, 'flag --interval', 10),
    maxBackoffMs: parsePositiveDuration(args.flags['max-backoff'] as string, 'flag --max-backoff', 10),
    gracePeriodMs: parsePositiveDuration(args.flags['grace-period'] as string, 'flag --grace-period', 0),
    once,
    maxJobs,
    job,
    runner: kubernetes,
    token: args.flags['github-token'] as string | undefined,
    tokenHosts: listOf(args.flags['token-hosts'] as string | undefined),
    insecureHttpToken: args.flags['insecure-http-token'] === true,
    namespace: (args.flags.namespace as string | undefined) || undefined,
    ignoreWarn: args.flags['ignore-warn'] === true,
    ignoreAwsErrors: args.flags['ignore-aws-errors'] === true,
    keepWorkspaces: args.flags.debug === true,
    listen: args.flags.listen as string | undefined,
    webhookSecret: args.flags['webhook-secret'] as string | undefined,
    uiToken: uiTokenOf(args),
    env: io.env,
    log,
  });
  log.debug(`state in ${watcher.stateDir}`);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) void watcher.stop(signal);
    else {
      log.warn(`${signal} again: exiting now; running jobs go on and the next git-watch follows them`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const summary = await watcher.done;
    if (once) {
      for (const run of summary.runs) io.out(`${run.id} ${run.state} ${run.display} ${run.commit}\n`);
      return summary.ok ? 0 : 1;
    }
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

// ---- status and logs ------------------------------------------------------------------------------

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  '),
    )
    .join('\n');
}

function when(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now;
  if (Math.abs(ms) < 1000) return 'now';
  const text = formatDuration(Math.round(Math.abs(ms) / 1000) * 1000);
  return ms > 0 ? `in ${text}` : `${text} ago`;
}

function runDuration(run: RunRecord): string {
  if (!run.startedAt) return '-';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  return formatDuration(Math.round((end - Date.parse(run.startedAt)) / 100) * 100);
}

export function formatStatus(status: WatchStatus, now = Date.now()): string {
  const lines: string[] = [`state directory: ${status.stateDir}`];
  const w = status.watcher;
  if (!w) lines.push('git-watch: has not run with this state directory');
  else if (w.running) {
    const serving = w.listen ? `, serving ${w.listen}` : '';
    lines.push(
      `git-watch: running (pid ${w.pid} on ${w.host}, since ${w.startedAt}, polling every ${formatDuration(w.intervalMs)}${serving})`,
    );
  } else
    lines.push(
      `git-watch: not running (last ${w.once ? 'pass' : 'run'} ended ${w.stoppedAt ?? w.updatedAt})`,
    );
  if (status.repositories.length > 0) {
    const rows: string[][] = [
      ['REPOSITORY', 'BRANCH', 'LAST SEEN', 'LAST RUN', 'RESULT', 'QUEUED', 'NEXT POLL'],
    ];
    for (const repo of status.repositories) {
      rows.push([
        repo.url,
        repo.branch ?? '?',
        repo.lastSeen?.slice(0, 12) ?? '-',
        repo.lastRun?.id.slice(0, 8) ?? '-',
        repo.lastRun?.state ?? '-',
        String(repo.queued),
        w?.running ? when(repo.nextPollAt, now) : '-',
      ]);
      if (repo.condition === 'unreachable')
        rows.push([`  unreachable (${repo.failures} in a row): ${repo.error ?? ''}`]);
      else if (repo.condition === 'no-branch') rows.push(['  the branch does not exist on the remote']);
    }
    lines.push('', table(rows));
  }
  lines.push('');
  if (status.runs.length === 0) lines.push('no runs yet');
  else {
    const rows: string[][] = [['RUN', 'STATE', 'EXIT', 'REPOSITORY', 'COMMIT', 'STARTED', 'TOOK']];
    for (const run of status.runs) {
      rows.push([
        run.id,
        run.state,
        run.exitCode !== undefined ? String(run.exitCode) : '-',
        run.display,
        run.commit.slice(0, 12),
        when(run.startedAt, now),
        runDuration(run),
      ]);
    }
    lines.push('recent runs:', table(rows));
  }
  return `${lines.join('\n')}\n`;
}

function runStatus(args: ParsedArgs, io: CommandIO): number {
  if (args.positionals.length > 1)
    throw new UsageError('status takes no arguments', { hint: 'duat git-watch status [--json]' });
  // The same data function as GET /api/status of a running git-watch's --listen server.
  const status = statusOf(diskSource(stateDirOf(args, io)));
  io.out(args.flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  return 0;
}

function runLogs(args: ParsedArgs, io: CommandIO): number {
  const id = args.positionals[1];
  if (id === undefined || args.positionals.length > 2) {
    throw new UsageError('logs takes one run id', {
      hint: 'duat git-watch logs RUN (see duat git-watch status)',
    });
  }
  const result = readRunLog(stateDirOf(args, io), id);
  if (args.flags.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else {
    io.out(result.log);
    if (result.log === '') io.log.info(`run ${result.run.id} is ${result.run.state}: no output yet`);
  }
  return 0;
}

// ---- kubernetes -----------------------------------------------------------------------------------

async function kubernetesRunner(
  args: ParsedArgs,
  io: CommandIO,
  job: JobSource,
  log: Logger,
): Promise<Runner> {
  if (job.kind !== 'template') {
    throw new UsageError(
      '--runner kubernetes needs -job-template: a template of Kubernetes objects (one Job)',
      {
        hint: 'see examples/kubernetes/ (run-tests.yaml, build-image-buildkit.yaml)',
      },
    );
  }
  const source = args.flags.source as string;
  if (source !== 'init' && source !== 'pvc')
    throw new UsageError(`--source ${source} is not a source mode`, { hint: 'choose init or pvc' });
  const mountPath = args.flags['source-mount-path'] as string;
  if (!mountPath.startsWith('/'))
    throw new UsageError(`--source-mount-path must be an absolute path, not ${mountPath}`);
  const { KubernetesRunner } = await import('../../watch/runners/kubernetes/runner.js');
  return new KubernetesRunner({
    cluster: clusterOf(args, io),
    log,
    keep: args.flags.debug === true,
    allowClusterScoped: args.flags['allow-cluster-scoped'] === true,
    source,
    sourceImage: (args.flags['source-image'] as string | undefined) || undefined,
    sourceMountPath: mountPath,
    token: (args.flags['github-token'] as string | undefined) || undefined,
    tokenHosts: listOf(args.flags['token-hosts'] as string | undefined),
    insecureHttpToken: args.flags['insecure-http-token'] === true,
    env: io.env,
  });
}

function clusterOf(
  args: ParsedArgs,
  io: CommandIO,
): { env: NodeJS.ProcessEnv; context?: string; kubeconfig?: string } {
  return {
    env: io.env,
    context: (args.flags.context as string | undefined) || undefined,
    kubeconfig: (args.flags.kubeconfig as string | undefined) || undefined,
  };
}

async function runGc(args: ParsedArgs, io: CommandIO): Promise<number> {
  if (args.positionals.length > 1)
    throw new UsageError('gc takes no arguments', {
      hint: 'duat git-watch gc [--older-than 1h] [--dry-run]',
    });
  const olderThanMs = parsePositiveDuration(args.flags['older-than'] as string, 'flag --older-than', 0);
  const { gcNamespaces } = await import('../../watch/gc.js');
  const results = await gcNamespaces({
    cluster: clusterOf(args, io),
    olderThanMs,
    dryRun: args.flags['dry-run'] === true,
    log: io.log,
  });
  if (args.flags.json) io.out(`${JSON.stringify(results, null, 2)}\n`);
  else if (results.length === 0) io.log.info('no git-watch namespaces');
  else for (const r of results) io.out(`${r.action} ${r.name} (${r.why})\n`);
  return 0;
}

export function run(args: ParsedArgs, io: CommandIO): number | Promise<number> {
  // The flags' secrets are registered by now, and URL passwords need none: ps shows neither from here on.
  hideSecretsInArgv();
  switch (args.positionals[0]) {
    case 'gc':
      return runGc(args, io);
    case 'status':
      return runStatus(args, io);
    case 'logs':
      return runLogs(args, io);
    default:
      return runWatch(args, io);
  }
}
