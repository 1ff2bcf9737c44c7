/**
 * sprig's crypto functions against real Go 1.26 + sprig v3.3.0 (golang.org/x/crypto v0.26.0):
 * digests, adler32, derivePassword, bcrypt (hashes made by Go re-derived from their salts),
 * AES round trips and decryptAES's panics, randBytes, genPrivateKey's PEM blocks.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { fixedContext } from '../../../src/template/funcs/context.js';
import { cryptoFuncs } from '../../../src/template/funcs/crypto.js';
import { bcryptHash } from '../../../src/template/funcs/text/bcrypt.js';
import { generatePrivateKey } from '../../../src/template/funcs/text/keys.js';
import { renderTemplate } from '../../../src/template/index.js';
import { goInt } from '../../../src/template/value.js';
import { checkTable, checkTemplates, jsonRows, type Row, type TemplateRow, testFuncs } from './sprig-call.js';

/** [function, arguments, Go's outcome]. */
const CALLS = jsonRows<Row>([
  '["decryptAES", ["pw", "YWJj"], {"panic": "runtime error: slice bounds out of range [:16] with capacity 3"}]',
  '["decryptAES", ["pw", "!!"], {"err": "illegal base64 data at input byte 0"}]',
  '["decryptAES", ["pw", "AAAAAAAAAAAAAAAAAAAAAA=="], {"panic": "runtime error: index out of range [-1]"}]',
  '["decryptAES", ["pw", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="], {"panic": "runtime error: slice bounds out of range [:-96]"}]',
  '["decryptAES", ["pw", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="], {"panic": "crypto/cipher: input not full blocks"}]',
  '["decryptAES", ["pw", ""], {"out": ""}]',
  '["encryptAES", ["pw", ""], {"out": ""}]',
  '["randBytes", [-1], {"panic": "runtime error: makeslice: len out of range"}]',
  '["randBytes", [0], {"out": ""}]',
  '["derivePassword", [1, "long", "password", "user", "example.com"], {"out": "ZedaFaxcZaso9*"}]',
  '["derivePassword", [1, "nope", "password", "user", "example.com"], {"out": "cannot find password template nope"}]',
  '["htpasswd", ["a:b", "x"], {"out": "invalid username: a:b"}]',
  '["sha1sum", ["abc"], {"out": "a9993e364706816aba3e25717850c26c9cd0d89d"}]',
  '["adler32sum", ["abc"], {"out": "38600999"}]',
  '["sha1sum", [""], {"out": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}]',
  '["sha256sum", [""], {"out": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]',
  '["sha512sum", [""], {"out": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"}]',
  '["adler32sum", [""], {"out": "1"}]',
  '["sha256sum", ["abc"], {"out": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]',
  '["sha512sum", ["abc"], {"out": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"}]',
  '["sha1sum", ["héllo"], {"out": "35b5ea45c5e41f78b46a937cc74d41dfea920890"}]',
  '["sha256sum", ["héllo"], {"out": "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179"}]',
  '["sha512sum", ["héllo"], {"out": "a67e831011aa41ebb2a218c8ff727f1c60d62f06e1681678d176a81cd72ee69e7250c4c943cacbab28e42768615a5c41b6b0d42591d2c26a65670b38e97306dc"}]',
  '["adler32sum", ["héllo"], {"out": "192152348"}]',
  '["sha1sum", ["The quick brown fox"], {"out": "c519c1a06cdbeb2bc499e22137fb48683858b345"}]',
  '["sha256sum", ["The quick brown fox"], {"out": "5cac4f980fedc3d3f1f99b4be3472c9b30d56523e632d151237ec9309048bda9"}]',
  '["sha512sum", ["The quick brown fox"], {"out": "015e6d23e760f612cca616c54f110cb12dd54213f1e046c7607081372402eff4936b379296ed549236020afb37bd3e728a044a4243754f095498c98bc24f77e0"}]',
  '["adler32sum", ["The quick brown fox"], {"out": "1160644372"}]',
  '["derivePassword", [3, "maximum", "secret", "üser", "site.com"], {"out": "T5+2BuMAS0lIc49TTp9b"}]',
  '["derivePassword", [3, "long", "secret", "üser", "site.com"], {"out": "SawuYuvj4,Tipe"}]',
  '["derivePassword", [3, "medium", "secret", "üser", "site.com"], {"out": "Saw4-Moj"}]',
  '["derivePassword", [3, "short", "secret", "üser", "site.com"], {"out": "Saw4"}]',
  '["derivePassword", [3, "basic", "secret", "üser", "site.com"], {"out": "Ts94Zui6"}]',
  '["derivePassword", [3, "pin", "secret", "üser", "site.com"], {"out": "7594"}]',
  '["htpasswd", ["u:x", ""], {"out": "invalid username: u:x"}]',
  '["htpasswd", ["u:x", "short"], {"out": "invalid username: u:x"}]',
  '["htpasswd", ["u:x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], {"out": "invalid username: u:x"}]',
  '["bcrypt", ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], {"out": "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"}]',
]);

