/**
 * What a controller asks of a pod: is it active, ready, available; and in
 * which order a controller deletes surplus pods (upstream's
 * ActivePodsWithRanks), so that a scale-down removes the pods that matter
 * least first.
 */
import type { Condition, Pod } from './types.js';

/** Not finished and not being deleted: a pod that counts toward a replica count. */
export const isPodActive = (p: Pod): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

/** The pod's Ready condition, if any. */
export const readyCondition = (p: Pod): Condition | undefined => p.status?.conditions?.find((c) => c.type === 'Ready');

/** Ready: the Ready condition is True. */
export const isPodReady = (p: Pod): boolean => readyCondition(p)?.status === 'True';

/**
 * Available: ready for at least `minReadySeconds` at `now` (upstream's
 * IsPodAvailable: the Ready condition's lastTransitionTime is the start).
 */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(p);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available (0 if it is, or will not be by waiting). */
export function msUntilAvailable(p: Pod, minReadySeconds: number, now: number): number {
  const c = readyCondition(p);
  if (c?.status !== 'True' || minReadySeconds <= 0 || !c.lastTransitionTime) return 0;
  return Math.max(0, Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 - now);
}

const phaseOrder: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCost = (p: Pod): number => {
  const v = Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return Number.isFinite(v) ? v : 0;
};
const restarts = (p: Pod): number => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
const time = (s: string | undefined): number => (s ? Date.parse(s) : 0);

/**
 * Orders pods so that the first are the best to delete, as upstream ranks
 * them: unscheduled before scheduled; Pending, Unknown, then Running; not
 * ready before ready; lower `controller.kubernetes.io/pod-deletion-cost`
 * first; more pods of the same owner on the pod's node first (`rank`);
 * ready for less time first; more restarts first; newer first.
 */
export function byDeletionPreference(pods: readonly Pod[], rank: (p: Pod) => number = () => 0): Pod[] {
  return [...pods].sort((a, b) => {
    const an = a.spec?.nodeName ? 1 : 0;
    const bn = b.spec?.nodeName ? 1 : 0;
    if (an !== bn) return an - bn;
    const ap = phaseOrder[a.status?.phase ?? 'Pending'] ?? 0;
    const bp = phaseOrder[b.status?.phase ?? 'Pending'] ?? 0;
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
export function colocationRanks(related: readonly Pod[]): (p: Pod) => number {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  return (p) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
}

/** RFC 3339 with seconds, as the API stores times. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
