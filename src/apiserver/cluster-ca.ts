/**
 * The cluster CA shared through the datastore, as k3s shares its bootstrap
 * data: several `skiff server` processes on one datastore (each with its
 * own data dir) must serve certificates from one CA, so that a kubeconfig,
 * an agent or a hollow node trusts every server, and `kube-root-ca.crt`
 * does not change with the leading controller manager. The first server
 * stores its CA under `/bootstrap/<hash of the token>`, encrypted with a
 * key derived from the token; the others take it from there. A server with
 * another token cannot read it and refuses to start, as k3s does.
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlreadyExists } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import { writeFileAtomic } from './kubeconfig.js';
import { PKIError, PKI_FILES, loadOrCreatePKI, type PKI, type PKIHosts, type PKIOptions } from './pki.js';

/** Where bootstrap data lives in the store. */
export const BOOTSTRAP_PREFIX = '/bootstrap/';

/** The store key of the bootstrap data of a cluster joined with `token`. */
export const bootstrapKey = (token: string): string => BOOTSTRAP_PREFIX + createHash('sha256').update(token).digest('hex').slice(0, 12);

interface ClusterCA {
  readonly caCert: string;
  readonly caKey: string;
}

/** What is stored: AES-256-GCM of the text (the JSON of a {@link ClusterCA}), key from PBKDF2 of the token. */
interface Sealed {
  readonly salt: string;
  readonly nonce: string;
  readonly data: string;
}

const deriveKey = (token: string, salt: Buffer) => pbkdf2Sync(token, salt, 4096, 32, 'sha256');

/** Encrypt `text` with the token (AES-256-GCM, key from PBKDF2 of the token). */
export function sealText(token: string, text: string): string {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(token, salt), nonce);
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const sealed: Sealed = { salt: salt.toString('base64'), nonce: nonce.toString('base64'), data: data.toString('base64') };
  return JSON.stringify(sealed);
}

/** Decrypt what {@link sealText} wrote; throws if the token does not open it. */
export function unsealText(token: string, value: string): string {
  const sealed = JSON.parse(value) as Sealed;
  const data = Buffer.from(sealed.data, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(token, Buffer.from(sealed.salt, 'base64')), Buffer.from(sealed.nonce, 'base64'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** Encrypt the CA with the token. */
export const seal = (token: string, ca: ClusterCA): string => sealText(token, JSON.stringify(ca));

/** Decrypt what {@link seal} wrote; throws a PKIError `Corrupt` if the token does not open it. */
export function unseal(token: string, value: string): ClusterCA {
  try {
    const ca = JSON.parse(unsealText(token, value)) as Partial<ClusterCA>;
    if (typeof ca.caCert !== 'string' || typeof ca.caKey !== 'string') throw new Error('no CA in it');
    return { caCert: ca.caCert, caKey: ca.caKey };
  } catch (err) {
    throw new PKIError('Corrupt', `the cluster CA in the datastore cannot be read with this --token (${(err as Error).message})`, { cause: err });
  }
}

/** The CA this cluster's servers share, or undefined if none stored it yet; refuses a datastore of a cluster with another token. */
async function storedCA(store: Store, token: string): Promise<ClusterCA | undefined> {
  const kv = await store.get(bootstrapKey(token));
  if (kv) return unseal(token, kv.value);
  const others = await store.list(BOOTSTRAP_PREFIX, { limit: 1 });
  if (others.items.length) {
    throw new PKIError('Mismatch', 'the datastore belongs to a cluster with another --token: start this server with that cluster\'s token');
  }
  return undefined;
}

/** The text of a file, or undefined if there is none. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Put the shared CA into `dir` (leaf certificates signed by another CA are then re-issued by loadOrCreatePKI). */
async function adoptCA(dir: string, ca: ClusterCA, replace: boolean): Promise<void> {
  const cert = await readIfPresent(join(dir, PKI_FILES.caCert));
  const key = await readIfPresent(join(dir, PKI_FILES.caKey));
  if (cert === ca.caCert && key === ca.caKey) return;
  if ((cert !== undefined || key !== undefined) && !replace) {
    throw new PKIError('Mismatch', `${join(dir, PKI_FILES.caCert)} is not the cluster CA kept in the datastore: this data dir belongs to another cluster (remove ${dir} to join this one)`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, PKI_FILES.caKey), ca.caKey, 0o600);
  await writeFileAtomic(join(dir, PKI_FILES.caCert), ca.caCert, 0o644);
}

/**
 * {@link loadOrCreatePKI} with the CA shared through `store`: the stored one
 * if there is one, else this server's (created if need be), then stored.
 *
 * @example
 * const pki = await loadClusterPKI(store, token, join(dataDir, 'tls'), { ips, dnsNames: [host] });
 */
export async function loadClusterPKI(store: Store, token: string, dir: string, hosts: PKIHosts, options: PKIOptions = {}): Promise<PKI> {
  const stored = await storedCA(store, token);
  if (stored) {
    await adoptCA(dir, stored, false);
    return loadOrCreatePKI(dir, hosts, options);
  }
  const hadCA = (await readIfPresent(join(dir, PKI_FILES.caCert))) !== undefined;
  const pki = await loadOrCreatePKI(dir, hosts, options);
  if (pki.caKey === undefined) return pki; // a CA whose key is kept elsewhere cannot be shared
  try {
    await store.create(bootstrapKey(token), seal(token, { caCert: pki.caCert, caKey: pki.caKey }));
    return pki;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  // Another server started at the same moment and stored its CA first: ours
  // is seconds old and trusted by nobody yet, so take theirs.
  const theirs = await storedCA(store, token);
  if (!theirs) throw new PKIError('Corrupt', 'the cluster CA vanished from the datastore while this server started');
  await adoptCA(dir, theirs, !hadCA);
  return loadOrCreatePKI(dir, hosts, options);
}
