/**
 * sprig v3.3.0's b64enc, b64dec, b32enc, b32dec (strings.go). The decoders do not fail: on bad input
 * they return the decoder's error text as the result (`illegal base64 data at input byte 4`). Decoded
 * bytes that are not UTF-8 are kept as escaped bytes (text/utf8.ts).
 */
import { defineFunc, type GoFunc, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { base32Decode, base32Encode, base64Decode, base64Encode, CorruptInputError } from './text/baseenc.js';
import { fromBytes, toBytes } from './text/utf8.js';

function decoded(decode: (b: Uint8Array) => Uint8Array, v: Value): string {
  try {
    return fromBytes(decode(toBytes(v as string)));
  } catch (e) {
    if (e instanceof CorruptInputError) return e.message;
    throw e;
  }
}

export function encodingFuncs(_ctx: FuncContext): Record<string, GoFunc> {
  const sig = { params: ['string'], result: 'string' };
  return {
    b64enc: defineFunc('b64enc', sig, (v) => base64Encode(toBytes(v as string))),
    b64dec: defineFunc('b64dec', sig, (v) => decoded(base64Decode, v)),
    b32enc: defineFunc('b32enc', sig, (v) => base32Encode(toBytes(v as string))),
    b32dec: defineFunc('b32dec', sig, (v) => decoded(base32Decode, v)),
  };
}
