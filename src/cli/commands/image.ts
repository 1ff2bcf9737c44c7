/** `duat image`: the command line over src/image (naming, exists, promote, prune). */
import { basename } from 'node:path';
import { DuatError, errorMessage, UsageError } from '../../core/errors.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { CommandIO } from '../command.js';
import { verboseFlag, versionFileFlag } from '../common-flags.js';

const SUBCOMMANDS = ['name', 'exists', 'promote', 'prune'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const COMMON = [
  'f',
  'module',
  'git',
  'registry',
  'insecure',
  'token-realm-host',
  'timeout',
  'v',
  'help',
  'version',
];
const ALLOWED: Record<Subcommand, readonly string[]> = {
  name: ['f', 'module', 'git', 'registry', 'v', 'help', 'version'],
  exists: [...COMMON, 'digest', 'platform'],
  promote: [...COMMON, 'release-registry', 'force', 'branch', 'jobs', 'referrers', 'platform'],
  prune: [...COMMON, 'keep', 'older-than', 'branch', 'yes', 'json', 'jobs'],
};

export const spec: CommandSpec = {
  name: 'image',
  summary: 'name, check, promote and prune container images in registries, without a Docker daemon',
  usage: [
    'name [--module DIR] [--registry HOST|ecr] [-f FILE]',
    'exists [REF] [--digest] [--platform OS/ARCH[/VARIANT]] [--registry HOST|ecr]',
    'promote [SRC [DST]] [--registry HOST] [--release-registry HOST|ecr] [--force] [--platform OS/ARCH]... [--no-referrers]',
    'prune [REPOSITORY] [--keep N] [--older-than 30d] [--branch NAME]... [--yes] [--json]',
  ],
  description:
    'Works on images in registries through the registry HTTP API (OCI distribution / Docker Registry v2), the way ' +
    'crane and skopeo do: no Docker daemon, no local image store.\n' +
    'name prints the image reference the naming conventions give for this repository and component.\n' +
    'exists checks that a tag or digest exists (default: the conventional reference): exit 0 if it does, 1 if ' +
    'not, 2 on any error (authentication, network, invalid reference). With --platform it answers for that platform ' +
    "of a multi-platform index (or the platform of a single image), and --digest prints that platform's digest.\n" +
    'promote copies the tested pre-release image to its release tag: within one repository only the manifest is ' +
    'stored again; within one registry blobs are mounted across repositories; across registries they stream from ' +
    'source to destination (several at once, never held whole in memory or on disk), skipping blobs the ' +
    'destination has. Multi-platform indexes are copied with every platform manifest. The manifests are copied ' +
    'byte for byte, so the release has the same digest; it is printed on stdout as DST@DIGEST. A release tag ' +
    'naming another digest is only replaced with --force. What refers to the image and to each platform manifest ' +
    "(signatures, SBOMs, attestations: OCI 1.1 referrers, the sha256-<hex> referrers tag index, cosign's " +
    '.sig/.att/.sbom tags, recursively) comes along unless --no-referrers; the destination gets them through its ' +
    'referrers API, else through the referrers tag index. --platform copies only the named platforms into a new ' +
    'index (a new digest; the platform manifests and their signatures keep theirs).\n' +
    'prune deletes old development images: only tags of the X.Y.Z-<branch>-<stamp> form are candidates, and per ' +
    'branch the newest --keep stay. What is attached to a deleted image (referrers, cosign tags) is deleted with it ' +
    'and shown under it in the plan; what is attached to a kept image stays. Without --yes it only prints the plan.',
  flags: [
    versionFileFlag(
      'The version file (relative to the repository top, then here); with a list, the first that exists.',
    ),
    {
      name: 'module',
      type: 'string',
      placeholder: 'DIR',
      default: '.',
      description: 'The component directory: its base name is the image component.',
    },
    {
      name: 'git',
      type: 'string',
      placeholder: 'DIR',
      env: false,
      description:
        'A directory inside the git repository whose remote names the image (default: the module).',
    },
    {
      name: 'registry',
      type: 'string',
      placeholder: 'HOST|ecr',
      env: 'DUAT_REGISTRY',
      description:
        'The registry of the conventional reference (for promote: the source registry); "ecr" is the default ECR ' +
        'registry of the AWS account (ACCOUNT.dkr.ecr.REGION.amazonaws.com, from STS).',
    },
    {
      name: 'release-registry',
      aliases: ['release-repo'],
      type: 'string',
      placeholder: 'HOST|ecr',
      default: 'ecr',
      env: 'DUAT_RELEASE_REGISTRY',
      description:
        'promote: the registry released images go to when DST is not given; the same host as --registry promotes ' +
        'in place.',
    },
    { name: 'digest', type: 'boolean', env: false, description: 'exists: print the digest on stdout.' },
    {
      name: 'platform',
      type: 'strings',
      placeholder: 'OS/ARCH[/VARIANT]',
      env: false,
      description:
        'exists: answer for this platform of an index. promote: copy only these platforms (repeatable) into a new ' +
        'index (default: all, the same digest).',
    },
    {
      name: 'referrers',
      type: 'boolean',
      default: true,
      env: false,
      description:
        'promote: copy what refers to the image (signatures, SBOMs, attestations); --no-referrers leaves them.',
    },
    {
      name: 'force',
      type: 'boolean',
      env: false,
      description: 'promote: replace a destination tag that names another digest.',
    },
    {
      name: 'branch',
      type: 'strings',
      placeholder: 'NAME',
      env: false,
      description:
        'prune: only pre-releases of this branch (repeatable; default every branch). promote: when the version file ' +
        'holds a release, promote the newest pre-release of this branch (default the current one).',
    },
    {
      name: 'keep',
      type: 'int',
      placeholder: 'N',
      default: 5,
      env: false,
      description: 'prune: the newest N pre-releases of each branch stay.',
    },
    {
      name: 'older-than',
      type: 'string',
      placeholder: 'DURATION',
      env: false,
      description: 'prune: delete only pre-releases older than this (72h, 30d, 2w, 1d12h), by their stamp.',
    },
    {
      name: 'yes',
      type: 'boolean',
      env: false,
      description: 'prune: carry the plan out (without it, only print it).',
    },
    { name: 'json', type: 'boolean', env: false, description: 'prune: print the plan (and result) as JSON.' },
    {
      name: 'jobs',
      type: 'int',
      placeholder: 'N',
      default: 6,
      env: 'DUAT_JOBS',
      description: 'Blobs copied (promote) or tags looked up (prune) at once.',
    },
    {
      name: 'insecure',
      type: 'boolean',
      env: false,
      description:
        'Allow plain HTTP and TLS without certificate checks for registries not on this machine (loopback ' +
        'registries always may use plain HTTP, as with Docker).',
    },
    {
      name: 'token-realm-host',
      type: 'list',
      placeholder: 'HOST[,HOST...]',
      env: 'DUAT_TOKEN_REALM_HOSTS',
      description:
        "Hosts besides the registry's own that may receive its credentials as its token service (the realm of " +
        "its WWW-Authenticate), over https only; Docker Hub's auth.docker.io is always one. Without this, " +
        'credentials never go to a token service on another host.',
    },
    {
      name: 'timeout',
      type: 'string',
      placeholder: 'DURATION',
      default: '60s',
      env: 'DUAT_REGISTRY_TIMEOUT',
      description:
        'A request fails when nothing moves for this long, or when its whole answer takes longer (a blob ' +
        'gets more time by its size, at 64 KiB/s at least); it is retried (with backoff) up to 4 times.',
    },
    verboseFlag('Log requests decisions and every blob to stderr; stack traces on errors.'),
  ],
  sections: [
    [
      'Naming conventions',
      '[REGISTRY/]OWNER/REPO/COMPONENT:VERSION, as the original duat named images (generateImageName): OWNER/REPO are ' +
        "the last two components of the git remote's path (.git removed); COMPONENT is the module directory's base " +
        'name with every character outside [0-9A-Za-z._-] as "-", lower-cased; every upper-case letter but the first ' +
        'character gets a "-" before it (KarlMutch -> karl-mutch; none at the start of a component or after a ' +
        'separator, where the original made invalid names); VERSION is the version file\'s version with "+" as "_". ' +
        'Example: github.com/karlmutch/no-code, component noserver, version 0.1.0-89-bzip2-aaaagjecpnf -> ' +
        'karlmutch/no-code/noserver:0.1.0-89-bzip2-aaaagjecpnf.',
    ],
    [
      'Promote defaults',
      'SRC: the conventional reference in --registry. When the version file already holds the release (semver patch ' +
        'cleared the pre-release), SRC is the newest X.Y.Z-<branch>-<stamp> tag of that version on the current branch ' +
        "(--branch to choose). DST: the same repository in --release-registry (default: the AWS account's ECR, whose " +
        'repository is created when missing, as the original did), tagged with the version without its pre-release. ' +
        'A DST without a tag gets that tag too. The version file is not changed (duat semver does that).',
    ],
    [
      'Credentials',
      '$DOCKER_CONFIG/config.json (default ~/.docker/config.json): auths, credHelpers and credsStore ' +
        '(docker-credential-* programs), as docker reads them. AWS ECR registries use GetAuthorizationToken through the ' +
        'AWS SDK (environment, shared files, profiles), cached until expiry. Basic and bearer-token registries are both ' +
        'spoken; secrets are never printed. localhost, 127.0.0.0/8 and ::1 may be plain HTTP; other registries need ' +
        'HTTPS unless --insecure.',
    ],
    [
      'Prune rules',
      'Releases, tags that are not versions, and pre-releases whose stamp cannot be decoded are never deleted. Age ' +
        "is the stamp's time, not registry metadata. Deleting a manifest by digest deletes every tag naming it, and " +
        "a release promoted in place shares its pre-release's digest: such a digest is kept, unless the registry " +
        'deletes a tag alone (OCI distribution 1.1), which is then used. A multi-platform index is deleted whole, ' +
        'never a platform manifest a kept index uses. ECR tags are deleted with BatchDeleteImage. A registry with ' +
        'deletes disabled is reported (storage.delete.enabled) before anything is deleted. With --yes the plan is ' +
        'made again just before deleting, and only tags both plans delete are deleted.',
    ],
    [
      'Exit codes',
      'exists: 0 exists, 1 does not, 2 error. Others: 0 success (prune: the plan was printed or carried out), ' +
        '1 failure, 2 usage error.',
    ],
  ],
  examples: [
    { command: 'duat image name --registry 127.0.0.1:5000', comment: 'the conventional reference' },
    {
      command: 'duat image exists --registry 127.0.0.1:5000 && echo built',
      comment: 'is this version pushed?',
    },
    { command: 'duat image exists registry.example.com/team/app/api:1.4.0 --digest' },
    {
      command: 'duat image promote --registry 127.0.0.1:5000',
      comment: "pre-release of the current version -> the release tag in the account's ECR",
    },
    {
      command: 'duat image promote --registry 127.0.0.1:5000 --release-registry 127.0.0.1:5000',
      comment: 'in place: no layer bytes move',
    },
    { command: 'duat image promote reg-a:5000/o/r/c:1.2.0-main-aaaahfravza reg-b.example.com/o/r/c' },
    {
      command: 'duat image prune --registry 127.0.0.1:5000 --keep 3 --older-than 14d',
      comment: 'the plan, a dry run',
    },
    { command: 'duat image prune 127.0.0.1:5000/o/r/c --keep 3 --yes', comment: 'carry it out' },
  ],
};

function subcommandOf(positionals: readonly string[]): [Subcommand, string[]] {
  const [first, ...rest] = positionals;
  if (first !== undefined && (SUBCOMMANDS as readonly string[]).includes(first))
    return [first as Subcommand, rest];
  // Run through a link named image-promote (the original program's name): promote.
  if (basename(process.argv[1] ?? '').replace(/\.js$/, '') === 'image-promote')
    return ['promote', [...positionals]];
  if (first === undefined) {
    throw new UsageError('an image command is needed', { hint: `choose one of ${SUBCOMMANDS.join(', ')}` });
  }
  throw new UsageError(`"${first}" is not an image command`, {
    hint: `choose one of ${SUBCOMMANDS.join(', ')}`,
  });
}

function checkFlags(sub: Subcommand, args: ParsedArgs): void {
  for (const [name, source] of Object.entries(args.sources)) {
    if (source !== 'argv' || ALLOWED[sub].includes(name)) continue;
    throw new UsageError(`flag --${name} does not apply to image ${sub}`, { hint: `see duat image --help` });
  }
}

function maxArgs(sub: Subcommand, rest: readonly string[], max: number): void {
  if (rest.length > max) {
    throw new UsageError(
      `image ${sub} takes at most ${max} argument${max === 1 ? '' : 's'}, not ${rest.length}`,
    );
  }
}

/** Seconds as most give them ("60s", "90"), else Go's duration syntax (loaded only then). */
async function timeoutMs(args: ParsedArgs): Promise<number> {
  const text = String(args.flags.timeout).trim();
  const simple = /^(\d+)s?$/.exec(text);
  if (simple) return Number(simple[1]) * 1000;
  const { parseDuration } = await import('../../core/duration.js');
  return parseDuration(text, 'flag --timeout');
}

async function clientOptions(args: ParsedArgs, io: CommandIO) {
  return {
    insecure: args.flags.insecure === true,
    tokenRealmHosts: (args.flags['token-realm-host'] as string[] | undefined) ?? [],
    timeoutMs: await timeoutMs(args),
    env: io.env,
    log: io.log,
    userAgent: 'duat',
  };
}

async function conventionalName(args: ParsedArgs, io: CommandIO) {
  const { resolveImageName } = await import('../../image/naming.js');
  return resolveImageName(nameOptions(args, io));
}

function nameOptions(args: ParsedArgs, io: CommandIO) {
  return {
    module: args.flags.module as string,
    ...(args.flags.git ? { gitDir: args.flags.git as string } : {}),
    versionFile: args.flags.f as string[],
    ...(args.flags.registry ? { registry: args.flags.registry as string } : {}),
    env: io.env,
  };
}

async function runName(args: ParsedArgs, io: CommandIO, rest: string[]): Promise<number> {
  maxArgs('name', rest, 0);
  const name = await conventionalName(args, io);
  io.out(`${name.reference}\n`);
  return 0;
}

async function runExists(args: ParsedArgs, io: CommandIO, rest: string[]): Promise<number> {
  maxArgs('exists', rest, 1);
  try {
    const reference = rest[0] ?? (await conventionalName(args, io)).reference;
    const { imageExists } = await import('../../image/exists.js');
    const platforms = await platformFlag(args);
    if (platforms.length > 1) throw new UsageError('exists takes one --platform');
    const result = await imageExists(reference, {
      ...(await clientOptions(args, io)),
      ...(platforms[0] ? { platform: platforms[0] } : {}),
    });
    if (!result.exists) {
      io.log.info(`${result.reference} does not exist`);
      return 1;
    }
    io.log.debug(`${result.reference} exists: ${result.digest} (${result.mediaType})`);
    if (args.flags.digest) io.out(`${result.digest}\n`);
    return 0;
  } catch (err) {
    // Errors are 2 here, so that 1 always means "does not exist": unexpected ones too.
    if (!(err instanceof DuatError)) {
      throw new DuatError(`could not tell whether the image exists: ${errorMessage(err)}`, {
        cause: err,
        exitCode: 2,
      });
    }
    if (err.exitCode === 1) {
      throw new DuatError(err.message, {
        hint: err.hint,
        file: err.file,
        line: err.line,
        cause: err,
        exitCode: 2,
      });
    }
    throw err;
  }
}

async function platformFlag(args: ParsedArgs) {
  const texts = ((args.flags.platform as string[] | undefined) ?? []).flatMap((t) => t.split(','));
  if (texts.length === 0) return [];
  const { parsePlatform } = await import('../../image/platform.js');
  return texts.map(parsePlatform);
}

async function runPromote(args: ParsedArgs, io: CommandIO, rest: string[]): Promise<number> {
  maxArgs('promote', rest, 2);
  const options = await clientOptions(args, io);
  const [
    { RegistryClients },
    { promoteImage, resolvePromotion },
    { formatBytes, terminalProgress },
    { formatReference },
  ] = await Promise.all([
    import('../../registry/client.js'),
    import('../../image/promote.js'),
    import('../../registry/progress.js'),
    import('../../registry/reference.js'),
  ]);
  const clients = new RegistryClients(options);
  try {
    const branches = args.flags.branch as string[] | undefined;
    if (branches && branches.length > 1) throw new UsageError('promote takes one --branch');
    const promotion = await resolvePromotion({
      ...options,
      ...nameOptions(args, io),
      ...(rest[0] !== undefined ? { source: rest[0] } : {}),
      ...(rest[1] !== undefined ? { destination: rest[1] } : {}),
      releaseRegistry: args.flags['release-registry'] as string,
      ...(branches?.[0] ? { branch: branches[0] } : {}),
      clients,
    });
    for (const note of promotion.notes) io.log.info(note);
    const result = await promoteImage({
      ...options,
      source: promotion.source,
      destination: promotion.destination,
      force: args.flags.force === true,
      jobs: Math.max(1, args.flags.jobs as number),
      referrers: args.flags.referrers !== false,
      platforms: await platformFlag(args),
      clients,
      progress: (blobs, bytes) => terminalProgress(blobs, bytes),
    });
    const src = formatReference(promotion.source);
    const a = result.attached;
    const attached = a
      ? `; ${a.found} attached (signatures, SBOMs, attestations: ${a.copied} copied, ${a.present} present${a.bytesCopied ? `, ${formatBytes(a.bytesCopied)}` : ''})`
      : '';
    if (result.sourceDigest !== result.digest)
      io.log.info(
        `the platforms chosen make a new index: ${result.digest}, not the source's ${result.sourceDigest} ` +
          "(the source index's own signatures name its digest and stay behind: sign the new one)",
      );
    if (result.unchanged)
      io.log.info(`${result.destination} already is ${src} (${result.digest})${attached}`);
    else {
      const b = result.blobs;
      io.log.info(
        `promoted ${src} -> ${result.destination} (${result.how}): ${result.manifestsPushed} manifest${result.manifestsPushed === 1 ? '' : 's'}, ` +
          `${b.total} blobs (${b.copied} copied, ${formatBytes(result.bytesCopied)}; ${b.mounted} mounted; ${b.exists} present)` +
          `${attached}${result.replaced ? `; replaced ${result.replaced}` : ''}`,
      );
    }
    io.out(`${result.destination}@${result.digest}\n`);
    return 0;
  } finally {
    clients.close();
  }
}

async function runPrune(args: ParsedArgs, io: CommandIO, rest: string[]): Promise<number> {
  maxArgs('prune', rest, 1);
  const options = await clientOptions(args, io);
  const [
    { RegistryClients },
    { applyPrune, formatAge, formatPlan, parseAge, planPrune },
    { formatReference, parseReference },
  ] = await Promise.all([
    import('../../registry/client.js'),
    import('../../image/prune.js'),
    import('../../registry/reference.js'),
  ]);
  let repository: string;
  if (rest[0] !== undefined) {
    const ref = parseReference(rest[0]);
    if (ref.tag || ref.digest)
      throw new UsageError(`prune takes a repository, not an image (${rest[0]})`, {
        hint: `drop the ${ref.digest ? '@digest' : ':tag'}`,
      });
    repository = formatReference(ref);
  } else {
    const name = await conventionalName(args, io);
    repository = formatReference(parseReference(name.reference.replace(/:[^:/]+$/, '')));
  }
  const keep = args.flags.keep as number;
  if (keep < 0) throw new UsageError(`--keep must be 0 or more, not ${keep}`);
  const olderThan = args.flags['older-than'] as string | undefined;
  const clients = new RegistryClients(options);
  try {
    const pruneOptions = {
      ...options,
      repository,
      keep,
      ...(olderThan !== undefined ? { olderThanMs: parseAge(olderThan) } : {}),
      ...(args.flags.branch ? { branches: args.flags.branch as string[] } : {}),
      jobs: Math.max(1, args.flags.jobs as number),
      clients,
    };
    const plan = await planPrune(pruneOptions);
    if (!args.flags.yes) {
      if (args.flags.json) io.out(`${JSON.stringify({ plan }, null, 2)}\n`);
      else io.out(formatPlan(plan));
      const n = plan.rows.filter((r) => r.action === 'delete').length;
      if (n > 0)
        io.log.info(
          `dry run: ${n} tag${n === 1 ? '' : 's'} would be deleted; run again with --yes to delete`,
        );
      return 0;
    }
    if (!args.flags.json) io.out(formatPlan(plan));
    const result = await applyPrune(plan, pruneOptions);
    if (args.flags.json) io.out(`${JSON.stringify({ plan, result }, null, 2)}\n`);
    else {
      for (const o of result.outcomes) {
        const row = plan.rows.find((r) => r.tag === o.tag);
        if (o.attachedTo) {
          io.out(`  ${o.status} ${o.tag} (with ${o.attachedTo})${o.reason ? `: ${o.reason}` : ''}\n`);
          continue;
        }
        io.out(
          `${o.status} ${o.tag}${o.reason ? `: ${o.reason}` : ` (${formatAge(row?.ageSeconds)} old)`}\n`,
        );
      }
    }
    io.log.info(`deleted ${result.deleted}, failed ${result.failed}, skipped ${result.skipped}`);
    return result.failed > 0 ? 1 : 0;
  } finally {
    clients.close();
  }
}

export async function run(args: ParsedArgs, io: CommandIO): Promise<number> {
  // The AWS SDK warns on Node 20 about its releases after January 2027: not the user's concern here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [sub, rest] = subcommandOf(args.positionals);
  checkFlags(sub, args);
  // Asks no registry, so has no ECR clients to close below (loading ecr.js for that was a file more).
  if (sub === 'name') return runName(args, io, rest);
  try {
    switch (sub) {
      case 'exists':
        return await runExists(args, io, rest);
      case 'promote':
        return await runPromote(args, io, rest);
      case 'prune':
        return await runPrune(args, io, rest);
    }
  } finally {
    // Only when the SDK was used (ecr.js does not load it by itself).
    const { closeEcrClients } = await import('../../registry/ecr.js');
    closeEcrClients();
  }
}
