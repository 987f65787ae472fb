/**
 * The ReplicaSet and ReplicationController controllers (one logic, two
 * kinds, as upstream): keep exactly `spec.replicas` active pods matching
 * the selector, adopting orphans and releasing pods that stop matching,
 * and report replicas, fullyLabeledReplicas, readyReplicas and
 * availableReplicas (ready for minReadySeconds) in the status.
 */
import { replicaSets } from '../api/apps/index.js';
import { pods, replicationControllers } from '../api/core/index.js';
import { asSelector } from '../api/apps/index.js';
import { nothing, selectorFromSet, type LabelSelector } from '../api/labels.js';
import { indexers, isNotFound, keyOf, WorkQueue, type ResourceRef } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { BURST_REPLICAS, slowStartBatch } from './util/batch.js';
import { removeCondition, getCondition } from './util/conditions.js';
import { canonicalJSON } from './util/hash.js';
import { asError } from './util/errors.js';
import { omitZero, putStatus } from './util/status.js';
import { Expectations } from './util/expectations.js';
import { runQueue } from './util/run.js';
import { claim, claimCandidates, CONTROLLER_INDEX, controllerIndex, controllerRef, resolveControllerRef } from './util/owners.js';
import { byDeletionPreference, colocationRanks, isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from './util/pods.js';
import { timestamp } from './util/time.js';
import { podFromTemplate } from './util/template.js';
import type { Condition, Pod, ReplicaSet, ReplicaSetStatus } from './util/types.js';

/** Upstream's default `--concurrent-replicaset-syncs`. */
const WORKERS = 5;

/** What differs between the two kinds. */
interface Kind {
  readonly name: string;
  readonly kind: string;
  readonly ref: ResourceRef;
  readonly component: string;
  /** The selector of an object (RC: a plain label map; RS: a LabelSelector). */
  selector(o: ReplicaSet): LabelSelector;
}

const replicaSetKind: Kind = {
  name: 'replicaset',
  kind: 'ReplicaSet',
  ref: replicaSets,
  component: 'replicaset-controller',
  selector: (o) => asSelector(o.spec.selector) ?? nothing(),
};

const replicationControllerKind: Kind = {
  name: 'replicationcontroller',
  kind: 'ReplicationController',
  ref: replicationControllers,
  component: 'replication-controller',
  selector: (o) => {
    const s = o.spec.selector as Record<string, string> | undefined;
    return s && Object.keys(s).length ? selectorFromSet(s) : nothing();
  },
};

/** The ReplicaSet controller. */
export const replicaSetController: Controller = { name: 'replicaset', run: (ctx) => runReplicaManager(ctx, replicaSetKind) };
/** The ReplicationController controller. */
export const replicationControllerController: Controller = { name: 'replicationcontroller', run: (ctx) => runReplicaManager(ctx, replicationControllerKind) };

async function runReplicaManager(ctx: ControllerContext, k: Kind): Promise<void> {
  const owners = ctx.informers.for<ReplicaSet>(k.ref);
  const podInf = ctx.informers.for<Pod>(pods);
  owners.addIndex('namespace', indexers.namespace);
  podInf.addIndex(CONTROLLER_INDEX, controllerIndex);
  const queue = new WorkQueue();
  const expectations = new Expectations();
  const recorder = ctx.recorder(k.component);
  const ownerOf = (p: Pod) => resolveControllerRef(p, k.kind, (ns, name) => owners.get(`${ns}/${name}`));
  const enqueue = (o: ReplicaSet) => queue.add(keyOf(o));
  // An orphan may be adopted by any owner whose selector matches it.
  const enqueueMatching = (p: Pod) => {
    for (const o of owners.byIndex('namespace', p.metadata.namespace ?? '')) if (k.selector(o).matches(p.metadata.labels)) enqueue(o);
  };

  owners.on({ add: enqueue, update: (_, o) => enqueue(o), delete: (o) => {
      expectations.delete(keyOf(o));
      enqueue(o);
    },
  });
  podInf.on({
    add: (p) => {
      const o = ownerOf(p);
      if (o) {
        expectations.observeAdd(keyOf(o));
        if (p.metadata.deletionTimestamp) expectations.observeDel(keyOf(o), keyOf(p));
        enqueue(o);
      } else if (!controllerRef(p)) enqueueMatching(p);
    },
    update: (old, p) => {
      const was = ownerOf(old);
      const now = ownerOf(p);
      if (now && p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.observeDel(keyOf(now), keyOf(p));
      if (was && was !== now) enqueue(was);
      if (now) {
        enqueue(now);
        // A pod that just became ready becomes available minReadySeconds later: look again then.
        const mrs = now.spec.minReadySeconds ?? 0;
        if (mrs > 0 && !isPodReady(old) && isPodReady(p)) queue.addAfter(keyOf(now), mrs * 1000 + 1000);
      } else if (!controllerRef(p)) enqueueMatching(p);
    },
    delete: (p) => {
      const o = ownerOf(p);
      if (o) {
        expectations.observeDel(keyOf(o), keyOf(p));
        enqueue(o);
      }
    },
  });

  const sync = async (key: string): Promise<void> => {
    const cached = owners.get(key);
    if (!cached) {
      expectations.delete(key);
      return;
    }
    const rs = structuredClone(cached);
    const satisfied = expectations.satisfied(key);
    const selector = k.selector(rs);
    const candidates = claimCandidates(podInf, rs).filter(isPodActive);
    let owned = await claim(candidates, { client: ctx.client, ref: pods, owner: rs, ownerRef: k.ref, selector });
    let manageErr: unknown;
    let diff = 0;
    if (satisfied && !rs.metadata.deletionTimestamp) {
      diff = owned.length - (rs.spec.replicas ?? 1);
      const r = await manageReplicas(rs, owned, diff);
      manageErr = r.err;
      // Pods deleted now no longer count; the cache has not seen it yet.
      owned = owned.filter((p) => !r.deleted.has(keyOf(p)));
    }
    const now = Date.now();
    const status = calculateStatus(rs, owned, manageErr, diff, now);
    await updateStatus(rs, status);
    const mrs = rs.spec.minReadySeconds ?? 0;
    if (mrs > 0) {
      const wait = Math.max(...owned.map((p) => msUntilAvailable(p, mrs, now)), 0);
      if (wait > 0) queue.addAfter(key, wait + 100);
    }
    if (manageErr !== undefined) throw asError(manageErr);
  };

  async function manageReplicas(rs: ReplicaSet, owned: Pod[], diff: number): Promise<{ err?: unknown; deleted: Set<string> }> {
    const key = keyOf(rs);
    const ns = rs.metadata.namespace ?? '';
    const deleted = new Set<string>();
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      expectations.expect(key, n, 0);
      const r = await slowStartBatch(n, async () => {
        try {
          const pod = await ctx.client.create<Pod>(pods, ns, podFromTemplate(rs.spec.template, rs));
          recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
        } catch (err) {
          expectations.observeAdd(key);
          recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${asError(err).message}`);
          throw err;
        }
      }, ctx.signal);
      // Creations never attempted will never be observed.
      for (let i = r.ok + (r.err ? 1 : 0); i < n; i++) expectations.observeAdd(key);
      return r.err === undefined ? { deleted } : { err: r.err, deleted };
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const victims = byDeletionPreference(owned, colocationRanks(owned)).slice(0, n);
      expectations.expect(key, 0, victims.map(keyOf));
      let firstErr: unknown;
      await Promise.all(
        victims.map(async (p) => {
          try {
            await ctx.client.delete(pods, ns, p.metadata.name ?? '', { preconditions: { uid: p.metadata.uid ?? '' } });
            deleted.add(keyOf(p));
            recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
          } catch (err) {
            expectations.observeDel(key, keyOf(p));
            if (isNotFound(err)) {
              deleted.add(keyOf(p));
              return;
            }
            recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${asError(err).message}`);
            firstErr ??= err;
          }
        }),
      );
      return firstErr === undefined ? { deleted } : { err: firstErr, deleted };
    }
    return { deleted };
  }

  async function updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<void> {
    if (canonicalJSON(rs.status ?? {}) === canonicalJSON(status)) return;
    await putStatus(ctx.client, k.ref, rs, status);
  }

  if (!(await ctx.informers.synced())) return;
  await runQueue(ctx, k.name, queue, WORKERS, sync);
}

