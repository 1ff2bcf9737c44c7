/**
 * `duat image name/exists/promote` and the registry client against real registries: Debian's
 * docker-registry (distribution 2.8) on 127.0.0.1, open, with htpasswd basic auth, and with token auth
 * from a token server in this test. Results are checked independently with skopeo, with the
 * registry's own request log, and with a TCP proxy counting the bytes that pass.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { imageExists } from '../../src/image/exists.js';
import { promoteImage } from '../../src/image/promote.js';
import { copyBlob, RegistryClient, RegistryClients } from '../../src/registry/client.js';
import { sha256Digest } from '../../src/registry/manifest.js';
import { cleanEnv } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import { cliPath } from '../helpers/paths.js';
import {
  type CountingProxy,
  haveRegistryTools,
  skopeoInspect,
  skopeoRawManifest,
  skopeoTags,
  startCountingProxy,
  startRegistry,
  type TestRegistry,
  writeAuthFile,
} from '../helpers/registry.js';
import { tempDir } from '../helpers/tmp.js';
import {
  buildImage,
  pushImage,
  pushIndex,
  runDuatAsync,
  type TestImage,
  twoPlatformIndex,
} from './fixtures.js';

const skip = haveRegistryTools()
  ? false
  : 'docker-registry, skopeo and openssl are needed (scripts/test-all.sh installs them)';

let open: TestRegistry;
let basic: TestRegistry;
let tokenReg: TestRegistry;
let proxy: CountingProxy;
const USERS = { alice: 'alice-password-1', reader: 'reader-password-2' };
/** A 3-layer image with 2 MiB of random bytes, so "no layer bytes moved" means something. */
let big: TestImage;
const PRE = '0.3.0-feature-12-speed-aaaagjecpnf';

before(async () => {
  if (skip) return;
  [open, basic, tokenReg] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: 'htpasswd', users: USERS }),
    startRegistry({
      auth: 'token',
      users: USERS,
      grant: (user) => (user === 'alice' ? ['pull', 'push', 'delete'] : ['pull']),
    }),
  ]);
  proxy = await startCountingProxy(open.host);
  big = buildImage({
    layers: [
      { 'base.bin': randomBytes(1024 * 1024) },
      { 'app.bin': randomBytes(1024 * 1024) },
      { 'cfg/app.yaml': 'a: 1\n' },
    ],
    label: 'big',
  });
  const client = new RegistryClient(open.host);
  await pushImage(client, 'owner/repo/svc', PRE, big);
  client.close();
});

after(async () => {
  await proxy?.stop();
  await Promise.all([open?.stop(), basic?.stop(), tokenReg?.stop()]);
});

function envWith(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cleanEnv({ DOCKER_CONFIG: '/nonexistent-docker-config', ...extra });
}

test('pushed images read back identically with skopeo; exists by tag and digest', { skip }, async () => {
  const ref = `${open.host}/owner/repo/svc:${PRE}`;
  assert.equal((await skopeoInspect(ref)).Digest, big.manifest.digest);
  assert.deepEqual(await skopeoRawManifest(ref), big.manifest.bytes);

  const found = await imageExists(ref);
  assert.equal(found.exists, true);
  assert.equal(found.digest, big.manifest.digest);
  assert.equal((await imageExists(`${open.host}/owner/repo/svc@${big.manifest.digest}`)).exists, true);
  assert.equal((await imageExists(`${open.host}/owner/repo/svc:no-such-tag`)).exists, false);
  assert.equal((await imageExists(`${open.host}/no/such/repo:1.0.0`)).exists, false);

  const yes = await runDuatAsync(['image', 'exists', ref, '--digest'], { env: envWith() });
  assert.equal(yes.code, 0, yes.stderr);
  assert.equal(yes.stdout, `${big.manifest.digest}\n`);
  const no = await runDuatAsync(['image', 'exists', `${open.host}/owner/repo/svc:9.9.9`], { env: envWith() });
  assert.equal(no.code, 1);
  assert.equal(no.stdout, '');
  assert.match(no.stderr, /owner\/repo\/svc:9\.9\.9 does not exist/);
  const bad = await runDuatAsync(['image', 'exists', `${open.host}/Owner/Repo:1`], { env: envWith() });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /must be lowercase/);
  const down = await runDuatAsync(['image', 'exists', '127.0.0.1:1/a/b:1'], { env: envWith() });
  assert.equal(down.code, 2);
  assert.match(down.stderr, /127\.0\.0\.1:1.*connection refused/);
  assert.equal(down.stderr.split('\n').filter(Boolean).length, 1, down.stderr);
});

