/**
 * The pure parts of the image tools: references as distribution/reference parses them, the naming
 * convention, tags, ages, WWW-Authenticate parsing and scopes, docker config credentials (with a real
 * credential-helper program), and the digest check that guards streamed blobs.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { imageRepository, imageTag } from '../../src/image/naming.js';
import { defaultDestinationTag } from '../../src/image/promote.js';
import { formatAge, parseAge } from '../../src/image/prune.js';
import { mergeScopes, parseChallenges, scopesCover } from '../../src/registry/auth.js';
import { DigestCheck } from '../../src/registry/client.js';
import {
  dockerConfigCredentials,
  normalizeConfigKey,
  readDockerConfig,
} from '../../src/registry/docker-config.js';
import { parseEcrHost } from '../../src/registry/ecr.js';
import { sha256Digest } from '../../src/registry/manifest.js';
import { formatReference, isLoopbackRegistry, parseReference } from '../../src/registry/reference.js';
import { tempDir } from '../helpers/tmp.js';

test('references normalise as docker does', () => {
  const cases: [string, string][] = [
    ['ubuntu', 'docker.io/library/ubuntu'],
    ['ubuntu:22.04', 'docker.io/library/ubuntu:22.04'],
    ['karlmutch/duat:0.13.0', 'docker.io/karlmutch/duat:0.13.0'],
    ['index.docker.io/karlmutch/duat', 'docker.io/karlmutch/duat'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/a/b/c:1.0.0-main-aaaagjecpnf', 'localhost:5000/a/b/c:1.0.0-main-aaaagjecpnf'],
    [`127.0.0.1:5000/o/r/c@sha256:${'a'.repeat(64)}`, `127.0.0.1:5000/o/r/c@sha256:${'a'.repeat(64)}`],
    ['[::1]:5000/o/r:t', '[::1]:5000/o/r:t'],
    ['Registry/app', 'Registry/app'],
    ['ghcr.io/o/r/c:1.2.3_build', 'ghcr.io/o/r/c:1.2.3_build'],
    ['a.b/x__y/z-_-z', ''],
  ];
  for (const [input, want] of cases) {
    if (want === '') {
      assert.throws(() => parseReference(input), /invalid reference format/, input);
      continue;
    }
    assert.equal(formatReference(parseReference(input)), want, input);
  }
  const both = parseReference(`reg.example.com/a/b:1.0@sha256:${'b'.repeat(64)}`);
  assert.equal(both.tag, '1.0');
  assert.equal(both.digest, `sha256:${'b'.repeat(64)}`);
});

test("invalid references get distribution's reasons", () => {
  assert.throws(
    () => parseReference('docker.io/Karl/duat'),
    /repository name \(Karl\/duat\) must be lowercase/,
  );
  assert.throws(() => parseReference('reg.io/a:tag with space'), /invalid reference format/);
  assert.throws(() => parseReference('reg.io/a:-tag'), /invalid reference format/);
  assert.throws(() => parseReference('reg.io/a@sha256:abc'), /invalid digest format/);
  assert.throws(() => parseReference('a'.repeat(64)), /64-byte hexadecimal/);
  assert.throws(() => parseReference(''), /at least one component/);
  assert.throws(() => parseReference(`reg.io/${'a/'.repeat(130)}a`), /not be more than 255/);
  try {
    parseReference('reg.io/UPPER');
  } catch (err) {
    assert.equal((err as { exitCode: number }).exitCode, 2);
  }
});

test('loopback registries are localhost, 127.0.0.0/8 and ::1 only', () => {
  for (const r of ['localhost:5000', '127.0.0.1:5000', '127.10.0.3', '[::1]:5000', 'localhost']) {
    assert.equal(isLoopbackRegistry(r), true, r);
  }
  for (const r of [
    '10.0.0.1:5000',
    'registry.example.com',
    '128.0.0.1',
    'localhost.example.com',
    '[::2]:5000',
  ]) {
    assert.equal(isLoopbackRegistry(r), false, r);
  }
});

test('image names follow the original generateImageName, always valid', () => {
  assert.equal(
    imageRepository('https://github.com/karlmutch/no-code.git', 'noserver'),
    'karlmutch/no-code/noserver',
  );
  assert.equal(imageRepository('git@github.com:karlmutch/duat.git', 'duat'), 'karlmutch/duat/duat');
  assert.equal(imageRepository('ssh://git@host:2222/team/svc', 'API Server'), 'team/svc/api-server');
  // Upper case: a '-' before every upper-case letter but the first character (the original's rule)...
  assert.equal(imageRepository('https://github.com/KarlMutch/noCode', 'cmd'), 'karl-mutch/no-code/cmd');
  // ...but never at the start of a component, where the original made "owner/-repo".
  assert.equal(imageRepository('https://github.com/Owner/Repo.git', 'x'), 'owner/repo/x');
  // GitLab subgroups: the last two components, as the original.
  assert.equal(imageRepository('https://gitlab.com/group/sub/project.git', 'svc'), 'sub/project/svc');
  // Separators docker refuses are collapsed.
  assert.equal(imageRepository('https://github.com/a/b..c', 'd__e'), 'a/b-c/d__e');
  assert.throws(() => imageRepository('https://github.com/onlyone', 'x'), /no OWNER\/REPO/);
  assert.equal(imageTag('0.1.0-89-bzip2-aaaagjecpnf'), '0.1.0-89-bzip2-aaaagjecpnf');
  assert.equal(imageTag('1.2.3+build.5'), '1.2.3_build.5');
});

test('the default release tag clears the pre-release', () => {
  const ref = (tag: string) => parseReference(`reg.io/o/r/c:${tag}`);
  assert.equal(defaultDestinationTag(ref('0.1.0-89-bzip2-aaaagjecpnf')), '0.1.0');
  assert.equal(defaultDestinationTag(ref('1.2.3-rc.1')), '1.2.3');
  assert.equal(defaultDestinationTag(ref('1.2.3-main-aaaagjecpnf_b7')), '1.2.3_b7');
  assert.equal(defaultDestinationTag(ref('1.2.3')), '1.2.3');
  assert.equal(defaultDestinationTag(ref('latest')), 'latest');
});

test('ages accept days and weeks', () => {
  assert.equal(parseAge('72h'), 72 * 3600e3);
  assert.equal(parseAge('30d'), 30 * 86400e3);
  assert.equal(parseAge('2w'), 14 * 86400e3);
  assert.equal(parseAge('1d12h'), 36 * 3600e3);
  assert.equal(parseAge('1.5d'), 36 * 3600e3);
  assert.throws(() => parseAge('soon'), /older-than/);
  assert.equal(formatAge(3 * 86400 + 4 * 3600 + 5), '3d4h');
  assert.equal(formatAge(5 * 3600 + 12 * 60), '5h12m');
  assert.equal(formatAge(40), '40s');
  assert.equal(formatAge(undefined), '-');
});

test('WWW-Authenticate challenges parse, several in one header', () => {
  const [bearer, basic] = parseChallenges(
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push", Basic realm="x y"',
  );
  assert.equal(bearer?.scheme, 'bearer');
  assert.equal(bearer?.params.realm, 'https://auth.docker.io/token');
  assert.equal(bearer?.params.scope, 'repository:samalba/my-app:pull,push');
  assert.equal(basic?.scheme, 'basic');
  assert.equal(basic?.params.realm, 'x y');
  const [ecr] = parseChallenges(
    'Basic realm="https://1.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
  );
  assert.equal(ecr?.params.service, 'ecr.amazonaws.com');
  const [err] = parseChallenges('Bearer realm="r",error="insufficient_scope",scope="repository:a:push"');
  assert.equal(err?.params.error, 'insufficient_scope');
});

test('scopes merge per resource and cover what is asked', () => {
  assert.deepEqual(mergeScopes(['repository:a:pull', 'repository:a:push', 'repository:b:pull']), [
    'repository:a:pull,push',
    'repository:b:pull',
  ]);
  assert.equal(scopesCover(['repository:a:pull,push'], ['repository:a:push']), true);
  assert.equal(scopesCover(['repository:a:pull'], ['repository:a:push']), false);
  assert.equal(scopesCover(['repository:a:*'], ['repository:a:delete']), true);
  assert.equal(scopesCover(['repository:a:pull'], ['repository:b:pull']), false);
});

test('ECR hosts are recognised', () => {
  assert.deepEqual(parseEcrHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com'), {
    account: '123456789012',
    region: 'eu-west-1',
    host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  });
  assert.equal(parseEcrHost('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')?.region, 'us-east-1');
  assert.equal(parseEcrHost('123.dkr.ecr.eu-west-1.amazonaws.com'), undefined);
  assert.equal(parseEcrHost('ghcr.io'), undefined);
});

test('docker config: auths, credHelpers and credsStore, with a real helper program', async (t) => {
  const dir = tempDir(t);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // A credential helper as docker runs them: `get`, the server URL on stdin, JSON on stdout.
  writeFileSync(
    join(bin, 'docker-credential-duattest'),
    '#!/bin/sh\nread url\ncase "$url" in\n' +
      '  helper.example.com) printf \'{"ServerURL":"%s","Username":"hu","Secret":"helper-secret"}\' "$url" ;;\n' +
      '  token.example.com) printf \'{"ServerURL":"%s","Username":"<token>","Secret":"refresh-xyz"}\' "$url" ;;\n' +
      '  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n',
  );
  chmodSync(join(bin, 'docker-credential-duattest'), 0o755);
  const configDir = join(dir, 'docker');
  mkdirSync(configDir);
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
        'http://plain.example.com:5000': { username: 'pu', password: 'pp' },
        'store.example.com': {},
      },
      credHelpers: { 'helper.example.com': 'duattest', 'token.example.com': 'duattest' },
    }),
  );
  const env = { ...process.env, DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env.PATH}` };
  const config = readDockerConfig(env);
  assert.deepEqual(await dockerConfigCredentials('docker.io', config, { env }), {
    username: 'hubuser',
    password: 'hubpass',
    source: `${join(configDir, 'config.json')} auths`,
  });
  assert.equal((await dockerConfigCredentials('plain.example.com:5000', config, { env }))?.password, 'pp');
  assert.deepEqual(await dockerConfigCredentials('helper.example.com', config, { env }), {
    username: 'hu',
    password: 'helper-secret',
    source: 'docker-credential-duattest',
  });
  assert.equal(
    (await dockerConfigCredentials('token.example.com', config, { env }))?.identityToken,
    'refresh-xyz',
  );
  assert.equal(await dockerConfigCredentials('nothing.example.com', config, { env }), undefined);
  // credsStore answers for every host; "not found" falls through to auths.
  const store = { path: config.path, json: { ...config.json, credsStore: 'duattest' } };
  assert.equal((await dockerConfigCredentials('store.example.com', store, { env }))?.username, undefined);
  assert.equal((await dockerConfigCredentials('docker.io', store, { env }))?.username, 'hubuser');
  // A helper that is not installed is a clear error.
  const missing = { path: config.path, json: { credsStore: 'nosuchhelper' } };
  await assert.rejects(
    dockerConfigCredentials('x.example.com', missing, { env }),
    /docker-credential-nosuchhelper is not installed/,
  );
  assert.equal(normalizeConfigKey('https://registry-1.docker.io/v2/'), 'docker.io');
  // A broken config names the file.
  writeFileSync(join(configDir, 'config.json'), '{broken');
  assert.throws(
    () => readDockerConfig(env),
    (err: Error & { file?: string }) => err.file?.endsWith('config.json') === true,
  );
});

test('a streamed blob whose bytes do not match its digest is refused', async () => {
  const data = Buffer.from('the real content');
  const digest = sha256Digest(data);
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source) {
      // consume
    }
  };
  await pipeline(Readable.from([data]), new DigestCheck(digest, data.length), sink);
  await assert.rejects(
    pipeline(Readable.from([Buffer.from('other content!!!')]), new DigestCheck(digest, data.length), sink),
    /the source sent other content/,
  );
  await assert.rejects(
    pipeline(Readable.from([data, data]), new DigestCheck(digest, data.length), sink),
    /larger than its descriptor/,
  );
});
