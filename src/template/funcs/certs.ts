/**
 * sprig v3.3.0's certificate functions (crypto.go): genCA, genCAWithKey, genSelfSignedCert,
 * genSelfSignedCertWithKey, genSignedCert, genSignedCertWithKey and buildCustomCert. A certificate
 * is built as Go's x509.CreateCertificate builds sprig's template: X.509 v3, a random 128-bit
 * serial, CN only, the validity asked for (UTCTime before 2050), key usage (critical), server and
 * client auth, basic constraints (critical), a subject key id on CAs (RFC 7093 method 1, as Go 1.26),
 * the authority key id of the signer, and DNS then IP subject alternative names; PEM blocks
 * "CERTIFICATE" and "RSA PRIVATE KEY" (new keys are RSA 2048), or the block of the key given.
 *
 * The DER comes from @peculiar/asn1-x509's schema and the keys and signatures from node:crypto:
 * both synchronous, as template functions must be. (@peculiar/x509 and PKI.js sign through
 * WebCrypto, which is asynchronous; node-forge signs only with RSA keys, and sprig's *WithKey
 * functions take the ECDSA and Ed25519 keys of genPrivateKey too.) The ASN.1 library is loaded on
 * first use: loading it costs more than most renders, and most never make a certificate.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import type * as Asn1Schema from '@peculiar/asn1-schema';
import type * as Asn1X509 from '@peculiar/asn1-x509';
import { sprint } from '../gofmt.js';
import { quote } from '../strconv.js';
import { defineFunc, FuncError, type GoFunc, type GoInt, GoObject, type Value } from '../value.js';
import type { FuncContext } from './context.js';
import { base64Decode, CorruptInputError } from './text/baseenc.js';
import { pemEncode } from './text/keys.js';
import { fromBytes, toBytes } from './text/utf8.js';

/** The Go type of sprig's certificate struct, as %T prints it. */
export const CERTIFICATE_TYPE = 'sprig.certificate';

interface Asn1 {
  schema: typeof Asn1Schema;
  x509: typeof Asn1X509;
}

let asn1: Asn1 | undefined;

function lib(): Asn1 {
  if (!asn1) {
    const require = createRequire(import.meta.url);
    asn1 = {
      schema: require('@peculiar/asn1-schema') as typeof Asn1Schema,
      x509: require('@peculiar/asn1-x509') as typeof Asn1X509,
    };
  }
  return asn1;
}

// ---- keys ---------------------------------------------------------------------------------------

/** A private key as sprig's parsePrivateKeyPEM returns it: one node:crypto handles, or a DSA key. */
type PrivateKey = { kind: 'node'; key: KeyObject } | { kind: 'dsa' };

/** encoding/pem.Decode: the first PEM block of the text (headers skipped), or undefined. */
function pemDecode(text: string): { type: string; bytes: Uint8Array } | undefined {
  const re = /(?:^|\n)-----BEGIN ([^\n]*?)-----[ \t\r]*\n([\s\S]*?)(?:^|\n)-----END \1-----/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let body = m[2] as string;
    const blank = body.search(/\r?\n\r?\n/);
    if (/^[^\n]*:/.test(body) && blank >= 0) body = body.slice(blank);
    const b64 = body.replace(/[\s]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) continue;
    return { type: m[1] as string, bytes: new Uint8Array(Buffer.from(b64, 'base64')) };
  }
  return undefined;
}

function nodeKey(der: Uint8Array, type: 'pkcs1' | 'sec1' | 'pkcs8'): KeyObject {
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type });
}

/** sprig's parsePrivateKeyPEM, with Go's messages (the DER parser's own detail is node's). */
function parsePrivateKeyPEM(text: string): PrivateKey {
  const block = pemDecode(text);
  if (!block) throw new Error('no PEM data in input');
  const detail = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  if (block.type === 'PRIVATE KEY') {
    let key: KeyObject;
    try {
      key = nodeKey(block.bytes, 'pkcs8');
    } catch (e) {
      throw new Error(`decoding PEM as PKCS#8: ${detail(e)}`);
    }
    if (!['rsa', 'ec', 'ed25519', 'x25519'].includes(key.asymmetricKeyType ?? '')) {
      throw new Error(
        `decoding PEM as PKCS#8: x509: PKCS#8 wrapping contained private key with unknown algorithm: ${key.asymmetricKeyType}`,
      );
    }
    return { kind: 'node', key };
  }
  if (!block.type.endsWith(' PRIVATE KEY')) {
    throw new Error(`no private key data in PEM block of type ${block.type}`);
  }
  const kind = block.type.slice(0, -' PRIVATE KEY'.length);
  try {
    if (kind === 'RSA') return { kind: 'node', key: nodeKey(block.bytes, 'pkcs1') };
    if (kind === 'EC') return { kind: 'node', key: nodeKey(block.bytes, 'sec1') };
    if (kind === 'DSA') {
      // sprig's DSAKeyFormat: SEQUENCE of six INTEGERs. Go cannot sign with DSA: only its shape matters.
      const ok = block.bytes[0] === 0x30 && block.bytes.length > 2;
      if (!ok) throw new Error("asn1: structure error: tags don't match");
      return { kind: 'dsa' };
    }
  } catch (e) {
    throw new Error(`parsing ${kind} private key from PEM: ${detail(e)}`);
  }
  throw new Error(`invalid private key type ${block.type}`);
}

