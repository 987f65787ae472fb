/**
 * The StatefulSet controller: pods `<set>-0 … <set>-N-1` with stable
 * names and claims, created in order and each only once its predecessors
 * are Running and Ready (OrderedReady) or all at once (Parallel), removed
 * from the highest ordinal down, and updated from the highest ordinal down
 * to the partition (RollingUpdate) or when deleted (OnDelete). The
 * template's history is kept as ControllerRevisions; pods carry the name
 * of theirs.
 */
import { asSelector, controllerRevisions, statefulSets } from '../../api/apps/index.js';
import { pods } from '../../api/core/index.js';
import { persistentVolumeClaims } from '../../api/core/persistentvolumeclaim.js';
import { nothing } from '../../api/labels.js';
import { indexers, isAlreadyExists, isNotFound, keyOf, WorkQueue } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { asError } from '../util/errors.js';
import { canonicalJSON } from '../util/hash.js';
import { omitZero, putStatus } from '../util/status.js';
import { runQueue } from '../util/run.js';
import { claim, claimCandidates, CONTROLLER_INDEX, controllerIndex, controllerRef, resolveControllerRef } from '../util/owners.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../util/pods.js';
import { REVISION_LABEL, sortRevisions, truncateHistory, updateRevision, type ControllerRevision } from '../util/revisions.js';
import type { Pod } from '../util/types.js';
import { ordinalOf, revisionTemplate, statefulClaims, statefulPod, type StatefulSet } from './pods.js';

/** Upstream's default `--concurrent-*-syncs`. */
const WORKERS = 5;

/** The StatefulSet controller. */
export const statefulSetController: Controller = { name: 'statefulset', run: runStatefulSetController };

const runningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p) && !p.metadata.deletionTimestamp;
const finished = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