test('basic auth: credentials from the docker config; failures name registry and scope, never the secret', {
  skip,
}, async (t) => {
  const dir = tempDir(t);
  const client = new RegistryClient(basic.host, {
    credentials: { username: 'alice', password: USERS.alice, source: 'test' },
  });
  await pushImage(client, 'team/app', '1.0.0', big);
  client.close();
  const ref = `${basic.host}/team/app:1.0.0`;

  const configDir = join(dir, 'docker');
  mkdirSync(configDir);
  const writeConfig = (password: string) =>
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({
        auths: { [`http://${basic.host}`]: { auth: Buffer.from(`alice:${password}`).toString('base64') } },
      }),
    );
  writeConfig(USERS.alice);
  const ok = await runDuatAsync(['image', 'exists', ref, '--digest'], {
    env: envWith({ DOCKER_CONFIG: configDir }),
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), big.manifest.digest);

  writeConfig('wrong-password-xyz');
  const wrong = await runDuatAsync(['image', 'exists', ref], { env: envWith({ DOCKER_CONFIG: configDir }) });
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stderr,
    new RegExp(
      `${basic.host} rejected the credentials from .*config\\.json auths .*scope repository:team/app:pull`,
    ),
  );
  assert.doesNotMatch(wrong.stderr, /wrong-password-xyz/);
  assert.doesNotMatch(wrong.stderr, new RegExp(Buffer.from('alice:wrong-password-xyz').toString('base64')));

  const anonymous = await runDuatAsync(['image', 'exists', ref], { env: envWith() });
  assert.equal(anonymous.code, 2);
  assert.match(
    anonymous.stderr,
    new RegExp(`${basic.host} requires authentication .*scope repository:team/app:pull\\); log in`),
  );
});

test('token auth: scoped bearer tokens from our token server, identity tokens, and clear denials', {
  skip,
}, async (t) => {
  const token = tokenReg.token;
  assert.ok(token);
  const alice = new RegistryClient(tokenReg.host, {
    credentials: { username: 'alice', password: USERS.alice, source: 'test' },
  });
  await pushImage(alice, 'team/app', '1.0.0', big);
  // One token served the whole push: its scope was widened once, not fetched per request.
  const aliceTokens = token.requests.filter((r) => r.user === 'alice');
  assert.ok(aliceTokens.length <= 2, JSON.stringify(aliceTokens));
  assert.ok(aliceTokens.some((r) => r.scopes.includes('repository:team/app:pull,push')));
  alice.close();

  // The OAuth2 form: an identity token (refresh token) from the docker config.
  const refresh = token.refreshToken('reader');
  const viaRefresh = new RegistryClient(tokenReg.host, {
    credentials: { identityToken: refresh, source: 'test' },
  });
  assert.equal((await viaRefresh.headManifest('team/app', '1.0.0'))?.digest, big.manifest.digest);
  assert.ok(token.requests.some((r) => r.method === 'POST' && r.user === 'reader'));
  viaRefresh.close();

  // A user who may only pull: pushing is refused, and the message names registry and scope.
  const reader = new RegistryClient(tokenReg.host, {
    credentials: { username: 'reader', password: USERS.reader, source: 'test' },
  });
  await assert.rejects(
    reader.putManifest('team/app', '2.0.0', big.manifest),
    (err: Error) =>
      err.message.includes(`${tokenReg.host} denied push manifest team/app:2.0.0`) &&
      err.message.includes('repository:team/app:pull,push (insufficient_scope)') &&
      !err.message.includes(USERS.reader),
  );
  reader.close();

  // Wrong password at the token service.
  const wrong = new RegistryClient(tokenReg.host, {
    credentials: { username: 'alice', password: 'nope-nope', source: 'test' },
  });
  await assert.rejects(
    wrong.headManifest('team/app', '1.0.0'),
    /token service .* rejected the credentials from test/,
  );
  wrong.close();

  // Anonymous pulls are allowed by this token server (pull only).
  const anon = new RegistryClient(tokenReg.host, { dockerConfig: false });
  assert.equal((await anon.headManifest('team/app', '1.0.0'))?.digest, big.manifest.digest);
  anon.close();
  const authfile = writeAuthFile(tempDir(t), tokenReg.host, 'alice', USERS.alice);
  assert.ok((await skopeoTags(`${tokenReg.host}/team/app`, { authfile })).includes('1.0.0'));
});