/** sprig's pemBlockForKey, PEM-encoded. */
function pemForKey(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return pemEncode('RSA PRIVATE KEY', key.export({ type: 'pkcs1', format: 'der' }));
    case 'ec':
      return pemEncode('EC PRIVATE KEY', key.export({ type: 'sec1', format: 'der' }));
    default:
      return pemEncode('PRIVATE KEY', key.export({ type: 'pkcs8', format: 'der' }));
  }
}

function newRsaKey(): PrivateKey {
  return { kind: 'node', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
}

// ---- the certificate template -------------------------------------------------------------------

interface CertTemplate {
  readonly cn: string;
  readonly ips: readonly Uint8Array[];
  readonly dnsNames: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serial: Uint8Array;
  readonly isCA: boolean;
}

/** net.ParseIP: IPv4 dotted decimal or IPv6 (no zone), as 4 or 16 bytes; undefined otherwise. */
export function parseIP(s: string): Uint8Array | undefined {
  if (isIPv4(s)) return Uint8Array.from(s.split('.').map(Number));
  if (!isIPv6(s) || s.includes('%')) return undefined;
  // The URL parser writes an IPv6 address canonically: hex words, at most one "::".
  const canonical = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::') as [string, string | undefined];
  const words = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const left = words(head);
  const right = tail === undefined ? [] : words(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** The 4-byte form of an IPv4 or IPv4-mapped address (Go's To4), else the address. */
function to4(ip: Uint8Array): Uint8Array {
  if (ip.length === 4) return ip;
  const mapped = ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  return mapped ? ip.subarray(12) : ip;
}

function listItems(v: Value): Value[] {
  return Array.isArray(v) ? v : [];
}

/** sprig's getNetIPs. */
function netIPs(ips: Value): Uint8Array[] {
  return listItems(ips).map((ip) => {
    if (typeof ip !== 'string') throw new FuncError(`error parsing ip: ${sprint([ip])} is not a string`);
    const parsed = parseIP(ip);
    if (!parsed) throw new FuncError(`error parsing ip: ${ip}`);
    return parsed;
  });
}

/** sprig's getAlternateDNSStrs. */
function dnsNames(names: Value): string[] {
  return listItems(names).map((name) => {
    if (typeof name !== 'string') {
      throw new FuncError(`error processing alternate dns name: ${sprint([name])} is not a string`);
    }
    return name;
  });
}

const DAY_NANOS = 86_400_000_000_000n;

/** sprig's getBaseCertTemplate: now to now + days (Go's Duration wraps as int64 does), a random serial. */
function baseTemplate(
  ctx: FuncContext,
  cn: string,
  ips: Value,
  dns: Value,
  days: Value,
  isCA: boolean,
): CertTemplate {
  const ipAddresses = netIPs(ips);
  const names = dnsNames(dns);
  const serial = ctx.randomBytes(16);
  const now = ctx.nowNanos();
  const validFor = BigInt.asIntN(64, DAY_NANOS * (days as GoInt).value);
  // Go writes certificate times to the second.
  const at = (nanos: bigint): Date => {
    const seconds = nanos / 1_000_000_000n - (nanos % 1_000_000_000n < 0n ? 1n : 0n);
    return new Date(Number(seconds) * 1000);
  };
  return {
    cn,
    ips: ipAddresses,
    dnsNames: names,
    notBefore: at(now),
    notAfter: at(now + validFor),
    serial,
    isCA,
  };
}

// ---- x509.CreateCertificate ----------------------------------------------------------------------

/** What Go takes from a parsed parent certificate. */
interface Parent {
  readonly subject: Asn1X509.Name;
  readonly subjectDer: Uint8Array;
  readonly subjectKeyId: Uint8Array | undefined;
  readonly publicKeyDer: Uint8Array;
}

const OID = {
  rsaSha256: '1.2.840.113549.1.1.11',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  commonName: '2.5.4.3',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** signingParamsForKey: the signature algorithm and hash Go picks for a key. */
function signingParams(key: KeyObject): { algorithm: string; hash: string | null; nullParams: boolean } {
  if (key.asymmetricKeyType === 'rsa') return { algorithm: OID.rsaSha256, hash: 'sha256', nullParams: true };
  if (key.asymmetricKeyType === 'ed25519') return { algorithm: OID.ed25519, hash: null, nullParams: false };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { algorithm: OID.ecdsaSha384, hash: 'sha384', nullParams: false };
    if (curve === 'secp521r1') return { algorithm: OID.ecdsaSha512, hash: 'sha512', nullParams: false };
    return { algorithm: OID.ecdsaSha256, hash: 'sha256', nullParams: false };
  }
  throw new FuncError('error creating certificate: x509: only RSA, ECDSA and Ed25519 keys supported');
}

/** A positive INTEGER's content octets, minimal, as Go's asn1 writes a big.Int. */
function integerBytes(unsigned: Uint8Array): ArrayBuffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  const body = unsigned.subarray(i);
  const out = ((body[0] as number) & 0x80) !== 0 ? Uint8Array.from([0, ...body]) : Uint8Array.from(body);
  return out.buffer;
}

function bytesOf(b: ArrayBuffer): Uint8Array {
  return new Uint8Array(b);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Go's asn1 string choice for a name: PrintableString when every character allows it, else UTF8String. */
function directoryString(s: string): Partial<Asn1X509.AttributeValue> {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s) ? { printableString: s } : { utf8String: s };
}

/** Go's appendTime choice: UTCTime for 1950..2049, GeneralizedTime otherwise. */
function asnTime(x509: typeof Asn1X509, d: Date): Asn1X509.Time {
  const year = d.getUTCFullYear();
  return new x509.Time(year >= 1950 && year < 2050 ? { utcTime: d } : { generalTime: d });
}

/**
 * x509.CreateCertificate(rand, template, parent, signee's public key, signer) for sprig's
 * templates: the DER of the signed certificate, or Go's error.
 */
function createCertificate(
  t: CertTemplate,
  signee: PrivateKey,
  parent: Parent | 'self',
  signer: PrivateKey,
): Uint8Array {
  const fail = (msg: string): never => {
    throw new FuncError(`error creating certificate: ${msg}`);
  };
  if (signer.kind !== 'node' || signer.key.asymmetricKeyType === 'x25519') {
    return fail('x509: certificate private key does not implement crypto.Signer');
  }
  const signingKey = signer.key;
  const params = signingParams(signingKey);
  if (signee.kind !== 'node') return fail('x509: unsupported public key type: *dsa.PublicKey');
  const { schema, x509 } = lib();
  const spkiDer = new Uint8Array(createPublicKey(signee.key).export({ type: 'spki', format: 'der' }));
  const spki = schema.AsnConvert.parse(spkiDer, x509.SubjectPublicKeyInfo);

  const subject = new x509.Name(
    t.cn === ''
      ? []
      : [
          new x509.RelativeDistinguishedName([
            new x509.AttributeTypeAndValue({
              type: OID.commonName,
              value: new x509.AttributeValue(directoryString(t.cn)),
            }),
          ]),
        ],
  );
  const subjectDer = bytesOf(schema.AsnConvert.serialize(subject));
  const issuer = parent === 'self' ? subject : parent.subject;
  const issuerDer = parent === 'self' ? subjectDer : parent.subjectDer;
  const authorityKeyId =
    parent !== 'self' && !equalBytes(issuerDer, subjectDer) && parent.subjectKeyId?.length
      ? parent.subjectKeyId
      : undefined;
  // RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits.
  const subjectKeyId = t.isCA
    ? new Uint8Array(createHash('sha256').update(bytesOf(spki.subjectPublicKey)).digest().subarray(0, 20))
    : undefined;
  if (parent !== 'self') {
    const signerPublic = new Uint8Array(createPublicKey(signingKey).export({ type: 'spki', format: 'der' }));
    if (!equalBytes(signerPublic, parent.publicKeyDer))
      fail("x509: provided PrivateKey doesn't match parent's PublicKey");
  }
  for (const name of t.dnsNames) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5String is ASCII
    if (!/^[\x00-\x7f]*$/.test(name)) fail(`x509: ${quote(name)} cannot be encoded as an IA5String`);
  }

  const ext = (id: string, critical: boolean, value: unknown): Asn1X509.Extension =>
    new x509.Extension({
      extnID: id,
      critical,
      extnValue: new schema.OctetString(schema.AsnConvert.serialize(value)),
    });
  const usage = x509.KeyUsageFlags;
  const extensions = [
    ext(
      x509.id_ce_keyUsage,
      true,
      new x509.KeyUsage(usage.digitalSignature | usage.keyEncipherment | (t.isCA ? usage.keyCertSign : 0)),
    ),
    ext(x509.id_ce_extKeyUsage, false, new x509.ExtendedKeyUsage([OID.serverAuth, OID.clientAuth])),
    ext(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: t.isCA })),
  ];
  if (subjectKeyId)
    extensions.push(ext(x509.id_ce_subjectKeyIdentifier, false, new x509.SubjectKeyIdentifier(subjectKeyId)));
  if (authorityKeyId) {
    extensions.push(
      ext(
        x509.id_ce_authorityKeyIdentifier,
        false,
        new x509.AuthorityKeyIdentifier({ keyIdentifier: new x509.KeyIdentifier(authorityKeyId) }),
      ),
    );
  }
  if (t.dnsNames.length > 0 || t.ips.length > 0) {
    const names = [
      ...t.dnsNames.map((dNSName) => new x509.GeneralName({ dNSName })),
      ...t.ips.map((ip) => new x509.GeneralName({ iPAddress: ipText(to4(ip)) })),
    ];
    // Go marks the names critical when the subject is empty (RFC 5280, 4.2.1.6).
    extensions.push(ext(x509.id_ce_subjectAltName, t.cn === '', new x509.SubjectAlternativeName(names)));
  }

  const algorithm = new x509.AlgorithmIdentifier({
    algorithm: params.algorithm,
    ...(params.nullParams ? { parameters: null } : {}),
  });
  const tbs = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: integerBytes(t.serial),
    signature: algorithm,
    issuer,
    validity: new x509.Validity(),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new x509.Extensions(extensions),
  });
  tbs.validity.notBefore = asnTime(x509, t.notBefore);
  tbs.validity.notAfter = asnTime(x509, t.notAfter);
  const tbsDer = Buffer.from(schema.AsnConvert.serialize(tbs));
  const signature = sign(params.hash, tbsDer, signingKey);
  // Go checks the signature it was given (x509: signature over certificate returned by signer is invalid).
  if (!verify(params.hash, tbsDer, createPublicKey(signingKey), signature)) {
    fail('x509: signature over certificate returned by signer is invalid');
  }
  const cert = new x509.Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  return bytesOf(schema.AsnConvert.serialize(cert));
}