async function runStatefulSetController(ctx: ControllerContext): Promise<void> {
  const setInf = ctx.informers.for<StatefulSet>(statefulSets);
  const podInf = ctx.informers.for<Pod>(pods);
  const revInf = ctx.informers.for<ControllerRevision>(controllerRevisions);
  const pvcInf = ctx.informers.for(persistentVolumeClaims);
  setInf.addIndex('namespace', indexers.namespace);
  podInf.addIndex(CONTROLLER_INDEX, controllerIndex);
  revInf.addIndex(CONTROLLER_INDEX, controllerIndex);
  const queue = new WorkQueue();
  const recorder = ctx.recorder('statefulset-controller');
  const selectorOf = (s: StatefulSet) => asSelector(s.spec.selector) ?? nothing();
  const enqueue = (s: StatefulSet) => queue.add(keyOf(s));
  const ownerOf = (p: Pod) => resolveControllerRef(p, 'StatefulSet', (ns, name) => setInf.get(`${ns}/${name}`));
  const podEvent = (p: Pod) => {
    const s = ownerOf(p);
    if (s) enqueue(s);
    else if (!controllerRef(p)) for (const x of setInf.byIndex('namespace', p.metadata.namespace ?? '')) if (selectorOf(x).matches(p.metadata.labels)) enqueue(x);
  };
  setInf.on({ add: enqueue, update: (_, s) => enqueue(s) });
  podInf.on({
    add: podEvent,
    update: (old, p) => {
      const was = ownerOf(old);
      if (was && was !== ownerOf(p)) enqueue(was);
      podEvent(p);
    },
    delete: podEvent,
  });

  const sync = async (key: string): Promise<void> => {
    const cached = setInf.get(key);
    if (!cached) return;
    const set = structuredClone(cached);
    const selector = selectorOf(set);
    if (selector.empty) return; // apps/v1 validation forbids it.
    const revisions = await claim(claimCandidates(revInf, set), { client: ctx.client, ref: controllerRevisions, owner: set, ownerRef: statefulSets, selector });
    const owned = await claim(claimCandidates(podInf, set), { client: ctx.client, ref: pods, owner: set, ownerRef: statefulSets, selector });
    if (set.metadata.deletionTimestamp) return;
    const update = await updateRevision({ client: ctx.client, owner: set, ownerRef: statefulSets, revisions, labels: set.spec.template?.metadata?.labels ?? {}, collisionCount: set.status?.collisionCount ?? 0 });
    const all = sortRevisions([...revisions.filter((r) => r.metadata.uid !== update.metadata.uid), update]);
    const current = all.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    const now = await reconcile(set, owned, current, update);
    const live = new Set([current.metadata.name ?? '', update.metadata.name ?? '', ...now.map((p) => p.metadata.labels?.[REVISION_LABEL] ?? '')]);
    await truncateHistory(ctx.client, all, live, set.spec.revisionHistoryLimit ?? 10);
    await updateStatus(set, now, current, update);
  };

  /** One step toward the wanted pods; returns the pods as they now stand (created ones added, deleted ones marked). */
  async function reconcile(set: StatefulSet, owned: readonly Pod[], current: ControllerRevision, update: ControllerRevision): Promise<Pod[]> {
    const start = set.spec.ordinals?.start ?? 0;
    const n = set.spec.replicas ?? 1;
    const ordered = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const slots = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const p of owned) {
      const o = ordinalOf(set, p);
      if (o >= start && o < start + n) slots.set(o, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    const result = new Map<string, Pod>(owned.map((p) => [p.metadata.name ?? '', p]));
    const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    // Ordinals below the partition stay at the current revision (upstream's newVersionedStatefulSetPod).
    const revisionFor = (o: number) => (rolling && o < start + partition ? current : update);

    for (let o = start; o < start + n; o++) {
      let pod = slots.get(o);
      if (pod && finished(pod) && !pod.metadata.deletionTimestamp) {
        await deletePod(set, pod);
        result.delete(pod.metadata.name ?? '');
        pod = undefined;
        if (ordered) return [...result.values()];
      }
      if (!pod) {
        const rev = revisionFor(o);
        const created = await createPod(set, statefulPod(set, revisionTemplate(rev), rev.metadata.name ?? '', o));
        result.set(created.metadata.name ?? '', created);
        if (ordered) return [...result.values()];
        continue;
      }
      // OrderedReady: nothing further until this pod is Running and Ready.
      if (ordered && !runningAndReady(pod)) return [...result.values()];
    }
    // Scale down from the highest ordinal; OrderedReady one at a time, and only when all else is healthy.
    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (ordered) return [...result.values()];
        continue;
      }
      if (ordered && [...slots.values()].some((p) => !runningAndReady(p))) return [...result.values()];
      await deletePod(set, pod);
      result.set(pod.metadata.name ?? '', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString() } });
      if (ordered) return [...result.values()];
    }
    if (!rolling) return [...result.values()];
    // RollingUpdate: from the highest ordinal down to the partition, one pod at a time.
    const updateName = update.metadata.name ?? '';
    for (let o = start + n - 1; o >= start + partition; o--) {
      const pod = slots.get(o);
      if (!pod) return [...result.values()];
      if (pod.metadata.labels?.[REVISION_LABEL] !== updateName && !pod.metadata.deletionTimestamp) {
        await deletePod(set, pod);
        result.set(pod.metadata.name ?? '', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString() } });
        return [...result.values()];
      }
      if (!runningAndReady(pod)) return [...result.values()];
    }
    return [...result.values()];
  }

  async function createPod(set: StatefulSet, pod: Pod): Promise<Pod> {
    const ns = set.metadata.namespace ?? '';
    const setName = set.metadata.name ?? '';
    for (const c of statefulClaims(set, ordinalOf(set, pod))) {
      if (pvcInf.get(`${ns}/${c.metadata.name ?? ''}`)) continue;
      try {
        await ctx.client.create(persistentVolumeClaims, ns, c);
        recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${c.metadata.name ?? ''} Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${c.metadata.name ?? ''} for Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName} failed error: ${asError(err).message}`);
        throw err;
      }
    }
    try {
      const created = await ctx.client.create<Pod>(pods, ns, pod);
      recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName} successful`);
      return created;
    } catch (err) {
      // The cache is behind: the pod is there already; the next event brings us back.
      if (isAlreadyExists(err)) return pod;
      recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName} failed error: ${asError(err).message}`);
      throw err;
    }
  }

  async function deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    await retainOrCondemnClaims(set, pod);
    try {
      await ctx.client.delete(pods, ns, pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
      recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${set.metadata.name ?? ''} successful`);
    } catch (err) {
      if (isNotFound(err)) return;
      recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${set.metadata.name ?? ''} failed error: ${asError(err).message}`);
      throw err;
    }
  }

  /**
   * whenScaled: Delete — a pod removed by a scale-down takes its claims with
   * it: the claims get the pod as owner, and the garbage collector deletes
   * them after it.
   */
  async function retainOrCondemnClaims(set: StatefulSet, pod: Pod): Promise<void> {
    if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const o = ordinalOf(set, pod);
    const start = set.spec.ordinals?.start ?? 0;
    if (o >= start && o < start + (set.spec.replicas ?? 1)) return;
    for (const c of statefulClaims(set, o)) {
      const existing = pvcInf.get(`${set.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`);
      if (!existing || existing.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue;
      const refs = [...(existing.metadata.ownerReferences ?? []), { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', blockOwnerDeletion: true }];
      await ctx.client.patch(persistentVolumeClaims, existing.metadata.namespace ?? '', existing.metadata.name ?? '', { metadata: { resourceVersion: existing.metadata.resourceVersion, ownerReferences: refs } }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }

  async function updateStatus(set: StatefulSet, list: readonly Pod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const now = Date.now();
    const mrs = set.spec.minReadySeconds ?? 0;
    const live = list.filter((p) => !p.metadata.deletionTimestamp && !finished(p));
    const cur = current.metadata.name ?? '';
    const upd = update.metadata.name ?? '';
    const count = (f: (p: Pod) => boolean) => live.filter(f).length;
    const replicas = count(() => true);
    const updated = count((p) => p.metadata.labels?.[REVISION_LABEL] === upd);
    const ready = count(isPodReady);
    let currentRevision = cur;
    let currentReplicas = count((p) => p.metadata.labels?.[REVISION_LABEL] === cur);
    // A finished rollout: the update revision becomes the current one.
    if (updated === (set.spec.replicas ?? 1) && replicas === updated && ready === replicas) {
      currentRevision = upd;
      currentReplicas = updated;
    }
    const full: NonNullable<StatefulSet['status']> = {
      ...(set.metadata.generation !== undefined ? { observedGeneration: set.metadata.generation } : {}),
      replicas,
      readyReplicas: ready,
      currentReplicas,
      updatedReplicas: updated,
      currentRevision,
      updateRevision: upd,
      collisionCount: set.status?.collisionCount ?? 0,
      availableReplicas: count((p) => isPodAvailable(p, mrs, now)),
      ...(set.status?.conditions ? { conditions: set.status.conditions } : {}),
    };
    const status = omitZero(full, ['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision', 'collisionCount']);
    const wait = Math.max(0, ...live.map((p) => msUntilAvailable(p, mrs, now)));
    if (wait > 0) queue.addAfter(keyOf(set), wait + 100);
    if (canonicalJSON(status) === canonicalJSON(set.status ?? {})) return;
    await putStatus(ctx.client, statefulSets, set, status);
  }

  if (!(await ctx.informers.synced())) return;
  await runQueue(ctx, 'statefulset', queue, WORKERS, sync);
}
