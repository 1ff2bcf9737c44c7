/**
 * `duat image prune` against Debian's docker-registry (distribution 2.8) with deletes enabled, behind
 * a proxy that pages the tag list (2.8 itself ignores `n`; the proxy answers `n`, `last` and `Link` as
 * the OCI distribution spec and registry 3 do). The repository holds pre-releases of several branches
 * stamped at chosen times, a release promoted in place (sharing a pre-release's digest), multi-platform
 * indexes, more than 100 tags, and tags that are not ours. The plan is asserted, carried out, and the
 * result checked with skopeo. A registry with deletes disabled must refuse cleanly and change nothing;
 * a registry that deletes tags alone (OCI distribution 1.1, emulated on 2.8's storage by a proxy) lets
 * the shared-digest pre-release go while the release stays.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promoteImage } from '../../src/image/promote.js';
import { applyPrune, formatPlan, type PrunePlan, planPrune } from '../../src/image/prune.js';
import { RegistryClient } from '../../src/registry/client.js';
import { prerelease } from '../../src/version/prerelease.js';
import { cleanEnv } from '../helpers/cli.js';
import { initRepo } from '../helpers/git.js';
import {
  haveRegistryTools,
  skopeoInspect,
  skopeoRawManifest,
  skopeoTags,
  startRegistry,
  type TestRegistry,
} from '../helpers/registry.js';
import { buildImage, pushImage, pushIndex, runDuatAsync, twoPlatformIndex } from './fixtures.js';

const skip = haveRegistryTools()
  ? false
  : 'docker-registry, skopeo and openssl are needed (scripts/test-all.sh installs them)';
const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const REPO = 'owner/repo/svc';

/**
 * A proxy in front of a registry. Tag lists are paged (at most `maxPage` per page, `last`, Link);
 * with `storageDir`, DELETE of a tag removes just that tag from the registry's storage, as an OCI 1.1
 * registry does (2.8 cannot).
 */
async function startProxy(
  target: TestRegistry,
  options: { maxPage: number; storageDir?: string },
): Promise<{ host: string; pages: string[]; stop(): Promise<void> }> {
  const pages: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    const tagDelete = /^\/v2\/(.+)\/manifests\/([\w][\w.-]*)$/.exec(url.pathname);
    if (req.method === 'DELETE' && options.storageDir && tagDelete && !tagDelete[2]?.includes(':')) {
      const dir = join(
        options.storageDir,
        'docker/registry/v2/repositories',
        tagDelete[1] as string,
        '_manifests/tags',
        tagDelete[2] as string,
      );
      if (!existsSync(dir)) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
        return;
      }
      rmSync(dir, { recursive: true, force: true });
      res.writeHead(202, { 'Content-Length': '0' }).end();
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: tags ? url.pathname : req.url,
        headers: req.headers,
      },
      (up) => {
        if (!tags || up.statusCode !== 200) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            name: string;
            tags: string[] | null;
          };
          const all = [...(json.tags ?? [])].sort();
          const last = url.searchParams.get('last');
          const n = Math.min(Number(url.searchParams.get('n') ?? options.maxPage), options.maxPage);
          const from = last ? all.findIndex((t) => t > last) : 0;
          const page = from === -1 ? [] : all.slice(from, from + n);
          pages.push(req.url ?? '');
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          const lastShown = page[page.length - 1];
          if (lastShown !== undefined && all.indexOf(lastShown) < all.length - 1) {
            headers.Link = `</v2/${tags[1]}/tags/list?n=${n}&last=${encodeURIComponent(lastShown)}>; rel="next"`;
          }
          res.writeHead(200, headers);
          res.end(JSON.stringify({ name: json.name, tags: page }));
        });
      },
    );
    req.pipe(upstream);
    upstream.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    pages,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let reg: TestRegistry;
let proxy: Awaited<ReturnType<typeof startProxy>>;
/** tag -> expected action after the plan (what the test means to happen). */
const expected = new Map<string, { action: 'delete' | 'keep'; reason: RegExp }>();
let preFromCli = '';
let deletedIndexChildren: string[] = [];
let armChildDigest = '';

function tagAt(version: string, branch: string, secondsAgo: number): string {
  return prerelease(version, branch, NOW - secondsAgo);
}

