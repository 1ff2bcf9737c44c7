/** The small pure pieces of git-watch: durations, names, arguments, ids, ls-remote, backoff, webhooks. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration, parsePositiveDuration } from '../../src/core/duration.js';
import { UsageError } from '../../src/core/errors.js';
import { redact } from '../../src/core/redact.js';
import { gitEnvFor } from '../../src/watch/git-auth.js';
import { defaultStateDir } from '../../src/watch/journal.js';
import { Counter, Histogram } from '../../src/watch/metrics.js';
import { DNS_LABEL_MAX, namespaceFor, trimWords } from '../../src/watch/namespace.js';
import { parseLsRemote } from '../../src/watch/poller.js';
import { isValidBranch, parseRepoSpec } from '../../src/watch/repo-spec.js';
import { runId } from '../../src/watch/runs.js';
import { backoffDelay, jittered } from '../../src/watch/schedule.js';
import { parseListenAddress } from '../../src/watch/server.js';
import {
  isPushEvent,
  parsePush,
  repositoryIdentity,
  safeEqual,
  verifyWebhook,
} from '../../src/watch/webhook.js';
import { tempDir } from '../helpers/tmp.js';

describe('durations (Go syntax)', () => {
  it('parses what Go parses, in milliseconds', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('200ms'), 200);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('1500us'), 1.5);
  });

  it("refuses what Go refuses, with Go's message, as a usage error", () => {
    assert.throws(
      () => parseDuration('60', 'flag --interval'),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.message, 'flag --interval: time: missing unit in duration "60"');
        return true;
      },
    );
    assert.throws(() => parseDuration('5 minutes'), /time: unknown unit " minutes" in duration "5 minutes"/);
    assert.throws(() => parsePositiveDuration('0s', 'flag --interval'), /must be at least 1ms, not 0s/);
  });

  it('formats as Go prints', () => {
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(200), '200ms');
    assert.equal(formatDuration(3_600_000), '1h0m0s');
    assert.equal(formatDuration(0), '0s');
  });
});

describe('namespaces (the original rule, limit 63)', () => {
  it("trims by words as the original's tests expect", () => {
    const cases: [string, string][] = [
      ['1', '1'],
      ['1-2-3-4', '1-2-3-4'],
      ['aa-bb-cc-dd-ee', 'aa-bb-ee'],
      ['aa-bbbb-dd-ee', 'aa-bbbb-ee'],
      ['aaaa-bbb-ccc', 'aaaa-ccc'],
      ['12345678901', '1234567890'],
    ];
    for (const [input, expected] of cases) assert.equal(trimWords(input, 10), expected, input);
    assert.equal(
      trimWords('gw-0-9-23-feature-265-zero-length-metadata-reinstated-aaaagmwypak', 64),
      'gw-0-9-23-feature-265-zero-length-metadata-aaaagmwypak',
    );
  });

  it('makes gw-VERSION, a valid DNS label of at most 63 characters', () => {
    assert.equal(
      namespaceFor('0.11.1-feature-102-microk8s-registry-aaaagjfuypo'),
      'gw-0-11-1-feature-102-microk8s-registry-aaaagjfuypo',
    );
    assert.equal(
      namespaceFor('0.9.23-feature-265-zero-length-metadata-reinstated-aaaagmwypak'),
      'gw-0-9-23-feature-265-zero-length-metadata-aaaagmwypak',
    );
    assert.equal(namespaceFor('1.2.3-Feature-X+build.7'), 'gw-1-2-3-feature-x-build-7');
    assert.equal(namespaceFor('karlmutch/duat'), 'gw-karlmutch-duat');
    const long = namespaceFor(`1.0.0-${'word-'.repeat(30)}aaaahfravza`);
    assert.ok(long.length <= DNS_LABEL_MAX, long);
    assert.match(long, /^gw-1-0-0-(word-)+aaaahfravza$/);
    const oneWord = namespaceFor('x'.repeat(100));
    assert.equal(oneWord.length, 63);
    assert.match(oneWord, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('repository arguments', () => {
  it('splits URL^branch and classifies the transport', () => {
    const a = parseRepoSpec('https://github.com/karlmutch/duat.git^feature/102_microk8s_registry');
    assert.equal(a.url, 'https://github.com/karlmutch/duat.git');
    assert.equal(a.branch, 'feature/102_microk8s_registry');
    assert.equal(a.transport, 'http');
    assert.equal(a.display, 'https://github.com/karlmutch/duat.git^feature/102_microk8s_registry');
    assert.equal(parseRepoSpec('https://github.com/karlmutch/duat.git').branch, undefined);
    assert.equal(parseRepoSpec('git@github.com:o/r.git^main').transport, 'ssh');
    assert.equal(parseRepoSpec('ssh://git@host/o/r.git').transport, 'ssh');
    assert.equal(parseRepoSpec('git://127.0.0.1:9418/r.git').transport, 'git');
    assert.equal(parseRepoSpec('file:///srv/r.git').transport, 'local');
    assert.match(parseRepoSpec('https://h/o/r.git').key, /^o-r-[0-9a-f]{10}$/);
  });

  it('makes local paths absolute and checks they exist', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'repo'));
    const spec = parseRepoSpec('./repo^dev', dir);
    assert.equal(spec.url, join(dir, 'repo'));
    assert.equal(spec.transport, 'local');
    assert.throws(() => parseRepoSpec('./missing', dir), /no repository at/);
  });

  it('takes credentials out of the URL and keeps them secret', () => {
    const spec = parseRepoSpec('https://bot:tok-3f9a7c21@git.example.com/o/r.git^main');
    assert.equal(spec.url, 'https://git.example.com/o/r.git');
    assert.deepEqual(spec.credentials, { username: 'bot', password: 'tok-3f9a7c21' });
    assert.equal(redact('token tok-3f9a7c21 leaked'), 'token *** leaked');
    const env = gitEnvFor(spec, {}, {});
    // A credential helper that answers for https://git.example.com only, the secret in git's environment.
    assert.equal(env.GIT_CONFIG_COUNT, '2');
    assert.equal(env.GIT_CONFIG_KEY_0, 'credential.helper');
    assert.equal(env.GIT_CONFIG_VALUE_0, '');
    assert.match(env.GIT_CONFIG_VALUE_1 ?? '', /^!f\(\) \{ test "\$1" = get/);
    assert.doesNotMatch(env.GIT_CONFIG_VALUE_1 ?? '', /tok-3f9a7c21/);
    assert.equal(env.DUAT_GIT_CREDENTIAL_FOR, 'https://git.example.com');
    assert.equal(env.DUAT_GIT_USERNAME, 'bot');
    assert.equal(env.DUAT_GIT_PASSWORD, 'tok-3f9a7c21');
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
  });

  it('gives a token to https repositories of its hosts only, after config entries already in the environment', () => {
    const https = parseRepoSpec('https://github.com/o/r.git');
    const env = gitEnvFor(
      https,
      { token: 'ghp_abcdef123456' },
      { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'a.b', GIT_CONFIG_VALUE_0: 'c' },
    );
    assert.equal(env.GIT_CONFIG_COUNT, '3');
    assert.equal(env.GIT_CONFIG_KEY_1, 'credential.helper');
    assert.equal(env.DUAT_GIT_PASSWORD, 'ghp_abcdef123456');
    assert.equal(env.DUAT_GIT_USERNAME, 'x-access-token');
    const other = gitEnvFor(parseRepoSpec('https://gitlab.com/o/r.git'), { token: 'ghp_abcdef123456' }, {});
    assert.equal(other.GIT_CONFIG_COUNT, undefined);
    assert.equal(other.DUAT_GIT_PASSWORD, undefined);
    const inherited = gitEnvFor(parseRepoSpec('https://gitlab.com/o/r.git'), {}, { DUAT_GIT_PASSWORD: 'x' });
    assert.equal(inherited.DUAT_GIT_PASSWORD, undefined, 'never inherited');
    const ssh = gitEnvFor(parseRepoSpec('git@github.com:o/r.git'), { token: 'ghp_abcdef123456' }, {});
    assert.equal(ssh.GIT_CONFIG_COUNT, undefined);
    assert.equal(ssh.GIT_SSH_COMMAND, 'ssh -o BatchMode=yes');
  });

  it('refuses bad branches and schemes', () => {
    assert.throws(() => parseRepoSpec('https://h/r.git^bad..name'), /not a valid branch name/);
    assert.throws(() => parseRepoSpec('ftp://h/r.git'), /unsupported URL scheme "ftp:\/\/"/);
    assert.throws(() => parseRepoSpec('^main'), /has no repository URL/);
    assert.throws(() => parseRepoSpec('-oProxyCommand=x:y'), /is not a repository URL/);
    for (const ok of ['main', 'feature/x-1', 'release_1.2']) assert.ok(isValidBranch(ok), ok);
    for (const bad of ['', '-x', 'a..b', 'a b', 'x.lock', 'a/.b', 'a~1', 'a:b'])
      assert.ok(!isValidBranch(bad), bad);
  });
});

describe('run ids', () => {
  it('are derived from repository, branch and commit, UUID-shaped', () => {
    const id = runId('https://h/o/r.git', 'main', 'a'.repeat(40));
    assert.equal(id, runId('https://h/o/r.git', 'main', 'a'.repeat(40)));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(id, runId('https://h/o/r.git', 'dev', 'a'.repeat(40)));
    assert.notEqual(id, runId('https://h/o/r2.git', 'main', 'a'.repeat(40)));
    assert.notEqual(id, runId('https://h/o/r.git', 'main', 'b'.repeat(40)));
  });
});

describe('ls-remote output', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  it('finds the default branch from the HEAD symref', () => {
    assert.deepEqual(parseLsRemote(`ref: refs/heads/trunk\tHEAD\n${A}\tHEAD\n`, undefined), {
      branch: 'trunk',
      commit: A,
    });
  });
  it('finds a named branch, or says it is missing', () => {
    assert.deepEqual(parseLsRemote(`${B}\trefs/heads/dev\n`, 'dev'), { branch: 'dev', commit: B });
    assert.deepEqual(parseLsRemote('', 'dev'), { branch: 'dev', commit: undefined });
    assert.deepEqual(parseLsRemote(`${B}\trefs/remotes/x/refs/heads/dev\n`, 'dev'), {
      branch: 'dev',
      commit: undefined,
    });
  });
  it('knows an empty repository, and refuses a detached remote HEAD', () => {
    assert.deepEqual(parseLsRemote('', undefined), { branch: undefined, commit: undefined });
    assert.deepEqual(parseLsRemote('ref: refs/heads/main\tHEAD\n', undefined), {
      branch: 'main',
      commit: undefined,
    });
    assert.throws(() => parseLsRemote(`${A}\tHEAD\n`, undefined), /HEAD is not a branch/);
  });
});

describe('poll scheduling', () => {
  it('jitters by at most 10%', () => {
    assert.equal(
      jittered(1000, () => 0),
      900,
    );
    assert.equal(
      jittered(1000, () => 1),
      1100,
    );
    assert.equal(
      jittered(1000, () => 0.5),
      1000,
    );
  });
  it('backs off exponentially from the interval, capped', () => {
    const mid = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 1000, 10_000, mid)),
      [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000],
    );
    assert.equal(backoffDelay(100, 1000, 10_000, mid), 10_000);
  });
  it('defaults the state directory per user', () => {
    assert.equal(defaultStateDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' }), '/x/state/duat/git-watch');
    assert.equal(defaultStateDir({ HOME: '/home/u' }), '/home/u/.local/state/duat/git-watch');
  });
  it('listens on loopback unless told otherwise', () => {
    assert.deepEqual(parseListenAddress('8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseListenAddress(':8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseListenAddress('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
    assert.throws(() => parseListenAddress('nope'), /is not an address/);
    assert.throws(() => parseListenAddress('70000'), /out of range/);
  });
});

describe('webhooks', () => {
  const secret = 'hook-secret-1';
  const body = Buffer.from(
    JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: 'https://git.example.com/o/r.git' } }),
  );
  const hmac = createHmac('sha256', secret).update(body).digest('hex');

  it('verifies GitHub signatures', () => {
    assert.deepEqual(
      verifyWebhook({ 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac}` }, body, secret),
      {
        ok: true,
        provider: 'github',
        event: 'push',
      },
    );
    const bad = verifyWebhook(
      { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body,
      secret,
    );
    assert.equal(bad.ok, false);
    assert.equal(verifyWebhook({ 'x-github-event': 'push' }, body, secret).ok, false);
    const tampered = Buffer.from(body.toString().replace('main', 'evil'));
    assert.equal(
      verifyWebhook({ 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac}` }, tampered, secret)
        .ok,
      false,
    );
  });

  it('verifies Gitea signatures before the GitHub headers Gitea also sends', () => {
    const headers = { 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gitea-signature': hmac };
    assert.deepEqual(verifyWebhook(headers, body, secret), { ok: true, provider: 'gitea', event: 'push' });
    assert.equal(
      verifyWebhook({ ...headers, 'x-gitea-signature': hmac.replace(/.$/, 'x') }, body, secret).ok,
      false,
    );
  });

  it('verifies GitLab tokens', () => {
    assert.deepEqual(
      verifyWebhook({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret }, body, secret),
      {
        ok: true,
        provider: 'gitlab',
        event: 'Push Hook',
      },
    );
    assert.equal(
      verifyWebhook({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'wrong' }, body, secret).ok,
      false,
    );
    assert.equal(verifyWebhook({}, body, secret).ok, false);
  });

  it('reads pushes of each forge and matches URL spellings', () => {
    assert.deepEqual(parsePush(body), { urls: ['https://git.example.com/o/r.git'], branch: 'main' });
    const gitlab = parsePush(
      Buffer.from(
        JSON.stringify({
          ref: 'refs/tags/v1',
          project: { git_http_url: 'https://gl/o/r.git', git_ssh_url: 'git@gl:o/r.git' },
        }),
      ),
    );
    assert.deepEqual(gitlab, { urls: ['https://gl/o/r.git', 'git@gl:o/r.git'], branch: undefined });
    assert.ok(
      isPushEvent('github', 'push') && isPushEvent('gitlab', 'Push Hook') && !isPushEvent('github', 'ping'),
    );
    const same = [
      'https://github.com/O/R.git',
      'git@github.com:o/r.git',
      'ssh://git@github.com:22/o/r',
      'https://github.com/o/r/',
    ];
    for (const url of same) assert.equal(repositoryIdentity(url), 'github.com/o/r', url);
    assert.notEqual(repositoryIdentity('https://github.com/o/r2.git'), 'github.com/o/r');
    assert.ok(safeEqual('abc', 'abc') && !safeEqual('abc', 'abd') && !safeEqual('abc', 'abcd'));
  });
});

describe('metrics', () => {
  it('renders Prometheus text', () => {
    const c = new Counter('x_total', 'X.', [{ result: 'ok' }]);
    c.inc({ result: 'ok' });
    c.inc({ result: 'bad"' }, 2);
    assert.equal(
      c.render(),
      '# HELP x_total X.\n# TYPE x_total counter\nx_total{result="ok"} 1\nx_total{result="bad\\""} 2',
    );
    const h = new Histogram('d_seconds', 'D.', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    assert.equal(
      h.render(),
      [
        '# HELP d_seconds D.',
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{le="0.1"} 1',
        'd_seconds_bucket{le="1"} 2',
        'd_seconds_bucket{le="+Inf"} 3',
        'd_seconds_sum 5.55',
        'd_seconds_count 3',
      ].join('\n'),
    );
  });
});
