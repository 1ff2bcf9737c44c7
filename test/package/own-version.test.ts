// duat keeps its own version as its users do: in README.md's repo-version tag, read by `duat semver`.
// Examples in the README must not hold a second tag (every tag in a file must agree), or duat's own
// `semver` and stencil's .duat values fail on this repository.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { readVersion } from '../../src/version/version-file.js';

const root = new URL('../../../', import.meta.url);

it("README.md's version tag is the package's version, and the only one", () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  assert.equal(readVersion(new URL('README.md', root).pathname).version, pkg.version);
});