before(async () => {
  if (skip) return;
  reg = await startRegistry({ deleteEnabled: true });
  proxy = await startProxy(reg, { maxPage: 50 });
  const client = new RegistryClient(reg.host);
  const base = { 'etc/os-release': 'ID=duat-test\n' };
  const image = (label: string) => buildImage({ layers: [base, { 'label.txt': label }], label });
  const push = (tag: string, label = tag) => pushImage(client, REPO, tag, image(label));

  // main: 7 pre-releases, 1..7 days old. Keep 2: the 5 oldest go, except the one 1.0.0 shares.
  for (let d = 1; d <= 7; d++) {
    const tag = tagAt('1.0.0', 'main', d * DAY);
    await push(tag);
    if (d <= 2) expected.set(tag, { action: 'keep', reason: /newest/ });
    else if (d === 6)
      expected.set(tag, { action: 'keep', reason: /shares its digest with kept tag 1\.0\.0/ });
    else expected.set(tag, { action: 'delete', reason: /beyond the newest 2/ });
  }
  // The release promoted in place from main's 6-day-old build: same digest.
  const promoted = await promoteImage({
    source: `${reg.host}/${REPO}:${tagAt('1.0.0', 'main', 6 * DAY)}`,
    destination: `${reg.host}/${REPO}:1.0.0`,
  });
  assert.equal(promoted.how, 'same repository');
  expected.set('1.0.0', { action: 'keep', reason: /^release$/ });
  // latest names the newest main build (kept anyway).
  await push('latest', tagAt('1.0.0', 'main', DAY));
  expected.set('latest', { action: 'keep', reason: /not a version/ });

  // feature/x (feature-x in tags): 3 pushed here plus one made by `duat semver pre` with SOURCE_DATE_EPOCH.
  for (const d of [10, 11, 12]) {
    const tag = tagAt('1.1.0', 'feature/x', d * DAY);
    await push(tag);
    expected.set(
      tag,
      d === 10 ? { action: 'keep', reason: /newest 2 of 2/ } : { action: 'delete', reason: /beyond/ },
    );
  }
  const dir = join(reg.dir, 'repo');
  initRepo(dir, {
    branch: 'feature/x',
    files: { 'README.md': 'Version : <repo-version>1.1.0</repo-version>\n' },
  });
  const semver = await runDuatAsync(['semver', 'pre'], {
    cwd: dir,
    env: cleanEnv({ SOURCE_DATE_EPOCH: String(NOW - 9 * DAY) }),
  });
  assert.equal(semver.code, 0, semver.stderr);
  preFromCli = semver.stdout.trim();
  assert.equal(preFromCli, tagAt('1.1.0', 'feature/x', 9 * DAY));
  await push(preFromCli);
  expected.set(preFromCli, { action: 'keep', reason: /newest 1 of 2/ });

  // Multi-platform: release 2.0.0 is an index; the oldest "arm" pre-release names its arm64 manifest.
  const release2 = twoPlatformIndex('release-2');
  await pushIndex(client, REPO, '2.0.0', release2);
  expected.set('2.0.0', { action: 'keep', reason: /^release$/ });
  const armChild = release2.images[1];
  assert.ok(armChild);
  armChildDigest = armChild.manifest.digest;
  for (const d of [20, 21, 22, 23]) {
    const tag = tagAt('2.0.0', 'arm', d * DAY);
    if (d === 22) await client.putManifest(REPO, tag, armChild.manifest);
    else await push(tag);
    expected.set(
      tag,
      d <= 21
        ? { action: 'keep', reason: /newest/ }
        : d === 22
          ? { action: 'keep', reason: /platform manifest of kept index tag 2\.0\.0/ }
          : { action: 'delete', reason: /beyond/ },
    );
  }
  // Index pre-releases: the oldest index goes (by digest, whole); its platform manifests stay.
  for (const d of [30, 31, 32]) {
    const tag = tagAt('2.1.0', 'multi', d * DAY);
    const index = twoPlatformIndex(`multi-${d}`);
    await pushIndex(client, REPO, tag, index);
    if (d === 32) deletedIndexChildren = index.images.map((i) => i.manifest.digest);
    expected.set(
      tag,
      d === 32 ? { action: 'delete', reason: /beyond/ } : { action: 'keep', reason: /newest/ },
    );
  }
  // More than 100 tags: a bulk branch, one build per hour.
  for (let h = 1; h <= 110; h++) {
    const tag = tagAt('3.0.0', 'bulk', h * 3600);
    await push(tag);
    expected.set(tag, h <= 2 ? { action: 'keep', reason: /newest/ } : { action: 'delete', reason: /beyond/ });
  }
  // Tags that are not ours.
  const others: [string, RegExp][] = [
    ['nightly', /not a version/],
    ['v0.9', /^release$/],
    ['1.0.0-rc.1', /without a <branch>-<stamp> ending/],
    ['1.0.0-main-zzzzzzzzzzzzz', /its stamp decodes to no plausible time/],
    ['0.9.0-old-build', /without a <branch>-<stamp> ending/],
  ];
  for (const [tag, reason] of others) {
    await push(tag);
    expected.set(tag, { action: 'keep', reason });
  }
  client.close();
});

