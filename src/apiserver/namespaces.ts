import type { KubeObject } from '../api/meta.js';
import { isAlreadyExists } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import { encode, prepareCreate } from './objects.js';
import type { Registry } from './registry.js';

/** The namespaces that exist from the first start, as upstream. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Create the system namespaces that are missing. */
export async function bootstrapNamespaces(store: Store, registry: Registry, now: Date): Promise<void> {
  const def = registry.find('', 'v1', 'namespaces')?.def;
  if (!def) return;
  for (const name of systemNamespaces) {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    prepareCreate(def, obj, now);
    def.defaults?.(obj);
    (obj.metadata.labels ??= {})['kubernetes.io/metadata.name'] = name;
    try {
      await store.create(`/registry/namespaces/${name}`, encode(obj));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
