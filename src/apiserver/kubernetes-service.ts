import type { KubeObject } from '../api/meta.js';
import type { Store } from '../storage/store.js';
import { isAlreadyExists } from '../storage/errors.js';
import { encode, prepareCreate } from './objects.js';
import type { Registry } from './registry.js';
import type { ServiceAllocator } from './serviceips.js';
import { decode } from './watchcache.js';

/** Where clients in the cluster reach the API server. */
export interface APIEndpoint {
  readonly ip: string;
  readonly port: number;
}

/**
 * Create or refresh the `kubernetes` Service in `default` (the first
 * ClusterIP, port 443 named https) and its Endpoints, pointing at the API
 * server, as kube-apiserver's endpoint reconciler does at start.
 */
export async function reconcileKubernetesService(store: Store, registry: Registry, services: ServiceAllocator, endpoint: APIEndpoint, now: Date): Promise<void> {
  const ip = services.firstIP;
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: endpoint.port }] },
  };
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: endpoint.ip }], ports: [{ name: 'https', port: endpoint.port, protocol: 'TCP' }] }],
  };
  await store.create(`/registry/skiff/serviceips/${ip}`, JSON.stringify({ owner: 'default/kubernetes' })).catch((err: unknown) => {
    if (!isAlreadyExists(err)) throw err;
  });
  for (const obj of [service, endpoints]) {
    const def = registry.byKind('', obj.kind)?.def;
    if (!def) continue;
    const key = `/registry/${def.resource}/default/kubernetes`;
    const kv = await store.get(key);
    if (!kv) {
      prepareCreate(def, obj, now);
      def.defaults?.(obj);
      await store.create(key, encode(obj)).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
      continue;
    }
    // Keep identity and user labels; point spec/subsets at this server.
    const current = decode(kv).object;
    const next: KubeObject = { ...current, ...(obj.kind === 'Service' ? { spec: { ...(current.spec as object), ports: (service.spec as { ports: unknown }).ports } } : { subsets: obj.subsets }) };
    if (encode(next) !== encode(current)) await store.update(key, encode(next), kv.modRevision);
  }
}
