/**
 * A `--github-token` given on the command line is hidden from `ps` once read, for the rest of a
 * release (uploads can take minutes). The GitHub API here is a bare server on 127.0.0.1 that reads the
 * CLI's /proc/PID/cmdline when its first request arrives (by then the flags are read) and then fails
 * it: no GitHub behaviour is needed for this, so the full fake GitHub is not used.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { releaseRepo, writeFiles } from './fixtures.js';

const SECRET = 'ghp_argv0123456789abcdefghijklmnopqrstu';

describe('duat github-release --github-token', () => {
  it('is hidden from ps once read', async (t) => {
    const dir = releaseRepo(t, '0.5.0');
    writeFiles(dir, { 'bin/a': 'a' });
    let pid = 0;
    const seen = new Promise<string>((resolve) => {
      const server = createServer((_req, res) => {
        resolve(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"message":"down for the test"}');
      });
      server.listen(0, '127.0.0.1');
      t.after(() => server.close());
      server.once('listening', () => {
        const { port } = server.address() as AddressInfo;
        const child = spawn(process.execPath, [cliPath, 'github-release', '-github-token', SECRET, 'bin/a'], {
          cwd: dir,
          env: cleanEnv({ GITHUB_API_URL: `http://127.0.0.1:${port}` }),
          stdio: 'ignore',
        });
        pid = child.pid ?? 0;
        t.after(() => child.kill('SIGKILL'));
      });
    });
    const cmdline = await seen;
    assert.match(cmdline, /github-release/);
    assert.equal(cmdline.includes(SECRET), false, JSON.stringify(cmdline));
  });
});
