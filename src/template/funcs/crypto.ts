/**
 * sprig v3.3.0's crypto.go: digests, adler32, bcrypt/htpasswd, derivePassword (Master Password
 * algorithm: scrypt then HMAC-SHA256), AES-256-CBC encryptAES/decryptAES, randBytes and
 * genPrivateKey. Randomness (salts, IVs, randBytes) comes from ctx.randomBytes.
 * The certificate functions are in certs.ts.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, scryptSync } from 'node:crypto';
import { defineFunc, FuncError, type GoFunc, type GoInt, type Value } from '../value.js';
import { certificateFuncs } from './certs.js';
import type { FuncContext } from './context.js';
import { base64Decode, base64Encode, CorruptInputError } from './text/baseenc.js';
import { BcryptError, generateFromPassword } from './text/bcrypt.js';
import { generatePrivateKey } from './text/keys.js';
import { fromBytes, toBytes } from './text/utf8.js';

const str = (v: Value): string => v as string;

function digest(algorithm: string, input: string): string {
  return createHash(algorithm).update(toBytes(input)).digest('hex');
}

/** hash/adler32.Checksum. */
export function adler32(b: Uint8Array): number {
  const MOD = 65521;
  let s1 = 1;
  let s2 = 0;
  for (let i = 0; i < b.length; ) {
    // 5552 is the largest n such that 255n(n+1)/2 + (n+1)(MOD-1) fits in 32 bits.
    const end = Math.min(i + 5552, b.length);
    for (; i < end; i++) {
      s1 += b[i] as number;
      s2 += s1;
    }
    s1 %= MOD;
    s2 %= MOD;
  }
  return ((s2 << 16) | s1) >>> 0;
}

/** sprig's bcrypt: a "$2a$10$..." hash, or the failure text as the result. */
function bcrypt(ctx: FuncContext, input: string): string {
  try {
    return generateFromPassword(toBytes(input), 10, ctx.randomBytes(16));
  } catch (e) {
    if (e instanceof BcryptError) return `failed to encrypt string with bcrypt: ${e.message}`;
    throw e;
  }
}

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword';

const PASSWORD_TYPE_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function uint32BE(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** sprig's derivePassword (the Master Password algorithm). */
export function derivePassword(
  counter: number,
  passwordType: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = Object.hasOwn(PASSWORD_TYPE_TEMPLATES, passwordType)
    ? PASSWORD_TYPE_TEMPLATES[passwordType]
    : undefined;
  if (!templates) return `cannot find password template ${passwordType}`;
  const seed = Buffer.from(MASTER_PASSWORD_SEED);
  const userBytes = toBytes(user);
  const salt = Buffer.concat([seed, uint32BE(userBytes.length), userBytes]);
  const key = scryptSync(toBytes(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const siteBytes = toBytes(site);
  const message = Buffer.concat([seed, uint32BE(siteBytes.length), siteBytes, uint32BE(counter)]);
  const hmac = createHmac('sha256', key).update(message).digest();
  const template = templates[(hmac[0] as number) % templates.length] as string;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const passChars = TEMPLATE_CHARACTERS[template[i] as string] as string;
    out += passChars[(hmac[i + 1] as number) % passChars.length];
  }
  return out;
}

/** The 32-byte AES key sprig makes from a password: its bytes, zero padded or truncated. */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(toBytes(password)).copy(key, 0, 0, 32);
  return key;
}

/** sprig's encryptAES: base64(IV || AES-256-CBC(PKCS#7-padded plaintext)). */
function encryptAES(ctx: FuncContext, password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const content = toBytes(plaintext);
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([Buffer.from(content), Buffer.alloc(padding, padding)]);
  const iv = Buffer.from(ctx.randomBytes(16));
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv).setAutoPadding(false);
  const body = Buffer.concat([cipher.update(padded), cipher.final()]);
  return base64Encode(Buffer.concat([iv, body]));
}

/** sprig's decryptAES, panicking where sprig's slicing and CryptBlocks panic. */
function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  let crypt: Uint8Array;
  try {
    crypt = base64Decode(toBytes(crypt64));
  } catch (e) {
    if (e instanceof CorruptInputError) throw new FuncError(e.message);
    throw e;
  }
  if (crypt.length < 16) {
    throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  }
  const iv = crypt.subarray(0, 16);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), iv).setAutoPadding(false);
  const decrypted = Buffer.concat([decipher.update(body), decipher.final()]);
  if (decrypted.length === 0) throw new Error('runtime error: index out of range [-1]');
  const end = decrypted.length - (decrypted[decrypted.length - 1] as number);
  if (end < 0) throw new Error(`runtime error: slice bounds out of range [:${end}]`);
  return fromBytes(decrypted.subarray(0, end));
}

/** sprig's randBytes: base64 of count crypto random bytes. */
function randBytes(ctx: FuncContext, count: number): string {
  if (count < 0) throw new Error('runtime error: makeslice: len out of range');
  return base64Encode(ctx.randomBytes(count));
}

export function cryptoFuncs(ctx: FuncContext): Record<string, GoFunc> {
  const S = 'string';
  const I = 'int';
  const list: GoFunc[] = [
    defineFunc('sha1sum', { params: [S], result: S }, (s) => digest('sha1', str(s))),
    defineFunc('sha256sum', { params: [S], result: S }, (s) => digest('sha256', str(s))),
    defineFunc('sha512sum', { params: [S], result: S }, (s) => digest('sha512', str(s))),
    defineFunc('adler32sum', { params: [S], result: S }, (s) => String(adler32(toBytes(str(s))))),
    defineFunc('bcrypt', { params: [S], result: S }, (s) => bcrypt(ctx, str(s))),
    defineFunc('htpasswd', { params: [S, S], result: S }, (user, pw) =>
      str(user).includes(':') ? `invalid username: ${str(user)}` : `${str(user)}:${bcrypt(ctx, str(pw))}`,
    ),
    defineFunc('randBytes', { params: [I], result: S, error: true }, (n) =>
      randBytes(ctx, Number((n as GoInt).value)),
    ),
    defineFunc('derivePassword', { params: ['uint32', S, S, S, S], result: S }, (c, t, pw, user, site) =>
      derivePassword(Number((c as GoInt).value), str(t), str(pw), str(user), str(site)),
    ),
    defineFunc('genPrivateKey', { params: [S], result: S }, (t) => generatePrivateKey(str(t))),
    defineFunc('encryptAES', { params: [S, S], result: S, error: true }, (pw, text) =>
      encryptAES(ctx, str(pw), str(text)),
    ),
    defineFunc('decryptAES', { params: [S, S], result: S, error: true }, (pw, text) =>
      decryptAES(str(pw), str(text)),
    ),
  ];
  return { ...Object.fromEntries(list.map((fn) => [fn.name, fn])), ...certificateFuncs(ctx) };
}
