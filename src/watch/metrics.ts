/**
 * The watcher's metrics in Prometheus' text exposition format (version 0.0.4): counters, gauges and
 * histograms with labels, enough for /metrics without a client library.
 */

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escaped = entries.map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return `{${escaped.join(',')}}`;
}

function numberText(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isInteger(value) ? String(value) : value.toPrecision(12).replace(/\.?0+$/, '');
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    initialLabels: readonly Labels[] = [{}],
  ) {
    for (const labels of initialLabels) this.values.set(labelText(labels), 0);
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${numberText(value)}`);
    return lines.join('\n');
  }
}

export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}
  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${numberText(this.read())}`,
    ].join('\n');
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    this.buckets.forEach((bound, i) => {
      if (value <= bound) this.counts[i] = (this.counts[i] as number) + 1;
    });
  }
  get observations(): number {
    return this.count;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((bound, i) => {
      lines.push(`${this.name}_bucket{le="${numberText(bound)}"} ${this.counts[i]}`);
    });
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${numberText(this.sum)}`,
      `${this.name}_count ${this.count}`,
    );
    return lines.join('\n');
  }
}

const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Everything git-watch counts. */
export class WatchMetrics {
  readonly polls = new Counter('duat_git_watch_polls_total', 'Polls of a repository (git ls-remote) made.');
  readonly pollErrors = new Counter(
    'duat_git_watch_poll_errors_total',
    'Polls that failed (repository unreachable, refused, timed out).',
  );
  readonly pollSeconds = new Histogram(
    'duat_git_watch_poll_duration_seconds',
    'Time one poll of one repository took.',
    SECONDS_BUCKETS,
  );
  readonly runs = new Counter('duat_git_watch_runs_total', 'Runs ended, by result.', [
    { result: 'succeeded' },
    { result: 'failed' },
    { result: 'interrupted' },
  ]);
  readonly commitToStart = new Histogram(
    'duat_git_watch_commit_to_start_seconds',
    'Time from the poll or webhook that saw a new commit to the start of its job.',
    SECONDS_BUCKETS,
  );
  readonly webhooks = new Counter(
    'duat_git_watch_webhooks_total',
    'Webhook deliveries received, by outcome.',
    [{ outcome: 'accepted' }, { outcome: 'ignored' }, { outcome: 'refused' }],
  );
  readonly wrongUiTokens = new Counter(
    'duat_git_watch_ui_wrong_tokens_total',
    'Wrong UI tokens sent to the status pages (sign-in form or bearer), by how.',
    [{ via: 'login' }, { via: 'bearer' }],
  );
  private readonly gauges: Gauge[];

  constructor(readings: {
    repositories: () => number;
    unreachable: () => number;
    activeRuns: () => number;
    queuedRuns: () => number;
  }) {
    this.gauges = [
      new Gauge('duat_git_watch_repositories', 'Repositories watched.', readings.repositories),
      new Gauge(
        'duat_git_watch_repositories_unreachable',
        'Repositories whose last poll failed.',
        readings.unreachable,
      ),
      new Gauge('duat_git_watch_runs_active', 'Jobs running now.', readings.activeRuns),
      new Gauge('duat_git_watch_runs_queued', 'Runs waiting for their turn.', readings.queuedRuns),
    ];
  }

  render(): string {
    const metrics: Metric[] = [
      this.polls,
      this.pollErrors,
      this.pollSeconds,
      this.runs,
      this.commitToStart,
      this.webhooks,
      this.wrongUiTokens,
      ...this.gauges,
    ];
    return `${metrics.map((m) => m.render()).join('\n')}\n`;
  }
}