after(async () => {
  await proxy?.stop();
  await reg?.stop();
});

function checkPlan(plan: PrunePlan): void {
  assert.equal(plan.rows.length, expected.size, 'every tag is in the plan');
  for (const row of plan.rows) {
    const want = expected.get(row.tag);
    assert.ok(want, `unexpected tag ${row.tag}`);
    assert.equal(row.action, want.action, `${row.tag}: ${row.reason}`);
    assert.match(row.reason, want.reason, row.tag);
  }
}

test('the plan: newest per branch kept, the shared digest and the index child protected, not ours never touched', {
  skip,
}, async () => {
  const before = proxy.pages.length;
  const plan = await planPrune({
    repository: `${proxy.host}/${REPO}`,
    keep: 2,
    now: NOW * 1000,
    pageSize: 1000,
  });
  // 136 tags in pages of at most 50 (the proxy caps n): the Link header was followed to the end.
  assert.ok(proxy.pages.length - before >= 3, proxy.pages.slice(before).join(' '));
  assert.equal(plan.method, 'digest');
  assert.equal(plan.deletes, 'enabled');
  assert.match(plan.notes.join('\n'), /cannot delete a tag alone/);
  checkPlan(plan);
  const row = plan.rows.find((r) => r.tag === preFromCli);
  assert.equal(row?.branch, 'feature-x');
  assert.equal(row?.ageSeconds, 9 * DAY);
  assert.equal(row?.time, new Date((NOW - 9 * DAY) * 1000).toISOString());
  const table = formatPlan(plan);
  assert.match(table, /^TAG +BRANCH +AGE +DIGEST +ACTION +REASON$/m);
  assert.match(
    table,
    new RegExp(
      `^${preFromCli.replace(/\./g, '\\.')} +feature-x +9d +sha256:[0-9a-f]{12} +keep +newest 1 of 2`,
      'm',
    ),
  );

  // --older-than: nothing younger than 8 days goes, whatever --keep says.
  const aged = await planPrune({
    repository: `${proxy.host}/${REPO}`,
    keep: 0,
    olderThanMs: 8 * DAY * 1000,
    now: NOW * 1000,
  });
  for (const r of aged.rows.filter((x) => x.ageSeconds !== undefined && x.ageSeconds < 8 * DAY)) {
    assert.equal(r.action, 'keep', r.tag);
    assert.match(r.reason, /younger than 192h0m0s/);
  }
  // --branch: only that branch is touched.
  const onlyArm = await planPrune({
    repository: `${proxy.host}/${REPO}`,
    keep: 0,
    branches: ['arm'],
    now: NOW * 1000,
  });
  for (const r of onlyArm.rows.filter((x) => x.action === 'delete')) assert.equal(r.branch, 'arm');
  assert.ok(onlyArm.rows.some((r) => r.branch === 'main' && r.reason === 'branch not selected'));
});

