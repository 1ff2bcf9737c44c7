/**
 * sprig's certificate functions, checked with openssl (the certificates parse, a CA signs a
 * certificate and `openssl verify -CAfile` passes, SANs, validity days, CA flags and key sizes as
 * asked) and against real Go: the Go oracle (text/template + sprig v3.3.0) runs the same templates,
 * and the DER structure openssl shows of each certificate (random serials, keys, signatures and
 * times masked) and every error must be Go's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { sprigFuncs, systemContext } from '../../../src/template/funcs/index.js';
import { renderTemplate, TemplateError } from '../../../src/template/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { runOracle } from '../harness/oracle.js';

const funcs = sprigFuncs(systemContext());

function render(template: string): { output: string; error: string | null } {
  try {
    return { output: renderTemplate('t', template, null, { funcs }), error: null };
  } catch (e) {
    if (e instanceof TemplateError) return { output: '', error: e.message };
    throw e;
  }
}

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n/g;
const certsOf = (text: string): string[] => text.match(PEM_CERT) ?? [];

/** The parts a template prints, split on a separator line. */
function parts(template: string, n: number): string[] {
  const r = render(template);
  assert.equal(r.error, null);
  const out = r.output.split('\n=====\n');
  assert.equal(out.length, n, r.output);
  return out;
}

const SEP = '{{ "\\n=====\\n" }}';

function files(t: TestContext, named: Record<string, string>): Record<string, string> {
  const dir = tempDir(t);
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(named)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text);
  }
  return paths;
}

/** Days between a certificate's notBefore and notAfter. */
function validDays(pem: string): number {
  const dates = openssl(['x509', '-noout', '-startdate', '-enddate'], pem);
  const start = Date.parse((/notBefore=(.*)/.exec(dates) as RegExpExecArray)[1] as string);
  const end = Date.parse((/notAfter=(.*)/.exec(dates) as RegExpExecArray)[1] as string);
  return (end - start) / 86_400_000;
}

