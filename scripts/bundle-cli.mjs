#!/usr/bin/env node
// Bundles the CLI (dist/src/cli/main.js, compiled by tsc) into dist/bin/, the files `duat` runs.
// Start-up is most of a one-shot command's run, so the bundle is shaped for it (bench/startup.ts
// measures it against `node -e 0`):
// - every dependency is bundled: no module resolution through node_modules at run time;
// - one chunk per subcommand and per dynamically imported module (esbuild's code splitting), so a
//   command loads only what it runs; the AWS SDK, Octokit and the Kubernetes client load on first use;
// - V8's compiled code is kept between runs (scripts/code-cache.cjs, inlined at the top of duat.js);
// - the chunks are CommonJS (dist/bin/package.json says so): Node's ES module loader costs ~10% of a
//   bare `node -e 0` before the first line runs, the CommonJS loader almost nothing. esbuild splits only
//   ES modules, so each ES chunk is then rewritten to CommonJS with its imports as require() calls
//   (dynamic ones too): every chunk is still loaded once and shared, as the ES chunks were;
// - Node's own modules that `node -e 0` does not load (crypto, os, child_process, worker_threads, ...)
//   are required on first use, not when a chunk loads: each costs a compile, and crypto alone is a
//   dozen of them;
// - so are the packages in LAZY_PACKAGES, each bundled alone into dist/bin/vendor/: yaml and TOML
//   support are a third of what `stencil` would otherwise load for a template that uses neither.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { build, transform } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist', 'bin');
// import.meta.url of each chunk, for the modules that find files relative to themselves.
const IMPORT_META_URL = '__duat_import_meta_url';
const LAZY = '__duat_lazy';
// Node's modules already loaded when a script starts (`node -e 0` has them): required as they are.
const PRELOADED = new Set(['fs', 'path', 'url', 'util', 'events', 'buffer', 'process', 'timers']);
/** Packages that load on first use (they are used through their named exports only). */
const LAZY_PACKAGES = ['yaml', 'smol-toml'];
const VENDOR = 'duat-vendor:';

/**
 * createRequire(import.meta.url) in duat's sources exists to load Node modules on first use; in a
 * CommonJS chunk the chunk's own require does that, without loading node:module (which brings the
 * ES module loader with it).
 */
const commonJsRequire = {
  name: 'commonjs-require',
  setup(b) {
    b.onResolve({ filter: /^node:module$/ }, (args) =>
      args.importer.startsWith(join(root, 'dist', 'src'))
        ? { path: 'node:module', namespace: 'commonjs-require' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'commonjs-require' }, () => ({
      contents: 'export function createRequire() { return require; }',
      loader: 'js',
    }));
  },
};

/** Imports of LAZY_PACKAGES stay imports of `duat-vendor:NAME`, for lazyRequires to point at the vendored file. */
const vendored = {
  name: 'vendored',
  setup(b) {
    const names = new RegExp(`^(${LAZY_PACKAGES.join('|')})$`);
    b.onResolve({ filter: names }, (args) => ({ path: `${VENDOR}${args.path}`, external: true }));
  },
};

const split = await build({
  entryPoints: { duat: join(root, 'dist', 'src', 'cli', 'main.js') },
  outdir,
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [commonJsRequire, vendored],
});

/**
 * `var x = require("node:crypto");` (or __toESM(...) of it) becomes a proxy that requires on first
 * use; so does `require("duat-vendor:yaml")`, pointed at dist/bin/vendor/yaml.js.
 */
function lazyRequires(code, file) {
  return code.replace(
    /^var (\w+) = (__toESM\()?require\("([^"]+)"\)(\))?;$/gm,
    (line, name, toEsm, id, close) => {
      if (Boolean(toEsm) !== Boolean(close)) return line;
      let path;
      if (id.startsWith(VENDOR)) {
        const target = join(outdir, 'vendor', `${id.slice(VENDOR.length)}.js`);
        path = `./${relative(dirname(file), target)}`;
      } else {
        const builtin = id.replace(/^node:/, '');
        if (PRELOADED.has(builtin.split('/')[0]) || id.startsWith('.')) return line;
        path = `node:${builtin}`;
      }
      const load = toEsm ? `__toESM(require("${path}"))` : `require("${path}")`;
      return `var ${name} = ${LAZY}(() => ${load});`;
    },
  );
}

/** V8's compiled code kept between runs (see the file); the first lines of duat.js. */
const COMPILE_CACHE = readFileSync(join(root, 'scripts', 'code-cache.cjs'), 'utf8')
  .split('\n')
  .filter((line) => !/^\s*\/\//.test(line))
  .join('\n');

/** What a chunk needs before its code: only the helpers it uses, since every line costs start-up. */
function prelude(code, entry) {
  const lines = ['"use strict";'];
  if (entry) lines.push(`\n${COMPILE_CACHE}\n`);
  if (code.includes(IMPORT_META_URL))
    lines.push(`var ${IMPORT_META_URL}=require("node:url").pathToFileURL(__filename).href;`);
  if (code.includes(LAZY))
    lines.push(
      `var ${LAZY}=(load)=>{let m;return new Proxy({},{get:(_,k)=>(m??=load())[k],has:(_,k)=>k in(m??=load())});};`,
    );
  return lines.join('');
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'chunks'), { recursive: true });
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
for (const file of split.outputFiles) {
  const entry = basename(file.path) === 'duat.js';
  const cjs = await transform(file.text.replace(/^#!.*\n/, ''), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import() becomes require() too: an import() from CommonJS would start the ES module loader.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': IMPORT_META_URL },
    sourcefile: relative(outdir, file.path),
    // The build above has already reported on this code (bundled packages' own warnings included).
    logLevel: 'error',
  });
  const code = lazyRequires(cjs.code, file.path);
  writeFileSync(file.path, `${entry ? '#!/usr/bin/env node\n' : ''}${prelude(code, entry)}\n${code}`);
}
for (const name of LAZY_PACKAGES) {
  await build({
    entryPoints: [name],
    outfile: join(outdir, 'vendor', `${name}.js`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  });
}
chmodSync(join(outdir, 'duat.js'), 0o755);