/** The status of `rs` given the pods it owns (upstream's calculateStatus). */
export function calculateStatus(rs: ReplicaSet, owned: readonly Pod[], manageErr: unknown, diff: number, now: number): ReplicaSetStatus {
  const templateLabels = rs.spec.template?.metadata?.labels ?? {};
  const mrs = rs.spec.minReadySeconds ?? 0;
  const fullyLabeled = owned.filter((p) => Object.entries(templateLabels).every(([lk, v]) => p.metadata.labels?.[lk] === v)).length;
  let conditions: Condition[] | undefined = rs.status?.conditions;
  const failure = getCondition(conditions, 'ReplicaFailure');
  if (manageErr !== undefined && !failure) {
    const reason = diff < 0 ? 'FailedCreate' : 'FailedDelete';
    conditions = [...(conditions ?? []), { type: 'ReplicaFailure', status: 'True', reason, message: asError(manageErr).message, lastTransitionTime: timestamp(new Date(now)) }];
  } else if (manageErr === undefined && failure) conditions = removeCondition(conditions, 'ReplicaFailure');
  const status: ReplicaSetStatus = {
    replicas: owned.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: owned.filter(isPodReady).length,
    availableReplicas: owned.filter((p) => isPodAvailable(p, mrs, now)).length,
    ...(rs.metadata.generation !== undefined ? { observedGeneration: rs.metadata.generation } : {}),
    ...(conditions?.length ? { conditions } : {}),
  };
  return omitZero(status, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
}

/** Exported for the Deployment controller, which reads ReplicaSets' selectors the same way. */
export const replicaSetSelector = (o: ReplicaSet): LabelSelector => replicaSetKind.selector(o);