/** [template, Go's output or error]. */
const TEMPLATES = jsonRows<TemplateRow>([
  '["{{ sha1sum \\"abc\\" }}", "a9993e364706816aba3e25717850c26c9cd0d89d"]',
  '["{{ sha256sum \\"abc\\" }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]',
  '["{{ sha512sum \\"\\" }}", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"]',
  '["{{ adler32sum \\"abc\\" }}", "38600999"]',
  '["{{ derivePassword 1 \\"long\\" \\"password\\" \\"user\\" \\"example.com\\" }}", "ZedaFaxcZaso9*"]',
  '["{{ derivePassword -1 \\"long\\" \\"password\\" \\"user\\" \\"example.com\\" }}", {"error": "template: t:1:18: executing \\"t\\" at <-1>: expected unsigned integer; found -1"}]',
  '["{{ encryptAES \\"secretkey\\" \\"plaintext\\" | decryptAES \\"secretkey\\" }}", "plaintext"]',
  '["{{ decryptAES \\"k\\" \\"AAAA\\" }}", {"error": "template: t:1:3: executing \\"t\\" at <decryptAES \\"k\\" \\"AAAA\\">: error calling decryptAES: runtime error: slice bounds out of range [:16] with capacity 3"}]',
  '["{{ decryptAES \\"k\\" \\"!\\" }}", {"error": "template: t:1:3: executing \\"t\\" at <decryptAES \\"k\\" \\"!\\">: error calling decryptAES: illegal base64 data at input byte 0"}]',
  '["{{ htpasswd \\"a:b\\" \\"x\\" }}", "invalid username: a:b"]',
  '["{{ randBytes 4 | len }}", "8"]',
  '["{{ randBytes -1 }}", {"error": "template: t:1:3: executing \\"t\\" at <randBytes -1>: error calling randBytes: runtime error: makeslice: len out of range"}]',
  '["{{ genPrivateKey \\"foo\\" }}", "Unknown type foo"]',
]);

/** [password, hash by Go's bcrypt.GenerateFromPassword]. */
const GO_BCRYPT: readonly [string, string][] = [
  ['', '$2a$10$XcFuzL1kWvQ58xdm2fDXuuZJclZ3wHogZmC5eHtuMmitGx2uuwIIy'],
  ['password', '$2a$10$lDHbQYb/qU7iBcb5SokvPeTly74p0VQvFrcpw7EJiRUwtsa2cAGF6'],
  ['héllo wörld', '$2a$10$Wzdf4ZIaa63rJCpNsFZiqeD/fXeyDfhLG6QagH9/re9LnBda816xu'],
  ['x', '$2a$04$BoElX.DQYdbl8zAWWWmyLeRsrcab0j/2idMPbF9RkjlYU7N.EtJPC'],
];

