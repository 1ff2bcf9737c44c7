/**
 * What a run executes: job templates through stencil (values, namespace, errors with line and column),
 * the built-in test job, scripts with a #! line, and -ignore-warn.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pollOnce } from '../../src/watch/index.js';
import { readRunLog } from '../../src/watch/status.js';
import { createServedRepo, pushCommit } from '../helpers/git-server.js';
import { tempDir } from '../helpers/tmp.js';
import { captureLog, linesOf, watchEnv } from './helpers.js';

const VERSION = '0.11.1-feature-102-microk8s-registry-aaaagjfuypo';

function served(t: import('node:test').TestContext) {
  const base = tempDir(t);
  const work = createServedRepo(join(base, 'srv'), 'app.git', join(base, 'work'));
  return {
    base,
    work,
    url: join(base, 'srv', 'app.git'),
    state: join(base, 'state'),
    out: join(base, 'out'),
  };
}

describe('git-watch jobs', () => {
  it('a bad template fails its run with the line and column, not the watcher; the fixed template runs', async (t) => {
    const { base, work, url, state, out } = served(t);
    const template = join(base, 'job.tmpl');
    writeFileSync(template, '#!/bin/sh\necho "{{ .Commit }}"\n{{ fail "boom" }}\n');
    const a = pushCommit(work, 'README.md', `Version : <repo-version>${VERSION}</repo-version>\n`);
    const { log, count } = captureLog();
    const options = {
      repositories: [url],
      stateDir: state,
      job: { kind: 'template' as const, path: template },
      env: watchEnv({ EXTRA: 'from-env' }),
      log,
    };
    const first = await pollOnce(options);
    assert.equal(first.ok, false);
    assert.equal(first.runs[0]?.state, 'failed');
    assert.match(
      first.runs[0]?.error ?? '',
      /^template: job\.tmpl:3:3: executing "job\.tmpl" at <fail "boom">: error calling fail: boom$/,
    );
    assert.equal(
      count(/task completed id: .* text: job failed .*template: job\.tmpl:3:3: .* phase: Failed$/),
      1,
    );
    assert.match(
      readRunLog(state, first.runs[0]?.id as string).log,
      /the job could not be made: template: job\.tmpl:3:3:/,
    );

    // A parse error names its line (Go's parse errors have no column).
    writeFileSync(template, '#!/bin/sh\n{{ if }}\n');
    pushCommit(work, 'b.txt', 'b');
    const second = await pollOnce(options);
    assert.match(second.runs[0]?.error ?? '', /^template: job\.tmpl:2: missing value for if$/);

    // The template is read for every run: fixed, the next commit runs. It sees the run's values.
    writeFileSync(
      template,
      `#!/bin/sh\necho "{{ .ID }} {{ .Namespace }} {{ .Dir }} {{ .Commit }} {{ .URL }} {{ .Branch }} {{ .duat.version }} {{ .Env.EXTRA }}" >> ${out}\n`,
    );
    const c = pushCommit(work, 'c.txt', 'c');
    const third = await pollOnce(options);
    assert.ok(third.ok);
    const run = third.runs[0];
    assert.ok(run);
    assert.deepEqual(linesOf(out), [
      [
        run.id,
        `gw-0-11-1-feature-102-microk8s-registry-aaaagjfuypo`,
        join(state, 'workspaces', run.id),
        c,
        url,
        'main',
        VERSION,
        'from-env',
      ].join(' '),
    ]);
    assert.equal(run.namespace, 'gw-0-11-1-feature-102-microk8s-registry-aaaagjfuypo');
    assert.notEqual(a, c);
  });

  it('<no value> in the rendered job fails the run unless -ignore-warn', async (t) => {
    const { base, work, url, state, out } = served(t);
    const template = join(base, 'job.tmpl');
    writeFileSync(template, `echo "[{{ .Missing }}]" >> ${out}\n`);
    pushCommit(work, 'f', '1');
    const strict = await pollOnce({
      repositories: [url],
      stateDir: state,
      job: { kind: 'template', path: template },
      env: watchEnv(),
    });
    assert.match(
      strict.runs[0]?.error ?? '',
      /job\.tmpl: the rendered job has <no value> on line 1: .*-ignore-warn/,
    );
    pushCommit(work, 'f', '2');
    const lenient = await pollOnce({
      repositories: [url],
      stateDir: state,
      job: { kind: 'template', path: template },
      ignoreWarn: true,
      env: watchEnv(),
    });
    assert.ok(lenient.ok);
    assert.deepEqual(linesOf(out), ['[<no value>]']);
  });

  it('the built-in job runs the conventional test entry; the namespace falls back to the repository name', async (t) => {
    const { work, url, state } = served(t);
    pushCommit(work, 'README.md', 'no version here\n');
    pushCommit(work, 'Makefile', 'test:\n\t@echo "make test ran in $$(pwd)"\n');
    const summary = await pollOnce({ repositories: [url], stateDir: state, env: watchEnv() });
    assert.ok(summary.ok);
    const run = summary.runs[0];
    assert.ok(run);
    assert.equal(
      run.namespace,
      'gw-srv-app',
      'a local repository is named after its last two path components',
    );
    const { log } = readRunLog(state, run.id);
    assert.match(log, /\+ make test\nmake test ran in .*\/workspaces\//);

    pushCommit(work, 'Makefile', 'test:\n\t@exit 3\n');
    const failing = await pollOnce({ repositories: [url], stateDir: state, env: watchEnv() });
    assert.equal(failing.ok, false);
    assert.equal(failing.runs[0]?.exitCode, 2, "make's exit status when a recipe fails");
  });

  it('a job with a #! line runs with its interpreter, without one with sh', async (t) => {
    const { base, work, url, state, out } = served(t);
    pushCommit(work, 'f', '1');
    const template = join(base, 'job.tmpl');
    writeFileSync(
      template,
      `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(out)}, 'node ' + process.env.DUAT_COMMIT.length + '\\n');\n`,
    );
    assert.ok(
      (
        await pollOnce({
          repositories: [url],
          stateDir: state,
          job: { kind: 'template', path: template },
          env: watchEnv(),
        })
      ).ok,
    );
    pushCommit(work, 'f', '2');
    assert.ok(
      (
        await pollOnce({
          repositories: [url],
          stateDir: state,
          job: { kind: 'command', command: `echo "sh $0" >> ${out}` },
          env: watchEnv(),
        })
      ).ok,
    );
    const lines = linesOf(out);
    assert.equal(lines[0], 'node 40');
    assert.match(lines[1] ?? '', /^sh .*\/runs\/[0-9a-f-]+\/job$/);
  });
});
