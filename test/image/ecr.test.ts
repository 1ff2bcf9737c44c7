/**
 * AWS ECR without AWS: the SDK is pointed at a local endpoint that answers with responses of the
 * recorded shapes of the ECR (JSON 1.1) and STS (query/XML) APIs, as the AWS documentation shows
 * them. No request leaves this machine. What is real: the SDK's request signing and parsing, our
 * token cache, and the registry API side of ECR played by docker-registry with htpasswd auth for the
 * user "AWS" and the password the fake GetAuthorizationToken hands out (which is how ECR's basic auth
 * works). The registry host name of ECR is mapped to it with the client's `endpoints` option.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { imageExists } from '../../src/image/exists.js';
import { promoteImage } from '../../src/image/promote.js';
import { applyPrune, planPrune } from '../../src/image/prune.js';
import { RegistryClient, RegistryClients } from '../../src/registry/client.js';
import { clearEcrTokenCache, closeEcrClients, ecrStats } from '../../src/registry/ecr.js';
import { prerelease } from '../../src/version/prerelease.js';
import { cleanEnv } from '../helpers/cli.js';
import { git, initRepo } from '../helpers/git.js';
import {
  haveRegistryTools,
  skopeoInspect,
  startRegistry,
  type TestRegistry,
  writeAuthFile,
} from '../helpers/registry.js';
import { tempDir } from '../helpers/tmp.js';
import { buildImage, pushImage, runDuatAsync, twoPlatformIndex } from './fixtures.js';

const skip = haveRegistryTools()
  ? false
  : 'docker-registry, skopeo and openssl are needed (scripts/test-all.sh installs them)';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ECR_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const ECR_PASSWORD = 'ecr-registry-password-0123456789';
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;

interface Call {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

let aws: {
  url: string;
  calls: Call[];
  server: Server;
  tokenLifetime: number;
  images: { tag: string; digest: string }[];
  manifests: Map<string, { body: string; mediaType: string }>;
};
let source: TestRegistry;
let ecrRegistry: TestRegistry;

function ecrError(type: string, message: string): [number, unknown] {
  return [400, { __type: type, message }];
}

before(async () => {
  if (skip) return;
  const calls: Call[] = [];
  const state = {
    calls,
    tokenLifetime: 12 * 3600,
    images: [] as { tag: string; digest: string }[],
    manifests: new Map<string, { body: string; mediaType: string }>(),
    repositories: new Set<string>(),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!target) {
        // STS speaks the query protocol: a form body and an XML answer.
        const form = new URLSearchParams(text);
        calls.push({ target: `STS.${form.get('Action')}`, body: Object.fromEntries(form) });
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
            '  <GetCallerIdentityResult>\n' +
            `    <Arn>arn:aws:iam::${ACCOUNT}:user/duat-test</Arn>\n` +
            '    <UserId>AIDASAMPLEUSERID</UserId>\n' +
            `    <Account>${ACCOUNT}</Account>\n` +
            '  </GetCallerIdentityResult>\n' +
            '  <ResponseMetadata>\n    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n  </ResponseMetadata>\n' +
            '</GetCallerIdentityResponse>\n',
        );
        return;
      }
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      const op = target.split('.').pop() ?? '';
      calls.push({ target: op, body });
      let status = 200;
      let answer: unknown = {};
      switch (op) {
        case 'GetAuthorizationToken':
          answer = {
            authorizationData: [
              {
                authorizationToken: Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64'),
                expiresAt: Math.floor(Date.now() / 1000) + state.tokenLifetime,
                proxyEndpoint: `https://${ECR_HOST}`,
              },
            ],
          };
          break;
        case 'CreateRepository': {
          const name = String(body.repositoryName);
          if (state.repositories.has(name)) {
            [status, answer] = ecrError(
              'RepositoryAlreadyExistsException',
              `The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`,
            );
          } else {
            state.repositories.add(name);
            answer = {
              repository: {
                registryId: ACCOUNT,
                repositoryName: name,
                repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
                repositoryUri: `${ECR_HOST}/${name}`,
                createdAt: Date.now() / 1000,
                imageTagMutability: 'MUTABLE',
              },
            };
          }
          break;
        }
        case 'ListImages': {
          // Pages of 4, as ECR pages (nextToken), whatever maxResults asks.
          const start = body.nextToken ? Number(body.nextToken) : 0;
          const page = state.images.slice(start, start + 4);
          answer = {
            imageIds: page.map((i) => ({ imageDigest: i.digest, imageTag: i.tag })),
            ...(start + 4 < state.images.length ? { nextToken: String(start + 4) } : {}),
          };
          break;
        }
        case 'BatchGetImage': {
          const ids = body.imageIds as { imageDigest: string }[];
          answer = {
            images: ids
              .filter((id) => state.manifests.has(id.imageDigest))
              .map((id) => ({
                registryId: ACCOUNT,
                repositoryName: body.repositoryName,
                imageId: { imageDigest: id.imageDigest },
                imageManifest: state.manifests.get(id.imageDigest)?.body,
                imageManifestMediaType: state.manifests.get(id.imageDigest)?.mediaType,
              })),
            failures: [],
          };
          break;
        }
        case 'BatchDeleteImage': {
          const ids = body.imageIds as { imageTag: string }[];
          const deleted: unknown[] = [];
          const failures: unknown[] = [];
          for (const id of ids) {
            const found = state.images.find((i) => i.tag === id.imageTag);
            if (!found || id.imageTag.includes('-gone-')) {
              failures.push({
                imageId: { imageTag: id.imageTag },
                failureCode: 'ImageNotFound',
                failureReason: 'Requested image not found',
              });
              continue;
            }
            state.images = state.images.filter((i) => i !== found);
            deleted.push({ imageDigest: found.digest, imageTag: found.tag });
          }
          answer = { imageIds: deleted, failures };
          break;
        }
        default:
          [status, answer] = ecrError('UnknownOperationException', op);
      }
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  aws = Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    server,
  });
  // The SDK's standard chain finds these (environment credentials); they sign requests to the fake.
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  process.env.AWS_REGION = REGION;
  process.env.AWS_ENDPOINT_URL_ECR = aws.url;
  process.env.AWS_ENDPOINT_URL_STS = aws.url;
  process.env.DOCKER_CONFIG = '/nonexistent-docker-config';
  [source, ecrRegistry] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: 'htpasswd', users: { AWS: ECR_PASSWORD } }),
  ]);
});

after(async () => {
  closeEcrClients();
  aws?.server.closeAllConnections();
  aws?.server.close();
  await Promise.all([source?.stop(), ecrRegistry?.stop()]);
});

function awsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_ECR: aws.url,
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    DOCKER_CONFIG: '/nonexistent-docker-config',
    ...extra,
  });
}

test('image name --registry ecr: the account from STS GetCallerIdentity', { skip }, async (t) => {
  const repo = initRepo(join(tempDir(t), 'repo'), {
    files: {
      'README.md': 'Version : <repo-version>0.4.0-main-aaaagjecpnf</repo-version>\n',
      'svc/x.go': 'package main\n',
    },
  });
  git(repo, 'remote', 'add', 'origin', 'git@github.com:owner/repo.git');
  const run = await runDuatAsync(['image', 'name', '--registry', 'ecr'], {
    cwd: join(repo, 'svc'),
    env: awsEnv(),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `${ECR_HOST}/owner/repo/svc:0.4.0-main-aaaagjecpnf\n`);
  assert.ok(aws.calls.some((c) => c.target === 'STS.GetCallerIdentity'));
  const noAws = await runDuatAsync(['image', 'name', '--registry', 'ecr'], {
    cwd: join(repo, 'svc'),
    env: cleanEnv({ AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' }),
  });
  assert.equal(noAws.code, 1);
  assert.match(noAws.stderr, /no AWS credentials are configured/);
});

test('promote to ECR: repository created, GetAuthorizationToken once and cached, basic auth with its password', {
  skip,
}, async (t) => {
  const image = buildImage({ layers: [{ 'a.txt': 'ecr' }, { 'b.txt': 'layer two' }], label: 'ecr' });
  const src = new RegistryClient(source.host);
  await pushImage(src, 'owner/repo/svc', '0.4.0-main-aaaagjecpnf', image);
  src.close();
  clearEcrTokenCache();
  const before = ecrStats.tokenRequests;
  const clients = new RegistryClients({
    endpoints: { [ECR_HOST]: `http://${ecrRegistry.host}` },
    dockerConfig: false,
  });
  t.after(() => clients.close());
  const result = await promoteImage({
    source: `${source.host}/owner/repo/svc:0.4.0-main-aaaagjecpnf`,
    destination: `${ECR_HOST}/owner/repo/svc`,
    clients,
  });
  assert.equal(result.destination, `${ECR_HOST}/owner/repo/svc:0.4.0`);
  assert.equal(result.digest, image.manifest.digest);
  const creates = aws.calls.filter((c) => c.target === 'CreateRepository');
  assert.deepEqual(
    creates.map((c) => c.body.repositoryName),
    ['owner/repo/svc'],
  );
  assert.equal(creates[0]?.body.registryId, ACCOUNT);

  // Again with new clients: the token comes from the process cache; the repository exists already.
  const clients2 = new RegistryClients({
    endpoints: { [ECR_HOST]: `http://${ecrRegistry.host}` },
    dockerConfig: false,
  });
  t.after(() => clients2.close());
  const again = await promoteImage({
    source: `${source.host}/owner/repo/svc:0.4.0-main-aaaagjecpnf`,
    destination: `${ECR_HOST}/owner/repo/svc`,
    clients: clients2,
  });
  assert.equal(again.unchanged, true);
  assert.equal((await imageExists(`${ECR_HOST}/owner/repo/svc:0.4.0`, { clients: clients2 })).exists, true);
  assert.equal(ecrStats.tokenRequests - before, 1);

  // A token about to expire (less than 5 minutes left) is not reused.
  clearEcrTokenCache();
  aws.tokenLifetime = 120;
  for (let i = 0; i < 2; i++) {
    const c = new RegistryClients({
      endpoints: { [ECR_HOST]: `http://${ecrRegistry.host}` },
      dockerConfig: false,
    });
    await imageExists(`${ECR_HOST}/owner/repo/svc:0.4.0`, { clients: c });
    c.close();
  }
  assert.equal(ecrStats.tokenRequests - before, 3);
  aws.tokenLifetime = 12 * 3600;

  const authfile = writeAuthFile(tempDir(t), ecrRegistry.host, 'AWS', ECR_PASSWORD);
  assert.equal(
    (await skopeoInspect(`${ecrRegistry.host}/owner/repo/svc:0.4.0`, { authfile })).Digest,
    image.manifest.digest,
  );
});

test('prune on ECR: ListImages pages, kept index children protected, BatchDeleteImage by tag with per-tag failures', {
  skip,
}, async () => {
  const index = twoPlatformIndex('ecr-release');
  const armChild = index.images[1];
  assert.ok(armChild);
  for (const m of [index.manifest, ...index.images.map((i) => i.manifest)]) {
    aws.manifests.set(m.digest, { body: m.bytes.toString('utf8'), mediaType: m.mediaType });
  }
  const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
  const tag = (branch: string, days: number) => prerelease('1.0.0', branch, NOW - days * DAY);
  aws.images = [
    { tag: tag('main', 1), digest: digest(1) },
    { tag: tag('main', 2), digest: digest(2) },
    { tag: tag('main', 3), digest: digest(3) },
    { tag: '1.0.0', digest: digest(3) }, // promoted in place: shares main-3's digest
    { tag: tag('main', 4), digest: digest(4) },
    { tag: tag('main-gone', 5), digest: digest(5) }, // the fake refuses to delete "-gone-" tags
    { tag: tag('main-gone', 6), digest: digest(6) },
    { tag: '2.0.0', digest: index.manifest.digest },
    { tag: tag('arm', 6), digest: digest(7) },
    { tag: tag('arm', 7), digest: armChild.manifest.digest }, // only tag of a platform manifest of 2.0.0
    { tag: 'latest', digest: digest(1) },
  ];
  const plan = await planPrune({ repository: `${ECR_HOST}/owner/repo/svc`, keep: 1, now: NOW * 1000 });
  assert.equal(plan.backend, 'ecr');
  assert.equal(plan.method, 'ecr');
  const lists = aws.calls.filter((c) => c.target === 'ListImages');
  assert.ok(lists.length >= 3, 'every page was read');
  assert.deepEqual(lists.at(-1)?.body.filter, { tagStatus: 'TAGGED' });
  const byTag = new Map(plan.rows.map((r) => [r.tag, r]));
  assert.equal(byTag.get(tag('main', 1))?.action, 'keep');
  // On ECR deleting a tag only removes the image with its last tag: main-3 can go, 1.0.0 keeps the image.
  assert.equal(byTag.get(tag('main', 3))?.action, 'delete');
  assert.equal(byTag.get(tag('main', 2))?.action, 'delete');
  assert.equal(byTag.get(tag('main', 4))?.action, 'delete');
  assert.equal(byTag.get(tag('main-gone', 6))?.action, 'delete');
  assert.equal(byTag.get(tag('arm', 7))?.action, 'keep');
  assert.match(byTag.get(tag('arm', 7))?.reason ?? '', /platform manifest of kept index tag 2\.0\.0/);
  assert.equal(byTag.get('1.0.0')?.reason, 'release');

  const result = await applyPrune(plan);
  const deletes = aws.calls.filter((c) => c.target === 'BatchDeleteImage');
  assert.equal(deletes.at(-1)?.body.registryId, ACCOUNT);
  assert.equal(result.failed, 1);
  const failed = result.outcomes.find((o) => o.status === 'failed');
  assert.equal(failed?.tag, tag('main-gone', 6));
  assert.match(failed?.reason ?? '', /^ImageNotFound: Requested image not found/);
  assert.equal(result.deleted, 3);
  assert.deepEqual(
    aws.images.map((i) => i.tag).sort(),
    [
      tag('main', 1),
      '1.0.0',
      tag('main-gone', 5),
      tag('main-gone', 6),
      '2.0.0',
      tag('arm', 6),
      tag('arm', 7),
      'latest',
    ].sort(),
  );

  // The CLI reports the partial failure per tag and exits 1.
  const run = await runDuatAsync(['image', 'prune', `${ECR_HOST}/owner/repo/svc`, '--keep', '1', '--yes'], {
    env: awsEnv(),
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, new RegExp(`failed ${tag('main-gone', 6)}: ImageNotFound`));
  assert.match(run.stderr, /deleted 0, failed 1/);
});