test('promote in place (the conventions): no layer byte moves, same digest, via the CLI', {
  skip,
}, async (t) => {
  const dir = tempDir(t);
  const repo = initRepo(join(dir, 'repo'), {
    branch: 'feature/12_speed',
    files: {
      'README.md': `Version : <repo-version>${PRE}</repo-version>\n`,
      'svc/main.go': 'package main\n',
    },
  });
  git(repo, 'remote', 'add', 'origin', 'https://github.com/Owner/Repo.git');
  const env = envWith();
  const name = await runDuatAsync(['image', 'name', '--registry', proxy.host], {
    cwd: join(repo, 'svc'),
    env,
  });
  assert.equal(name.code, 0, name.stderr);
  assert.equal(name.stdout, `${proxy.host}/owner/repo/svc:${PRE}\n`);
  const exists = await runDuatAsync(['image', 'exists', '--registry', open.host, '--digest'], {
    cwd: join(repo, 'svc'),
    env,
  });
  assert.equal(exists.code, 0, exists.stderr);
  assert.equal(exists.stdout, `${big.manifest.digest}\n`);
  // Without AWS the default release registry (ECR) cannot be found: one line, and the way out.
  const noEcr = await runDuatAsync(['image', 'promote', '--registry', open.host], {
    cwd: join(repo, 'svc'),
    env,
  });
  assert.equal(noEcr.code, 1);
  assert.match(
    noEcr.stderr,
    /the release registry is the AWS account's ECR, and no AWS credentials .*--release-registry HOST/,
  );

  const before = open.requests().length;
  proxy.reset();
  const run = await runDuatAsync(
    ['image', 'promote', '--registry', proxy.host, '--release-registry', proxy.host],
    {
      cwd: join(repo, 'svc'),
      env,
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `${proxy.host}/owner/repo/svc:0.3.0@${big.manifest.digest}\n`);
  const { up, down } = proxy.stats();
  const layerBytes = [...big.blobs.values()].reduce((n, b) => n + b.length, 0);
  assert.ok(layerBytes > 2_000_000);
  // Manifest bytes and headers only, in both directions.
  assert.ok(up < 8_000 && down < 8_000, `moved ${up} up, ${down} down`);
  const requests = open.requests().slice(before);
  assert.deepEqual(
    requests.filter((r) => r.uri.includes('/blobs/')),
    [],
    'no blob request at all',
  );
  assert.equal((await skopeoInspect(`${open.host}/owner/repo/svc:0.3.0`)).Digest, big.manifest.digest);
  assert.match(run.stderr, /same repository/);

  // Again: nothing to do, same answer.
  const again = await runDuatAsync(
    ['image', 'promote', '--registry', open.host, '--release-registry', open.host],
    {
      cwd: join(repo, 'svc'),
      env,
    },
  );
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already is/);

  // Once the version file holds the release (semver patch), the newest pre-release of it is found.
  writeFileSync(join(repo, 'README.md'), 'Version : <repo-version>0.3.0</repo-version>\n');
  const other = buildImage({ layers: [{ x: 'older build' }], label: 'older' });
  const c = new RegistryClient(open.host);
  await pushImage(c, 'owner/repo/svc', '0.3.0-feature-12-speed-aaaagjecaaa', other);
  c.close();
  const released = await runDuatAsync(
    ['image', 'promote', '--registry', open.host, '--release-registry', open.host, '--force'],
    { cwd: join(repo, 'svc'), env },
  );
  assert.equal(released.code, 0, released.stderr);
  assert.match(released.stderr, /newest pre-release 0\.3\.0-feature-12-speed-aaaagjecpnf/);
  assert.equal(released.stdout, `${open.host}/owner/repo/svc:0.3.0@${big.manifest.digest}\n`);
});

