/**
 * Registry credentials as docker keeps them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`) with `auths` (base64 `user:password`, or `username`/`password`, or an
 * `identitytoken` for the OAuth2 refresh flow), `credHelpers` (a `docker-credential-NAME` program per
 * registry) and `credsStore` (one helper for every registry). Helpers are run as docker runs them:
 * `docker-credential-NAME get` with the server URL on stdin and JSON on stdout. Every secret read is
 * registered for redaction.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DuatError, describeFsError, errorCode, errorMessage } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (docker's identitytoken); used with a bearer token service. */
  readonly identityToken?: string;
  /** Where they came from, for messages: 'config.json auths', 'docker-credential-pass'. */
  readonly source: string;
}

interface DockerConfigJson {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export interface DockerConfig {
  readonly path: string;
  readonly json: DockerConfigJson;
}

const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** The config file's path: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  return join(dir, 'config.json');
}

/** Reads the docker config; a missing file is an empty config, a broken one an error naming it. */
export function readDockerConfig(env: NodeJS.ProcessEnv = process.env): DockerConfig {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return { path, json: {} };
    throw new DuatError(`cannot read the docker config: ${describeFsError(err)}`, { file: path });
  }
  try {
    const json = JSON.parse(text) as DockerConfigJson;
    return { path, json: typeof json === 'object' && json !== null ? json : {} };
  } catch (err) {
    throw new DuatError(`the docker config is not valid JSON (${errorMessage(err)})`, { file: path });
  }
}

/** A config key (`https://host/v1/`, `http://host`, `host`) as the registry host it names. */
export function normalizeConfigKey(key: string): string {
  let host = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  host = host.split('/')[0] ?? host;
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com') {
    return DOCKER_HUB;
  }
  return host;
}

/** The server URL a credential helper is asked about: docker's own key for Docker Hub, else the host. */
function helperServerUrl(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
}

export interface HelperOptions {
  env?: NodeJS.ProcessEnv;
  /** Give up on a helper after this long (ms). Default 30 s. */
  timeoutMs?: number;
}

/**
 * Runs `docker-credential-NAME get`. Resolves undefined when the helper has no entry ("credentials not
 * found"); rejects when it cannot run or fails otherwise.
 */
export function runCredentialHelper(
  helper: string,
  serverUrl: string,
  options: HelperOptions = {},
): Promise<{ username: string; secret: string } | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new DuatError(
          `${program} did not answer within ${Math.round((options.timeoutMs ?? 30000) / 1000)} s`,
        ),
      );
    }, options.timeoutMs ?? 30000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new DuatError(
          errorCode(e) === 'ENOENT'
            ? `the credential helper ${program} is not installed`
            : `${program}: ${errorMessage(e)}`,
          {
            hint: 'install it, or remove it from credsStore/credHelpers in the docker config',
          },
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code !== 0) {
        const message = `${stdout} ${Buffer.concat(err).toString('utf8')}`.trim();
        if (/credentials not found|not found in native keychain|no credentials/i.test(message)) {
          resolve(undefined);
          return;
        }
        reject(new DuatError(`${program} get failed (exit ${code}): ${message.split('\n')[0] ?? ''}`));
        return;
      }
      try {
        const json = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!json.Secret) {
          resolve(undefined);
          return;
        }
        registerSecret(json.Secret);
        resolve({ username: json.Username ?? '', secret: json.Secret });
      } catch {
        reject(new DuatError(`${program} get did not print JSON`));
      }
    });
    child.stdin.end(serverUrl);
  });
}

function fromHelper(result: { username: string; secret: string }, source: string): Credentials {
  // docker-credential helpers store identity tokens with the user name "<token>".
  if (result.username === '<token>') return { identityToken: result.secret, source };
  return { username: result.username, password: result.secret, source };
}

/**
 * Credentials for a registry from the docker config, in docker's order: a credHelpers entry for the
 * host, then credsStore, then auths. Undefined when there are none.
 */
export async function dockerConfigCredentials(
  registry: string,
  config: DockerConfig,
  options: HelperOptions = {},
): Promise<Credentials | undefined> {
  const host = normalizeConfigKey(registry);
  const helperEntry = Object.entries(config.json.credHelpers ?? {}).find(
    ([k]) => normalizeConfigKey(k) === host,
  );
  if (helperEntry) {
    const result = await runCredentialHelper(helperEntry[1], helperServerUrl(host), options);
    if (result) return fromHelper(result, `docker-credential-${helperEntry[1]}`);
  }
  if (config.json.credsStore) {
    const result = await runCredentialHelper(config.json.credsStore, helperServerUrl(host), options);
    if (result) return fromHelper(result, `docker-credential-${config.json.credsStore}`);
  }
  const entry = Object.entries(config.json.auths ?? {}).find(([k]) => normalizeConfigKey(k) === host)?.[1];
  if (!entry) return undefined;
  const source = `${config.path} auths`;
  if (entry.identitytoken) {
    registerSecret(entry.identitytoken);
    return { identityToken: entry.identitytoken, source };
  }
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) {
      throw new DuatError(`the auths entry for ${host} is not base64 of user:password`, {
        file: config.path,
      });
    }
    const password = decoded.slice(colon + 1);
    registerSecret(password);
    registerSecret(entry.auth);
    return { username: decoded.slice(0, colon), password, source };
  }
  if (entry.username && entry.password) {
    registerSecret(entry.password);
    return { username: entry.username, password: entry.password, source };
  }
  return undefined;
}
