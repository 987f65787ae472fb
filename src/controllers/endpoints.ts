/**
 * The Endpoints controller: for each Service with a selector, an Endpoints
 * object of the same name listing its pods' addresses, ready ones in
 * `addresses` and the others in `notReadyAddresses`, grouped into subsets
 * by the ports they serve (named target ports resolve per pod), as
 * kube-controller-manager's endpoint controller. Services without a
 * selector keep whatever Endpoints their owner writes by hand (the
 * `kubernetes` Service's are the API server's).
 */
import type { KubeObject } from '../api/meta.js';
import { endpoints } from '../api/core/index.js';
import { isNotFound, splitKey, WorkQueue, type Informer } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { hasSelector, hostnameFor, podInEndpoints, podRef, podSpec, readyFor, selectedPods, serviceSpec, targetPort, watchServicesAndPods } from './util/endpoints.js';
import { podStatus } from './util/pods.js';
import { runQueue } from './util/run.js';

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: ReturnType<typeof podRef>;
}
interface Port {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: Port[];
}

/** Set on Endpoints of headless Services, as upstream. */
const headlessLabel = 'service.kubernetes.io/headless';

/** The endpoint controller (`endpoint` in upstream's `--controllers`). */
export function newEndpointsController(): Controller {
  return {
    name: 'endpoint',
    async run(ctx: ControllerContext) {
      const queue = new WorkQueue<string>();
      const { services, pods } = watchServicesAndPods(ctx, queue);
      const eps = ctx.informers.for(endpoints);
      if (!(await ctx.informers.synced())) return;
      const kept = new Set<string>();
      await runQueue(ctx, 'endpoint', queue, 4, (key) => syncEndpoints(ctx, services, pods, eps, kept, key));
    },
  };
}

/**
 * Sync one Service's Endpoints. `kept` holds the keys of Services this
 * controller keeps Endpoints for: when such a Service goes, so do its
 * Endpoints. Unlike upstream, the hand-made Endpoints of a selector-less
 * Service are left to whoever made them (`kubectl delete -f` of a manifest
 * with both then finds them).
 */
async function syncEndpoints(ctx: ControllerContext, services: Informer, pods: Informer, eps: Informer, kept: Set<string>, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const svc = services.get(key);
  if (!svc || !hasSelector(svc)) {
    if (kept.delete(key) && !svc && eps.get(key)) await ctx.client.delete(endpoints, namespace, name).catch(ignoreNotFound);
    return;
  }
  kept.add(key);
  const subsets = desiredSubsets(svc, selectedPods(pods, svc));
  const labels: Record<string, string> = { ...svc.metadata.labels };
  if (serviceSpec(svc).clusterIP === 'None') labels[headlessLabel] = '';
  const current = eps.get(key);
  if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels)) return;
  const next: KubeObject = current
    ? { ...structuredClone(current), subsets, metadata: { ...structuredClone(current.metadata), labels } }
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
  try {
    if (current) await ctx.client.update(endpoints, next);
    else await ctx.client.create(endpoints, namespace, next);
  } catch (err) {
    // The namespace went meanwhile; a conflict (stale cache) is retried with back-off.
    if (!isNotFound(err)) throw err;
  }
}

/** The subsets of a Service's Endpoints: one per distinct port set, addresses sorted by IP. */
export function desiredSubsets(svc: KubeObject, pods: readonly KubeObject[]): Subset[] {
  const spec = serviceSpec(svc);
  const bySet = new Map<string, { ports: Port[]; ready: Address[]; notReady: Address[] }>();
  for (const pod of pods) {
    if (!podInEndpoints(pod, svc)) continue;
    const ports: Port[] = [];
    for (const sp of spec.ports ?? []) {
      const port = targetPort(sp, pod);
      if (port === undefined) continue; // a named port this pod does not declare: not an endpoint of it
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // A Service with ports, none of which this pod serves; headless Services without ports list bare addresses.
    if (!ports.length && spec.ports?.length) continue;
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port || a.protocol.localeCompare(b.protocol));
    const hostname = hostnameFor(pod, svc);
    const nodeName = podSpec(pod).nodeName;
    const address: Address = { ip: podStatus(pod).podIP ?? '', ...(hostname ? { hostname } : {}), ...(nodeName ? { nodeName } : {}), targetRef: podRef(pod) };
    const setKey = JSON.stringify(ports);
    let set = bySet.get(setKey);
    if (!set) bySet.set(setKey, (set = { ports, ready: [], notReady: [] }));
    (readyFor(pod, svc) ? set.ready : set.notReady).push(address);
  }
  const byIP = (a: Address, b: Address) => a.ip.localeCompare(b.ip, undefined, { numeric: true }) || a.targetRef.uid.localeCompare(b.targetRef.uid);
  return [...bySet.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, s]) => ({
      ...(s.ready.length ? { addresses: s.ready.sort(byIP) } : {}),
      ...(s.notReady.length ? { notReadyAddresses: s.notReady.sort(byIP) } : {}),
      ...(s.ports.length ? { ports: s.ports } : {}),
    }));
}

const ignoreNotFound = (err: unknown) => {
  if (!isNotFound(err)) throw err;
};
