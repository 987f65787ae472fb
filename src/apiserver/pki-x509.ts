// Minting X.509 certificates: DER encoding by hand, signing with node's crypto.
// @peculiar/x509 would do it, but loading it alone takes 100-175 ms (more than
// the whole first start may), and its tsyringe needs a reflect-metadata polyfill.
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { isIP } from 'node:net';

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

const DAY = 86_400_000;


const tlv = (tag: number, ...parts: readonly Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
};
const seq = (...parts: readonly Buffer[]): Buffer => tlv(0x30, ...parts);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** A non-negative INTEGER from big-endian bytes. */
function int(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, (v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const arc of rest) {
    const enc = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) enc.unshift((v & 0x7f) | 0x80);
    out.push(...enc);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [TRUE] : []), octets(value));

/** Reads one TLV at `at`: where its contents start and end. */
function readTLV(der: Buffer, at: number): { tag: number; start: number; end: number } {
  const first = der[at + 1] ?? 0;
  let len = first;
  let start = at + 2;
  if (first & 0x80) {
    len = 0;
    for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (der[start + i] ?? 0);
    start += first & 0x7f;
  }
  return { tag: der[at] ?? 0, start, end: start + len };
}

/** The DER subject Name of a certificate (the issuer of what it signs). */
function subjectDER(x: X509Certificate): Buffer {
  const tbs = readTLV(x.raw, readTLV(x.raw, 0).start);
  let at = tbs.start;
  // version [0], serialNumber, signature, issuer, validity; then subject
  if (x.raw[at] === 0xa0) at = readTLV(x.raw, at).end;
  for (let i = 0; i < 4; i++) at = readTLV(x.raw, at).end;
  return x.raw.subarray(at, readTLV(x.raw, at).end);
}

/** RFC 5280 key identifier: SHA-1 of the subjectPublicKey bits. */
function keyID(key: KeyObject): Buffer {
  const spki = key.export({ type: 'spki', format: 'der' });
  const bitString = readTLV(spki, readTLV(spki, readTLV(spki, 0).start).end);
  return createHash('sha1').update(spki.subarray(bitString.start + 1, bitString.end)).digest();
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail] = ip.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  return Buffer.from(all.flatMap((g) => [g >> 8, g & 0xff]));
}

const OID = {
  cn: '2.5.4.3',
  o: '2.5.4.10',
  ecdsaSHA256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyID: '2.5.29.14',
  authorityKeyID: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const name = (o: string | undefined, cn: string): Buffer =>
  seq(
    ...(o === undefined ? [] : [tlv(0x31, seq(oid(OID.o), utf8(o)))]),
    tlv(0x31, seq(oid(OID.cn), utf8(cn))),
  );

interface CertSpec {
  readonly subject: Buffer;
  readonly issuer: Buffer;
  readonly publicKey: KeyObject;
  readonly signer: KeyObject;
  readonly now: Date;
  readonly days: number;
  readonly extensions: readonly Buffer[];
}

function sign(spec: CertSpec): string {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive, 16 bytes
  const alg = seq(oid(OID.ecdsaSHA256));
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))),
    int(serial),
    alg,
    spec.issuer,
    // notBefore a little in the past tolerates clock skew between machines
    seq(time(new Date(spec.now.getTime() - 5 * 60_000)), time(new Date(spec.now.getTime() + spec.days * DAY))),
    spec.subject,
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...spec.extensions)),
  );
  const der = seq(tbs, alg, bits(cryptoSign('sha256', tbs, { key: spec.signer, dsaEncoding: 'der' })));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
}

const newKeys = (): { publicKey: KeyObject; privateKey: KeyObject } =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keyPEM = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }) as string;

/** A new self-signed CA (CN `skiff-ca`, ECDSA P-256) valid `days` from `now`. */
export function issueCA(now: Date, days: number): Pair {
  const { publicKey, privateKey } = newKeys();
  const subject = name(undefined, 'skiff-ca');
  const cert = sign({
    subject,
    issuer: subject,
    publicKey,
    signer: privateKey,
    now,
    days,
    extensions: [
      extension(OID.basicConstraints, true, seq(TRUE)),
      // digitalSignature | keyCertSign | cRLSign
      extension(OID.keyUsage, true, bits(Buffer.from([0x86]), 1)),
      extension(OID.subjectKeyID, false, octets(keyID(publicKey))),
    ],
  });
  return { cert, key: keyPEM(privateKey) };
}

/** What a leaf certificate says: subject, purpose, SANs. */
export interface LeafSpec {
  readonly o?: string;
  readonly cn: string;
  readonly usage: 'serverAuth' | 'clientAuth';
  readonly sans?: SANs;
}

/** A new ECDSA P-256 leaf certificate signed by `ca`, valid `days` from `now`. */
export function issueLeaf(ca: Pair, now: Date, days: number, spec: LeafSpec): Pair {
  const caX509 = new X509Certificate(ca.cert);
  const { publicKey, privateKey } = newKeys();
  const extensions = [
    extension(OID.basicConstraints, true, seq()),
    extension(OID.keyUsage, true, bits(Buffer.from([0x80]), 7)), // digitalSignature
    extension(OID.extKeyUsage, false, seq(oid(OID[spec.usage]))),
    extension(OID.authorityKeyID, false, seq(tlv(0x80, keyID(caX509.publicKey)))),
  ];
  if (spec.sans !== undefined) {
    const names = [
      ...spec.sans.dnsNames.map((n) => tlv(0x82, Buffer.from(n, 'ascii'))),
      ...spec.sans.ips.map((ip) => tlv(0x87, ipBytes(ip))),
    ];
    extensions.push(extension(OID.subjectAltName, false, seq(...names)));
  }
  const cert = sign({
    subject: name(spec.o, spec.cn),
    issuer: subjectDER(caX509),
    publicKey,
    signer: createPrivateKey(ca.key),
    now,
    days,
    extensions,
  });
  return { cert, key: keyPEM(privateKey) };
}
