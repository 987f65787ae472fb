/**
 * One sync of a Deployment (upstream's sync.go, rolling.go, recreate.go,
 * progress.go): find or create the new ReplicaSet, scale ReplicaSets as the
 * strategy allows, clean up old history, and write the status with the
 * Progressing and Available conditions.
 */
import { deployments, replicaSets } from '../../api/apps/index.js';
import { isAlreadyExists, type Client, type EventRecorder } from '../../client/index.js';
import { getCondition, removeCondition, setCondition } from '../util/conditions.js';
import { canonicalJSON, computeHash } from '../util/hash.js';
import { isControlledBy } from '../util/owners.js';
import { ownerRefTo } from '../util/pods.js';
import { timestamp } from '../util/time.js';
import { omitZero, putStatus } from '../util/status.js';
import type { Condition, Pod, ReplicaSet } from '../util/types.js';
import {
  active,
  byCreation,
  equalIgnoreHash,
  hasProgressDeadline,
  isComplete,
  isProgressing,
  maxSurge,
  maxUnavailable,
  MAX_REPLICAS,
  POD_TEMPLATE_HASH,
  reasons,
  replicasOf,
  REVISION,
  revisionOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  splitReplicaSets,
  sum,
  DESIRED_REPLICAS,
  type Deployment,
  type DeploymentStatus,
} from './util.js';

export interface RolloutDeps {
  readonly client: Client;
  readonly recorder: EventRecorder;
  readonly now: () => number;
  /** Look at the Deployment again after `ms` (progress deadline, minReadySeconds). */
  readonly requeueAfter: (d: Deployment, ms: number) => void;
}

/** The state one sync works on; `d` is a private copy, kept current with what the server answers. */
interface State {
  d: Deployment;
  rsList: ReplicaSet[];
  /** Active pods of each ReplicaSet (by uid), for Recreate. */
  podsByRS: Map<string, Pod[]>;
}

/** Syncs one Deployment whose ReplicaSets (claimed) and pods are given. */
export async function syncDeployment(deps: RolloutDeps, d: Deployment, rsList: ReplicaSet[], podsByRS: Map<string, Pod[]>): Promise<void> {
  const s: State = { d, rsList, podsByRS };
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = await allReplicaSets(deps, s, false);
    await writeStatus(deps, s, calculateStatus(s.d, [...oldRSs, newRS], newRS));
    return;
  }
  await checkPausedConditions(deps, s);
  if (d.spec.paused || isScalingEvent(s)) {
    await scaleOnly(deps, s);
    return;
  }
  if (d.spec.strategy?.type === 'Recreate') await rolloutRecreate(deps, s);
  else await rolloutRolling(deps, s);
}

/** A paused Deployment says so in its Progressing condition (Unknown), and again when resumed. */
async function checkPausedConditions(deps: RolloutDeps, s: State): Promise<void> {
  if (!hasProgressDeadline(s.d)) return;
  const cond = getCondition(s.d.status?.conditions, 'Progressing');
  if (cond?.reason === reasons.timedOut) return;
  const paused = !!s.d.spec.paused;
  const now = timestamp(new Date(deps.now()));
  let next: Condition | undefined;
  if (paused && cond?.reason !== reasons.paused) next = { type: 'Progressing', status: 'Unknown', reason: reasons.paused, message: 'Deployment is paused', lastUpdateTime: now, lastTransitionTime: now };
  else if (!paused && cond?.reason === reasons.paused) next = { type: 'Progressing', status: 'Unknown', reason: reasons.resumed, message: 'Deployment is resumed', lastUpdateTime: now, lastTransitionTime: now };
  if (!next) return;
  await writeStatus(deps, s, { ...(s.d.status ?? {}), conditions: setCondition(s.d.status?.conditions, next) });
}

/** A scaling event: an active ReplicaSet was sized for another replica count (its desired-replicas annotation). */
function isScalingEvent(s: State): boolean {
  const { newRS, oldRSs } = splitReplicaSets(s.d, s.rsList);
  return active([newRS, ...oldRSs]).some((rs) => rs.metadata.annotations?.[DESIRED_REPLICAS] !== undefined && rs.metadata.annotations[DESIRED_REPLICAS] !== String(replicasOf(s.d)));
}

