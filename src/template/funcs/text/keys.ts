/**
 * sprig's genPrivateKey over node:crypto: the PEM blocks Go writes (pem.EncodeToMemory of
 * pemBlockForKey): "RSA PRIVATE KEY" (PKCS#1, 4096 bits), "EC PRIVATE KEY" (SEC 1, P-256),
 * "PRIVATE KEY" (PKCS#8, ed25519) and "DSA PRIVATE KEY" (sprig's DSAKeyFormat: the ASN.1 sequence
 * version, P, Q, G, Y, X of L2048N256 parameters).
 */
import { generateKeyPairSync } from 'node:crypto';

/** pem.EncodeToMemory for a block without headers: base64 in lines of 64 characters. */
export function pemEncode(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}

// ---- minimal DER ----------------------------------------------------------------------------------

interface Tlv {
  tag: number;
  content: Uint8Array;
  end: number;
}

function readTlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at] as number;
  let len = b[at + 1] as number;
  let i = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + (b[i + k] as number);
    i += n;
  }
  return { tag, content: b.subarray(i, i + len), end: i + len };
}

function children(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < content.length; ) {
    const t = readTlv(content, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

function toBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, content: readonly number[]): number[] {
  return [tag, ...encodeLength(content.length), ...content];
}

/** An ASN.1 INTEGER for a non-negative value (minimal, with a leading 0 when the top bit is set). */
function derInteger(n: bigint): number[] {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = [...Buffer.from(hex, 'hex')];
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(0x02, bytes);
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** A DSA key in sprig's DSAKeyFormat, from node's PKCS#8 export. */
function dsaKeyFormat(pkcs8: Uint8Array): Uint8Array {
  // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { oid, Dss-Parms { p, q, g } }, OCTET STRING { x } }
  const [, alg, priv] = children(readTlv(pkcs8, 0).content) as [Tlv, Tlv, Tlv];
  const [, params] = children(alg.content) as [Tlv, Tlv];
  const [p, q, g] = children(params.content).map((t) => toBigInt(t.content)) as [bigint, bigint, bigint];
  const x = toBigInt(readTlv(priv.content, 0).content);
  const y = modPow(g, x, p);
  return Uint8Array.from(tlv(0x30, [...derInteger(0n), ...[p, q, g, y, x].flatMap(derInteger)]));
}

/** generatePrivateKey(typ): the PEM text, or sprig's message for an unknown type. */
export function generatePrivateKey(typ: string): string {
  switch (typ) {
    case '':
    case 'rsa': {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
      return pemEncode('RSA PRIVATE KEY', privateKey.export({ type: 'pkcs1', format: 'der' }));
    }
    case 'dsa': {
      const { privateKey } = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
      return pemEncode('DSA PRIVATE KEY', dsaKeyFormat(privateKey.export({ type: 'pkcs8', format: 'der' })));
    }
    case 'ecdsa': {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return pemEncode('EC PRIVATE KEY', privateKey.export({ type: 'sec1', format: 'der' }));
    }
    case 'ed25519': {
      const { privateKey } = generateKeyPairSync('ed25519');
      return pemEncode('PRIVATE KEY', privateKey.export({ type: 'pkcs8', format: 'der' }));
    }
    default:
      return `Unknown type ${typ}`;
  }
}
