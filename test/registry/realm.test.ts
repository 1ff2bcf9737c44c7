/**
 * Where registry credentials may go as a token request (auth.ts, realmRefusal): only to the
 * registry's own host (any port), Docker Hub's auth.docker.io, or hosts the user names; over plain
 * http only to the registry's own host when it is a loopback one or marked insecure. The registry here
 * is a fake (hostile-server.ts) because its WWW-Authenticate realm is what is under test and differs
 * per case; the realms are recording servers on 127.0.0.1 and ::1, reached as 127.0.0.1, localhost
 * and [::1]. The real docker-registry with a token server on another 127.0.0.1 port is in
 * test/image/registry.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realmRefusal } from '../../src/registry/auth.js';
import { RegistryClient } from '../../src/registry/client.js';
import { type HostileServer, startHostileServer } from './hostile-server.js';

const CREDS = { username: 'alice', password: 'realm-secret-1', source: 'the test' };
const DIGEST = `sha256:${'b'.repeat(64)}`;

let registry: HostileServer;
let realm4: HostileServer;
let realm6: HostileServer;

function tokenServer(): Parameters<HostileServer['handle']>[0] {
  return (_req, res) => {
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ token: 'tok-1', expires_in: 300 }));
  };
}

before(async () => {
  [registry, realm4, realm6] = await Promise.all([
    startHostileServer('127.0.0.1'),
    startHostileServer('127.0.0.1', tokenServer()),
    startHostileServer('::1', tokenServer()),
  ]);
});
after(() => Promise.all([registry.stop(), realm4.stop(), realm6.stop()]));

/** The registry challenges with `realm`, and serves the manifest to the token tok-1. */
function challengeWith(realm: string): void {
  registry.handle((req, res) => {
    if (req.headers.authorization !== 'Bearer tok-1') {
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="${realm}",service="hostile"`,
        'Content-Type': 'application/json',
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    res.writeHead(200, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
      'Docker-Content-Digest': DIGEST,
    });
    res.end();
  });
}

async function lookUp(options: { credentials?: typeof CREDS; tokenRealmHosts?: string[] } = {}) {
  const client = new RegistryClient(registry.host, { dockerConfig: false, retries: 0, ...options });
  try {
    return await client.headManifest('team/app', '1.0.0');
  } finally {
    client.close();
  }
}

const withCredentials = (server: HostileServer) => server.seen.filter((r) => r.authorization !== undefined);

test("credentials go to a realm on the registry's own loopback host (another port), over http", async () => {
  realm4.seen.length = 0;
  challengeWith(`http://127.0.0.1:${realm4.port}/token`);
  assert.equal((await lookUp({ credentials: CREDS }))?.digest, DIGEST);
  const sent = withCredentials(realm4);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.authorization, `Basic ${Buffer.from('alice:realm-secret-1').toString('base64')}`);
});

test('credentials never go to a realm on another loopback host name: localhost or [::1]', async () => {
  for (const [realm, server] of [
    [`http://localhost:${realm4.port}/token`, realm4],
    [`http://[::1]:${realm6.port}/token`, realm6],
  ] as const) {
    server.seen.length = 0;
    challengeWith(realm);
    await assert.rejects(lookUp({ credentials: CREDS }), (err: Error) => {
      assert.match(
        err.message,
        /duat does not send the credentials from the test there: it is on another host/,
      );
      assert.doesNotMatch(err.message, /realm-secret-1/);
      return true;
    });
    assert.deepEqual(withCredentials(server), [], realm);
    // Naming the host does not make plain http to it acceptable.
    await assert.rejects(
      lookUp({ credentials: CREDS, tokenRealmHosts: [new URL(realm).hostname] }),
      /plain http to another host than the registry/,
    );
    assert.deepEqual(withCredentials(server), [], realm);
    // Without credentials nothing can leak: the anonymous token request goes ahead.
    assert.equal((await lookUp())?.digest, DIGEST);
    assert.ok(server.seen.length > 0);
    assert.deepEqual(withCredentials(server), [], realm);
  }
});

test('the rule, case by case', () => {
  const policy = (registryUrl: string, insecure = false, trustedHosts: string[] = []) => ({
    registryUrl: new URL(registryUrl),
    insecure,
    trustedHosts,
  });
  const hub = policy('https://registry-1.docker.io/');
  assert.equal(realmRefusal(new URL('https://auth.docker.io/token'), hub), undefined);
  assert.match(realmRefusal(new URL('http://auth.docker.io/token'), hub) ?? '', /plain http/);
  assert.match(
    realmRefusal(new URL('https://evil.example/token'), hub) ?? '',
    /another host \(evil\.example\)/,
  );
  const own = policy('https://reg.example:5000/');
  assert.equal(realmRefusal(new URL('https://reg.example/token'), own), undefined);
  assert.equal(realmRefusal(new URL('https://REG.example:8443/token'), own), undefined);
  assert.match(
    realmRefusal(new URL('http://reg.example/token'), own) ?? '',
    /neither on this machine nor marked insecure/,
  );
  assert.equal(
    realmRefusal(new URL('http://reg.example/token'), policy('http://reg.example:5000/', true)),
    undefined,
  );
  assert.match(realmRefusal(new URL('https://gitlab.example/jwt'), own) ?? '', /another host/);
  assert.equal(
    realmRefusal(
      new URL('https://gitlab.example/jwt'),
      policy('https://reg.example/', false, ['gitlab.example']),
    ),
    undefined,
  );
  assert.match(realmRefusal(new URL('ftp://reg.example/token'), own) ?? '', /not an http\(s\) URL/);
  const v6 = policy('http://[::1]:5000/');
  assert.equal(realmRefusal(new URL('http://[::1]:5001/token'), v6), undefined);
  assert.match(realmRefusal(new URL('http://127.0.0.1:5001/token'), v6) ?? '', /another host/);
});

test('a token answer without a token string is one clear error, not a TypeError', async () => {
  challengeWith(`http://127.0.0.1:${realm4.port}/token`);
  try {
    for (const body of ['null', '{"token":5}', '[]', '{"token":"a b"}']) {
      realm4.handle((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
      await assert.rejects(lookUp({ credentials: CREDS }), /returned no token \(a "token" string\)/, body);
    }
  } finally {
    realm4.handle(tokenServer());
  }
});
