import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** What a kubeconfig for one cluster, one user and one context holds. */
export interface KubeconfigParams {
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  /** PEM of the cluster CA. */
  readonly caCert: string;
  /** PEM of the client certificate. */
  readonly clientCert: string;
  /** PEM of the client private key. */
  readonly clientKey: string;
  /** Name of the cluster, user and context (default `default`, as k3s). */
  readonly contextName?: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** The kubeconfig YAML text for `params` (cluster, user and context share one name). */
export function renderKubeconfig(params: KubeconfigParams): string {
  const name = params.contextName ?? 'default';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: params.server, 'certificate-authority-data': b64(params.caCert) } },
    ],
    users: [
      {
        name,
        user: {
          'client-certificate-data': b64(params.clientCert),
          'client-key-data': b64(params.clientKey),
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

/**
 * Write `data` to `path` atomically: a temp file in the same folder (created
 * with `mode`), fsync, then rename over `path`. Creates the folder if needed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // exact, whatever the umask
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Write a kubeconfig to `path` atomically with mode 0600.
 *
 * @example
 * await writeKubeconfig('/var/lib/skiff/kubeconfig.yaml', {
 *   server: 'https://127.0.0.1:6443', caCert, clientCert: adminCert, clientKey: adminKey,
 * });
 */
export async function writeKubeconfig(path: string, params: KubeconfigParams): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(params), 0o600);
}
