/**
 * The Deployment controller: rolls a Deployment's pod template out through
 * ReplicaSets named `<deployment>-<pod-template-hash>` (RollingUpdate within
 * maxSurge/maxUnavailable, or Recreate), keeps revisionHistoryLimit old
 * ones for `kubectl rollout undo`, and reports progress and availability.
 * The rollout logic itself is in rollout.ts.
 */
import { asSelector, deployments, replicaSets } from '../../api/apps/index.js';
import { pods } from '../../api/core/index.js';
import { nothing } from '../../api/labels.js';
import { indexers, keyOf, WorkQueue } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { runQueue } from '../util/run.js';
import { claim, claimCandidates, CONTROLLER_INDEX, controllerIndex, controllerRef, resolveControllerRef } from '../util/owners.js';

import type { Pod, ReplicaSet } from '../util/types.js';
import { syncDeployment } from './rollout.js';
import type { Deployment } from './util.js';

const isPodRunning = (p: Pod) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** Upstream's default `--concurrent-*-syncs`. */
const WORKERS = 5;

/** The Deployment controller. */
export const deploymentController: Controller = { name: 'deployment', run: runDeploymentController };

async function runDeploymentController(ctx: ControllerContext): Promise<void> {
  const dInf = ctx.informers.for<Deployment>(deployments);
  const rsInf = ctx.informers.for<ReplicaSet>(replicaSets);
  const podInf = ctx.informers.for<Pod>(pods);
  dInf.addIndex('namespace', indexers.namespace);
  rsInf.addIndex(CONTROLLER_INDEX, controllerIndex);
  podInf.addIndex('owner', indexers.owner);
  const queue = new WorkQueue();
  const recorder = ctx.recorder('deployment-controller');
  const selectorOf = (d: Deployment) => asSelector(d.spec.selector) ?? nothing();
  const enqueue = (d: Deployment) => queue.add(keyOf(d));
  const ownerOf = (rs: ReplicaSet) => resolveControllerRef(rs, 'Deployment', (ns, name) => dInf.get(`${ns}/${name}`));
  const rsEvent = (rs: ReplicaSet) => {
    const d = ownerOf(rs);
    if (d) enqueue(d);
    else if (!controllerRef(rs)) for (const x of dInf.byIndex('namespace', rs.metadata.namespace ?? '')) if (selectorOf(x).matches(rs.metadata.labels)) enqueue(x);
  };

  dInf.on({ add: enqueue, update: (_, d) => enqueue(d), delete: enqueue });
  rsInf.on({
    add: rsEvent,
    update: (old, rs) => {
      const was = ownerOf(old);
      if (was && was !== ownerOf(rs)) enqueue(was);
      rsEvent(rs);
    },
    delete: rsEvent,
  });
  // Recreate waits for the old pods to be gone.
  podInf.on({
    delete: (p) => {
      const rs = resolveControllerRef(p, 'ReplicaSet', (ns, name) => rsInf.get(`${ns}/${name}`));
      const d = rs && ownerOf(rs);
      if (d?.spec.strategy?.type === 'Recreate') enqueue(d);
    },
  });

  const sync = async (key: string): Promise<void> => {
    const cached = dInf.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const selector = selectorOf(d);
    if (selector.empty) {
      // apps/v1 validation forbids it; a Deployment selecting every pod is never acted on.
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const candidates = claimCandidates(rsInf, d);
    const rsList = (await claim(candidates, { client: ctx.client, ref: replicaSets, owner: d, ownerRef: deployments, selector })).map((rs) => structuredClone(rs));
    const podsByRS = new Map<string, Pod[]>();
    // Terminating pods count too: Recreate starts new pods only once the old ones are gone.
    for (const rs of rsList) podsByRS.set(rs.metadata.uid ?? '', podInf.byIndex('owner', rs.metadata.uid ?? '').filter(isPodRunning));
    await syncDeployment({ client: ctx.client, recorder, now: Date.now, requeueAfter: (x, ms) => queue.addAfter(keyOf(x), ms) }, d, rsList, podsByRS);
  };

  if (!(await ctx.informers.synced())) return;
  await runQueue(ctx, 'deployment', queue, WORKERS, sync);
}
