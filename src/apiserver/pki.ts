import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from './kubeconfig.js';
import { issueCA, issueLeaf, type Pair } from './pki-x509.js';

/** The cluster's certificates and keys, all PEM. */
export interface PKI {
  readonly caCert: string;
  /** Absent only where the CA key is kept elsewhere. */
  readonly caKey?: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate of `system:admin` in group `system:masters`. */
  readonly adminCert: string;
  readonly adminKey: string;
}

/** Names the serving certificate must carry, beyond the built-in ones. */
export interface PKIHosts {
  readonly ips: readonly string[];
  readonly dnsNames: readonly string[];
}

/** Options of {@link loadOrCreatePKI}. */
export interface PKIOptions {
  /** Current time; tests pass their own. */
  readonly now?: () => Date;
}

/** Stable codes of {@link PKIError}. */
export type PKIErrorCode = 'InvalidHost' | 'Corrupt' | 'Mismatch';

/** A PKI problem the caller must fix (a bad host name, an unusable CA on disk). */
export class PKIError extends Error {
  readonly code: PKIErrorCode;

  constructor(code: PKIErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'PKIError';
    this.code = code;
  }
}

/** SANs every serving certificate carries (as kube-apiserver's). */
export const BUILTIN_SANS: PKIHosts = {
  ips: ['127.0.0.1', '::1'],
  dnsNames: [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ],
};

/** File names inside the PKI folder. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

const DAY = 86_400_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaf certificates closer than this to expiry are re-issued on start (k3s renews at 90 days). */
const RENEW_DAYS = 90;

/**
 * Load the cluster PKI from `dir`, creating what is missing: a CA (CN
 * `skiff-ca`, 10 years), a serving certificate (re-issued when a requested
 * SAN is missing or expiry is near) and the admin client certificate.
 *
 * @example
 * const pki = await loadOrCreatePKI('/var/lib/skiff/tls', { ips: ['10.0.0.5'], dnsNames: ['node1'] });
 */
export async function loadOrCreatePKI(dir: string, hosts: PKIHosts, options: PKIOptions = {}): Promise<PKI> {
  const now = options.now?.() ?? new Date();
  const want = wantedSANs(hosts);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = await readFiles(dir);

  let ca: Pair;
  let caX509: X509Certificate;
  if (files.caCert !== undefined && files.caKey !== undefined) {
    ca = { cert: files.caCert, key: files.caKey };
    caX509 = parseCA(ca);
  } else if (files.caCert === undefined && files.caKey === undefined) {
    ca = await issueCA(now, CA_DAYS);
    caX509 = new X509Certificate(ca.cert);
    await save(dir, 'caKey', 'caCert', ca);
  } else {
    throw new PKIError('Corrupt', `${dir}: one of ${PKI_FILES.caCert} and ${PKI_FILES.caKey} is missing`);
  }

  const oldServer = usable(files.serverCert, files.serverKey, caX509, now);
  let server: Pair;
  if (oldServer !== undefined && covers(oldServer.x509, want) && !expiring(oldServer.x509, now)) {
    server = oldServer.pair;
  } else {
    const sans = oldServer === undefined ? want : union(sansOf(oldServer.x509), want);
    server = await issueLeaf(ca, now, LEAF_DAYS, { cn: 'kube-apiserver', usage: 'serverAuth', sans });
    await save(dir, 'serverKey', 'serverCert', server);
  }

  const oldAdmin = usable(files.adminCert, files.adminKey, caX509, now);
  let admin: Pair;
  if (oldAdmin !== undefined && !expiring(oldAdmin.x509, now)) {
    admin = oldAdmin.pair;
  } else {
    admin = await issueLeaf(ca, now, LEAF_DAYS, { o: 'system:masters', cn: 'system:admin', usage: 'clientAuth' });
    await save(dir, 'adminKey', 'adminCert', admin);
  }

  return {
    caCert: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
  };
}

