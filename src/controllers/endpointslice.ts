/**
 * The EndpointSlice controller: for each Service with a selector, slices
 * labelled `kubernetes.io/service-name` and managed by
 * `endpointslice-controller.k8s.io`, owned by the Service, each of at most
 * 100 endpoints sharing one port set and address type, with
 * ready/serving/terminating conditions, as kube-controller-manager's
 * endpointslice controller. A Service with no endpoints keeps one empty
 * slice, as upstream's placeholder.
 */
import type { KubeObject } from '../api/meta.js';
import { endpointSlices } from '../api/discovery/index.js';
import { indexers, isNotFound, splitKey, WorkQueue, type Informer } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { hasSelector, hostnameFor, podInEndpoints, podRef, podSpec, selectedPods, serviceSpec, targetPort, watchServicesAndPods } from './util/endpoints.js';
import { isPodReady, podStatus } from './util/pods.js';
import { runQueue } from './util/run.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const managedBy = 'endpointslice-controller.k8s.io';

export interface EndpointSliceControllerOptions {
  /** Upstream's `--max-endpoints-per-slice` (default 100). */
  readonly maxEndpointsPerSlice?: number;
}

interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: ReturnType<typeof podRef>;
}
interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
/** A slice as this controller wants it, before names and metadata. */
interface Desired {
  addressType: string;
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

/** The endpointslice controller (`endpointslice` in upstream's `--controllers`). */
export function newEndpointSliceController(options: EndpointSliceControllerOptions = {}): Controller {
  const max = options.maxEndpointsPerSlice ?? 100;
  return {
    name: 'endpointslice',
    async run(ctx: ControllerContext) {
      const queue = new WorkQueue<string>();
      const { services, pods } = watchServicesAndPods(ctx, queue);
      const slices = ctx.informers.for(endpointSlices);
      slices.addIndex('service', (s) => (s.metadata.labels?.[managedByLabel] === managedBy ? [`${s.metadata.namespace ?? ''}/${s.metadata.labels[serviceNameLabel] ?? ''}`] : []));
      slices.addIndex('owner', indexers.owner);
      // A slice changed or deleted by someone else is put back.
      const own = (s: KubeObject) => {
        if (s.metadata.labels?.[managedByLabel] === managedBy) queue.add(`${s.metadata.namespace ?? ''}/${s.metadata.labels[serviceNameLabel] ?? ''}`);
      };
      slices.on({ update: (_, s) => own(s), delete: own });
      if (!(await ctx.informers.synced())) return;
      await runQueue(ctx, 'endpointslice', queue, 4, (key) => syncSlices(ctx, services, pods, slices, key, max));
    },
  };
}

async function syncSlices(ctx: ControllerContext, services: Informer, pods: Informer, slices: Informer, key: string, max: number): Promise<void> {
  const [namespace, name] = splitKey(key);
  const svc = services.get(key);
  const existing = slices.byIndex('service', key).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  // The Service is gone (its slices go with it through their owner reference too) or no longer selects.
  if (!svc || !hasSelector(svc)) {
    for (const s of existing) await ctx.client.delete(endpointSlices, namespace, s.metadata.name ?? '').catch(ignoreNotFound);
    return;
  }
  const desired = desiredSlices(svc, selectedPods(pods, svc), max);
  const labels = { ...svc.metadata.labels, [serviceNameLabel]: name, [managedByLabel]: managedBy };
  const owner = { apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
  // Reuse slices of the same address type and port set first, then any of the same address type (ports may change in place).
  const pool = [...existing];
  const take = (d: Desired) => {
    let i = pool.findIndex((s) => s.addressType === d.addressType && JSON.stringify(s.ports ?? []) === JSON.stringify(d.ports));
    if (i < 0) i = pool.findIndex((s) => s.addressType === d.addressType);
    return i < 0 ? undefined : pool.splice(i, 1)[0];
  };
  for (const d of desired) {
    const current = take(d);
    const body = { addressType: d.addressType, endpoints: d.endpoints, ports: d.ports };
    if (!current) {
      await ctx.client.create(endpointSlices, namespace, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [owner] }, ...body }).catch(ignoreNotFound);
      continue;
    }
    const same =
      JSON.stringify(current.endpoints ?? []) === JSON.stringify(d.endpoints) &&
      JSON.stringify(current.ports ?? []) === JSON.stringify(d.ports) &&
      JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels) &&
      current.metadata.ownerReferences?.some((r) => r.uid === owner.uid);
    if (same) continue;
    await ctx.client.update(endpointSlices, { ...structuredClone(current), ...body, metadata: { ...structuredClone(current.metadata), labels, ownerReferences: [owner] } }).catch(ignoreNotFound);
  }
  for (const s of pool) await ctx.client.delete(endpointSlices, namespace, s.metadata.name ?? '').catch(ignoreNotFound);
}

/** The slices a Service needs: endpoints grouped by address type and port set, at most `max` to a slice. */
export function desiredSlices(svc: KubeObject, pods: readonly KubeObject[], max: number): Desired[] {
  const spec = serviceSpec(svc);
  const groups = new Map<string, Desired>();
  for (const pod of pods) {
    // Terminating pods stay in slices (with their conditions saying so), as upstream.
    if (!podInEndpoints(pod, svc, true)) continue;
    const ip = podStatus(pod).podIP ?? '';
    const addressType = ip.includes(':') ? 'IPv6' : 'IPv4';
    const ports: SlicePort[] = [];
    for (const sp of spec.ports ?? []) {
      const port = targetPort(sp, pod);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    if (!ports.length && spec.ports?.length) continue;
    ports.sort((a, b) => a.name.localeCompare(b.name) || a.port - b.port);
    const terminating = !!pod.metadata.deletionTimestamp;
    const hostname = hostnameFor(pod, svc);
    const nodeName = podSpec(pod).nodeName;
    const endpoint: SliceEndpoint = {
      addresses: [ip],
      // As upstream: never ready while terminating unless the Service publishes not-ready addresses; serving is the pod's readiness alone.
      conditions: { ready: !!spec.publishNotReadyAddresses || (isPodReady(pod) && !terminating), serving: isPodReady(pod), terminating },
      ...(hostname ? { hostname } : {}),
      ...(nodeName ? { nodeName } : {}),
      targetRef: podRef(pod),
    };
    const k = `${addressType}|${JSON.stringify(ports)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { addressType, ports, endpoints: [] }));
    g.endpoints.push(endpoint);
  }
  const out: Desired[] = [];
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    g.endpoints.sort((a, b) => (a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? '', undefined, { numeric: true }));
    for (let i = 0; i < g.endpoints.length; i += max) out.push({ ...g, endpoints: g.endpoints.slice(i, i + max) });
  }
  // No endpoints: one empty placeholder slice, as upstream.
  if (!out.length) out.push({ addressType: 'IPv4', ports: [], endpoints: [] });
  return out;
}

const ignoreNotFound = (err: unknown) => {
  if (!isNotFound(err)) throw err;
};
