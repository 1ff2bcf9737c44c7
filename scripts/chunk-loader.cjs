// dist/bin/duat.js but for its first line (scripts/bundle-cli.mjs writes it from this file, without
// these comments): the table of the bundle's chunks, each loaded on first need, with V8's compiled
// code kept between runs. Node compiles this file before anything can give it cached code, so it
// holds nothing else.
// - A chunk is defined by name and runs once, as a CommonJS module does: chunk(name) returns its
//   exports, first loading chunks/NAME.js when no file loaded so far defined it. A file holds a
//   function of (require, __filename, __dirname, defs, chunk) that puts its chunks in defs.
// - Files are read and compiled here, not required: Node's loader would resolve each path, find its
//   real path component by component and look for a package.json scope, all for a file whose path
//   is known (that was a tenth of `duat --help` beyond `node -e 0`). Their code requires Node's
//   modules and the vendored packages through this file's require.
// - Each file is compiled with V8's cached data of an earlier run; the data of a file missing from
//   the cache, or that V8 rejects (another Node, other flags, a changed file), is written at exit,
//   atomically, so it holds every function the run compiled. Node 22+ has a cache of its own
//   (module.enableCompileCache), but it keeps only what V8 compiles before a module runs, not the
//   functions compiled lazily when first called: on Node 24 that made `git-watch status` 1.45x of
//   `node -e 0` where this makes it 1.22x, `stencil` 2.9x vs 2.1x. Any failure of the cache just
//   means compiling as usual. A write also drops the data of files the bundle no longer has, so
//   upgrades do not pile up.
// - The cache's directory is $XDG_CACHE_HOME/duat or ~/.cache/duat (private to the user), never the
//   shared temp directory; NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE are obeyed. Its data
//   is kept per Node version and per directory of the bundle.
'use strict';
const fs = require('node:fs');
const vm = require('node:vm');
const env = process.env;
const home = env.XDG_CACHE_HOME || (env.HOME && `${env.HOME}/.cache`);
// One directory per Node and per place the bundle is installed (a global install, each npx cache,
// a checkout): two bundles' chunks may share a name, not their content.
let place = 0x811c9dc5;
for (let i = 0; i < __dirname.length; i++) place = Math.imul(place ^ __dirname.charCodeAt(i), 0x01000193);
const cacheDir =
  home && !env.NODE_DISABLE_COMPILE_CACHE
    ? `${env.NODE_COMPILE_CACHE || `${home}/duat/node-compile-cache`}/duat-${process.version}-${process.arch}-${(place >>> 0).toString(36)}`
    : undefined;
const chunksDir = `${__dirname}/chunks`;
const defs = Object.create(null);
const done = Object.create(null);
const uncached = [];

function load(name) {
  const filename = `${chunksDir}/${name}.js`;
  const source = fs.readFileSync(filename, 'utf8');
  const cacheFile = cacheDir && `${cacheDir}/chunks_${name}.js.v8`;
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {}
  }
  const script = new vm.Script(source, { filename, cachedData });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    if (uncached.length === 0) process.once('exit', saveCache);
    uncached.push([script, cacheFile]);
  }
  script.runInThisContext()(require, filename, chunksDir, defs, chunk);
}

function chunk(name) {
  let m = done[name];
  if (m === undefined) {
    if (!(name in defs)) load(name);
    done[name] = m = { exports: {} };
    defs[name].call(m.exports, m, m.exports);
  }
  return m.exports;
}

function saveCache() {
  try {
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    // Chunk names change with their content: drop the data of files this bundle no longer has.
    for (const name of fs.readdirSync(cacheDir)) {
      const m = /^chunks_(.+)\.js\.v8$/.exec(name);
      if (m && !fs.existsSync(`${chunksDir}/${m[1]}.js`)) fs.rmSync(`${cacheDir}/${name}`, { force: true });
    }
    for (const [script, file] of uncached) {
      const partial = `${file}.${process.pid}`;
      fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(partial, file);
    }
  } catch {}
}

chunk('cli');
