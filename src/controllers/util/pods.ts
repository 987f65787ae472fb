/**
 * Pod and ownership helpers shared by controllers: a pod's phase and
 * readiness, the controller reference of an object, and the owner
 * reference a controller sets on what it creates.
 */
import type { KubeObject, OwnerReference } from '../../api/meta.js';

/** The fields of a pod controllers read. */
export interface PodLike extends KubeObject {
  spec?: {
    nodeName?: string;
    containers?: { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
    initContainers?: { name: string; restartPolicy?: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
    overhead?: Record<string, string>;
    volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
    restartPolicy?: string;
  };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { name: string; restartCount?: number; state?: { terminated?: { finishedAt?: string } } }[];
    startTime?: string;
  };
}

/** The status fields controllers read, of any pod object. */
interface PodStatus {
  phase?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  conditions?: { type: string; status: string; lastTransitionTime?: string }[];
}

/** The pod's status, typed loosely (the API types pods as plain objects). */
export const podStatus = (pod: KubeObject) => (pod.status ?? {}) as PodStatus;

export const podPhase = (p: KubeObject): string => podStatus(p).phase ?? 'Pending';

/** Succeeded or Failed: the pod will not run again. */
export const isPodTerminal = (p: KubeObject): boolean => podPhase(p) === 'Succeeded' || podPhase(p) === 'Failed';

/** Neither terminal nor being deleted: counts toward a controller's active pods. */
export const isPodActive = (p: KubeObject): boolean => !isPodTerminal(p) && !p.metadata.deletionTimestamp;

/** The pod's Ready condition is True. */
export const isPodReady = (p: KubeObject): boolean => podStatus(p).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The owner reference with `controller: true`, if any. */
export const controllerRef = (o: KubeObject): OwnerReference | undefined => o.metadata.ownerReferences?.find((r) => r.controller === true);

/** The owner reference a controller puts on what it creates (controller, blocks the owner's foreground deletion). */
export const ownerRefTo = (owner: KubeObject): OwnerReference => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});

/** The time a terminal pod finished: its last container's end, else its Ready condition's last change, else `fallback`. */
export function podFinishTime(p: PodLike, fallback: Date): Date {
  let latest: number | undefined;
  for (const s of p.status?.containerStatuses ?? []) {
    const t = s.state?.terminated?.finishedAt;
    if (t) latest = Math.max(latest ?? 0, Date.parse(t));
  }
  if (latest === undefined) {
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    if (ready) latest = Date.parse(ready);
  }
  return latest === undefined ? fallback : new Date(latest);
}
