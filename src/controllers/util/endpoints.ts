/**
 * What the Endpoints and EndpointSlice controllers share: which Services a
 * pod change concerns, which pods back a Service, and how a Service port's
 * target resolves on one pod (named ports are per pod).
 */
import type { KubeObject } from '../../api/meta.js';
import { selectorFromSet } from '../../api/labels.js';
import { pods, services } from '../../api/core/index.js';
import { indexers, keyOf, type Informer, type WorkQueue } from '../../client/index.js';
import type { ControllerContext } from '../controller.js';
import { isPodReady, isPodTerminal, podStatus } from './pods.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}
export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
}
interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
}

export const serviceSpec = (svc: KubeObject) => (svc.spec ?? {}) as ServiceSpec;
export const podSpec = (pod: KubeObject) => (pod.spec ?? {}) as PodSpec;

/** True for Services whose endpoints a controller keeps: those with a selector (the others' are hand-made). */
export const hasSelector = (svc: KubeObject) => Object.keys(serviceSpec(svc).selector ?? {}).length > 0;

/** The informers both controllers read, with handlers that queue the Services a change concerns. */
export function watchServicesAndPods(ctx: ControllerContext, queue: WorkQueue): { services: Informer; pods: Informer } {
  const svcs = ctx.informers.for(services);
  const podInf = ctx.informers.for(pods);
  svcs.addIndex('namespace', indexers.namespace);
  podInf.addIndex('namespace', indexers.namespace);
  svcs.on({ add: (s) => queue.add(keyOf(s)), update: (_, s) => queue.add(keyOf(s)), delete: (s) => queue.add(keyOf(s)) });
  const touched = (old: KubeObject | undefined, pod: KubeObject) => {
    for (const s of svcs.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const sel = serviceSpec(s).selector;
      if (!sel || !Object.keys(sel).length) continue;
      const m = selectorFromSet(sel);
      if (m.matches(pod.metadata.labels) || (old && m.matches(old.metadata.labels))) queue.add(keyOf(s));
    }
  };
  podInf.on({ add: (p) => touched(undefined, p), update: (old, p) => touched(old, p), delete: (p) => touched(undefined, p) });
  return { services: svcs, pods: podInf };
}

/** The pods a Service selects (same namespace). */
export function selectedPods(podInf: Informer, svc: KubeObject): KubeObject[] {
  const m = selectorFromSet(serviceSpec(svc).selector);
  return podInf.byIndex('namespace', svc.metadata.namespace ?? '').filter((p) => m.matches(p.metadata.labels));
}

/**
 * Whether a pod has a place among a Service's endpoints, as upstream: it
 * has an IP, has not finished, and is not terminating (unless the Service
 * publishes not-ready addresses, or the caller keeps terminating pods: slices do).
 */
export function podInEndpoints(pod: KubeObject, svc: KubeObject, includeTerminating = false): boolean {
  if (!podStatus(pod).podIP || isPodTerminal(pod)) return false;
  if (pod.metadata.deletionTimestamp && !includeTerminating && !serviceSpec(svc).publishNotReadyAddresses) return false;
  return true;
}

/** Whether a pod counts as ready for a Service (`publishNotReadyAddresses` makes every one ready). */
export const readyFor = (pod: KubeObject, svc: KubeObject) => !!serviceSpec(svc).publishNotReadyAddresses || isPodReady(pod);

/** The port a Service port targets on one pod; undefined when a named port is not declared by the pod. */
export function targetPort(sp: ServicePort, pod: KubeObject): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of podSpec(pod).containers ?? []) for (const p of c.ports ?? []) if (p.name === t && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** The `targetRef` of a pod's endpoint. */
export const podRef = (pod: KubeObject) => ({ kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' });

/** A pod's DNS hostname for a Service: set when its `subdomain` names the Service, as upstream. */
export function hostnameFor(pod: KubeObject, svc: KubeObject): string | undefined {
  const spec = podSpec(pod);
  return spec.hostname && spec.subdomain === svc.metadata.name ? spec.hostname : undefined;
}