/** Paused or a scaling event: resize proportionally, clean up when paused, and report. */
async function scaleOnly(deps: RolloutDeps, s: State): Promise<void> {
  const { newRS, oldRSs } = await allReplicaSets(deps, s, false);
  await scale(deps, s, newRS, oldRSs);
  if (s.d.spec.paused) await cleanup(deps, s, oldRSs);
  const all = current(s, [newRS, ...oldRSs]);
  await writeStatus(deps, s, calculateStatus(s.d, all, current(s, [newRS])[0]));
}

/** The latest copy of each ReplicaSet (scaling replaces them in `s.rsList`). */
function current(s: State, list: readonly (ReplicaSet | undefined)[]): (ReplicaSet | undefined)[] {
  return list.map((rs) => (rs ? (s.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs) : undefined));
}

async function rolloutRolling(deps: RolloutDeps, s: State): Promise<void> {
  let { newRS, oldRSs } = await allReplicaSets(deps, s, true);
  if (newRS && (await reconcileNewReplicaSet(deps, s, newRS, oldRSs))) return syncRolloutStatus(deps, s);
  [newRS, ...oldRSs] = current(s, [newRS, ...oldRSs]) as [ReplicaSet | undefined, ...ReplicaSet[]];
  if (await reconcileOldReplicaSets(deps, s, newRS, oldRSs)) return syncRolloutStatus(deps, s);
  const status = calculateStatus(s.d, current(s, [newRS, ...oldRSs]), newRS);
  if (isComplete(s.d, status)) await cleanup(deps, s, oldRSs);
  return syncRolloutStatus(deps, s);
}

async function rolloutRecreate(deps: RolloutDeps, s: State): Promise<void> {
  let { newRS, oldRSs } = await allReplicaSets(deps, s, false);
  let scaled = false;
  for (const rs of active(oldRSs)) scaled = (await scaleReplicaSet(deps, s, rs, 0)) || scaled;
  if (scaled) return syncRolloutStatus(deps, s);
  // Old pods must be gone before new ones start: that is the point of Recreate.
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0) || oldRSs.some((rs) => (s.podsByRS.get(rs.metadata.uid ?? '') ?? []).length > 0)) return syncRolloutStatus(deps, s);
  if (!newRS) ({ newRS, oldRSs } = await allReplicaSets(deps, s, true));
  if (newRS && (await scaleReplicaSet(deps, s, newRS, replicasOf(s.d)))) return syncRolloutStatus(deps, s);
  const status = calculateStatus(s.d, current(s, [newRS, ...oldRSs]), newRS);
  if (isComplete(s.d, status)) await cleanup(deps, s, oldRSs);
  return syncRolloutStatus(deps, s);
}