describe('sprig crypto functions', () => {
  it('match Go on direct calls', () => checkTable(testFuncs(), CALLS));
  it('match Go through templates', () => checkTemplates(TEMPLATES));

  it('compute bcrypt hashes as golang.org/x/crypto/bcrypt does', () => {
    for (const [password, hash] of GO_BCRYPT) {
      const cost = Number(hash.slice(4, 6));
      const salt = hash.slice(7, 29);
      assert.equal(
        hash.slice(0, 29) + bcryptHash(new TextEncoder().encode(password), cost, salt),
        hash,
        password,
      );
    }
  });

  it('hash the bytes of a password that is not UTF-8, as Go does', () => {
    // Go: {{ bcrypt (b64dec "//7/") }}, the bytes ff fe ff (what bcryptjs, taking text, cannot hash).
    const hash = '$2a$10$vz1muaaCQIUiN1J9RTWsMOjf8bWGiqQqhNdRHuoR3g3sX1eLuV3yW';
    assert.equal(hash.slice(29), bcryptHash(Uint8Array.of(0xff, 0xfe, 0xff), 10, hash.slice(7, 29)));
    const f = cryptoFuncs(fixedContext({ seed: 3 }));
    const ours = renderTemplate('t', '{{ bcrypt (b64dec "//7/") }}', null, {
      funcs: { ...testFuncs(), ...f },
    });
    assert.equal(ours.slice(29), bcryptHash(Uint8Array.of(0xff, 0xfe, 0xff), 10, ours.slice(7, 29)));
  });

  it('make bcrypt and htpasswd values with a salt from the context', () => {
    const f = cryptoFuncs(fixedContext({ seed: 9 }));
    const hash = f.bcrypt?.impl('secret') as string;
    assert.match(hash, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    const salt = hash.slice(7, 29);
    assert.equal(hash.slice(29), bcryptHash(new TextEncoder().encode('secret'), 10, salt));
    assert.match(f.htpasswd?.impl('admin', 'pw') as string, /^admin:\$2a\$10\$/);
  });

  it('encrypt with AES-256-CBC and a random IV, and decrypt what Go encrypted', () => {
    const f = cryptoFuncs(fixedContext({ seed: 5 }));
    const sealed = f.encryptAES?.impl('key', 'hello world') as string;
    assert.equal(Buffer.from(sealed, 'base64').length, 32);
    assert.equal(f.decryptAES?.impl('key', sealed), 'hello world');
    // encryptAES "secretkey" "plaintext" in Go 1.26 + sprig v3.3.0.
    assert.equal(
      f.decryptAES?.impl('secretkey', 'wbHF3APG6O+Nb2fNLFRF5rFm2NvTSyDRt4o1sfKDqGw='),
      'plaintext',
    );
  });

  it('encode random bytes from the context', () => {
    const a = cryptoFuncs(fixedContext({ seed: 2 })).randBytes?.impl(goInt(12));
    const b = cryptoFuncs(fixedContext({ seed: 2 })).randBytes?.impl(goInt(12));
    assert.equal(a, b);
    assert.equal(Buffer.from(a as string, 'base64').length, 12);
  });

  it('generate private keys in the PEM blocks Go writes', () => {
    const cases: [string, string, string][] = [
      ['ecdsa', 'EC PRIVATE KEY', 'ec'],
      ['ed25519', 'PRIVATE KEY', 'ed25519'],
      ['dsa', 'DSA PRIVATE KEY', 'dsa'],
    ];
    for (const [typ, block, keyType] of cases) {
      const pem = generatePrivateKey(typ);
      const lines = pem.split('\n');
      assert.equal(lines[0], `-----BEGIN ${block}-----`);
      assert.equal(lines.at(-2), `-----END ${block}-----`);
      assert.ok(lines.slice(1, -2).every((l) => l.length <= 64));
      if (keyType !== 'dsa') assert.equal(createPrivateKey(pem).asymmetricKeyType, keyType);
    }
    assert.equal(generatePrivateKey('nope'), 'Unknown type nope');
  });
});
