/** The values a stencil template sees on top of .Env and .duat: values files, then -values k=v. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DuatError, describeFsError, errorMessage, UsageError } from '../core/errors.js';
import { decodeJsonValues, decodeTomlValues, decodeYamlValues } from '../template/funcs/values-files.js';
import type { GoMap } from '../template/value.js';

/**
 * Parses `-values k=v,k2="v 2"`: pairs separated by commas, surrounding single or double quotes
 * stripped from values (as the original), later keys winning.
 */
export function parseValuesFlag(text: string | readonly string[]): Record<string, string> {
  const items = typeof text === 'string' ? text.split(',') : text.flatMap((t) => t.split(','));
  const out: Record<string, string> = {};
  for (const item of items) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`"${item}" is not a key=value pair`, {
        hint: 'write -values key=value,other=value',
      });
    }
    let value = item.slice(eq + 1);
    if (
      value.length >= 2 &&
      ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))
    ) {
      value = value.slice(1, -1);
    }
    out[item.slice(0, eq).trim()] = value;
  }
  return out;
}

/** Decodes one values file by its extension (.json, .yaml/.yml, .toml) into a map. */
export function readValuesFile(path: string): GoMap {
  const ext = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml', '.toml'].includes(ext)) {
    throw new DuatError(`unsupported values file type "${ext || '(none)'}"`, {
      file: path,
      hint: 'values files must end in .json, .yaml, .yml or .toml',
    });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DuatError(`cannot read: ${describeFsError(err)}`, { file: path, cause: err });
  }
  try {
    if (ext === '.json') return decodeJsonValues(text, path);
    if (ext === '.toml') return decodeTomlValues(text, path);
    return decodeYamlValues(text, path);
  } catch (err) {
    if (err instanceof DuatError) throw err;
    throw new DuatError(errorMessage(err), { cause: err });
  }
}