/** Scale the new ReplicaSet up as far as maxSurge allows (or down to replicas). */
async function reconcileNewReplicaSet(deps: RolloutDeps, s: State, newRS: ReplicaSet, oldRSs: ReplicaSet[]): Promise<boolean> {
  const want = replicasOf(s.d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return scaleReplicaSet(deps, s, newRS, want);
  return scaleReplicaSet(deps, s, newRS, newRSReplicas(s.d, [newRS, ...oldRSs], newRS));
}

/** What the new ReplicaSet may grow to now (upstream's NewRSNewReplicas). */
function newRSReplicas(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): number {
  if (d.spec.strategy?.type === 'Recreate') return replicasOf(d);
  const total = sum(all, (rs) => rs.spec.replicas);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (total >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - total, replicasOf(d) - specReplicas(newRS));
}

/**
 * Scale old ReplicaSets down as far as maxUnavailable allows: first their
 * unhealthy replicas, then available ones while enough stay available.
 * A ReplicaSet whose status is behind its spec (its controller has not yet
 * acted on the last resize) makes availability unknown, so nothing is
 * scaled down until it catches up: its status update brings us back.
 */
async function reconcileOldReplicaSets(deps: RolloutDeps, s: State, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<boolean> {
  const oldCount = sum(oldRSs, (rs) => rs.spec.replicas);
  if (oldCount === 0) return false;
  const all = [...(newRS ? [newRS] : []), ...oldRSs];
  if (all.some((rs) => (rs.status?.observedGeneration ?? 0) < (rs.metadata.generation ?? 0))) return false;
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const newUnavailable = specReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  const maxScaledDown = sum(all, (rs) => rs.spec.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  let cleaned = 0;
  for (const rs of byCreation(oldRSs)) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (specReplicas(rs) === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    await scaleReplicaSet(deps, s, rs, specReplicas(rs) - n);
    cleaned += n;
  }
  const olds = current(s, oldRSs) as ReplicaSet[];
  const availableNow = sum(current(s, all), (rs) => rs.status?.availableReplicas);
  let scaledDown = 0;
  if (availableNow > minAvailable) {
    const total = availableNow - minAvailable;
    for (const rs of byCreation(olds)) {
      if (scaledDown >= total) break;
      if (specReplicas(rs) === 0) continue;
      const n = Math.min(specReplicas(rs), total - scaledDown);
      await scaleReplicaSet(deps, s, rs, specReplicas(rs) - n);
      scaledDown += n;
    }
  }
  return cleaned + scaledDown > 0;
}

/**
 * Resize for a changed replica count (upstream's scale): the one active
 * ReplicaSet takes it all; otherwise the difference is shared out in
 * proportion to each ReplicaSet's size, the remainder to the largest.
 */
async function scale(deps: RolloutDeps, s: State, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const want = replicasOf(s.d);
  const activeRSs = active([newRS, ...oldRSs]);
  const only = activeRSs.length === 1 ? activeRSs[0] : activeRSs.length === 0 ? (newRS ?? byCreation(oldRSs).at(-1)) : undefined;
  if (only) {
    if (specReplicas(only) !== want) await scaleReplicaSet(deps, s, only, want);
    return;
  }
  const saturated = newRS && specReplicas(newRS) === want && newRS.metadata.annotations?.[DESIRED_REPLICAS] === String(want) && newRS.status?.availableReplicas === want;
  if (saturated) {
    for (const rs of active(oldRSs)) await scaleReplicaSet(deps, s, rs, 0);
    return;
  }
  if (s.d.spec.strategy?.type === 'Recreate') return;
  const allowed = want > 0 ? want + maxSurge(s.d) : 0;
  const toAdd = allowed - sum(activeRSs, (rs) => rs.spec.replicas);
  const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
  // Scaling up: larger (then newer) first; down: larger (then older) first.
  const sorted = [...activeRSs].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? created(b) - created(a) : created(a) - created(b)));
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of sorted) {
    let p = 0;
    if (toAdd !== 0 && toAdd !== added && specReplicas(rs) > 0) {
      const fraction = proportion(s.d, rs);
      const left = toAdd - added;
      p = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    }
    sizes.set(rs, specReplicas(rs) + p);
    added += p;
  }
  for (const [i, rs] of sorted.entries()) {
    let size = sizes.get(rs) ?? 0;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(deps, s, rs, size);
  }
}

/** How much of a resize falls to `rs` (upstream's getReplicaSetFraction). */
function proportion(d: Deployment, rs: ReplicaSet): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const target = replicasOf(d) + maxSurge(d);
  const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? NaN);
  const base = Number.isInteger(annotated) && annotated > 0 ? annotated : (d.status?.replicas ?? 0);
  if (base === 0) return 0;
  return Math.round((specReplicas(rs) * target) / base) - specReplicas(rs);
}

