#!/usr/bin/env node
// Bundles the CLI (dist/src/cli/main.js, compiled by tsc) into dist/bin/, the files `duat` runs.
// Start-up is most of a one-shot command's run, so the bundle is shaped for it (bench/startup.ts
// measures it against `node -e 0`):
// - every dependency is bundled: no module resolution through node_modules at run time;
// - one chunk per subcommand and per dynamically imported module (esbuild's code splitting), so a
//   command loads only what it runs; the AWS SDK, Octokit and the Kubernetes client load on first use;
// - but one file per command: esbuild shares code between commands in a dozen small chunks, and each
//   file costs a resolve, a read and a compile (14 files were a third of `semver extract`). So each
//   chunk's file holds the chunks it loads that are not loaded already whenever it is imported, and
//   chunks are defined by name and run once, as modules are (see RUNTIME);
// - V8's compiled code is kept between runs (scripts/code-cache.cjs, inlined at the top of duat.js,
//   which holds nothing else: Node compiles its entry file before any cache is set up);
// - the chunks are CommonJS (dist/bin/package.json says so): Node's ES module loader costs ~10% of a
//   bare `node -e 0` before the first line runs, the CommonJS loader almost nothing. esbuild splits only
//   ES modules, so each ES chunk is then rewritten to CommonJS with its imports (dynamic ones too) as
//   calls of the chunk table: every chunk is still run once and shared, as the ES chunks were;
// - Node's own modules that `node -e 0` does not load (crypto, os, child_process, worker_threads, ...)
//   are required on first use, not when a chunk loads: each costs a compile, and crypto alone is a
//   dozen of them;
// - so are the packages in LAZY_PACKAGES, each bundled alone into dist/bin/vendor/: yaml and TOML
//   support are a third of what `stencil` would otherwise load for a template that uses neither.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { build, transform } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist', 'bin');
// import.meta.url of each chunk, for the modules that find files relative to themselves: a getter,
// since making a URL costs more than most commands use it.
const IMPORT_META = '__duat_import_meta';
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
  entryPoints: { 'chunks/cli': join(root, 'dist', 'src', 'cli', 'main.js') },
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
 * use; so does `require("duat-vendor:yaml")`, pointed at the chunk vendor-yaml.
 */
function lazyRequires(code) {
  return code.replace(
    /^var (\w+) = (__toESM\()?require\("([^"]+)"\)(\))?;$/gm,
    (line, name, toEsm, id, close) => {
      if (Boolean(toEsm) !== Boolean(close)) return line;
      let load;
      if (id.startsWith(VENDOR)) load = `${CHUNK}("vendor-${id.slice(VENDOR.length)}")`;
      else {
        const builtin = id.replace(/^node:/, '');
        if (PRELOADED.has(builtin.split('/')[0]) || id.startsWith('.')) return line;
        load = `require("node:${builtin}")`;
      }
      if (toEsm) load = `__toESM(${load})`;
      return `var ${name} = ${LAZY}(() => ${load});`;
    },
  );
}

