/**
 * The DaemonSet controller: one pod per eligible node, pinned to it by
 * node affinity on `metadata.name` (the scheduler binds it), rolled out
 * with RollingUpdate (maxUnavailable or maxSurge) or OnDelete, with the
 * template's history kept as ControllerRevisions for `kubectl rollout`.
 */
import { asSelector, controllerRevisions, daemonSets } from '../../api/apps/index.js';
import { nodes, pods } from '../../api/core/index.js';
import { nothing } from '../../api/labels.js';
import { indexers, isNotFound, keyOf, WorkQueue } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';
import { BURST_REPLICAS, slowStartBatch } from '../util/batch.js';
import { asError } from '../util/errors.js';
import { omitZero, putStatus } from '../util/status.js';
import { Expectations } from '../util/expectations.js';
import { canonicalJSON } from '../util/hash.js';
import { scaledValue } from '../util/intstr.js';
import { runQueue } from '../util/run.js';
import { targetNode } from '../util/nodes.js';
import { claim, claimCandidates, CONTROLLER_INDEX, controllerIndex, controllerRef, resolveControllerRef } from '../util/owners.js';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../util/pods.js';
import { REVISION_LABEL, truncateHistory, updateRevision, type ControllerRevision } from '../util/revisions.js';
import type { Node, Pod } from '../util/types.js';
import { daemonPod, shouldRun, type DaemonSet } from './pods.js';

/** Upstream's default `--concurrent-*-syncs`. */
const WORKERS = 5;

/** The DaemonSet controller. */
export const daemonSetController: Controller = { name: 'daemonset', run: runDaemonSetController };

const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
const oldestFirst = (list: readonly Pod[]) => [...list].sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));

