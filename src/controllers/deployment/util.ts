/**
 * Deployment bookkeeping as upstream's deployment util: the annotations a
 * Deployment's ReplicaSets carry, revisions, surge and unavailability
 * budgets, which ReplicaSet is "new", and the conditions' reasons and
 * messages.
 */
import { semanticEqual } from '../util/hash.js';
import { scaledValue } from '../util/intstr.js';
import type { Condition, PodTemplate, ReplicaSet, Workload } from '../util/types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Annotations of a Deployment that are not copied to its ReplicaSets. */
const NOT_COPIED = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

export interface DeploymentSpec {
  replicas?: number;
  selector?: unknown;
  template?: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}
export type Deployment = Workload<DeploymentSpec, DeploymentStatus>;

/** Condition reasons, as upstream spells them. */
export const reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export const replicasOf = (d: { spec: { replicas?: number } }): number => d.spec.replicas ?? 1;
const isRolling = (d: Deployment) => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** maxSurge and maxUnavailable resolved against replicas; both zero means one unavailable (upstream's ResolveFenceposts). */
export function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const n = replicasOf(d);
  const surge = scaledValue(ru.maxSurge ?? '25%', n, true);
  const unavailable = scaledValue(ru.maxUnavailable ?? '25%', n, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export const maxSurge = (d: Deployment): number => (isRolling(d) ? fenceposts(d).surge : 0);

export function maxUnavailable(d: Deployment): number {
  const n = replicasOf(d);
  if (!isRolling(d) || n === 0) return 0;
  return Math.min(fenceposts(d).unavailable, n);
}

/** The revision number an object is annotated with (0 if none). */
export function revisionOf(o: { metadata: { annotations?: Record<string, string> } }): number {
  const n = Number(o.metadata.annotations?.[REVISION] ?? 0);
  return Number.isInteger(n) ? n : 0;
}

/** Templates equal but for the pod-template-hash label (upstream's EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  const strip = (t: PodTemplate | undefined) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) {
      const { [POD_TEMPLATE_HASH]: _hash, ...labels } = c.metadata.labels;
      c.metadata.labels = labels;
    }
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

const created = (o: ReplicaSet) => (o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : 0);
/** Oldest first, by creation then name. */
export const byCreation = (list: readonly ReplicaSet[]): ReplicaSet[] => [...list].sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));

/** The ReplicaSet whose template is the Deployment's (the oldest such), and all the others. */
export function splitReplicaSets(d: Deployment, list: readonly ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const newRS = byCreation(list).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
  return { newRS, oldRSs: list.filter((rs) => rs !== newRS) };
}

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec.replicas ?? 0;
export const sum = (list: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number | undefined): number => list.reduce((n, rs) => n + (rs ? (f(rs) ?? 0) : 0), 0);
export const active = (list: readonly (ReplicaSet | undefined)[]): ReplicaSet[] => list.filter((rs): rs is ReplicaSet => !!rs && specReplicas(rs) > 0);

/** Copies the Deployment's own annotations onto a ReplicaSet; true if anything changed. */
export function copyAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const a = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas; true if they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

/**
 * The new ReplicaSet's annotations for `revision` (upstream's
 * SetNewReplicaSetAnnotations): the Deployment's annotations, the revision
 * (a ReplicaSet brought back by a rollback records its old revisions in
 * revision-history), and on creation the replica annotations.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, revision: number, exists: boolean): boolean {
  let changed = copyAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const old = a[REVISION];
  const oldNum = Number(old ?? 0);
  if (!old || oldNum < revision) {
    a[REVISION] = String(revision);
    changed = true;
    if (old && exists) a[REVISION_HISTORY] = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${old}` : old;
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** The Deployment complete: every replica updated and available, and this generation observed. */
export function isComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Progress since the last status: more updated, fewer old, more ready or more available replicas. */
export function isProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** No progress deadline: progressDeadlineSeconds unset or MaxInt32. */
export const hasProgressDeadline = (d: Deployment): boolean => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;
