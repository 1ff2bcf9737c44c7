#!/usr/bin/env node
import { chmodSync, rmSync } from 'node:fs';
// Bundles the CLI (dist/src/cli/main.js, compiled by tsc) into dist/bin/ with one chunk per
// subcommand, so that `duat COMMAND` loads a handful of files instead of dozens of modules: start-up
// time is most of a short command's run. npm packages stay external (loaded from node_modules).
import { build } from 'esbuild';

const outdir = new URL('../dist/bin/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { duat: new URL('../dist/src/cli/main.js', import.meta.url).pathname },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(`${outdir}duat.js`, 0o755);
