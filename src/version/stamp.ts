/**
 * The pre-release time stamp of the original duat: the Unix time in seconds as 8 big-endian bytes,
 * encoded in base 25 with the alphabet `abcdefghijkmnopqrstuvwxyz` (no `l`) the way
 * github.com/eknkc/basex encodes bytes: one `a` per leading zero byte, then the rest of the number in
 * base 25. From 1977 (25^6 s) to 2106 (2^32 s) every stamp has 11 letters, so stamps sort as strings in
 * time order; across a length change they do not.
 */
export const STAMP_ALPHABET = 'abcdefghijkmnopqrstuvwxyz';
const BASE = 25n;

/** Encodes Unix seconds (0 <= s < 2^63) as the original's stamp. */
export function encodeStamp(unixSeconds: number | bigint): string {
  const seconds = BigInt(unixSeconds);
  if (seconds < 0n || seconds >= 1n << 63n) {
    throw new RangeError(`a pre-release stamp needs a time from 1970 on, not ${seconds} s`);
  }
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, seconds);
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let digits = '';
  for (let n = seconds; n > 0n; n /= BASE) digits = STAMP_ALPHABET[Number(n % BASE)] + digits;
  return 'a'.repeat(zeros) + digits;
}

/**
 * Decodes a stamp back to Unix seconds, or undefined when `stamp` is not one (wrong letters, not 8
 * bytes, or not the canonical encoding of its value).
 */
export function decodeStamp(stamp: string): bigint | undefined {
  if (stamp.length === 0 || stamp.length > 16) return undefined;
  let zeros = 0;
  while (zeros < stamp.length && stamp[zeros] === 'a') zeros++;
  let n = 0n;
  for (const ch of stamp.slice(zeros)) {
    const d = STAMP_ALPHABET.indexOf(ch);
    if (d < 0) return undefined;
    n = n * BASE + BigInt(d);
  }
  let significant = 0;
  for (let m = n; m > 0n; m >>= 8n) significant++;
  if (zeros + significant !== 8) return undefined;
  return encodeStamp(n) === stamp ? n : undefined;
}