test('promote within one registry mounts blobs across repositories', { skip }, async () => {
  const before = open.requests().length;
  const result = await promoteImage({
    source: `${open.host}/owner/repo/svc:${PRE}`,
    destination: `${open.host}/release/svc`,
  });
  assert.equal(result.destination, `${open.host}/release/svc:0.3.0`);
  assert.equal(result.digest, big.manifest.digest);
  assert.equal(result.blobs.mounted, big.blobs.size);
  assert.equal(result.bytesCopied, 0);
  const requests = open.requests().slice(before);
  const mounts = requests.filter((r) => r.method === 'POST' && r.uri.includes('mount='));
  assert.equal(mounts.length, big.blobs.size);
  assert.ok(mounts.every((r) => r.status === 201));
  assert.deepEqual(
    requests.filter((r) => r.method === 'PATCH' || (r.method === 'GET' && r.uri.includes('/blobs/'))),
    [],
  );
  assert.equal((await skopeoInspect(`${open.host}/release/svc:0.3.0`)).Digest, big.manifest.digest);
});

test('a declined mount (202) is followed by a HEAD: a blob the destination holds is not uploaded again', {
  skip,
}, async () => {
  const digest = big.layerDigests[0] as string;
  const size = (big.blobs.get(digest) as Buffer).length;
  const client = new RegistryClient(open.host);
  const before = open.requests().length;
  try {
    // empty/source has no blobs, so the registry declines the mount and opens an upload session.
    const outcome = await copyBlob(
      { client, repository: 'empty/source' },
      { client, repository: 'owner/repo/svc' },
      { digest, size },
    );
    assert.equal(outcome, 'exists');
  } finally {
    client.close();
  }
  const requests = open.requests().slice(before);
  const mounts = requests.filter((r) => r.method === 'POST' && r.uri.includes('mount='));
  assert.deepEqual(
    mounts.map((r) => r.status),
    [202],
  );
  assert.ok(requests.some((r) => r.method === 'HEAD' && r.uri.endsWith(`/owner/repo/svc/blobs/${digest}`)));
  // No upload and no read of the blob; the session the registry opened is cancelled.
  assert.deepEqual(
    requests.filter(
      (r) => r.method === 'PATCH' || r.method === 'PUT' || (r.method === 'GET' && r.uri.includes('/blobs/')),
    ),
    [],
  );
  assert.ok(requests.some((r) => r.method === 'DELETE' && r.uri.includes('/blobs/uploads/')));
});

test('promote across registries: a two-platform index whole, streamed, then idempotent; force and refusals', {
  skip,
}, async (t) => {
  const index = twoPlatformIndex('cross');
  const c = new RegistryClient(open.host);
  await pushIndex(c, 'multi/app', '2.0.0-main-aaaagjecpnf', index);
  c.close();
  const creds = { username: 'alice', password: USERS.alice, source: 'test' };
  const clients = new RegistryClients({ credentials: (r) => (r === tokenReg.host ? creds : undefined) });
  t.after(() => clients.close());
  const result = await promoteImage({
    source: `${open.host}/multi/app:2.0.0-main-aaaagjecpnf`,
    destination: `${tokenReg.host}/multi/app`,
    clients,
  });
  assert.equal(result.how, 'across registries');
  assert.equal(result.digest, index.manifest.digest);
  assert.equal(result.manifestsPushed, 3);
  const distinct = new Set(index.images.flatMap((i) => [...i.blobs.keys()]));
  assert.equal(result.blobs.total, distinct.size);
  assert.equal(result.blobs.copied, distinct.size);
  assert.equal(
    result.bytesCopied,
    [...distinct].reduce(
      (n, d) => n + (index.images.find((i) => i.blobs.has(d))?.blobs.get(d)?.length ?? 0),
      0,
    ),
  );

  const authfile = writeAuthFile(tempDir(t), tokenReg.host, 'alice', USERS.alice);
  assert.deepEqual(
    await skopeoRawManifest(`${tokenReg.host}/multi/app:2.0.0`, { authfile }),
    index.manifest.bytes,
  );
  for (const image of index.images) {
    assert.deepEqual(
      await skopeoRawManifest(`${tokenReg.host}/multi/app@${image.manifest.digest}`, { authfile }),
      image.manifest.bytes,
    );
  }
  assert.equal(
    (await skopeoInspect(`${tokenReg.host}/multi/app:2.0.0`, { authfile })).Digest,
    index.manifest.digest,
  );

  const again = await promoteImage({
    source: `${open.host}/multi/app:2.0.0-main-aaaagjecpnf`,
    destination: `${tokenReg.host}/multi/app`,
    clients,
  });
  assert.equal(again.unchanged, true);

  // Another image where the release tag already is: refused, then replaced with force.
  const c2 = new RegistryClient(open.host);
  await pushImage(c2, 'multi/app', '2.0.0-main-aaaagjezzzz', big);
  c2.close();
  await assert.rejects(
    promoteImage({
      source: `${open.host}/multi/app:2.0.0-main-aaaagjezzzz`,
      destination: `${tokenReg.host}/multi/app`,
      clients,
    }),
    (err: Error & { hint?: string }) =>
      /already names sha256:/.test(err.message) && /--force/.test(err.hint ?? ''),
  );
  const forced = await promoteImage({
    source: `${open.host}/multi/app:2.0.0-main-aaaagjezzzz`,
    destination: `${tokenReg.host}/multi/app`,
    clients,
    force: true,
  });
  assert.equal(forced.replaced, index.manifest.digest);
  assert.equal(
    (await skopeoInspect(`${tokenReg.host}/multi/app:2.0.0`, { authfile })).Digest,
    big.manifest.digest,
  );

  await assert.rejects(
    promoteImage({
      source: `${open.host}/multi/app:9.9.9-x-aaaagjecpnf`,
      destination: `${tokenReg.host}/multi/app`,
      clients,
    }),
    /the source image .*multi\/app:9\.9\.9-x-aaaagjecpnf does not exist/,
  );
});