test('the CLI prints the plan first, then deletes exactly the planned tags; the release still pulls', {
  skip,
}, async () => {
  const env = cleanEnv({ DOCKER_CONFIG: '/nonexistent' });
  const repository = `${proxy.host}/${REPO}`;
  const dry = await runDuatAsync(['image', 'prune', repository, '--keep', '2'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`: ${expected.size} tags, \\d+ to delete`));
  assert.match(dry.stderr, /dry run: \d+ tags would be deleted; run again with --yes/);
  const json = await runDuatAsync(['image', 'prune', repository, '--keep', '2', '--json'], { env });
  const { plan } = JSON.parse(json.stdout) as { plan: PrunePlan };
  const planned = plan.rows.filter((r) => r.action === 'delete').map((r) => r.tag);
  // Nothing was deleted by the dry runs.
  assert.equal((await skopeoTags(`${reg.host}/${REPO}`)).length, expected.size);

  const run = await runDuatAsync(['image', 'prune', repository, '--keep', '2', '--yes', '--json'], { env });
  assert.equal(run.code, 0, run.stderr);
  const { result } = JSON.parse(run.stdout) as {
    result: { deleted: number; failed: number; outcomes: { tag: string; status: string }[] };
  };
  assert.equal(result.failed, 0);
  assert.deepEqual(
    result.outcomes
      .filter((o) => o.status === 'deleted')
      .map((o) => o.tag)
      .sort(),
    [...planned].sort(),
  );
  const remaining = new Set(await skopeoTags(`${reg.host}/${REPO}`));
  for (const [tag, want] of expected) assert.equal(remaining.has(tag), want.action === 'keep', tag);

  // The release promoted in place still pulls, with its digest; the index release too, with its arm64 child.
  const inspect = await skopeoInspect(`${reg.host}/${REPO}:1.0.0`);
  assert.equal(
    inspect.Digest,
    (await skopeoInspect(`${reg.host}/${REPO}:${tagAt('1.0.0', 'main', 6 * DAY)}`)).Digest,
  );
  assert.ok((await skopeoRawManifest(`${reg.host}/${REPO}@${armChildDigest}`)).length > 0);
  await skopeoInspect(`${reg.host}/${REPO}:2.0.0`);
  // The deleted index's platform manifests were not deleted with it.
  const client = new RegistryClient(reg.host);
  for (const child of deletedIndexChildren) assert.ok(await client.headManifest(REPO, child), child);
  client.close();

  // Run again: nothing left to delete.
  const again = await runDuatAsync(['image', 'prune', repository, '--keep', '2', '--yes'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /deleted 0, failed 0, skipped 0/);
});

test('a registry with deletes disabled: the plan prints, --yes fails in one line and changes nothing', {
  skip,
}, async (t) => {
  const nodel = await startRegistry({ deleteEnabled: false });
  t.after(() => nodel.stop());
  const client = new RegistryClient(nodel.host);
  for (const d of [1, 2, 3])
    await pushImage(
      client,
      'a/b',
      tagAt('1.0.0', 'main', d * DAY),
      buildImage({ layers: [{ f: String(d) }] }),
    );
  client.close();
  const env = cleanEnv({ DOCKER_CONFIG: '/nonexistent' });
  const dry = await runDuatAsync(['image', 'prune', `${nodel.host}/a/b`, '--keep', '1'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /note: .*deletes disabled/);
  const run = await runDuatAsync(['image', 'prune', `${nodel.host}/a/b`, '--keep', '1', '--yes'], { env });
  assert.equal(run.code, 1);
  assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
  assert.match(
    run.stderr,
    /has deletes disabled \(DELETE answers 405 UNSUPPORTED\): nothing was deleted; .*storage: delete: enabled: true/,
  );
  assert.equal((await skopeoTags(`${nodel.host}/a/b`)).length, 3);
});

test('where tags can be deleted alone (OCI 1.1), the pre-release sharing the release digest goes, the release stays', {
  skip,
}, async (t) => {
  const r = await startRegistry({ deleteEnabled: true });
  const p = await startProxy(r, { maxPage: 1000, storageDir: r.storageDir });
  t.after(async () => {
    await p.stop();
    await r.stop();
  });
  const client = new RegistryClient(r.host);
  const tags = [1, 2, 3].map((d) => tagAt('1.0.0', 'main', d * DAY));
  for (const [i, tag] of tags.entries())
    await pushImage(client, 'a/b', tag, buildImage({ layers: [{ f: String(i) }] }));
  client.close();
  await promoteImage({ source: `${r.host}/a/b:${tags[2]}`, destination: `${r.host}/a/b:1.0.0` });
  const plan = await planPrune({ repository: `${p.host}/a/b`, keep: 1, now: NOW * 1000 });
  assert.equal(plan.method, 'tag');
  assert.deepEqual(
    plan.rows.filter((x) => x.action === 'delete').map((x) => x.tag),
    [tags[1], tags[2]],
  );
  const result = await applyPrune(plan);
  assert.equal(result.deleted, 2);
  assert.deepEqual((await skopeoTags(`${r.host}/a/b`)).sort(), ['1.0.0', tags[0]].sort());
  await skopeoInspect(`${r.host}/a/b:1.0.0`);
});

test('applyPrune re-plans: a tag moved after the plan is skipped, not lost', { skip }, async (t) => {
  const r = await startRegistry({ deleteEnabled: true });
  t.after(() => r.stop());
  const client = new RegistryClient(r.host);
  const tags = [1, 2, 3].map((d) => tagAt('1.0.0', 'main', d * DAY));
  for (const [i, tag] of tags.entries())
    await pushImage(client, 'a/b', tag, buildImage({ layers: [{ f: String(i) }] }));
  const plan = await planPrune({ repository: `${r.host}/a/b`, keep: 1, now: NOW * 1000 });
  assert.equal(plan.rows.filter((x) => x.action === 'delete').length, 2);
  // Between plan and apply, a release is promoted in place from one of the doomed builds.
  await promoteImage({ source: `${r.host}/a/b:${tags[2]}`, destination: `${r.host}/a/b:1.0.0` });
  const result = await applyPrune(plan);
  assert.equal(result.deleted, 1);
  assert.equal(result.skipped, 1);
  assert.match(
    result.outcomes.find((o) => o.tag === tags[2])?.reason ?? '',
    /now kept: shares its digest with kept tag 1\.0\.0/,
  );
  assert.ok(await client.headManifest('a/b', '1.0.0'));
  client.close();
});
