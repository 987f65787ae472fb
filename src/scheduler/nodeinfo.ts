/**
 * The scheduler's view of each node: the Node, the pods on it (bound, or
 * assumed by this scheduler and not yet seen bound), and their sums
 * (requests, non-zero requests, host ports), kept incrementally so that a
 * filter or score reads them without walking pods.
 */
import { keyOf } from '../client/index.js';
import { addTo, emptyResources, nodeAllocatable, podRequests, type Resources } from './resources.js';
import type { Node, Pod } from './types.js';

/** A pod with what the scheduler derived from it once. */
export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly requests: Resources;
  readonly nonZero: Resources;
  /** `protocol/ip/port` of each host port. */
  readonly hostPorts: readonly HostPort[];
  readonly hasRequiredAntiAffinity: boolean;
  readonly hasAffinity: boolean;
  /** Uses PersistentVolumeClaims (volume binding has work to do). */
  readonly hasClaims: boolean;
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

/** Host ports the pod's containers ask for (hostIP 0.0.0.0 and TCP by default). */
export function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
  return out;
}

export function newPodInfo(pod: Pod): PodInfo {
  const a = pod.spec?.affinity;
  return {
    pod,
    key: keyOf(pod),
    requests: podRequests(pod),
    nonZero: podRequests(pod, true),
    hostPorts: hostPortsOf(pod),
    hasRequiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0,
    hasAffinity: a?.podAffinity !== undefined || a?.podAntiAffinity !== undefined,
    hasClaims: pod.spec?.volumes?.some((v) => v.persistentVolumeClaim !== undefined) ?? false,
  };
}

export class NodeInfo {
  node: Node | undefined;
  allocatable: Resources = emptyResources();
  allowedPods = 0;
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  readonly pods = new Map<string, PodInfo>();
  /** Pods with affinity or anti-affinity terms (read by InterPodAffinity without a walk of all pods). */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  readonly usedPorts: HostPort[] = [];
  /** Image names on the node (status.images), for ImageLocality. */
  images = new Map<string, number>();

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    const a = nodeAllocatable(node);
    this.allocatable = a.resources;
    this.allowedPods = a.pods;
    this.images = new Map();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) this.images.set(n, img.sizeBytes ?? 0);
  }

  /** A copy whose pods can be changed without touching this one (preemption's dry runs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.allocatable = this.allocatable;
    c.allowedPods = this.allowedPods;
    c.images = this.images;
    for (const pi of this.pods.values()) c.addPod(pi);
    return c;
  }

  addPod(pi: PodInfo): void {
    this.removePod(pi.key);
    this.pods.set(pi.key, pi);
    addTo(this.requested, pi.requests);
    addTo(this.nonZeroRequested, pi.nonZero);
    this.usedPorts.push(...pi.hostPorts);
    if (pi.hasAffinity) this.podsWithAffinity.add(pi);
    if (pi.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.add(pi);
  }

  removePod(key: string): PodInfo | undefined {
    const pi = this.pods.get(key);
    if (!pi) return undefined;
    this.pods.delete(key);
    addTo(this.requested, pi.requests, -1);
    addTo(this.nonZeroRequested, pi.nonZero, -1);
    for (const p of pi.hostPorts) {
      const i = this.usedPorts.indexOf(p);
      if (i >= 0) this.usedPorts.splice(i, 1);
    }
    this.podsWithAffinity.delete(pi);
    this.podsWithRequiredAntiAffinity.delete(pi);
    return pi;
  }
}
