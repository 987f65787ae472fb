/**
 * The key service account tokens are signed with (upstream's
 * `--service-account-signing-key-file` / `--service-account-key-file`).
 * Every server of a cluster must sign and verify with the same key, so it
 * is shared through the datastore beside the cluster CA (k3s keeps its
 * `service.key` in the bootstrap data too): the first server generates an
 * ECDSA P-256 key, stores it sealed with the token, and every server keeps
 * a copy in its PKI folder as `service-account.key`.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlreadyExists } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import { bootstrapKey, readIfPresent, sealText, unsealText } from './cluster-ca.js';
import { writeFileAtomic } from './kubeconfig.js';
import { PKIError } from './pki.js';

/** File name of the signing key inside the PKI folder. */
export const SA_KEY_FILE = 'service-account.key';

/** The signing key pair and its key id (as upstream: base64url of the SHA-256 of the public key's DER). */
export interface ServiceAccountKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
}

/** The store key of the sealed signing key of a cluster joined with `token`. */
export const serviceAccountKeyKey = (token: string): string => `${bootstrapKey(token)}/service-account-key`;

/** A key pair from a PKCS#8 PEM private key; throws PKIError `Corrupt` if it is not an EC P-256 key. */
export function serviceAccountKey(pem: string): ServiceAccountKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new PKIError('Corrupt', `service account key unusable: ${(err as Error).message}`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new PKIError('Corrupt', 'service account key is not an ECDSA P-256 key');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey, kid: createHash('sha256').update(der).digest('base64url') };
}

const newKeyPEM = (): string => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/**
 * The cluster's service account signing key: the one in the datastore, else
 * this server's copy in `dir` (or a new one), then stored for the others.
 *
 * @example
 * const key = await loadServiceAccountKey(store, token, join(dataDir, 'tls'));
 */
export async function loadServiceAccountKey(store: Store, token: string, dir: string): Promise<ServiceAccountKey> {
  const file = join(dir, SA_KEY_FILE);
  const stored = await storedKey(store, token);
  let pem = stored;
  if (pem === undefined) {
    const mine = (await readIfPresent(file)) ?? newKeyPEM();
    serviceAccountKey(mine); // refuse to share a broken key
    try {
      await store.create(serviceAccountKeyKey(token), sealText(token, mine));
      pem = mine;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Another server stored its key first: sign with that one, as every server must.
      pem = await storedKey(store, token);
      if (pem === undefined) throw new PKIError('Corrupt', 'the service account key vanished from the datastore while this server started');
    }
  }
  if ((await readIfPresent(file)) !== pem) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, pem, 0o600);
  }
  return serviceAccountKey(pem);
}

async function storedKey(store: Store, token: string): Promise<string | undefined> {
  const kv = await store.get(serviceAccountKeyKey(token));
  if (!kv) return undefined;
  try {
    return unsealText(token, kv.value);
  } catch (err) {
    throw new PKIError('Corrupt', `the service account key in the datastore cannot be read with this --token (${(err as Error).message})`, { cause: err });
  }
}