type FileKey = keyof typeof PKI_FILES;

async function readFiles(dir: string): Promise<Partial<Record<FileKey, string>>> {
  const out: Partial<Record<FileKey, string>> = {};
  for (const k of Object.keys(PKI_FILES) as FileKey[]) {
    try {
      out[k] = await readFile(join(dir, PKI_FILES[k]), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}

/** Writes the key first: a crash in between leaves a pair that fails {@link usable} and is re-issued. */
async function save(dir: string, keyFile: FileKey, certFile: FileKey, pair: Pair): Promise<void> {
  await writeFileAtomic(join(dir, PKI_FILES[keyFile]), pair.key, 0o600);
  await writeFileAtomic(join(dir, PKI_FILES[certFile]), pair.cert, 0o644);
}

function parseCA(ca: Pair): X509Certificate {
  try {
    const x = new X509Certificate(ca.cert);
    if (!x.ca || !x.checkPrivateKey(createPrivateKey(ca.key))) throw new Error('not a CA matching its key');
    return x;
  } catch (err) {
    throw new PKIError('Corrupt', `cluster CA unusable: ${(err as Error).message}`, { cause: err });
  }
}

/** The parsed leaf if it parses, matches its key and was signed by `ca`; undefined means "issue anew". */
function usable(
  cert: string | undefined,
  key: string | undefined,
  ca: X509Certificate,
  now: Date,
): { pair: Pair; x509: X509Certificate } | undefined {
  if (cert === undefined || key === undefined) return undefined;
  try {
    const x = new X509Certificate(cert);
    const k: KeyObject = createPrivateKey(key);
    if (!x.checkIssued(ca) || !x.verify(ca.publicKey) || !x.checkPrivateKey(k)) return undefined;
    if (new Date(x.validFrom) > now) return undefined;
    return { pair: { cert, key }, x509: x };
  } catch {
    return undefined;
  }
}

const expiring = (x: X509Certificate, now: Date): boolean =>
  new Date(x.validTo).getTime() - now.getTime() < RENEW_DAYS * DAY;

/** Canonical text of an IP (IPv6 compressed, lower case); throws InvalidHost otherwise. */
function canonicalIP(ip: string): string {
  const v = isIP(ip);
  if (v === 4) return ip;
  if (v === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  throw new PKIError('InvalidHost', `not an IP address: ${JSON.stringify(ip)}`);
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function wantedSANs(hosts: PKIHosts): PKIHosts {
  const ips = [...BUILTIN_SANS.ips, ...hosts.ips]
    .map(canonicalIP)
    .filter((ip) => ip !== '0.0.0.0' && ip !== '::'); // "any address" is no name
  const dnsNames = [...BUILTIN_SANS.dnsNames, ...hosts.dnsNames].map((n) => n.toLowerCase());
  for (const n of dnsNames) {
    if (!DNS_NAME.test(n)) throw new PKIError('InvalidHost', `not a DNS name: ${JSON.stringify(n)}`);
  }
  return { ips: [...new Set(ips)], dnsNames: [...new Set(dnsNames)] };
}

const covers = (x: X509Certificate, want: PKIHosts): boolean =>
  want.ips.every((ip) => x.checkIP(ip) !== undefined) &&
  want.dnsNames.every((n) => x.checkHost(n, { subject: 'never', wildcards: false }) !== undefined);

function sansOf(x: X509Certificate): PKIHosts {
  const ips: string[] = [];
  const dnsNames: string[] = [];
  for (const entry of (x.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) dnsNames.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ips.push(canonicalIP(entry.slice(11)));
  }
  return { ips, dnsNames };
}

const union = (a: PKIHosts, b: PKIHosts): PKIHosts => ({
  ips: [...new Set([...a.ips, ...b.ips])],
  dnsNames: [...new Set([...a.dnsNames, ...b.dnsNames])],
});
