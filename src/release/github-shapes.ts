/**
 * GitHub's answers checked before use: a release, a list of releases, an asset, a list of assets.
 * The fields duat reads must be there with the right types, or the answer is refused with one line
 * naming what was wrong (`GitHub's answer to "list the releases" is not what the API describes: [2].id
 * is missing`), never a TypeError later. An answer that is not JSON at all (an HTML page of a proxy,
 * plain text, bytes) is named as such.
 *
 * Hand-written type guards rather than a schema library: they are four shapes of a few fields, the
 * messages name the field as a user would look for it, and the CLI bundle stays free of a validator
 * (ajv is only a test dependency, for checking the fake GitHub against GitHub's OpenAPI description).
 */
import { DuatError } from '../core/errors.js';
import type { GitHubAsset } from './assets.js';
import type { GitHubRelease } from './release.js';

type Check = (value: unknown) => string | undefined;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isString: Check = (v) => (typeof v === 'string' ? undefined : `${kindOf(v)}, not a string`);
const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : `${kindOf(v)}, not true or false`);
const isId: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0
    ? undefined
    : `${kindOf(v)}, not a positive whole number`;
const isSize: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
    ? undefined
    : `${kindOf(v)}, not a size in bytes`;
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || v === undefined ? undefined : check(v);

const RELEASE: Readonly<Record<string, Check>> = {
  id: isId,
  tag_name: isString,
  name: orNull(isString),
  html_url: isString,
  upload_url: isString,
  draft: isBoolean,
  prerelease: isBoolean,
  target_commitish: isString,
};

const ASSET: Readonly<Record<string, Check>> = {
  id: isId,
  name: isString,
  size: isSize,
  state: isString,
  content_type: isString,
  digest: orNull(isString),
  browser_download_url: isString,
};

/** What is wrong with an answer that is not JSON, or undefined when it is parsed JSON. */
function notJson(data: unknown): string | undefined {
  if (typeof data === 'string') {
    if (/^\s*</.test(data)) return 'it is an HTML page, not JSON';
    return data.trim() === '' ? 'it is empty, not JSON' : 'it is text, not JSON';
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return 'it is bytes, not JSON';
  if (data === undefined) return 'it is empty, not JSON';
  return undefined;
}

function objectProblem(
  value: unknown,
  fields: Readonly<Record<string, Check>>,
  at: string,
): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${at || 'the answer'} is ${kindOf(value)}, not an object`;
  }
  const record = value as Record<string, unknown>;
  for (const [field, check] of Object.entries(fields)) {
    const name = at ? `${at}.${field}` : field;
    if (!(field in record) && check(undefined) !== undefined) return `${name} is missing`;
    const problem = check(record[field]);
    if (problem !== undefined) return `${name} is ${problem}`;
  }
  return undefined;
}

function listProblem(value: unknown, fields: Readonly<Record<string, Check>>): string | undefined {
  if (!Array.isArray(value)) return `the answer is ${kindOf(value)}, not a list`;
  for (const [i, item] of value.entries()) {
    const problem = objectProblem(item, fields, `[${i}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function refuse(doing: string, problem: string): DuatError {
  return new DuatError(`GitHub's answer to "${doing}" is not what the API describes: ${problem}`, {
    hint: 'check the API URL (GITHUB_API_URL, --api-url) and any proxy in between',
  });
}

function checked<T>(data: unknown, doing: string, problemOf: (v: unknown) => string | undefined): T {
  const problem = notJson(data) ?? problemOf(data);
  if (problem !== undefined) throw refuse(doing, problem);
  return data as T;
}

export function checkRelease(data: unknown, doing: string): GitHubRelease {
  return checked(data, doing, (v) => objectProblem(v, RELEASE, ''));
}

export function checkReleases(data: unknown, doing: string): GitHubRelease[] {
  return checked(data, doing, (v) => listProblem(v, RELEASE));
}

export function checkAsset(data: unknown, doing: string): GitHubAsset {
  return checked(data, doing, (v) => objectProblem(v, ASSET, ''));
}

export function checkAssets(data: unknown, doing: string): GitHubAsset[] {
  return checked(data, doing, (v) => listProblem(v, ASSET));
}