test('the CLI promotes across registries and refuses a moved release tag without --force', {
  skip,
}, async (t) => {
  const dir = tempDir(t);
  const configDir = join(dir, 'docker');
  mkdirSync(configDir);
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({
      auths: { [basic.host]: { auth: Buffer.from(`alice:${USERS.alice}`).toString('base64') } },
    }),
  );
  const env = envWith({ DOCKER_CONFIG: configDir });
  const src = `${open.host}/owner/repo/svc:${PRE}`;
  const run = await runDuatAsync(['image', 'promote', src, `${basic.host}/owner/repo/svc`], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `${basic.host}/owner/repo/svc:0.3.0@${big.manifest.digest}\n`);
  assert.match(run.stderr, /across registries/);
  const refused = await runDuatAsync(
    [
      'image',
      'promote',
      `${open.host}/multi/app:2.0.0-main-aaaagjecpnf`,
      `${basic.host}/owner/repo/svc:0.3.0`,
    ],
    { env },
  );
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /already names .*pass --force/);
  const missing = await runDuatAsync(
    ['image', 'promote', `${open.host}/owner/repo/svc:0.0.1-x-aaaagjecpnf`, `${basic.host}/o/x`],
    { env },
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);

  // The original's program name: a link called image-promote runs `duat image promote`.
  const link = join(dir, 'image-promote');
  symlinkSync(cliPath, link);
  const viaLink = await runDuatAsync([src, `${basic.host}/linked/svc`], { env, argv0: link });
  assert.equal(viaLink.code, 0, viaLink.stderr);
  assert.equal(viaLink.stdout, `${basic.host}/linked/svc:0.3.0@${big.manifest.digest}\n`);
});