/** duat.js: the chunk table and V8's code cache (see the file), without its comments. */
const LOADER = readFileSync(join(root, 'scripts', 'chunk-loader.cjs'), 'utf8')
  .split('\n')
  .filter((line) => !/^\s*\/\//.test(line))
  .join('\n');
// The names scripts/chunk-loader.cjs gives a file of chunks for its table and for a chunk's exports.
const DEFS = '__duat_defs';
const CHUNK = '__duat_chunk';

/** What a file of chunks needs before them: only the helpers they use, since every line costs start-up. */
function prelude(code) {
  const lines = ['"use strict";'];
  if (code.includes(IMPORT_META))
    lines.push(
      `var ${IMPORT_META}={get url(){return this.u??=require("node:url").pathToFileURL(__filename).href;}};`,
    );
  if (code.includes(LAZY))
    lines.push(
      `var ${LAZY}=(load)=>{let m;return new Proxy({},{get:(_,k)=>(m??=load())[k],has:(_,k)=>k in(m??=load())});};`,
    );
  return lines.join('');
}

/** `require("./chunk-X.js")` of one chunk by another, static when it is a top-level import. */
const CHUNK_REQUIRE =
  /^(var \w+ = (?:__toESM\()?)?require\("\.\/([\w.-]+)\.js"\)|require\("\.\/([\w.-]+)\.js"\)/gm;

const chunks = new Map();
for (const file of split.outputFiles) {
  const name = basename(file.path, '.js');
  const cjs = await transform(file.text.replace(/^#!.*\n/, ''), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import() becomes require() too: an import() from CommonJS would start the ES module loader.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': `${IMPORT_META}.url` },
    sourcefile: relative(outdir, file.path),
    // The build above has already reported on this code (bundled packages' own warnings included).
    logLevel: 'error',
  });
  const statics = new Set();
  const dynamics = new Set();
  const code = lazyRequires(cjs.code)
    // createRequire(import.meta.url) at the top of a module made a URL at start-up for nothing: the
    // createRequire of commonJsRequire ignores its argument.
    .replace(/(\bcreateRequire\)?)\(__duat_import_meta\.url\)/g, '$1()')
    // A chunk's exports are its export object itself, marked as an ES module, not a copy of it:
    // esbuild's __toCommonJS copies every export as a getter calling the original getter, which
    // costs a define per export at load (a chunk may have hundreds) and two calls per use.
    .replace(
      /^module\.exports = __toCommonJS\((\w+)\);$/gm,
      'module.exports = __defProp($1, "__esModule", { value: true });',
    )
    .replace(CHUNK_REQUIRE, (_, head, staticName, dynamicName) => {
      if (staticName) statics.add(staticName);
      else dynamics.add(dynamicName);
      return `${head ?? ''}${CHUNK}("${staticName ?? dynamicName}")`;
    });
  chunks.set(name, { code, statics, dynamics });
}
for (const name of LAZY_PACKAGES) {
  const vendored = await build({
    entryPoints: [name],
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  const code = vendored.outputFiles[0].text;
  chunks.set(`vendor-${name}`, { code, statics: new Set(), dynamics: new Set() });
}
for (const [name, chunk] of chunks)
  for (const dep of [...chunk.statics, ...chunk.dynamics])
    if (!chunks.has(dep)) throw new Error(`chunk ${name} requires ${dep}, which the build did not make`);

/** A chunk and every chunk it loads when it runs. */
function closure(name, into = new Set()) {
  if (into.has(name)) return into;
  into.add(name);
  for (const dep of chunks.get(name).statics) closure(dep, into);
  return into;
}

/**
 * One file per chunk, holding it and the chunks it loads that are not defined already whenever it is
 * imported: the chunks of every importer and of what defined the importer (Rollup's rule for shared
 * code). So a command is one file beside the CLI's, not the dozen chunks esbuild shares between
 * commands: each file costs a resolve, a read and a compile.
 */
const ENTRY = 'cli';
const everything = new Set(chunks.keys());
const defined = new Map([...chunks.keys()].map((name) => [name, name === ENTRY ? new Set() : everything]));
for (let changed = true; changed; ) {
  changed = false;
  for (const name of chunks.keys()) {
    if (name === ENTRY) continue;
    let common;
    for (const [importer, chunk] of chunks) {
      if (!chunk.dynamics.has(name)) continue;
      const there = new Set([...defined.get(importer), ...closure(importer)]);
      common = common === undefined ? there : new Set([...common].filter((n) => there.has(n)));
    }
    if (common !== undefined && common.size < defined.get(name).size) {
      defined.set(name, common);
      changed = true;
    }
  }
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'chunks'), { recursive: true });
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
for (const name of chunks.keys()) {
  const members = [name, ...[...closure(name)].filter((n) => n !== name && !defined.get(name).has(n))];
  // Parenthesised, so V8 compiles each chunk's top level with the file (and caches it): it runs.
  const body = members
    .map((n) => `${DEFS}[${JSON.stringify(n)}]=(function(module,exports){\n${chunks.get(n).code}\n});`)
    .join('\n');
  writeFileSync(
    join(outdir, 'chunks', `${name}.js`),
    `(function(require,__filename,__dirname,${DEFS},${CHUNK}){${prelude(body)}\n${body}\n})\n`,
  );
}
writeFileSync(join(outdir, 'duat.js'), `#!/usr/bin/env node\n${LOADER}`);
chmodSync(join(outdir, 'duat.js'), 0o755);