async function runDaemonSetController(ctx: ControllerContext): Promise<void> {
  const dsInf = ctx.informers.for<DaemonSet>(daemonSets);
  const podInf = ctx.informers.for<Pod>(pods);
  const nodeInf = ctx.informers.for<Node>(nodes);
  const revInf = ctx.informers.for<ControllerRevision>(controllerRevisions);
  dsInf.addIndex('namespace', indexers.namespace);
  podInf.addIndex(CONTROLLER_INDEX, controllerIndex);
  revInf.addIndex(CONTROLLER_INDEX, controllerIndex);
  const queue = new WorkQueue();
  const expectations = new Expectations();
  const recorder = ctx.recorder('daemonset-controller');
  const selectorOf = (ds: DaemonSet) => asSelector(ds.spec.selector) ?? nothing();
  const enqueue = (ds: DaemonSet) => queue.add(keyOf(ds));
  const enqueueAll = () => dsInf.list().forEach(enqueue);
  const ownerOf = (o: Pod | ControllerRevision) => resolveControllerRef(o, 'DaemonSet', (ns, name) => dsInf.get(`${ns}/${name}`));
  const orphan = (p: Pod) => {
    if (!controllerRef(p)) for (const ds of dsInf.byIndex('namespace', p.metadata.namespace ?? '')) if (selectorOf(ds).matches(p.metadata.labels)) enqueue(ds);
  };

  dsInf.on({ add: enqueue, update: (_, ds) => enqueue(ds), delete: (ds) => expectations.delete(keyOf(ds)) });
  // Any node change (labels, taints, new or gone) may change where daemons belong.
  nodeInf.on({ add: enqueueAll, update: (old, n) => canonicalJSON([old.metadata.labels, old.spec]) !== canonicalJSON([n.metadata.labels, n.spec]) && enqueueAll(), delete: enqueueAll });
  podInf.on({
    add: (p) => {
      const ds = ownerOf(p);
      if (!ds) return orphan(p);
      expectations.observeAdd(keyOf(ds));
      enqueue(ds);
    },
    update: (old, p) => {
      const was = ownerOf(old);
      const ds = ownerOf(p);
      if (was && was !== ds) enqueue(was);
      if (!ds) return orphan(p);
      if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.observeDel(keyOf(ds), keyOf(p));
      enqueue(ds);
    },
    delete: (p) => {
      const ds = ownerOf(p);
      if (!ds) return;
      expectations.observeDel(keyOf(ds), keyOf(p));
      enqueue(ds);
    },
  });
  revInf.on({ delete: (r) => ownerOf(r) && enqueue(ownerOf(r) as DaemonSet) });

  const sync = async (key: string): Promise<void> => {
    const cached = dsInf.get(key);
    if (!cached) {
      expectations.delete(key);
      return;
    }
    const ds = structuredClone(cached);
    const selector = selectorOf(ds);
    if (selector.empty) return; // apps/v1 validation forbids it; nothing sensible to select.
    const revisions = await claim(claimCandidates(revInf, ds), { client: ctx.client, ref: controllerRevisions, owner: ds, ownerRef: daemonSets, selector });
    const templateLabels = ds.spec.template?.metadata?.labels ?? {};
    const cur = ds.metadata.deletionTimestamp ? undefined : await updateRevision({ client: ctx.client, owner: ds, ownerRef: daemonSets, revisions, labels: templateLabels, collisionCount: ds.status?.collisionCount ?? 0 });
    const hash = cur?.metadata.labels?.[REVISION_LABEL] ?? '';
    const owned = await claim(claimCandidates(podInf, ds), { client: ctx.client, ref: pods, owner: ds, ownerRef: daemonSets, selector });
    const byNode = new Map<string, Pod[]>();
    for (const p of owned) {
      const n = targetNode(p.spec) ?? '';
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const nodeList = nodeInf.list();
    if (cur && expectations.satisfied(key)) {
      await manage(ds, nodeList, byNode, hash);
      // Roll out only once what manage asked for has been seen: both count the same pods.
      if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && expectations.satisfied(key)) await rollingUpdate(ds, nodeList, byNode, hash);
      const live = new Set<string>([cur.metadata.name ?? '']);
      const liveHashes = new Set(owned.map((p) => p.metadata.labels?.[REVISION_LABEL]));
      for (const r of revisions) if (liveHashes.has(r.metadata.labels?.[REVISION_LABEL])) live.add(r.metadata.name ?? '');
      await truncateHistory(ctx.client, revisions, live, ds.spec.revisionHistoryLimit ?? 10);
    }
    await updateStatus(ds, nodeList, byNode, hash);
  };

  /** Creates pods where they are missing, deletes them where they must not run, failed ones, and duplicates. */
  async function manage(ds: DaemonSet, nodeList: readonly Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const create: string[] = [];
    const remove: Pod[] = [];
    const surging = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0, 1, true) > 0;
    const known = new Set(nodeList.map((n) => n.metadata.name ?? ''));
    for (const node of nodeList) {
      const name = node.metadata.name ?? '';
      const { run, keep } = shouldRun(ds, node);
      const here = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (run && here.length === 0) create.push(name);
      if (!keep) {
        remove.push(...here);
        continue;
      }
      const failed = here.filter((p) => p.status?.phase === 'Failed');
      for (const p of failed) recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''} on node ${name}, will try to kill it`);
      remove.push(...failed);
      const running = oldestFirst(here.filter((p) => p.status?.phase !== 'Failed'));
      if (failed.length > 0 && running.length === 0 && run) create.push(name);
      // One pod per node; while surging, one updated pod may stand beside the oldest old one.
      const keepers = new Set<Pod>();
      const newest = running.find((p) => p.metadata.labels?.[REVISION_LABEL] === hash);
      const oldest = running.find((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
      if (surging && newest && oldest) keepers.add(newest).add(oldest);
      else if (running[0]) keepers.add(running[0]);
      remove.push(...running.filter((p) => !keepers.has(p)));
    }
    // Unscheduled pods for nodes that no longer exist would wait forever: the pod GC never sees them.
    for (const [name, list] of byNode) if (name && !known.has(name)) remove.push(...list.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp));
    await syncNodes(ds, remove, create, hash);
  }

  /** Replaces old pods within maxUnavailable (delete, then recreate) or maxSurge (create, then delete once available). */
  async function rollingUpdate(ds: DaemonSet, nodeList: readonly Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
    const desired = nodeList.filter((n) => shouldRun(ds, n).run).length;
    const maxSurge = scaledValue(ru.maxSurge ?? 0, desired, true);
    const maxUnavailable = maxSurge > 0 ? 0 : Math.max(1, scaledValue(ru.maxUnavailable ?? 1, desired, true));
    const now = Date.now();
    const mrs = ds.spec.minReadySeconds ?? 0;
    const available = (p: Pod) => isPodAvailable(p, mrs, now);
    const toDelete: Pod[] = [];
    const toCreate: string[] = [];
    const candidates: (Pod | string)[] = [];
    let inFlight = 0;
    for (const node of nodeList) {
      const name = node.metadata.name ?? '';
      if (!shouldRun(ds, node).keep) continue;
      const here = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      const fresh = here.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash);
      const old = here.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
      if (fresh.length > 1 || old.length > 1) {
        inFlight++;
        continue;
      }
      const [newPod] = fresh;
      const [oldPod] = old;
      if (maxSurge === 0) {
        if (!oldPod) {
          if (!newPod || !available(newPod)) inFlight++;
        } else if (!available(oldPod)) toDelete.push(oldPod);
        else candidates.push(oldPod);
      } else if (oldPod && !newPod) {
        if (!available(oldPod)) toCreate.push(name);
        else candidates.push(name);
      } else if (oldPod && newPod) {
        inFlight++;
        if (available(newPod)) toDelete.push(oldPod);
      }
    }
    const budget = Math.max(0, (maxSurge > 0 ? maxSurge : maxUnavailable) - inFlight);
    for (const c of candidates.slice(0, budget)) {
      if (typeof c === 'string') toCreate.push(c);
      else toDelete.push(c);
    }
    await syncNodes(ds, toDelete, toCreate, hash);
  }

  async function syncNodes(ds: DaemonSet, remove: readonly Pod[], create: readonly string[], hash: string): Promise<void> {
    const key = keyOf(ds);
    const ns = ds.metadata.namespace ?? '';
    const creates = create.slice(0, BURST_REPLICAS);
    const dels = [...new Set(remove)].slice(0, BURST_REPLICAS);
    if (creates.length === 0 && dels.length === 0) return;
    expectations.expect(key, creates.length, dels.map(keyOf));
    let firstErr: unknown;
    await Promise.all(
      dels.map(async (p) => {
        try {
          await ctx.client.delete(pods, ns, p.metadata.name ?? '', { preconditions: { uid: p.metadata.uid ?? '' } });
          recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
        } catch (err) {
          expectations.observeDel(key, keyOf(p));
          if (isNotFound(err)) return;
          recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${asError(err).message}`);
          firstErr ??= err;
        }
      }),
    );
    const r = await slowStartBatch(creates.length, async (i) => {
      try {
        const pod = await ctx.client.create<Pod>(pods, ns, daemonPod(ds, creates[i] ?? '', hash));
        recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
      } catch (err) {
        expectations.observeAdd(key);
        recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${asError(err).message}`);
        throw err;
      }
    }, ctx.signal);
    for (let i = r.ok + (r.err === undefined ? 0 : 1); i < creates.length; i++) expectations.observeAdd(key);
    firstErr ??= r.err;
    if (firstErr !== undefined) throw asError(firstErr);
  }

  /** Upstream's updateDaemonSetStatus: counted over nodes, by the oldest pod on each. */
  async function updateStatus(ds: DaemonSet, nodeList: readonly Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const now = Date.now();
    const mrs = ds.spec.minReadySeconds ?? 0;
    let desired = 0;
    let current = 0;
    let mis = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let wait = 0;
    for (const node of nodeList) {
      const here = oldestFirst((byNode.get(node.metadata.name ?? '') ?? []).filter((p) => !p.metadata.deletionTimestamp));
      const { run } = shouldRun(ds, node);
      if (!run) {
        if (here.length) mis++;
        continue;
      }
      desired++;
      const pod = here[0];
      if (!pod) continue;
      current++;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, mrs, now)) available++;
        else wait = Math.max(wait, msUntilAvailable(pod, mrs, now));
      }
      if (pod.metadata.labels?.[REVISION_LABEL] === hash) updated++;
    }
    const status = omitZero({
      currentNumberScheduled: current,
      numberMisscheduled: mis,
      desiredNumberScheduled: desired,
      numberReady: ready,
      ...(ds.metadata.generation !== undefined ? { observedGeneration: ds.metadata.generation } : {}),
      updatedNumberScheduled: updated,
      numberAvailable: available,
      ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
      ...(ds.status?.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
      ...(ds.status?.conditions ? { conditions: ds.status.conditions } : {}),
    }, ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable']);
    if (wait > 0) queue.addAfter(keyOf(ds), wait + 100);
    if (canonicalJSON(status) === canonicalJSON(ds.status ?? {})) return;
    await putStatus(ctx.client, daemonSets, ds, status);
  }

  if (!(await ctx.informers.synced())) return;
  await runQueue(ctx, 'daemonset', queue, WORKERS, sync);
}
