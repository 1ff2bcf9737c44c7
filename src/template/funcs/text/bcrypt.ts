/**
 * golang.org/x/crypto/bcrypt (v0.26.0, the version sprig v3.3.0 pins) over a port of
 * golang.org/x/crypto/blowfish. Blowfish's initial P-array and S-boxes are the hexadecimal digits of
 * pi's fraction; they are computed once (Machin's formula on BigInt) instead of being spelled out.
 *
 * Hand-written rather than bcryptjs because Go hashes a string's bytes and bcryptjs only takes a
 * JavaScript string, which it encodes as UTF-8: a password that is not valid UTF-8 (`b64dec` of
 * binary data, `\xff` in a literal) would be hashed as other bytes, and the hash would not verify
 * where Go's does. (bcryptjs is about 1.5 times faster; both give the same hash for UTF-8 text.)
 */

const WORDS = 18 + 4 * 256;

let piWords: Uint32Array | undefined;

/** The first 1042 32-bit words of pi's fractional part: Blowfish's P-array then S-boxes 0..3. */
function blowfishInit(): Uint32Array {
  if (piWords) return piWords;
  const bits = BigInt(WORDS * 32 + 64);
  const one = 1n << bits;
  // arctan(1/x) scaled by 2^bits.
  const arctanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      term /= x2;
      const t = term / (2n * k + 1n);
      sum += k % 2n === 1n ? -t : t;
    }
    return sum;
  };
  const pi = 16n * arctanInv(5n) - 4n * arctanInv(239n);
  const frac = pi - (3n << bits);
  const words = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) {
    words[i] = Number((frac >> (bits - BigInt(32 * (i + 1)))) & 0xffffffffn);
  }
  piWords = words;
  return words;
}

/** blowfish.Cipher: p (18 words) and s (4 x 256 words) in one array: p at 0, s0 at 18, ... */
class Blowfish {
  readonly w: Uint32Array;
  constructor() {
    this.w = Uint32Array.from(blowfishInit());
  }

  private f(x: number): number {
    const w = this.w;
    return (
      ((((w[18 + (x >>> 24)] as number) + (w[274 + ((x >>> 16) & 0xff)] as number)) ^
        (w[530 + ((x >>> 8) & 0xff)] as number)) +
        (w[786 + (x & 0xff)] as number)) >>>
      0
    );
  }

  /** encryptBlock: 16 Feistel rounds. */
  encrypt(l: number, r: number): [number, number] {
    const p = this.w;
    let xl = (l ^ (p[0] as number)) >>> 0;
    let xr = r;
    for (let i = 1; i <= 16; i += 2) {
      xr = (xr ^ this.f(xl) ^ (p[i] as number)) >>> 0;
      xl = (xl ^ this.f(xr) ^ (p[i + 1] as number)) >>> 0;
    }
    xr = (xr ^ (p[17] as number)) >>> 0;
    return [xr, xl];
  }

  /** Rewrites P and S with successive encryptions, xoring in salt words when given. */
  private rekey(salt: Uint8Array | undefined): void {
    let l = 0;
    let r = 0;
    let j = 0;
    for (let i = 0; i < WORDS; i += 2) {
      if (salt) {
        [l, j] = nextWord(salt, j, l);
        [r, j] = nextWord(salt, j, r);
      }
      [l, r] = this.encrypt(l, r);
      this.w[i] = l;
      this.w[i + 1] = r;
    }
  }

  private xorKey(key: Uint8Array): void {
    let j = 0;
    for (let i = 0; i < 18; i++) {
      let d: number;
      [d, j] = nextWord(key, j, 0);
      this.w[i] = ((this.w[i] as number) ^ d) >>> 0;
    }
  }

  /** blowfish.ExpandKey. */
  expandKey(key: Uint8Array): void {
    this.xorKey(key);
    this.rekey(undefined);
  }

  /** expandKeyWithSalt (NewSaltedCipher). */
  expandKeyWithSalt(key: Uint8Array, salt: Uint8Array): void {
    this.xorKey(key);
    this.rekey(salt);
  }
}

/** getNextWord: 4 bytes big-endian, cycling through b; the word is xored into `into`. */
function nextWord(b: Uint8Array, pos: number, into: number): [number, number] {
  let w = 0;
  let j = pos;
  for (let i = 0; i < 4; i++) {
    w = ((w << 8) | (b[j] as number)) >>> 0;
    j++;
    if (j >= b.length) j = 0;
  }
  return [(into ^ w) >>> 0, j];
}

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** bcrypt's base64 (its own alphabet, no padding). */
function bcEncode(b: Uint8Array): string {
  const std = Buffer.from(b).toString('base64').replace(/=+$/, '');
  return [...std].map((c) => ALPHABET[STD.indexOf(c)]).join('');
}

function bcDecode(s: string): Uint8Array {
  const std = [...s].map((c) => STD[ALPHABET.indexOf(c)]).join('');
  return new Uint8Array(Buffer.from(std, 'base64'));
}

const MAGIC = new TextEncoder().encode('OrpheanBeholderScryDoubt');

export class BcryptError extends Error {}

/** bcrypt(password, cost, salt): the 31-character hash part for an encoded 22-character salt. */
export function bcryptHash(password: Uint8Array, cost: number, encodedSalt: string): string {
  const csalt = bcDecode(encodedSalt);
  // Bug compatibility with C bcrypt: the key includes its trailing NUL.
  const ckey = new Uint8Array(password.length + 1);
  ckey.set(password);
  const c = new Blowfish();
  c.expandKeyWithSalt(ckey, csalt);
  const rounds = 2 ** cost;
  for (let i = 0; i < rounds; i++) {
    c.expandKey(ckey);
    c.expandKey(csalt);
  }
  const data = Uint8Array.from(MAGIC);
  const view = new DataView(data.buffer);
  for (let i = 0; i < 24; i += 8) {
    let l = view.getUint32(i);
    let r = view.getUint32(i + 4);
    for (let j = 0; j < 64; j++) [l, r] = c.encrypt(l, r);
    view.setUint32(i, l);
    view.setUint32(i + 4, r);
  }
  return bcEncode(data.subarray(0, 23));
}

/** bcrypt.GenerateFromPassword(password, cost) with a 16-byte salt. */
export function generateFromPassword(password: Uint8Array, cost0: number, salt: Uint8Array): string {
  if (password.length > 72) throw new BcryptError('bcrypt: password length exceeds 72 bytes');
  const cost = cost0 < 4 ? 10 : cost0;
  if (cost > 31) throw new BcryptError(`crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`);
  const encodedSalt = bcEncode(salt);
  return `$2a$${String(cost).padStart(2, '0')}$${encodedSalt}${bcryptHash(password, cost, encodedSalt)}`;
}
