/**
 * Upstream's ServiceAccount admission plugin, on pod creation: the pod
 * runs as `spec.serviceAccountName` (defaulted to `default` with the other
 * pod defaults), takes the account's image pull secrets if it names none,
 * and, unless the pod or the account opts out with
 * `automountServiceAccountToken: false`, gets a `kube-api-access-XXXXX`
 * projected volume (a bound token, the cluster CA and the namespace)
 * mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in
 * every container and init container.
 *
 * Unlike upstream, a pod whose account does not exist (yet) is admitted
 * as it is, without a token volume, rather than refused with 403: skiff
 * runs its API server without the controller manager in many setups and
 * tests, where no `default` account is ever made.
 */
import type { KubeObject } from '../api/meta.js';
import type { HandlerContext } from './handlers/context.js';
import { generateName } from './objects.js';
import { storageKey } from './registry.js';

/** Where the token volume is mounted (upstream's DefaultAPITokenMountPath). */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Prefix of the token volume's name. */
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** The annotation of a static pod's mirror, which admission leaves alone. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  volumeMounts?: Mount[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
  volumes?: ({ name: string } & Record<string, unknown>)[];
  containers?: Container[];
  initContainers?: Container[];
}
interface ServiceAccount extends KubeObject {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
}

/** The projected source of the token volume, as upstream's TokenVolumeSource. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** The account from the watch cache, or the store on a miss (one just created). */
async function findServiceAccount(ctx: HandlerContext, namespace: string, name: string): Promise<ServiceAccount | undefined> {
  const r = ctx.registry.find('', 'v1', 'serviceaccounts');
  if (!r) return undefined;
  const key = storageKey(r, namespace, name);
  const hit = r.cache.get(key);
  if (hit) return hit.object;
  const kv = await ctx.store.get(key);
  return kv ? r.codec.decode(kv).object : undefined;
}

/** Admit a new pod (defaults applied, not yet validated): see the file comment. */
export async function admitServiceAccount(ctx: HandlerContext, namespace: string, pod: KubeObject): Promise<void> {
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
  const spec = (pod.spec ?? {}) as PodSpec;
  const sa = await findServiceAccount(ctx, namespace, spec.serviceAccountName || 'default');
  if (!sa) return;
  if (spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true) mountToken(spec);
  if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
}

/** Upstream's mountServiceAccountToken: a container with its own mount at the path keeps it; the volume is added once. */
function mountToken(spec: PodSpec): void {
  const existing = spec.volumes?.find((v) => v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const name = existing?.name ?? generateName(TOKEN_VOLUME_PREFIX);
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (c.volumeMounts?.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
    needed = true;
  }
  if (!existing && needed) spec.volumes = [...(spec.volumes ?? []), { name, projected: tokenVolumeSource() }];
}
