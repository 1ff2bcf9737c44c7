/**
 * Reads fmt-cases.jsonl (outputs of Go's fmt, made by gencases.go.txt) and rebuilds each operand
 * in the template value model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GoComplex,
  GoFloat32,
  GoInt,
  GoNil,
  GoObject,
  type IntTypeName,
  typedMap,
  typedSlice,
  type Value,
} from '../../../src/template/value.js';
import { repoRoot } from '../../helpers/paths.js';

/** One operand as gencases.go.txt describes it. */
export interface Encoded {
  t: string;
  v?: unknown;
  bits?: string;
  re?: string;
  im?: string;
  hex?: string;
  nil?: boolean;
  fields?: [string, Encoded][];
  str?: string;
  panic?: string;
}

export interface Row {
  fn: 'sprintf' | 'sprint' | 'sprintln';
  format?: string;
  args: Encoded[];
  want: string;
}

const INT_TYPES = new Set([
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
]);

function float64FromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function float32FromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, Number.parseInt(hex, 16));
  return view.getFloat32(0);
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function decode(e: Encoded): Value {
  const t = e.t;
  if (t === 'nil') return null;
  if (e.nil) return new GoNil(t);
  if (t === 'string' || t === 'bool') return e.v as string | boolean;
  if (INT_TYPES.has(t)) return new GoInt(t as IntTypeName, BigInt(e.v as string));
  if (t === 'float64') return float64FromBits(e.bits as string);
  if (t === 'float32') return new GoFloat32(float32FromBits(e.bits as string));
  if (t === 'complex128')
    return new GoComplex(float64FromBits(e.re as string), float64FromBits(e.im as string));
  if (e.hex !== undefined) {
    if (t !== '[]uint8') throw new Error(`byte slice of type ${t}`);
    return hexBytes(e.hex);
  }
  if (t.startsWith('[]')) return typedSlice((e.v as Encoded[]).map(decode), t);
  if (t.startsWith('map[')) {
    const entries = e.v as [string, Encoded][];
    return typedMap(new Map(entries.map(([k, v]) => [k, decode(v)])), t);
  }
  if (e.fields !== undefined) {
    const fields = new Map(e.fields.map(([k, v]) => [k, decode(v)]));
    let format: (() => string) | undefined;
    if (e.panic !== undefined) {
      const message = e.panic;
      format = () => {
        throw new Error(message);
      };
    } else if (e.str !== undefined) {
      const s = e.str;
      format = () => s;
    }
    return new GoObject(t, fields, {}, format);
  }
  throw new Error(`cannot decode ${JSON.stringify(e)}`);
}

export function loadRows(): Row[] {
  const text = readFileSync(join(repoRoot, 'test', 'template', 'gofmt', 'fmt-cases.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Row);
}
