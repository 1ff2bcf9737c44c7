/**
 * getHostByName against real Go. Each side runs in a mount and network namespace the test makes
 * (unshare), with a hosts file of the test's bound over /etc/hosts: the names resolve from that
 * file as on any machine, and nothing leaves the namespace (a name the file lacks finds no DNS
 * server). The Go oracle (sprig v3.3.0 over net.LookupHost) answers in the same namespace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sprigFuncs, systemContext } from '../../../src/template/funcs/index.js';
import { lookupHostSync } from '../../../src/template/funcs/network.js';
import { renderTemplate, TemplateError } from '../../../src/template/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { oracleBinary } from '../harness/oracle.js';

const HOSTS = [
  '127.0.0.1 localhost',
  '::1 localhost ip6-localhost',
  '10.1.2.3 duat-test-host',
  '10.1.2.4 duat-test-host',
  'fd00::5 duat-test-host',
  '',
].join('\n');

const NAMES = [
  'localhost',
  'duat-test-host',
  'DUAT-TEST-HOST',
  'ip6-localhost',
  'not-in-the-file.invalid',
  '',
];
const TRIES = 40;

/** Runs argv in a new mount + network namespace with `hosts` over /etc/hosts; its stdout. */
function inNamespace(t: TestContext, argv: string[], input?: string): string {
  const dir = tempDir(t);
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, HOSTS);
  const userns = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  const r = spawnSync(
    'unshare',
    ['--mount', '--net', ...userns, 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, ...argv],
    { input, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, `unshare ${argv[0]}: ${r.error?.message ?? ''}${r.stderr}`);
  return r.stdout;
}

const template = (name: string): string => `{{ getHostByName ${JSON.stringify(name)} }}`;

/** What our getHostByName gives (address or error) for each name, TRIES times, in the namespace. */
function ours(t: TestContext): { lookups: Record<string, string[]>; picks: Record<string, string[]> } {
  const dir = tempDir(t);
  const script = join(dir, 'resolve.mjs');
  const modules = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
  writeFileSync(
    script,
    `import { sprigFuncs, systemContext } from ${JSON.stringify(modules('../../../src/template/funcs/index.js'))};
import { lookupHostSync } from ${JSON.stringify(modules('../../../src/template/funcs/network.js'))};
import { renderTemplate } from ${JSON.stringify(modules('../../../src/template/index.js'))};
const funcs = sprigFuncs(systemContext());
const names = ${JSON.stringify(NAMES)};
const lookups = {}, picks = {};
for (const n of names) {
  lookups[n] = lookupHostSync(n);
  picks[n] = [];
  for (let i = 0; i < ${TRIES}; i++) {
    try { picks[n].push(renderTemplate('t', '{{ getHostByName ' + JSON.stringify(n) + ' }}', null, { funcs })); }
    catch (e) { picks[n].push('error: ' + e.message); }
  }
}
console.log(JSON.stringify({ lookups, picks }));
`,
  );
  return JSON.parse(inNamespace(t, [process.execPath, script]));
}

/** What Go gives for each name, TRIES times, in the namespace. */
function go(t: TestContext): Record<string, string[]> {
  const cases = NAMES.flatMap((n) =>
    Array.from({ length: TRIES }, () => JSON.stringify({ name: 't', template: template(n) })),
  );
  const lines = inNamespace(t, [oracleBinary(), 'run'], `${cases.join('\n')}\n`)
    .trim()
    .split('\n');
  const out: Record<string, string[]> = {};
  NAMES.forEach((n, k) => {
    out[n] = lines.slice(k * TRIES, (k + 1) * TRIES).map((l) => {
      const r = JSON.parse(l) as { output: string; error: string | null };
      return r.error === null ? r.output : `error: ${r.error}`;
    });
  });
  return out;
}

describe('getHostByName', () => {
  it('resolves as Go does: the same addresses from /etc/hosts, the same failure', {
    timeout: 300_000,
  }, (t) => {
    const mine = ours(t);
    const theirs = go(t);
    const sorted = (l: string[]): string[] => [...new Set(l)].sort();
    assert.deepEqual(sorted(mine.lookups.localhost as string[]), ['127.0.0.1', '::1']);
    assert.deepEqual(sorted(mine.lookups['duat-test-host'] as string[]), ['10.1.2.3', '10.1.2.4', 'fd00::5']);
    for (const n of NAMES) {
      // Both pick at random among the addresses: over 40 tries each sees every one of them.
      assert.deepEqual(sorted(mine.picks[n] as string[]), sorted(theirs[n] as string[]), n);
      if ((mine.lookups[n] as string[]).length > 0) {
        assert.deepEqual(sorted(mine.picks[n] as string[]), sorted(mine.lookups[n] as string[]), n);
      }
    }
    assert.match(
      (mine.picks[''] as string[])[0] as string,
      /error calling getHostByName: invalid argument to Intn$/,
    );
  });

  it('resolves localhost on this machine without waiting on the event loop', () => {
    const addrs = lookupHostSync('localhost');
    assert.ok(addrs.includes('127.0.0.1') || addrs.includes('::1'), String(addrs));
    const funcs = sprigFuncs(systemContext());
    const got = renderTemplate('t', template('localhost'), null, { funcs });
    assert.ok(addrs.includes(got), got);
    assert.throws(
      () => renderTemplate('t', template(''), null, { funcs }),
      (e: unknown) => e instanceof TemplateError && e.message.endsWith('invalid argument to Intn'),
    );
  });
});