/** An HTTP proxy to a registry that fails some requests: 503s, 429s with Retry-After, a reset mid-blob. */
async function startFaultyProxy(
  target: string,
): Promise<{ host: string; faults: string[]; stop(): Promise<void> }> {
  const [host, port] = [target.split(':')[0] as string, Number(target.split(':')[1])];
  const faults: string[] = [];
  const seen = new Map<string, number>();
  let cutDone = false;
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const uri = req.url ?? '/';
    const kind = `${method} ${uri.replace(/sha256:[0-9a-f]+/, 'D').replace(/\?.*/, '')}`;
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    if (n === 1 && uri === '/v2/') {
      faults.push(`503 ${kind}`);
      res.writeHead(503, { 'Content-Length': '0' }).end();
      return;
    }
    if (n === 1 && method === 'GET' && uri.includes('/manifests/')) {
      faults.push(`429 ${kind}`);
      res.writeHead(429, { 'Retry-After': '0', 'Content-Length': '0' }).end();
      return;
    }
    const upstream = request({ host, port, method, path: uri, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const cut =
        method === 'GET' &&
        uri.includes('/blobs/') &&
        !cutDone &&
        Number(up.headers['content-length']) > 128 * 1024;
      if (!cut) {
        up.pipe(res);
        return;
      }
      cutDone = true;
      let sent = 0;
      up.on('data', (c: Buffer) => {
        if (sent > 64 * 1024) return;
        sent += c.length;
        res.write(c);
        if (sent > 64 * 1024) {
          faults.push(`reset ${kind}`);
          res.socket?.destroy();
          up.destroy();
        }
      });
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${p}`,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('retries: 503s, 429 with Retry-After and a connection reset mid-blob do not break a promote', {
  skip,
}, async (t) => {
  const src = await startFaultyProxy(open.host);
  const dst = await startRegistry();
  t.after(async () => {
    await src.stop();
    await dst.stop();
  });
  const result = await promoteImage({
    source: `${src.host}/owner/repo/svc:${PRE}`,
    destination: `${dst.host}/flaky/svc`,
    retryBaseMs: 20,
    timeoutMs: 10_000,
  });
  assert.equal(result.digest, big.manifest.digest);
  t.diagnostic(`faults: ${src.faults.join(', ')}`);
  assert.ok(
    src.faults.some((f) => f.startsWith('503')),
    src.faults.join(', '),
  );
  assert.ok(
    src.faults.some((f) => f.startsWith('429')),
    src.faults.join(', '),
  );
  assert.ok(
    src.faults.some((f) => f.startsWith('reset')),
    src.faults.join(', '),
  );
  assert.equal((await skopeoInspect(`${dst.host}/flaky/svc:0.3.0`)).Digest, big.manifest.digest);
});

/**
 * An HTTP proxy to a registry that changes one byte in the middle of every blob answer larger than
 * 512 KiB (same length, so only the digest can tell), or with `longer`, sends it with one byte more.
 */
async function startCorruptingProxy(
  target: string,
  how: 'flip' | 'longer',
): Promise<{ host: string; corrupted: string[]; stop(): Promise<void> }> {
  const [host, port] = [target.split(':')[0] as string, Number(target.split(':')[1])];
  const corrupted: string[] = [];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const uri = req.url ?? '/';
    const upstream = request({ host, port, method, path: uri, headers: req.headers }, (up) => {
      const length = Number(up.headers['content-length']);
      if (method !== 'GET' || !uri.includes('/blobs/') || !(length > 512 * 1024)) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        let body = Buffer.concat(chunks);
        if (how === 'flip') body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff;
        else body = Buffer.concat([body, Buffer.from('x')]);
        corrupted.push(uri);
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
        res.end(body);
      });
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${p}`,
    corrupted,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('a source that sends other bytes for a blob fails the promote with one clear line; nothing is tagged', {
  skip,
}, async (t) => {
  for (const how of ['flip', 'longer'] as const) {
    const src = await startCorruptingProxy(open.host, how);
    const dst = await startRegistry();
    t.after(async () => {
      await src.stop();
      await dst.stop();
    });
    // The library: a DuatError saying which blob and why, not retried as a network fault.
    await assert.rejects(
      promoteImage({
        source: `${src.host}/owner/repo/svc:${PRE}`,
        destination: `${dst.host}/corrupt/svc:1.0.0`,
        retryBaseMs: 20,
      }),
      how === 'flip'
        ? /^DuatError: blob sha256:[0-9a-f]{64} arrived as \d+ bytes with digest sha256:[0-9a-f]{64}: the source sent other content$/
        : /^DuatError: blob sha256:[0-9a-f]{64} is \d+ bytes at the source, its descriptor says \d+: the source sent other content$/,
    );
    assert.ok(src.corrupted.length > 0, how);
    // The command: a failure with the reason on one line and no stack, at once: the other blobs'
    // copies are stopped, not left to hold the process until their 60 s inactivity timeout.
    const started = Date.now();
    const r = await runDuatAsync(
      ['image', 'promote', `${src.host}/owner/repo/svc:${PRE}`, `${dst.host}/corrupt/svc:1.0.0`],
      { env: envWith() },
    );
    assert.notEqual(r.code, 0, how);
    assert.match(r.stderr, /the source sent other content/, how);
    assert.doesNotMatch(r.stderr, /\n\s+at /, how);
    assert.ok(Date.now() - started < 30_000, `${how}: the command took ${Date.now() - started} ms`);
    // Nothing was tagged, and the corrupt blob was never committed at the destination.
    const client = new RegistryClient(dst.host);
    try {
      assert.equal(await client.headManifest('corrupt/svc', '1.0.0'), undefined, how);
      for (const [digest, blob] of big.blobs) {
        if (blob.length > 512 * 1024)
          assert.equal(await client.blobExists('corrupt/svc', digest), false, how);
      }
    } finally {
      client.close();
    }
  }
});

test('a blob redirected to storage elsewhere is fetched without our credentials', { skip }, async (t) => {
  // A registry front (basic auth) whose blob GETs redirect to a storage server, as ECR and S3-backed
  // registries do; the storage server records what it was sent.
  const storageHeaders: IncomingHttpHeaders[] = [];
  const storage: Server = createServer((req, res) => {
    storageHeaders.push(req.headers);
    const digest = (req.url ?? '').slice(1);
    const blob = big.blobs.get(digest);
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': blob.length }).end(blob);
  });
  await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
  const storagePort = (storage.address() as { port: number }).port;
  const authHeader = `Basic ${Buffer.from('user:front-secret').toString('base64')}`;
  const front: Server = createServer((req, res) => {
    if (req.headers.authorization !== authHeader) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="front"' }).end();
      return;
    }
    const url = req.url ?? '';
    if (url === '/v2/') {
      res.writeHead(200).end('{}');
      return;
    }
    const blob = /\/blobs\/(sha256:[0-9a-f]+)$/.exec(url);
    if (blob) {
      res.writeHead(307, { Location: `http://127.0.0.1:${storagePort}/${blob[1]}` }).end();
      return;
    }
    if (url.endsWith('/manifests/1.0.0')) {
      res.writeHead(200, {
        'Content-Type': big.manifest.mediaType,
        'Docker-Content-Digest': big.manifest.digest,
      });
      res.end(req.method === 'HEAD' ? undefined : big.manifest.bytes);
      return;
    }
    res
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const frontHost = `127.0.0.1:${(front.address() as { port: number }).port}`;
  t.after(() => {
    storage.closeAllConnections();
    front.closeAllConnections();
    storage.close();
    front.close();
  });
  const clients = new RegistryClients({
    credentials: (r) =>
      r === frontHost ? { username: 'user', password: 'front-secret', source: 'test' } : undefined,
  });
  t.after(() => clients.close());
  const result = await promoteImage({
    source: `${frontHost}/a/b:1.0.0`,
    destination: `${open.host}/redirected/b:1.0.0`,
    clients,
  });
  assert.equal(result.blobs.copied, big.blobs.size);
  assert.equal(storageHeaders.length, big.blobs.size);
  assert.ok(storageHeaders.every((h) => h.authorization === undefined));
  assert.equal((await skopeoInspect(`${open.host}/redirected/b:1.0.0`)).Digest, big.manifest.digest);
});

test('uploads: streamed, monolithic and chunked all store the same blob; a wrong digest is refused', {
  skip,
}, async () => {
  const data = randomBytes(300 * 1024);
  const digest = sha256Digest(data);
  for (const mode of ['streamed', 'monolithic', 'chunked'] as const) {
    const client = new RegistryClient(open.host, { uploadMode: mode, chunkSize: 64 * 1024 });
    const repo = `uploads/${mode}`;
    await client.uploadBlob(
      repo,
      { digest, size: data.length },
      Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
    );
    assert.equal(await client.blobExists(repo, digest), true, mode);
    const { stream } = await client.openBlob(repo, digest);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), data, mode);
    await assert.rejects(
      client.uploadBlob(
        `${repo}-bad`,
        { digest, size: data.length },
        Readable.from([randomBytes(data.length)]),
      ),
      /the source sent other content/,
    );
    assert.equal(await client.blobExists(`${repo}-bad`, digest), false);
    client.close();
  }
});