/** The text form @peculiar/asn1-x509's GeneralName takes for an iPAddress: dotted or hex words. */
function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return [...ip].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16));
  return words.join(':');
}

/** x509.ParseCertificate of a PEM block's bytes, as much as CreateCertificate uses of a parent. */
function parseParent(der: Uint8Array, what: string): Parent {
  const { schema, x509 } = lib();
  let cert: Asn1X509.Certificate;
  try {
    cert = schema.AsnConvert.parse(der, x509.Certificate);
  } catch {
    throw new FuncError(`error parsing certificate: ${what}: x509: malformed certificate`);
  }
  const tbs = cert.tbsCertificate;
  const skidExt = tbs.extensions?.find((e) => e.extnID === x509.id_ce_subjectKeyIdentifier);
  const skid = skidExt ? schema.AsnConvert.parse(skidExt.extnValue, x509.SubjectKeyIdentifier) : undefined;
  return {
    subject: tbs.subject,
    subjectDer: bytesOf(schema.AsnConvert.serialize(tbs.subject)),
    subjectKeyId: skid ? bytesOf(skid.buffer) : undefined,
    publicKeyDer: bytesOf(schema.AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
  };
}

// ---- the sprig functions ------------------------------------------------------------------------

function certificate(cert: string, key: string): GoObject {
  return new GoObject(
    CERTIFICATE_TYPE,
    new Map<string, Value>([
      ['Cert', cert],
      ['Key', key],
    ]),
  );
}

function field(cert: Value, name: 'Cert' | 'Key'): string {
  return (cert as GoObject).fields.get(name) as string;
}

/** parsePrivateKeyPEM, its error wrapped as sprig wraps it where it is called. */
function parseKey(pem: Value, wrap: string): PrivateKey {
  try {
    return parsePrivateKeyPEM(pem as string);
  } catch (e) {
    throw new FuncError(`${wrap}: ${(e as Error).message}`);
  }
}

/** getCertAndKey: the certificate and the signee's key, PEM-encoded. */
function certAndKey(
  t: CertTemplate,
  signee: PrivateKey,
  parent: Parent | 'self',
  signer: PrivateKey,
): GoObject {
  const der = createCertificate(t, signee, parent, signer);
  return certificate(pemEncode('CERTIFICATE', der), pemForKey((signee as { key: KeyObject }).key));
}

/** What a certificate function is asked for: sprig's getBaseCertTemplate arguments. */
interface CertRequest {
  readonly cn: Value;
  readonly ips: Value;
  readonly dns: Value;
  readonly days: Value;
}

function selfSigned(ctx: FuncContext, key: PrivateKey, r: CertRequest, isCA: boolean): GoObject {
  return certAndKey(baseTemplate(ctx, r.cn as string, r.ips, r.dns, r.days, isCA), key, 'self', key);
}

/** generateSignedCertificateWithKeyInternal: the CA is read before the request is. */
function signed(ctx: FuncContext, key: PrivateKey, r: CertRequest, ca: Value): GoObject {
  const block = pemDecode(field(ca, 'Cert'));
  if (!block) throw new FuncError('unable to decode certificate');
  const parent = parseParent(block.bytes, 'decodedSignerCert.Bytes');
  const signer = parseKey(field(ca, 'Key'), 'error parsing private key');
  return certAndKey(baseTemplate(ctx, r.cn as string, r.ips, r.dns, r.days, false), key, parent, signer);
}

/** sprig's buildCustomCertificate: checks a base64 PEM certificate and key and returns them. */
function buildCustomCert(b64cert: string, b64key: string): GoObject {
  const decode = (s: string, what: string): string => {
    try {
      return fromBytes(base64Decode(toBytes(s)));
    } catch (e) {
      if (e instanceof CorruptInputError) throw new FuncError(`unable to decode base64 ${what}`);
      throw e;
    }
  };
  const cert = decode(b64cert, 'certificate');
  const key = decode(b64key, 'private key');
  const block = pemDecode(cert);
  if (!block) throw new FuncError('unable to decode certificate');
  parseParent(block.bytes, 'decodedCert.Bytes');
  parseKey(key, 'error parsing private key');
  return certificate(cert, key);
}

/** The certificate functions with sprig's signatures. */
export function certificateFuncs(ctx: FuncContext): Record<string, GoFunc> {
  const S = 'string';
  const I = 'int';
  const L = '[]interface {}';
  const C = CERTIFICATE_TYPE;
  const given = (pem: Value): PrivateKey => parseKey(pem, 'parsing private key');
  const list: GoFunc[] = [
    defineFunc('buildCustomCert', { params: [S, S], result: C, error: true }, (cert, key) =>
      buildCustomCert(cert as string, key as string),
    ),
    defineFunc('genCA', { params: [S, I], result: C, error: true }, (cn, days) =>
      selfSigned(ctx, newRsaKey(), { cn, ips: null, dns: null, days }, true),
    ),
    defineFunc('genCAWithKey', { params: [S, I, S], result: C, error: true }, (cn, days, pem) =>
      selfSigned(ctx, given(pem), { cn, ips: null, dns: null, days }, true),
    ),
    defineFunc('genSelfSignedCert', { params: [S, L, L, I], result: C, error: true }, (cn, ips, dns, days) =>
      selfSigned(ctx, newRsaKey(), { cn, ips, dns, days }, false),
    ),
    defineFunc(
      'genSelfSignedCertWithKey',
      { params: [S, L, L, I, S], result: C, error: true },
      (cn, ips, dns, days, pem) => selfSigned(ctx, given(pem), { cn, ips, dns, days }, false),
    ),
    defineFunc(
      'genSignedCert',
      { params: [S, L, L, I, C], result: C, error: true },
      (cn, ips, dns, days, ca) => signed(ctx, newRsaKey(), { cn, ips, dns, days }, ca),
    ),
    defineFunc(
      'genSignedCertWithKey',
      { params: [S, L, L, I, C, S], result: C, error: true },
      (cn, ips, dns, days, ca, pem) => signed(ctx, given(pem), { cn, ips, dns, days }, ca),
    ),
  ];
  return Object.fromEntries(list.map((fn) => [fn.name, fn]));
}
