/**
 * Reading refs straight from the repository files (HEAD, loose refs, packed-refs) so that metadata
 * costs no process spawn. Annotated tags are peeled from packed-refs' `^` lines or from loose tag
 * objects; what cannot be read this way (reftable storage, tag objects inside packs) returns
 * undefined and the caller asks git itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RepositoryLocation } from './repository.js';

// zlib is only needed to peel loose tag objects: load it then.
const require = createRequire(import.meta.url);
function inflateSync(data: Buffer): Buffer {
  return (require('node:zlib') as typeof import('node:zlib')).inflateSync(data);
}

const HASH = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface Head {
  /** The ref HEAD points at (`refs/heads/main`), when HEAD is symbolic. */
  readonly ref?: string;
  /** The commit HEAD resolves to; undefined on an unborn branch. */
  readonly hash?: string;
}

export interface TagRef {
  /** Tag name without `refs/tags/`. */
  readonly name: string;
  /** What the ref holds: a commit, or a tag object for annotated tags. */
  readonly target: string;
  /** The commit an annotated tag points to, when known. */
  readonly peeled?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when refs are stored in a format we do not read (reftable). */
export function usesReftable(repo: RepositoryLocation): boolean {
  return existsSync(join(repo.commonDir, 'reftable'));
}

interface PackedRef {
  hash: string;
  peeled?: string;
}

export function readPackedRefs(repo: RepositoryLocation): Map<string, PackedRef> {
  const refs = new Map<string, PackedRef>();
  const text = readText(join(repo.commonDir, 'packed-refs'));
  if (!text) return refs;
  let last: PackedRef | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    if (line.startsWith('^')) {
      if (last) last.peeled = line.slice(1).trim();
      continue;
    }
    const space = line.indexOf(' ');
    const hash = line.slice(0, space);
    const name = line.slice(space + 1).trim();
    if (!HASH.test(hash)) continue;
    last = { hash };
    refs.set(name, last);
  }
  return refs;
}

/** Resolves a ref name (`HEAD`, `refs/heads/x`) to a hash, following symbolic refs. */
export function resolveRef(
  repo: RepositoryLocation,
  name: string,
  packed?: Map<string, PackedRef>,
): string | undefined {
  let current = name;
  for (let depth = 0; depth < 10; depth++) {
    // Per-worktree refs (HEAD) live in gitDir; shared refs in commonDir.
    const text = readText(join(repo.gitDir, current)) ?? readText(join(repo.commonDir, current));
    if (text !== undefined) {
      const value = text.trim();
      if (value.startsWith('ref:')) {
        current = value.slice(4).trim();
        continue;
      }
      return HASH.test(value) ? value : undefined;
    }
    return (packed ?? readPackedRefs(repo)).get(current)?.hash;
  }
  return undefined;
}

export function readHead(repo: RepositoryLocation): Head {
  const text = (readText(join(repo.gitDir, 'HEAD')) ?? '').trim();
  if (text.startsWith('ref:')) {
    const ref = text.slice(4).trim();
    const hash = resolveRef(repo, ref);
    return hash ? { ref, hash } : { ref };
  }
  return HASH.test(text) ? { hash: text } : {};
}

function walkLooseRefs(dir: string, prefix: string, out: Map<string, string>): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      continue;
    }
    if (isDir) walkLooseRefs(path, `${prefix}${entry}/`, out);
    else {
      const value = (readText(path) ?? '').trim();
      if (HASH.test(value)) out.set(`${prefix}${entry}`, value);
    }
  }
}

/** Every tag of the repository (loose refs win over packed ones, as in git). */
export function listTagRefs(repo: RepositoryLocation): TagRef[] {
  const packed = readPackedRefs(repo);
  const tags = new Map<string, TagRef>();
  for (const [name, ref] of packed) {
    if (name.startsWith('refs/tags/')) {
      const tag: TagRef = ref.peeled
        ? { name: name.slice(10), target: ref.hash, peeled: ref.peeled }
        : { name: name.slice(10), target: ref.hash };
      tags.set(tag.name, tag);
    }
  }
  const loose = new Map<string, string>();
  walkLooseRefs(join(repo.commonDir, 'refs', 'tags'), '', loose);
  for (const [name, hash] of loose) tags.set(name, { name, target: hash });
  return [...tags.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Reads a loose object's type and body, or undefined when it is not stored loose. */
export function readLooseObject(
  repo: RepositoryLocation,
  hash: string,
): { type: string; body: Buffer } | undefined {
  let data: Buffer;
  try {
    data = inflateSync(readFileSync(join(repo.commonDir, 'objects', hash.slice(0, 2), hash.slice(2))));
  } catch {
    return undefined;
  }
  const nul = data.indexOf(0);
  const header = data.subarray(0, nul).toString('latin1');
  return { type: header.split(' ')[0] ?? '', body: data.subarray(nul + 1) };
}

/**
 * The commit a tag ref designates: the target itself for lightweight tags, the object an annotated tag
 * points to (recursively). 'unknown' when the tag object is not readable here (packed objects).
 */
export function peelTag(repo: RepositoryLocation, tag: TagRef): string | 'unknown' {
  if (tag.peeled) return tag.peeled;
  let hash = tag.target;
  for (let depth = 0; depth < 10; depth++) {
    const object = readLooseObject(repo, hash);
    if (!object) return 'unknown';
    if (object.type !== 'tag') return hash;
    const m = /^object ([0-9a-f]+)$/m.exec(object.body.toString('latin1'));
    if (!m?.[1]) return 'unknown';
    hash = m[1];
  }
  return 'unknown';
}
