// The Node versions duat claims to support are the ones every package of its dependency tree
// supports: `npm ci` on the oldest supported Node prints no EBADENGINE warning, and a user on any
// supported Node gets a tree that declares it works there. Ranges are read with npm's own `semver`,
// so "supports" means what npm checks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

interface LockPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
}

const root = new URL('../../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

/** The Node versions the tests run on (scripts/test-all.sh) and the newest of each LTS line. */
const TESTED = ['20.20.2', '24.19.0'];

function nodeRange(entry: LockPackage): string | undefined {
  return Array.isArray(entry.engines) ? undefined : entry.engines?.node;
}

describe('supported Node versions', () => {
  const floor = semver.minVersion(pkg.engines.node);

  it('are a range with a floor', () => {
    assert.ok(floor, `package.json engines.node ${pkg.engines.node} has no lowest version`);
  });

  it('include the versions the tests run on', () => {
    for (const version of TESTED) {
      assert.ok(
        semver.satisfies(version, pkg.engines.node),
        `engines.node ${pkg.engines.node} excludes ${version}`,
      );
    }
  });

  it('are supported by every package of the dependency tree', () => {
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = nodeRange(entry);
      if (path === '' || !range) continue;
      for (const version of [floor?.version ?? '0.0.0', ...TESTED]) {
        if (!semver.satisfies(version, range)) {
          refusing.push(
            `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}, not ${version}`,
          );
        }
      }
    }
    assert.deepEqual(refusing, [], 'raise the floor in package.json, or hold the package back');
  });
});