describe('sprig certificates with openssl', () => {
  it('genCA signs a genSignedCert that verifies, with the SANs, days and flags asked', (t) => {
    const [caCert, caKey, cert, key] = parts(
      `{{ $ca := genCA "duat test CA" 365 }}{{ $c := genSignedCert "svc.local" (list "10.0.0.1" "::1" "::ffff:1.2.3.4") (list "svc.local" "svc.example") 30 $ca }}` +
        `{{ $ca.Cert }}${SEP}{{ $ca.Key }}${SEP}{{ $c.Cert }}${SEP}{{ $c.Key }}`,
      4,
    ) as [string, string, string, string];
    const p = files(t, { 'ca.pem': caCert, 'cert.pem': cert });
    assert.match(
      openssl(['verify', '-CAfile', p['ca.pem'] as string, p['cert.pem'] as string]),
      /cert\.pem: OK/,
    );
    const ca = openssl(['x509', '-noout', '-text'], caCert);
    assert.match(ca, /Subject: CN = duat test CA/);
    assert.match(ca, /CA:TRUE/);
    assert.match(ca, /Digital Signature, Key Encipherment, Certificate Sign/);
    assert.match(ca, /Public-Key: \(2048 bit\)/);
    const leaf = openssl(['x509', '-noout', '-text'], cert);
    assert.match(leaf, /Issuer: CN = duat test CA/);
    assert.match(leaf, /CA:FALSE/);
    assert.match(leaf, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(
      leaf,
      /DNS:svc\.local, DNS:svc\.example, IP Address:10\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, IP Address:1\.2\.3\.4/,
    );
    assert.equal(validDays(caCert), 365);
    assert.equal(validDays(cert), 30);
    assert.match(caKey, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(openssl(['rsa', '-noout', '-text'], key), /Private-Key: \(2048 bit/);
    // The key is the certificate's.
    assert.equal(openssl(['x509', '-noout', '-pubkey'], cert), openssl(['rsa', '-pubout'], key));
  });

  it('genSelfSignedCert verifies as its own CA', (t) => {
    const [cert] = parts(
      '{{ (genSelfSignedCert "self.test" (list "127.0.0.1") (list "self.test") 7).Cert }}',
      1,
    ) as [string];
    const p = files(t, { 'self.pem': cert });
    assert.match(
      openssl(['verify', '-CAfile', p['self.pem'] as string, '-partial_chain', p['self.pem'] as string]),
      /OK/,
    );
    assert.match(
      openssl(['x509', '-noout', '-ext', 'subjectAltName'], cert),
      /DNS:self\.test, IP Address:127\.0\.0\.1/,
    );
    assert.equal(validDays(cert), 7);
  });

  for (const type of ['rsa', 'ecdsa', 'ed25519']) {
    it(`the WithKey variants take genPrivateKey "${type}" keys and keep them`, { timeout: 120_000 }, (t) => {
      const [caKeyIn, caCert, caKeyOut, keyIn, cert, keyOut, self] = parts(
        `{{ $k := genPrivateKey "${type}" }}{{ $ca := genCAWithKey "key CA" 10 $k }}` +
          `{{ $k2 := genPrivateKey "${type}" }}{{ $c := genSignedCertWithKey "leaf" nil (list "leaf.test") 5 $ca $k2 }}` +
          `{{ $s := genSelfSignedCertWithKey "self" nil nil 3 $k2 }}` +
          `{{ $k }}${SEP}{{ $ca.Cert }}${SEP}{{ $ca.Key }}${SEP}{{ $k2 }}${SEP}{{ $c.Cert }}${SEP}{{ $c.Key }}${SEP}{{ $s.Cert }}`,
        7,
      ) as [string, string, string, string, string, string, string];
      assert.equal(caKeyOut, caKeyIn);
      assert.equal(keyOut, keyIn);
      const p = files(t, { 'ca.pem': caCert, 'cert.pem': cert });
      assert.match(openssl(['verify', '-CAfile', p['ca.pem'] as string, p['cert.pem'] as string]), /OK/);
      assert.equal(openssl(['x509', '-noout', '-pubkey'], cert), openssl(['pkey', '-pubout'], keyIn));
      assert.equal(openssl(['x509', '-noout', '-pubkey'], self), openssl(['pkey', '-pubout'], keyIn));
      assert.equal(validDays(cert), 5);
    });
  }

  it('genSignedCert signs with a CA that openssl made, given through buildCustomCert', (t) => {
    const dir = tempDir(t);
    const caKeyFile = join(dir, 'ca.key');
    const caFile = join(dir, 'ca.pem');
    openssl(['genrsa', '-traditional', '-out', caKeyFile, '2048']);
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      caKeyFile,
      '-subj',
      '/O=Acme Ltd/OU=Ops/CN=Acme Root',
      '-days',
      '3',
      '-out',
      caFile,
    ]);
    const b64 = (file: string): string => Buffer.from(openssl(['base64', '-A', '-in', file])).toString();
    const [cert] = parts(
      `{{ $ca := buildCustomCert "${b64(caFile)}" "${b64(caKeyFile)}" }}{{ (genSignedCert "leaf" nil nil 2 $ca).Cert }}`,
      1,
    ) as [string];
    const p = files(t, { 'cert.pem': cert });
    assert.match(openssl(['verify', '-CAfile', caFile, p['cert.pem'] as string]), /OK/);
    assert.match(openssl(['x509', '-noout', '-issuer'], cert), /O = Acme Ltd, OU = Ops, CN = Acme Root/);
  });
});

/** openssl's view of a certificate's DER with what is random each time masked. */
function shape(pem: string): string {
  return openssl(['asn1parse'], pem)
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s*\d+:/, '')
        .replace(/hl=\s*\d+ l=\s*\d+/, '')
        .replace(/(INTEGER\s+:)[0-9A-F]{20,}/, '$1<serial>')
        .replace(/((?:UTC|GENERALIZED)TIME\s+:)\d+Z/, '$1<time>')
        .replace(/\[HEX DUMP\]:(0414|30168014)[0-9A-F]+/, '[HEX DUMP]:$1<key id>'),
    )
    .join('\n');
}