/** Sets a ReplicaSet's size and replica annotations; records ScalingReplicaSet when the size changed. */
async function scaleReplicaSet(deps: RolloutDeps, s: State, rs: ReplicaSet, size: number): Promise<boolean> {
  const copy = structuredClone(rs);
  const from = specReplicas(rs);
  const sizeChanged = from !== size;
  const annotationsChanged = setReplicasAnnotations(copy, replicasOf(s.d), replicasOf(s.d) + maxSurge(s.d));
  if (!sizeChanged && !annotationsChanged) return false;
  copy.spec.replicas = size;
  const updated = await deps.client.update<ReplicaSet>(replicaSets, copy);
  s.rsList = s.rsList.map((x) => (x.metadata.uid === updated.metadata.uid ? updated : x));
  if (sizeChanged) deps.recorder.event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} from ${from} to ${size}`);
  return sizeChanged;
}

/**
 * The new ReplicaSet (created if `create` and missing, with the next
 * revision) and the old ones, with the revision annotations brought up to
 * date on the new ReplicaSet and the Deployment.
 */
async function allReplicaSets(deps: RolloutDeps, s: State, create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
  const { newRS: existing, oldRSs } = splitReplicaSets(s.d, s.rsList);
  const revision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
  const d = s.d;
  const ns = d.metadata.namespace ?? '';
  let newRS = existing;
  let cond: Condition | undefined;
  const now = timestamp(new Date(deps.now()));
  if (existing) {
    const copy = structuredClone(existing);
    const changed = setNewReplicaSetAnnotations(d, copy, revision, true);
    if (changed || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      const updated = await deps.client.update<ReplicaSet>(replicaSets, copy);
      s.rsList = s.rsList.map((x) => (x.metadata.uid === updated.metadata.uid ? updated : x));
      newRS = updated;
    }
    if (hasProgressDeadline(d) && !getCondition(d.status?.conditions, 'Progressing'))
      cond = { type: 'Progressing', status: 'True', reason: reasons.foundNewRS, message: `Found new replica set "${existing.metadata.name ?? ''}"`, lastUpdateTime: now, lastTransitionTime: now };
  } else if (create) {
    const collisions = d.status?.collisionCount;
    const template = structuredClone(d.spec.template ?? {});
    const hash = computeHash(template, collisions);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const sel = structuredClone((d.spec.selector ?? {}) as { matchLabels?: Record<string, string> });
    sel.matchLabels = { ...(sel.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name ?? ''}-${hash}`, namespace: ns, labels: template.metadata.labels ?? {}, ownerReferences: [ownerRefTo(d)] },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector: sel, template },
    };
    rs.spec.replicas = newRSReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, revision, false);
    try {
      newRS = await deps.client.create<ReplicaSet>(replicaSets, ns, rs);
      s.rsList = [...s.rsList, newRS];
      if ((newRS.spec.replicas ?? 0) > 0) deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRS.metadata.name ?? ''} from 0 to ${newRS.spec.replicas ?? 0}`);
      if (hasProgressDeadline(d)) cond = { type: 'Progressing', status: 'True', reason: reasons.newRSCreated, message: `Created new replica set "${newRS.metadata.name ?? ''}"`, lastUpdateTime: now, lastTransitionTime: now };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const found = await deps.client.get<ReplicaSet>(replicaSets, ns, rs.metadata.name ?? '');
      // Ours, with our template: the cache had not seen it yet; next time it is "existing".
      if (isControlledBy(found, d) && equalIgnoreHash(found.spec.template, d.spec.template)) throw new Error(`replica set ${found.metadata.name ?? ''} not yet in the cache`, { cause: err });
      // A hash collision: bump collisionCount so that the next hash differs.
      await writeStatus(deps, s, { ...(s.d.status ?? {}), collisionCount: (collisions ?? 0) + 1 });
      throw new Error(`hash collision creating replica set ${rs.metadata.name ?? ''}`, { cause: err });
    }
  }
  if (newRS) {
    const rev = newRS.metadata.annotations?.[REVISION];
    if (rev && s.d.metadata.annotations?.[REVISION] !== rev) {
      const patched = await deps.client.patch<Deployment>(deployments, ns, d.metadata.name ?? '', { metadata: { annotations: { [REVISION]: rev } } });
      s.d = { ...s.d, metadata: { ...s.d.metadata, annotations: patched.metadata.annotations ?? {}, resourceVersion: patched.metadata.resourceVersion ?? '' } };
    }
  }
  if (cond) await writeStatus(deps, s, { ...(s.d.status ?? {}), conditions: setCondition(s.d.status?.conditions, cond) });
  return { newRS, oldRSs };
}

/** Deletes the oldest fully scaled-down old ReplicaSets beyond revisionHistoryLimit. */
async function cleanup(deps: RolloutDeps, s: State, oldRSs: readonly ReplicaSet[]): Promise<void> {
  const limit = s.d.spec.revisionHistoryLimit;
  if (limit === undefined) return;
  const alive = (current(s, oldRSs) as ReplicaSet[]).filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0));
  for (const rs of byRevision.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    await deps.client.delete(replicaSets, rs.metadata.namespace ?? '', rs.metadata.name ?? '').catch(() => {});
  }
}

/** The Deployment's status from its ReplicaSets, with the Available condition (upstream's calculateStatus). */
export function calculateStatus(d: Deployment, all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const available = sum(all, (rs) => rs.status?.availableReplicas);
  const total = sum(all, (rs) => rs.status?.replicas);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: total,
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum(all, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: [...(d.status?.conditions ?? [])],
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  const cond: Condition =
    available >= replicasOf(d) - maxUnavailable(d)
      ? { type: 'Available', status: 'True', reason: reasons.minAvailable, message: 'Deployment has minimum availability.', lastUpdateTime: now, lastTransitionTime: now }
      : { type: 'Available', status: 'False', reason: reasons.minUnavailable, message: 'Deployment does not have minimum availability.', lastUpdateTime: now, lastTransitionTime: now };
  status.conditions = setCondition(status.conditions, cond);
  return omitZero(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']);
}

/** Status plus the Progressing condition: progressing, complete, or past its deadline (upstream's syncRolloutStatus). */
async function syncRolloutStatus(deps: RolloutDeps, s: State): Promise<void> {
  const { newRS, oldRSs } = splitReplicaSets(s.d, s.rsList);
  const d = s.d;
  const status = calculateStatus(d, [newRS, ...oldRSs], newRS);
  const nowMs = deps.now();
  const now = timestamp(new Date(nowMs));
  const what = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}"` : `Deployment "${d.metadata.name ?? ''}"`;
  if (!hasProgressDeadline(d)) status.conditions = removeCondition(status.conditions, 'Progressing');
  else {
    const cur = getCondition(status.conditions, 'Progressing');
    const done = status.replicas === status.updatedReplicas && cur?.reason === reasons.newRSAvailable;
    if (!done) {
      if (isComplete(d, status)) status.conditions = setCondition(status.conditions, { type: 'Progressing', status: 'True', reason: reasons.newRSAvailable, message: `${what} has successfully progressed.`, lastUpdateTime: now, lastTransitionTime: now });
      else if (isProgressing(d, status)) {
        // Progress refreshes lastUpdateTime even when the reason stays: the deadline counts from it.
        const c: Condition = { type: 'Progressing', status: 'True', reason: reasons.rsUpdated, message: `${what} is progressing.`, lastUpdateTime: now, lastTransitionTime: cur?.status === 'True' && cur.lastTransitionTime ? cur.lastTransitionTime : now };
        status.conditions = [...removeCondition(status.conditions, 'Progressing'), c];
      } else if (timedOut(d, cur, nowMs)) status.conditions = setCondition(status.conditions, { type: 'Progressing', status: 'False', reason: reasons.timedOut, message: `${what} has timed out progressing.`, lastUpdateTime: now, lastTransitionTime: now });
    }
  }
  const failure = [newRS, ...oldRSs].map((rs) => getCondition(rs?.status?.conditions, 'ReplicaFailure')).find((c) => c?.status === 'True');
  status.conditions = failure ? setCondition(status.conditions, { ...failure, lastUpdateTime: now }) : removeCondition(status.conditions, 'ReplicaFailure');
  await writeStatus(deps, s, status);
  // A rollout that has not finished nor timed out is looked at again when its deadline passes.
  const cond = getCondition(s.d.status?.conditions, 'Progressing');
  if (hasProgressDeadline(d) && cond && cond.reason !== reasons.newRSAvailable && cond.reason !== reasons.timedOut && cond.lastUpdateTime && !isComplete(d, status)) {
    const at = Date.parse(cond.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 0) * 1000;
    deps.requeueAfter(d, Math.max(0, at - nowMs) + 1000);
  }
}

