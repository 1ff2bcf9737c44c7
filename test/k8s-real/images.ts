/**
 * The images the real node runs, made here with no registry and no pulls (nothing outside is
 * reachable): each is a root filesystem assembled from this machine's files (Debian's packages and
 * the project's build), written as an OCI image archive by `ociArchive` (one uncompressed tar layer,
 * its config, manifest and index.json naming the reference) and imported into containerd with
 * `ctr images import`. Pods use them with imagePullPolicy IfNotPresent/Never (tags are not latest).
 *
 * - duat.test/pause:1: the pod sandbox; the static `pause` of scripts/k8s-real-node.sh alone as /pause.
 * - duat.test/tools:1: a shell and git. Debian's busybox-static (/bin/busybox and its applet links)
 *   and this machine's git (/usr/lib/git-core, its http remote for http(s) URLs) with the libraries
 *   `ldd` lists for them.
 * - duat.test/skopeo:1: busybox as above and Debian's skopeo (/usr/bin/skopeo and its libraries), for
 *   examples/kubernetes/build-image-layer.yaml (its BUILD_IMAGE).
 * - duat.test/buildkit:1, for examples/kubernetes/build-image-buildkit.yaml (its BUILD_IMAGE): laid out
 *   as the moby/buildkit image is: /usr/bin/buildkitd and /usr/bin/buildctl (BuildKit built from the Go
 *   module proxy by scripts/go-tools.sh, module test/k8s-real/buildkit/), /usr/bin/buildctl-daemonless.sh
 *   (the same script, from that module's source), runc (Debian's, with its libseccomp) and busybox;
 *   entrypoint buildkitd.
 * - duat:latest, deploy/deployment.yaml's image: what deploy/Dockerfile assembles, from this checkout's
 *   build instead of a second one: /opt/duat with package.json, dist/src and dist/bin (built by `npm
 *   run build`) and the production packages of node_modules (`npm ls --omit=dev`), /usr/local/bin/duat,
 *   this machine's node and git (with their libraries), busybox for /bin/sh, user duat (10001), HOME
 *   and NODE_ENV as there. Left out: tini (the Deployment sets its own command) and ssh (no ssh://
 *   repositories here).
 *
 * Written by hand (not buildah/skopeo) because an archive is four small JSON files and a tar, and
 * containerd imports it directly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ImageConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
}

/** Writes `rootfs` as an OCI image archive `out` for reference `ref` (e.g. duat.test/tools:1). */
export function ociArchive(out: string, ref: string, rootfs: string, config: ImageConfig): void {
  const work = mkdtempSync(join(dirname(out), '.oci-'));
  try {
    const blobs = join(work, 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const layerPath = join(work, 'layer.tar');
    execFileSync('tar', [
      '--numeric-owner',
      '--owner=0',
      '--group=0',
      '--sort=name',
      '--mtime=@0',
      '-C',
      rootfs,
      '-cf',
      layerPath,
      '.',
    ]);
    const layer = readFileSync(layerPath);
    const layerDigest = sha256(layer);
    renameSync(layerPath, join(blobs, layerDigest));
    const blob = (text: string) => {
      const data = Buffer.from(text, 'utf8');
      const digest = sha256(data);
      writeFileSync(join(blobs, digest), data);
      return { digest: `sha256:${digest}`, size: data.length };
    };
    const imageConfig = blob(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {
          ...(config.entrypoint ? { Entrypoint: config.entrypoint } : {}),
          ...(config.cmd ? { Cmd: config.cmd } : {}),
          Env: config.env ?? ['PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'],
          WorkingDir: config.workingDir ?? '/',
          ...(config.user ? { User: config.user } : {}),
        },
        rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
      }),
    );
    const manifest = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...imageConfig },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: `sha256:${layerDigest}`,
            size: statSync(join(blobs, layerDigest)).size,
          },
        ],
      }),
    );
    writeFileSync(
      join(work, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...manifest,
            annotations: { 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': ref },
          },
        ],
      }),
    );
    writeFileSync(join(work, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    execFileSync('tar', ['-C', work, '-cf', `${out}.tmp`, 'oci-layout', 'index.json', 'blobs']);
    renameSync(`${out}.tmp`, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Copies each executable's shared libraries (as `ldd` lists them) into `rootfs` at the same paths. */
export function copyLibraries(rootfs: string, executables: readonly string[]): void {
  for (const exe of executables) {
    const out = execFileSync('ldd', [exe], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      const lib = match?.[1];
      if (!lib || existsSync(join(rootfs, lib))) continue;
      mkdirSync(join(rootfs, dirname(lib)), { recursive: true });
      copyFileSync(lib, join(rootfs, lib));
    }
  }
}

/** /bin/busybox (Debian's busybox-static) and a link per applet; /etc/passwd and /etc/group; /tmp. */
export function busyboxRootfs(rootfs: string): void {
  for (const d of ['bin', 'usr/bin', 'tmp', 'etc', 'root', 'proc', 'sys', 'dev'])
    mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet && !existsSync(join(rootfs, 'bin', applet)))
      symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
  writeFileSync(
    join(rootfs, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nduat:x:10001:10001:duat:/var/lib/duat:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nduat:x:10001:\nnogroup:x:65534:\n');
}

/** This machine's git (git-core with its http remote, templates) and its libraries, into `rootfs`. */
export function gitIntoRootfs(rootfs: string): void {
  mkdirSync(join(rootfs, 'usr', 'lib'), { recursive: true });
  mkdirSync(join(rootfs, 'usr', 'share'), { recursive: true });
  mkdirSync(join(rootfs, 'usr', 'bin'), { recursive: true });
  cpSync('/usr/lib/git-core', join(rootfs, 'usr', 'lib', 'git-core'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  cpSync('/usr/share/git-core', join(rootfs, 'usr', 'share', 'git-core'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  symlinkSync('../lib/git-core/git', join(rootfs, 'usr', 'bin', 'git'));
  copyLibraries(rootfs, ['/usr/lib/git-core/git', '/usr/lib/git-core/git-remote-http']);
}

/** The tools image: busybox's shell and utilities, and git. */
export function toolsImage(dir: string, ref = 'duat.test/tools:1'): string {
  const rootfs = join(dir, 'rootfs-tools');
  busyboxRootfs(rootfs);
  gitIntoRootfs(rootfs);
  const out = join(dir, 'tools.tar');
  ociArchive(out, ref, rootfs, { entrypoint: ['/bin/sh'] });
  return out;
}

/** The pod sandbox image: /pause alone. */
export function pauseImage(dir: string, pauseBinary: string, ref: string): string {
  const rootfs = join(dir, 'rootfs-pause');
  mkdirSync(rootfs, { recursive: true });
  copyFileSync(pauseBinary, join(rootfs, 'pause'));
  chmodSync(join(rootfs, 'pause'), 0o755);
  const out = join(dir, 'pause.tar');
  ociArchive(out, ref, rootfs, { entrypoint: ['/pause'] });
  return out;
}

/** The image-push image: busybox's shell and utilities, and skopeo. */
export function skopeoImage(dir: string, ref = 'duat.test/skopeo:1'): string {
  const rootfs = join(dir, 'rootfs-skopeo');
  busyboxRootfs(rootfs);
  copyFileSync('/usr/bin/skopeo', join(rootfs, 'usr', 'bin', 'skopeo'));
  chmodSync(join(rootfs, 'usr', 'bin', 'skopeo'), 0o755);
  copyLibraries(rootfs, ['/usr/bin/skopeo']);
  const out = join(dir, 'skopeo.tar');
  ociArchive(out, ref, rootfs, { entrypoint: ['/bin/sh'] });
  return out;
}

/**
 * BuildKit's files for buildkitImage: buildkitd and buildctl built by scripts/go-tools.sh (built when
 * not cached: throws, never skips, when they cannot be), and buildctl-daemonless.sh from the source of
 * the module they were built from (in Go's module cache once they are built).
 */
export function buildkitFiles(): { buildkitd: string; buildctl: string; daemonless: string } {
  const tools = join(repoRoot, 'scripts', 'go-tools.sh');
  const built = spawnSync('bash', [tools, 'buildkitd', 'buildctl'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0)
    throw new Error(
      `BuildKit could not be built (scripts/go-tools.sh exited ${built.status ?? built.signal})`,
    );
  const path = (name: string) => execFileSync('bash', [tools, '--path', name], { encoding: 'utf8' }).trim();
  const module = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', 'github.com/moby/buildkit'], {
      cwd: join(repoRoot, 'test', 'k8s-real', 'buildkit'),
      encoding: 'utf8',
    }),
  ) as { Dir: string };
  return {
    buildkitd: path('buildkitd'),
    buildctl: path('buildctl'),
    daemonless: join(module.Dir, 'examples', 'buildctl-daemonless', 'buildctl-daemonless.sh'),
  };
}

/** The BuildKit image (see the header): `bin` has buildkitd and buildctl; `daemonless` is the script. */
export function buildkitImage(
  dir: string,
  bin: { buildkitd: string; buildctl: string; daemonless: string },
  ref = 'duat.test/buildkit:1',
): string {
  const rootfs = join(dir, 'rootfs-buildkit');
  busyboxRootfs(rootfs);
  for (const [name, from] of [
    ['buildkitd', bin.buildkitd],
    ['buildctl', bin.buildctl],
    ['buildctl-daemonless.sh', bin.daemonless],
    ['runc', '/usr/sbin/runc'],
  ] as const) {
    copyFileSync(from, join(rootfs, 'usr', 'bin', name));
    chmodSync(join(rootfs, 'usr', 'bin', name), 0o755);
  }
  copyLibraries(rootfs, ['/usr/sbin/runc']);
  for (const d of ['run', 'var/lib/buildkit', 'etc/buildkit'])
    mkdirSync(join(rootfs, d), { recursive: true });
  const out = join(dir, 'buildkit.tar');
  ociArchive(out, ref, rootfs, { entrypoint: ['buildkitd'] });
  return out;
}

/** deploy/Dockerfile's image, assembled from this checkout (see the header). */
export function gitWatchImage(dir: string, checkout: string, ref = 'docker.io/library/duat:latest'): string {
  const rootfs = join(dir, 'rootfs-git-watch');
  busyboxRootfs(rootfs);
  gitIntoRootfs(rootfs);
  const node = execFileSync('readlink', ['-f', process.execPath], { encoding: 'utf8' }).trim();
  copyFileSync(node, join(rootfs, 'usr', 'bin', 'node'));
  chmodSync(join(rootfs, 'usr', 'bin', 'node'), 0o755);
  copyLibraries(rootfs, [node]);
  const app = join(rootfs, 'opt', 'duat');
  mkdirSync(join(app, 'dist'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(checkout, f), join(app, f));
  for (const d of ['src', 'bin'])
    cpSync(join(checkout, 'dist', d), join(app, 'dist', d), { recursive: true, verbatimSymlinks: true });
  const packages = execFileSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
    .split('\n')
    .filter((p) => p.startsWith(join(checkout, 'node_modules')));
  for (const p of packages)
    cpSync(p, join(app, relative(checkout, p)), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(rootfs, 'usr', 'local', 'bin'), { recursive: true });
  writeFileSync(
    join(rootfs, 'usr', 'local', 'bin', 'duat'),
    '#!/bin/sh\nexec node /opt/duat/dist/src/cli/main.js "$@"\n',
    {
      mode: 0o755,
    },
  );
  mkdirSync(join(rootfs, 'var', 'lib', 'duat'), { recursive: true });
  const out = join(dir, 'git-watch.tar');
  ociArchive(out, ref, rootfs, {
    cmd: ['duat', 'git-watch', '--help'],
    env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/var/lib/duat', 'NODE_ENV=production'],
    workingDir: '/opt/duat',
    user: '10001:10001',
  });
  return out;
}