describe('sprig certificates against Go', () => {
  const cases = [
    ['ca', '{{ (genCA "my-ca" 365).Cert }}'],
    [
      'signed',
      '{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "svc" (list "10.0.0.1" "::1") (list "a.example" "b.example") 30 $ca }}{{ $ca.Cert }}{{ $c.Cert }}',
    ],
    [
      'signed by a CA of the same name',
      '{{ $ca := genCA "x" 1 }}{{ (genSignedCert "x" nil nil 1 $ca).Cert }}',
    ],
    ['self-signed', '{{ (genSelfSignedCert "self" (list "::ffff:1.2.3.4") (list "x.test") 10).Cert }}'],
    ['empty subject', '{{ (genSelfSignedCert "" nil (list "x.test") 10).Cert }}'],
    ['non-printable subject', '{{ (genCA "ünï & *" 10).Cert }}'],
    ['validity past 2049', '{{ (genCA "long" 36500).Cert }}'],
    ['days past int64 nanoseconds', '{{ (genCA "wrap" 200000).Cert }}'],
    ['negative days', '{{ (genSelfSignedCert "n" nil nil -5).Cert }}'],
    ['ecdsa key', '{{ (genCAWithKey "ec" 1 (genPrivateKey "ecdsa")).Cert }}'],
    [
      'ed25519 key',
      '{{ $ca := genCAWithKey "ed" 1 (genPrivateKey "ed25519") }}{{ (genSignedCert "l" nil nil 1 $ca).Cert }}',
    ],
    ['type', '{{ genCA "x" 1 | printf "%T" }}'],
    ['keys kept', '{{ $k := genPrivateKey "ecdsa" }}{{ eq (genCAWithKey "x" 1 $k).Key $k }}'],
    [
      'custom',
      '{{ $ca := genCA "c" 1 }}{{ eq (buildCustomCert ($ca.Cert | b64enc) ($ca.Key | b64enc)).Cert $ca.Cert }}',
    ],
    ['dsa signer', '{{ genSelfSignedCertWithKey "d" nil nil 1 (genPrivateKey "dsa") }}'],
    ['dsa signee', '{{ genSignedCertWithKey "d" nil nil 1 (genCA "c" 1) (genPrivateKey "dsa") }}'],
    ['bad ip', '{{ genSelfSignedCert "x" (list "1.2.3") nil 1 }}'],
    ['ip with a zone', '{{ genSelfSignedCert "x" (list "fe80::1%eth0") nil 1 }}'],
    ['ip not a string', '{{ genSelfSignedCert "x" (list 5) nil 1 }}'],
    ['dns not a string', '{{ genSelfSignedCert "x" nil (list 5) 1 }}'],
    ['dns not ascii', '{{ genSelfSignedCert "x" nil (list "ü.test") 1 }}'],
    ['no pem', '{{ genCAWithKey "x" 1 "nope" }}'],
    [
      'not a key',
      '{{ genCAWithKey "x" 1 "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n" }}',
    ],
    [
      'unknown key type',
      '{{ genCAWithKey "x" 1 "-----BEGIN FOO PRIVATE KEY-----\\nAAAA\\n-----END FOO PRIVATE KEY-----\\n" }}',
    ],
    ['custom bad base64 cert', '{{ buildCustomCert "!!" "" }}'],
    ['custom bad base64 key', '{{ buildCustomCert "" "!!" }}'],
    ['custom no cert', '{{ buildCustomCert "" "" }}'],
    [
      'custom bad cert',
      '{{ buildCustomCert ("-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n" | b64enc) "" }}',
    ],
    [
      'signed with a mismatched key',
      '{{ $a := genCA "a" 1 }}{{ $b := genCA "b" 1 }}{{ genSignedCert "x" nil nil 1 (buildCustomCert ($a.Cert | b64enc) ($b.Key | b64enc)) }}',
    ],
  ] as const;

  it('structures and errors are Go’s', { timeout: 300_000 }, () => {
    const go = runOracle(cases.map(([name, template]) => ({ name, template })));
    for (const [i, [name, template]] of cases.entries()) {
      const want = go[i] as { output: string; error: string | null };
      const got = render(template);
      assert.equal(
        got.error,
        want.error?.replace(/^template: [^:]+:/, 'template: t:').replaceAll(`"${name}"`, '"t"') ?? null,
        name,
      );
      const [wantCerts, gotCerts] = [certsOf(want.output), certsOf(got.output)];
      if (wantCerts.length === 0) {
        assert.equal(got.output, want.output, name);
        continue;
      }
      assert.equal(gotCerts.length, wantCerts.length, name);
      for (const [k, pem] of wantCerts.entries()) {
        assert.equal(shape(gotCerts[k] as string), shape(pem), `${name}: certificate ${k}`);
      }
    }
  });
});
