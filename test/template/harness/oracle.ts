/**
 * The Go oracle (test/go-oracle): Go's text/template with sprig v3.3.0. Built once per source hash
 * into ~/.cache/duat-test/go-oracle-<hash>/oracle and reused; CI caches that directory.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type GoResult, requestOf, type TemplateCase, toJsonl } from './cases.js';
import { cacheDir, repoRoot } from './paths.js';

const SOURCES = ['go.mod', 'go.sum', 'main.go'];

/** The oracle's source directory. */
export function oracleSourceDir(): string {
  return join(repoRoot(), 'test', 'go-oracle');
}

/** The environment the oracle runs in: Go's time.Local must match the engine's fixed 'UTC' zone. */
function oracleEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TZ: 'UTC' };
}

/** sha256 of go.mod + go.sum + main.go, 12 hex characters. */
export function oracleHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(oracleSourceDir(), file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * The path of the oracle binary, building it with `go build` when the cache does not hold it.
 * Throws with the build's output when Go is missing or the build fails: tests needing the oracle
 * must fail, not skip.
 */
export function oracleBinary(): string {
  const dir = join(cacheDir(), `go-oracle-${oracleHash()}`);
  const binary = join(dir, 'oracle');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // Build under a private name and rename, so concurrent test files never run a half-written binary.
  const partial = join(dir, `oracle.${process.pid}.partial`);
  const build = spawnSync('go', ['build', '-o', partial, '.'], {
    cwd: oracleSourceDir(),
    env: oracleEnv(),
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (build.error || build.status !== 0) {
    rmSync(partial, { force: true });
    const why = build.error ? build.error.message : `exit ${build.status}\n${build.stdout}${build.stderr}`;
    throw new Error(
      `cannot build the Go oracle in ${oracleSourceDir()} (needs Go >= 1.26 and the Go module proxy): ${why}`,
    );
  }
  renameSync(partial, binary);
  return binary;
}

/** The prefix of the error the harness records for a case that killed the Go process. */
export const ORACLE_CRASH = 'oracle crashed: ';

/**
 * Runs cases through Go in one process; results come back in case order. A case that kills the
 * process (Go's fatal errors, such as the stack overflow of printing a map that contains itself,
 * cannot be recovered) or that runs longer than the oracle's -timeout (it then exits) is answered
 * with an error starting with ORACLE_CRASH, and the run goes on with the next case in a new
 * process. Such cases say nothing comparable about Go's behaviour: skip them.
 */
export function runOracle(cases: readonly TemplateCase[]): GoResult[] {
  const binary = oracleBinary();
  const results: GoResult[] = [];
  while (results.length < cases.length) {
    const rest = cases.slice(results.length);
    const run = spawnSync(binary, ['run'], {
      input: toJsonl(rest.map(requestOf)),
      env: oracleEnv(),
      maxBuffer: 1 << 30,
      timeout: 10 * 60_000,
    });
    const lines = (run.stdout ?? Buffer.alloc(0)).toString('utf8').split('\n').filter(Boolean);
    for (const line of lines) results.push(JSON.parse(line) as GoResult);
    if (run.status === 0 && !run.error) break;
    const stderr = (run.stderr ?? Buffer.alloc(0)).toString('utf8');
    const failed = cases[results.length];
    // EPIPE only means the process died before reading all its input.
    const spawnError =
      run.error && (run.error as NodeJS.ErrnoException).code !== 'EPIPE' ? run.error : undefined;
    if (failed === undefined || spawnError || run.status === null) {
      throw new Error(
        `the Go oracle failed: ${spawnError?.message ?? `exit ${run.status} ${run.signal ?? ''}`}\n${stderr.slice(0, 4000)}`,
      );
    }
    const why = /^(oracle timeout|fatal error|panic|runtime): .*$/m.exec(stderr)?.[0] ?? `exit ${run.status}`;
    results.push({ name: failed.name, output: '', error: `${ORACLE_CRASH}${why}` });
  }
  if (results.length !== cases.length) {
    throw new Error(`the Go oracle answered ${results.length} of ${cases.length} cases`);
  }
  results.forEach((r, i) => {
    if (r.name !== cases[i]?.name)
      throw new Error(`oracle answer ${i} is for ${r.name}, not ${cases[i]?.name}`);
  });
  return results;
}

export interface OracleBench {
  medianNs: number;
  runs: number;
  output: Buffer;
}

/** Go's median execution time of a template over data, after a warm-up; parsed once. */
export function benchOracle(
  templateFile: string,
  dataFile: string,
  runs: number,
  name = 'bench',
): OracleBench {
  const binary = oracleBinary();
  const run = spawnSync(
    binary,
    ['bench', '-template', templateFile, '-data', dataFile, '-n', String(runs), '-name', name],
    { env: oracleEnv(), maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  if (run.error || run.status !== 0) {
    throw new Error(`oracle bench failed: ${run.error?.message ?? `exit ${run.status}`}\n${run.stderr}`);
  }
  const parsed = JSON.parse(run.stdout) as { medianNs: number; runs: number; outputBase64: string };
  return { medianNs: parsed.medianNs, runs: parsed.runs, output: Buffer.from(parsed.outputBase64, 'base64') };
}
