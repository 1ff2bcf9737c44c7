/**
 * encoding/base64 and encoding/base32 StdEncoding as Go implements them, including which inputs are
 * rejected and the byte offset in `illegal base64 data at input byte N` (CorruptInputError).
 */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const PAD = 0x3d; // '='

function decodeMap(alphabet: string): Uint8Array {
  const m = new Uint8Array(256).fill(0xff);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const B64_MAP = decodeMap(B64);
const B32_MAP = decodeMap(B32);

export class CorruptInputError extends Error {
  constructor(kind: 'base64' | 'base32', offset: number) {
    super(`illegal ${kind} data at input byte ${offset}`);
  }
}

export function base64Encode(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
}

/** base64.StdEncoding.DecodeString (non-strict; '\r' and '\n' are skipped). */
export function base64Decode(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let si = 0;
  const corrupt = (n: number): CorruptInputError => new CorruptInputError('base64', n);
  while (si < src.length) {
    // decodeQuantum
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: CorruptInputError | undefined;
    for (let j = 0; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) return Uint8Array.from(out);
        // j == 1, or padding is required.
        throw corrupt(si - j);
      }
      const ch = src[si] as number;
      si++;
      const v = B64_MAP[ch] as number;
      if (v !== 0xff) {
        dbuf[j] = v;
        continue;
      }
      if (ch === 0x0a || ch === 0x0d) {
        j--;
        continue;
      }
      if (ch !== PAD) throw corrupt(si - 1);
      // We've reached the end and there's padding.
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        // "==" is expected; the first "=" is already consumed.
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== PAD) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) trailing = corrupt(si);
      dlen = j;
      break;
    }
    const val =
      ((dbuf[0] as number) << 18) |
      ((dbuf[1] as number) << 12) |
      ((dbuf[2] as number) << 6) |
      (dbuf[3] as number);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k] as number);
    if (trailing) throw trailing;
  }
  return Uint8Array.from(out);
}

export function base32Encode(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 5) {
    const chunk = [0, 0, 0, 0, 0];
    const n = Math.min(5, b.length - i);
    for (let k = 0; k < n; k++) chunk[k] = b[i + k] as number;
    // 40 bits as 8 groups of 5.
    let bits = 0n;
    for (const x of chunk) bits = (bits << 8n) | BigInt(x);
    const chars = Math.ceil((n * 8) / 5);
    for (let k = 0; k < 8; k++) {
      if (k < chars) out += B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)];
      else out += '=';
    }
  }
  return out;
}

/** base32.StdEncoding.DecodeString: newlines stripped first, then strict quanta with padding. */
export function base32Decode(input: Uint8Array): Uint8Array {
  const src = input.filter((b) => b !== 0x0a && b !== 0x0d);
  const olen = src.length;
  const out: number[] = [];
  let at = 0;
  let end = false;
  const corrupt = (n: number): CorruptInputError => new CorruptInputError('base32', n);
  while (src.length - at > 0 && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      const left = src.length - at;
      if (left === 0) throw corrupt(olen - left - j);
      const ch = src[at] as number;
      at++;
      const rest = src.length - at;
      if (ch === PAD && j >= 2 && rest < 8) {
        if (rest + j < 8 - 1) throw corrupt(olen);
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (rest > k && src[at + k] !== PAD) throw corrupt(olen - rest + k - 1);
        }
        dlen = j;
        end = true;
        // 1, 3 and 6 are not valid quantum lengths.
        if (dlen === 1 || dlen === 3 || dlen === 6) throw corrupt(olen - rest - 1);
        break;
      }
      const v = B32_MAP[ch] as number;
      if (v === 0xff) throw corrupt(olen - rest - 1);
      dbuf[j] = v;
      j++;
    }
    const d = dbuf as [number, number, number, number, number, number, number, number];
    const bytes = [
      ((d[0] << 3) | (d[1] >> 2)) & 0xff,
      ((d[1] << 6) | (d[2] << 1) | (d[3] >> 4)) & 0xff,
      ((d[3] << 4) | (d[4] >> 1)) & 0xff,
      ((d[4] << 7) | (d[5] << 2) | (d[6] >> 3)) & 0xff,
      ((d[6] << 5) | d[7]) & 0xff,
    ];
    const count = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0;
    for (let k = 0; k < count; k++) out.push(bytes[k] as number);
  }
  return Uint8Array.from(out);
}
