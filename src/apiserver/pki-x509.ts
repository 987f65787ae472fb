// Minting X.509 certificates with @peculiar/x509 on node's WebCrypto. The
// library (and the reflect-metadata polyfill its dependency injection needs)
// is loaded only when a certificate must be issued: on the first start, or
// when a certificate nears expiry or lacks a name. Later starts only read PEM.
import { randomBytes, webcrypto } from 'node:crypto';

/** A certificate and its private key, PEM. */
export interface Pair {
  readonly cert: string;
  readonly key: string;
}

/** SANs of a serving certificate; IPs in canonical text (see `canonicalIP` in pki.ts). */
export interface SANs {
  readonly ips: readonly string[];
  readonly dnsNames: readonly string[];
}

/** What a leaf certificate says: subject, purpose, SANs. */
export interface LeafSpec {
  readonly o?: string;
  readonly cn: string;
  readonly usage: 'serverAuth' | 'clientAuth';
  readonly sans?: SANs;
}

const DAY = 86_400_000;
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function lib() {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as Crypto);
  return x509;
}

/** A positive random serial number, hex. */
const serial = () => `01${randomBytes(15).toString('hex')}`;

/** Validity from five minutes ago (clock skew) to `days` after `now`. */
const validity = (now: Date, days: number) => ({
  notBefore: new Date(now.getTime() - 5 * 60_000),
  notAfter: new Date(now.getTime() + days * DAY),
});

const keyPEM = async (key: CryptoKey) => {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').trimEnd()}\n-----END PRIVATE KEY-----\n`;
};

const newKeys = () => webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

/** A new self-signed CA (CN `skiff-ca`, ECDSA P-256) valid `days` from `now`. */
export async function issueCA(now: Date, days: number): Promise<Pair> {
  const x509 = await lib();
  const keys = await newKeys();
  const flags = x509.KeyUsageFlags;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=skiff-ca',
    ...validity(now, days),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(flags.digitalSignature | flags.keyCertSign | flags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPEM(keys.privateKey) };
}

/** A new ECDSA P-256 leaf certificate signed by `ca`, valid `days` from `now`. */
export async function issueLeaf(ca: Pair, now: Date, days: number, spec: LeafSpec): Promise<Pair> {
  const x509 = await lib();
  const caCert = new x509.X509Certificate(ca.cert);
  const caKeyDER = Buffer.from(ca.key.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const caKey = await webcrypto.subtle.importKey('pkcs8', caKeyDER, alg, false, ['sign']);
  const keys = await newKeys();
  const extensions: InstanceType<typeof x509.Extension>[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[spec.usage]]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (spec.sans)
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...spec.sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...spec.sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: spec.o ? `O=${spec.o}, CN=${spec.cn}` : `CN=${spec.cn}`,
    issuer: caCert.subject,
    ...validity(now, days),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: alg,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPEM(keys.privateKey) };
}

/**
 * A self-signed serving certificate (its own CA, as upstream's kubelet makes
 * one when given none: `CN=<host>@<unix time>`), valid `days` from `now`.
 * Its clients (the API server) do not verify it.
 */
export async function issueSelfSignedServing(now: Date, days: number, cn: string, sans: SANs): Promise<Pair> {
  const x509 = await lib();
  const keys = await newKeys();
  const flags = x509.KeyUsageFlags;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${cn}`,
    ...validity(now, days),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(flags.digitalSignature | flags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPEM(keys.privateKey) };
}