function timedOut(d: Deployment, cur: Condition | undefined, now: number): boolean {
  if (!cur || cur.reason === reasons.newRSAvailable) return false;
  if (cur.reason === reasons.timedOut) return true;
  const from = Date.parse(cur.lastUpdateTime ?? cur.lastTransitionTime ?? '');
  return !Number.isNaN(from) && from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** Writes the status if it differs (times aside, conditions compared by type, status, reason and message). */
async function writeStatus(deps: RolloutDeps, s: State, status: DeploymentStatus): Promise<void> {
  const strip = (st: DeploymentStatus | undefined) => canonicalJSON({ ...(st ?? {}), conditions: (st?.conditions ?? []).map((c) => ({ t: c.type, s: c.status, r: c.reason, m: c.message, u: c.lastUpdateTime })) });
  if (strip(s.d.status) === strip(status)) return;
  const cur = s.d.status?.conditions ?? [];
  // Keep the stored times of conditions that did not change.
  const conditions = (status.conditions ?? []).map((c) => {
    const old = cur.find((x) => x.type === c.type);
    return old && old.status === c.status && old.reason === c.reason && old.message === c.message && c.reason !== reasons.rsUpdated ? old : c;
  });
  const updated = await putStatus(deps.client, deployments, s.d, { ...status, conditions });
  if (updated) s.d = { ...s.d, status: updated.status ?? {}, metadata: { ...s.d.metadata, resourceVersion: updated.metadata.resourceVersion ?? '' } };
}
