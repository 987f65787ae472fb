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

/** The pod's Ready condition, if any. */
export const readyCondition = (p: KubeObject) => podStatus(p).conditions?.find((c) => c.type === 'Ready');

/**
 * Available: ready for at least `minReadySeconds` at `now` (upstream's
 * IsPodAvailable: the Ready condition's lastTransitionTime is the start).
 */
export function isPodAvailable(p: KubeObject, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(p);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available (0 if it is, or will not be by waiting). */
export function msUntilAvailable(p: KubeObject, minReadySeconds: number, now: number): number {
  const c = readyCondition(p);
  if (c?.status !== 'True' || minReadySeconds <= 0 || !c.lastTransitionTime) return 0;
  return Math.max(0, Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 - now);
}

const phaseOrder: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCost = (p: KubeObject): number => {
  const v = Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return Number.isFinite(v) ? v : 0;
};
const restarts = (p: PodLike): number => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
const time = (s: string | undefined): number => (s ? Date.parse(s) : 0);

/**
 * Orders pods so that the first are the best to delete, as upstream ranks
 * them (ActivePodsWithRanks): unscheduled before scheduled; Pending,
 * Unknown, then Running; not ready before ready; lower
 * `controller.kubernetes.io/pod-deletion-cost` first; more pods of the same
 * owner on the pod's node first (`rank`); ready for less time first; more
 * restarts first; newer first.
 */
export function byDeletionPreference<T extends PodLike>(pods: readonly T[], rank: (p: T) => number = () => 0): T[] {
  return [...pods].sort((a, b) => {
    const an = a.spec?.nodeName ? 1 : 0;
    const bn = b.spec?.nodeName ? 1 : 0;
    if (an !== bn) return an - bn;
    const ap = phaseOrder[podPhase(a)] ?? 0;
    const bp = phaseOrder[podPhase(b)] ?? 0;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a) ? 1 : 0;
    const br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ar && br) {
      const ta = time(readyCondition(a)?.lastTransitionTime);
      const tb = time(readyCondition(b)?.lastTransitionTime);
      if (ta !== tb) return tb - ta;
    }
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    return time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp);
  });
}

/**
 * Ranks for `byDeletionPreference` when scaling down: a pod's rank is how
 * many of `related` (active pods of the same owner) share its node, so that
 * doubled-up nodes lose pods first.
 */
export function colocationRanks(related: readonly PodLike[]): (p: PodLike) => number {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  return (p) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
}
