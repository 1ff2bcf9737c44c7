// V8's compiled code of duat's bundle kept between runs, for the first lines of dist/bin/duat.js
// (scripts/bundle-cli.mjs inlines this file there). Compiling the chunks is a fifth of what `duat
// stencil` costs at start-up; from a cache it is a tenth of that.
// - The files of the bundle (and only those) are compiled here through vm.Script with V8's cached
//   data, as Node's own loader would compile them otherwise; the data of a file missing from the
//   cache, or that V8 rejects (another Node, other flags, a changed file), is written at exit,
//   atomically, so it holds the functions compiled lazily during the run too (most of the template
//   engine). Any failure just means compiling as usual.
// - Node >= 22.1's own module.enableCompileCache keeps only what V8 compiled when a file loaded, so
//   `stencil` of a chart compiled the engine again on every run: it is used only on a major
//   number this file has not been measured on (the vm.Script way ran the chart 8-14% faster on 24).
// A write also drops the data of files the bundle no longer has, so upgrades do not pile up.
// The directory is $XDG_CACHE_HOME/duat or ~/.cache/duat (private to the user), never the shared
// temp directory; NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE are obeyed on both paths.
{
  const env = process.env;
  const base = env.XDG_CACHE_HOME || (env.HOME && `${env.HOME}/.cache`);
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 25) {
    try {
      require('node:module').enableCompileCache?.(base ? `${base}/duat/node-compile-cache` : undefined);
    } catch {}
  } else if (base && !env.NODE_DISABLE_COMPILE_CACHE) {
    try {
      const fs = require('node:fs');
      const vm = require('node:vm');
      const Module = module.constructor;
      const bin = `${__dirname}/`;
      const dir = `${env.NODE_COMPILE_CACHE || `${base}/duat/node-compile-cache`}/duat-${process.version}-${process.arch}`;
      const pending = [];
      const compile = Module.prototype._compile;
      Module.prototype._compile = function compileCached(content, filename) {
        if (!filename.startsWith(bin)) return compile.call(this, content, filename);
        const file = `${dir}/${filename.slice(bin.length).replace(/[/\\]/g, '_')}.v8`;
        let cachedData;
        try {
          cachedData = fs.readFileSync(file);
        } catch {}
        const script = new vm.Script(Module.wrap(content), { filename, cachedData });
        if (cachedData === undefined || script.cachedDataRejected) pending.push([script, file]);
        const req = (id) => this.require(id);
        req.resolve = (request, options) => Module._resolveFilename(request, this, false, options);
        req.cache = Module._cache;
        req.main = require.main;
        return script
          .runInThisContext({ displayErrors: true })
          .call(this.exports, this.exports, req, this, filename, require('node:path').dirname(filename));
      };
      process.once('exit', () => {
        try {
          if (pending.length === 0) return;
          fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
          // Chunk names change with their content: drop the data of files this bundle no longer has.
          for (const name of fs.readdirSync(dir)) {
            const source = `${bin}${name.replace(/\.v8$/, '').replace(/_/g, '/')}`;
            if (name.endsWith('.v8') && !fs.existsSync(source)) fs.rmSync(`${dir}/${name}`, { force: true });
          }
          for (const [script, file] of pending) {
            const partial = `${file}.${process.pid}`;
            fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
            fs.renameSync(partial, file);
          }
        } catch {}
      });
    } catch {}
  }
}
