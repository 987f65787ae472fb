/**
 * kube-scheduler's loop: pending pods of this scheduler come from the pod
 * informer into the queue; each is taken in priority order, filtered and
 * scored against the cache, assumed onto the chosen node (so the next pod
 * sees its resources used at once) and bound through `pods/binding`
 * without waiting; a pod that fits nowhere gets a `FailedScheduling` event
 * and the PodScheduled=False condition, and waits for a cluster event.
 */
import { setMaxListeners } from 'node:events';
import { selectorFromSet, type LabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/meta.js';
import { namespaces, nodes, pods, replicationControllers, services } from '../api/core/index.js';
import { persistentVolumes } from '../api/core/persistentvolume.js';
import { persistentVolumeClaims } from '../api/core/persistentvolumeclaim.js';
import { replicaSets, statefulSets } from '../api/apps/index.js';
import { podDisruptionBudgets } from '../api/policy/index.js';
import { storageClasses } from '../api/storage/storageclass.js';
import { Counter, exponentialBuckets, Histogram, register } from '../metrics.js';
import { EventRecorder, indexers, Informer, isConflict, isNotFound, keyOf, type Client } from '../client/index.js';
import { schedulePod, type Cursor, type Profile } from './algorithm.js';
import { AssumeCache } from './assume.js';
import { cacheCluster, SchedulerCache } from './cache.js';
import { Nominator } from './nominator.js';
import { preempt, PREEMPTION_REASON, type PDB } from './preemption.js';
import { newPodInfo, type PodInfo } from './nodeinfo.js';
import { selectorOf } from './plugins/helpers.js';
import { defaultFilters, defaultScores } from './plugins/index.js';
import { volumePlanFor, type PV, type PVC, type VolumePlan } from './plugins/volumes.js';
import { assumeVolumes, bindVolumes, revertVolumes, type VolumeBinderOptions } from './volumebinder.js';
import { SchedulingQueue, type ClusterEvent, type QueuedPod } from './queue.js';
import { DEFAULT_SCHEDULER_NAME, type Node, type Pod } from './types.js';

// Upstream's names and buckets, so that dashboards made for kube-scheduler read these.
const algorithmDuration = register(new Histogram('scheduler_scheduling_algorithm_duration_seconds', 'Scheduling algorithm latency in seconds', exponentialBuckets(0.001, 2, 15)));
const attempts = register(new Counter('scheduler_schedule_attempts_total', 'Number of attempts to schedule pods, by the result.'));

export interface SchedulerOptions {
  readonly client: Client;
  readonly schedulerName?: string;
  /** 0 (default): adaptive, as upstream. */
  readonly percentageOfNodesToScore?: number;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Records Events (default: one for `default-scheduler` through `client`). */
  readonly recorder?: EventRecorder;
  /** Most bindings in flight at once. */
  readonly maxInFlightBindings?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long a pod waits for its WaitForFirstConsumer claims to be bound before it is retried (upstream's bindTimeoutSeconds, 600). */
  readonly bindTimeoutSeconds?: number;
}

const all: ClusterEvent['plugins'] = 'all';
const events = {
  nodeAdd: { name: 'NodeAdd', plugins: all },
  nodeUpdate: { name: 'NodeUpdate', plugins: all },
  // One domain fewer can lower the skew a pod would make.
  nodeDelete: { name: 'NodeDelete', plugins: new Set(['PodTopologySpread']) },
  podDelete: { name: 'AssignedPodDelete', plugins: all },
  podAdd: { name: 'AssignedPodAdd', plugins: new Set(['InterPodAffinity', 'PodTopologySpread']) },
  volume: { name: 'PersistentVolumeChange', plugins: new Set(['VolumeBinding', 'VolumeZone']) },
  namespace: { name: 'NamespaceChange', plugins: new Set(['InterPodAffinity']) },
} satisfies Record<string, ClusterEvent>;

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Metadata and spec without what changes on every write: a parked pod is retried only when these change. */
const schedulingRelevant = (p: Pod) => JSON.stringify([p.metadata.labels, p.metadata.annotations, p.spec]);

/** What about a node can make a pod fit that did not. */
const nodeRelevant = (n: Node) => JSON.stringify([n.metadata.labels, n.spec, n.status?.allocatable, n.status?.conditions?.find((c) => c.type === 'Ready')?.status, n.status?.images?.length]);

/** Run the scheduler (without leader election) until `signal` aborts. */
export async function runSchedulerLoop(o: SchedulerOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? (() => {});
  const name = o.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const recorder = o.recorder ?? new EventRecorder(o.client, DEFAULT_SCHEDULER_NAME, '', (err) => log('event', { err: String(err) }));
  const onError = (err: unknown) => log('informer', { err: String(err) });
  const inf = <T extends KubeObject>(ref: Parameters<Client['get']>[0]) => new Informer<T>(o.client, ref, { onError });
  const podInf = inf<Pod>(pods);
  const nodeInf = inf<Node>(nodes);
  const pvcInf = inf<PVC>(persistentVolumeClaims);
  const pvInf = inf<PV>(persistentVolumes).addIndex('class', (pv) => [pv.spec?.storageClassName ?? '']);
  const pvcCache = new AssumeCache(pvcInf);
  const pvCache = new AssumeCache(pvInf);
  const scInf = inf(storageClasses);
  const nsInf = inf(namespaces);
  const svcInf = inf(services).addIndex('namespace', indexers.namespace);
  const rcInf = inf(replicationControllers).addIndex('namespace', indexers.namespace);
  const rsInf = inf(replicaSets).addIndex('namespace', indexers.namespace);
  const ssInf = inf(statefulSets).addIndex('namespace', indexers.namespace);
  const pdbInf = inf<PDB>(podDisruptionBudgets);
  const cache = new SchedulerCache();
  const nominated = new Nominator();
  const queue = new SchedulingQueue({ ...(o.initialBackoffMs !== undefined ? { initialBackoffMs: o.initialBackoffMs } : {}), ...(o.maxBackoffMs !== undefined ? { maxBackoffMs: o.maxBackoffMs } : {}) });

  const cluster = cacheCluster(cache, {
    nominatedOn: (n) => nominated.on(n),
    hasNominated: () => nominated.size > 0,
    namespaceLabels: (ns) => nsInf.get(ns)?.metadata.labels,
    pvc: (ns, n) => pvcCache.get(`${ns}/${n}`),
    pv: (n) => pvCache.get(n),
    volumesOfClass: (c) => pvCache.byIndex('class', c),
    storageClass: (n) => scInf.get(n),
    controllerSelectors: (pi) => controllerSelectors(pi, [svcInf, rcInf], [rsInf, ssInf]),
  });

  const mine = (p: Pod) => (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === name;
  const pending = (p: Pod) => !p.spec?.nodeName && !p.metadata.deletionTimestamp && !isTerminal(p) && mine(p);
  podInf.on({
    add: (p) => {
      nominated.track(p, pending(p));
      if (p.spec?.nodeName) {
        if (!isTerminal(p)) cache.addOrUpdatePod(p);
        queue.moveOnEvent(events.podAdd);
      } else if (pending(p)) queue.add(p, keyOf(p));
    },
    update: (old, p) => {
      const key = keyOf(p);
      nominated.track(p, pending(p));
      if (p.spec?.nodeName) {
        queue.delete(key);
        if (isTerminal(p)) {
          cache.removePod(key);
          queue.moveOnEvent(events.podDelete);
        } else {
          cache.addOrUpdatePod(p);
          if (!old.spec?.nodeName || schedulingRelevant(old) !== schedulingRelevant(p)) queue.moveOnEvent(events.podAdd);
        }
      } else if (pending(p)) queue.update(p, key, schedulingRelevant(old) !== schedulingRelevant(p));
      else queue.delete(key);
    },
    delete: (p) => {
      const key = keyOf(p);
      nominated.track(p, false);
      queue.delete(key);
      if (cache.nodeOf(key) !== undefined) {
        cache.removePod(key);
        queue.moveOnEvent(events.podDelete);
      }
    },
  });
  nodeInf.on({
    add: (n) => {
      cache.addOrUpdateNode(n);
      queue.moveOnEvent(events.nodeAdd);
    },
    update: (old, n) => {
      cache.addOrUpdateNode(n);
      if (nodeRelevant(old) !== nodeRelevant(n)) queue.moveOnEvent(events.nodeUpdate);
    },
    delete: (n) => {
      cache.removeNode(n.metadata.name ?? '');
      queue.moveOnEvent(events.nodeDelete);
    },
  });
  const volumeChange = { add: () => queue.moveOnEvent(events.volume), update: () => queue.moveOnEvent(events.volume) };
  pvcInf.on(volumeChange);
  pvInf.on(volumeChange);
  scInf.on(volumeChange);
  nsInf.on({ update: (a, b) => JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) && queue.moveOnEvent(events.namespace) });

  const informers = [nodeInf, podInf, pvcInf, pvInf, scInf, nsInf, svcInf, rcInf, rsInf, ssInf, pdbInf];
  // Each informer's watch and the queue listen on the signal.
  setMaxListeners(0, signal);
  const running = informers.map((i) => i.run(signal));
  signal.addEventListener('abort', () => queue.close(), { once: true });
  const synced = await Promise.all(informers.map((i) => i.synced(signal)));
  if (!synced.every(Boolean)) {
    // Stopped while the caches filled (a list of many pods takes a while): nothing to schedule from.
    await Promise.all(running);
    return;
  }
  log('scheduler synced', { nodes: cache.nodes().length, pending: queue.size.active });

  const profile: Profile = { filters: defaultFilters, scores: defaultScores, percentageOfNodesToScore: o.percentageOfNodesToScore ?? 0 };
  const cursor: Cursor = { next: 0 };
  const maxInFlight = o.maxInFlightBindings ?? 128;
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;

  const volumeBinder = (key: string): VolumeBinderOptions => ({ client: o.client, pvcs: pvcCache, pvs: pvCache, podExists: () => podInf.get(key) !== undefined, ...(o.bindTimeoutSeconds !== undefined ? { timeoutMs: o.bindTimeoutSeconds * 1000 } : {}) });

  const bind = async (qp: QueuedPod, pi: PodInfo, node: string, cycle: number, volumes: VolumePlan | undefined) => {
    const pod = qp.pod;
    const ns = pod.metadata.namespace ?? '';
    const podName = pod.metadata.name ?? '';
    if (volumes) {
      try {
        await bindVolumes(volumeBinder(qp.key), volumes, node, signal);
      } catch (err) {
        revertVolumes(volumeBinder(qp.key), volumes);
        cache.forget(pi.key);
        queue.moveOnEvent(events.podDelete);
        if (!podInf.get(qp.key) || signal.aborted) {
          queue.done(qp.key);
          return;
        }
        const message = `running PreBind plugin "VolumeBinding": ${err instanceof Error ? err.message : String(err)}`;
        log('volume binding failed', { pod: qp.key, node, err: message });
        recorder.event(pod, 'Warning', 'FailedScheduling', message);
        queue.addUnschedulable(qp, cycle, new Set(), true);
        return;
      }
    }
    try {
      await o.client.post(pods, ns, podName, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: podName, namespace: ns, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
      queue.done(qp.key);
      recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${podName} to ${node}`);
    } catch (err) {
      cache.forget(pi.key);
      queue.moveOnEvent(events.podDelete);
      if (isNotFound(err) || (isConflict(err) && podInf.get(qp.key)?.spec?.nodeName)) {
        // Deleted, or bound by someone else meanwhile: nothing left to do.
        queue.done(qp.key);
        return;
      }
      const message = `Binding rejected: ${err instanceof Error ? err.message : String(err)}`;
      log('binding failed', { pod: qp.key, node, err: message });
      recorder.event(pod, 'Warning', 'FailedScheduling', message);
      queue.addUnschedulable(qp, cycle, new Set(), true);
    }
  };

  /** PodScheduled=False with the message, and the node nominated by a preemption (null: none any more). */
  const markUnschedulable = async (pod: Pod, message: string, nominate?: string | null) => {
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nominationChanges = nominate !== undefined && nominate !== (pod.status?.nominatedNodeName ?? null);
    if (cond?.status === 'False' && cond.reason === 'Unschedulable' && cond.message === message && !nominationChanges) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: cond?.status === 'False' ? (cond as { lastTransitionTime?: string }).lastTransitionTime ?? now : now };
    const patch = { status: { conditions: [condition], ...(nominationChanges ? { nominatedNodeName: nominate } : {}) } };
    await o.client.patch(pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, 'strategic', { subresource: 'status' }).catch((err: unknown) => {
      if (!isNotFound(err)) log('pod condition', { pod: keyOf(pod), err: String(err) });
    });
  };

  /** Delete the victims (DisruptionTarget first, a Preempted event each) and take the node from lower pods nominated there. */
  const evict = async (preemptor: Pod, node: string, victims: readonly PodInfo[]) => {
    const by = preemptor.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    const ignoreGone = (err: unknown) => {
      if (!isNotFound(err)) log('preemption', { pod: keyOf(preemptor), err: String(err) });
    };
    await Promise.all(
      victims.map(async ({ pod: victim }) => {
        const ns = victim.metadata.namespace ?? '';
        const name = victim.metadata.name ?? '';
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const condition = { type: 'DisruptionTarget', status: 'True', reason: PREEMPTION_REASON, message: `${by}: preempting to accommodate a higher priority pod`, lastTransitionTime: now };
        try {
          await o.client.patch(pods, ns, name, { status: { conditions: [condition] } }, 'strategic', { subresource: 'status' });
          await o.client.delete(pods, ns, name, victim.metadata.uid ? { preconditions: { uid: victim.metadata.uid } } : {});
          recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${node}`);
        } catch (err) {
          ignoreGone(err);
        }
      }),
    );
    const prio = preemptor.spec?.priority ?? 0;
    for (const other of nominated.on(node) ?? []) {
      if ((other.pod.spec?.priority ?? 0) >= prio || other.key === keyOf(preemptor)) continue;
      nominated.track(other.pod, false);
      await o.client.patch(pods, other.pod.metadata.namespace ?? '', other.pod.metadata.name ?? '', { status: { nominatedNodeName: null } }, 'strategic', { subresource: 'status' }).catch(ignoreGone);
    }
  };

  let slice = Date.now();
  for (let qp = await queue.pop(); qp; qp = await queue.pop()) {
    const latest = podInf.get(qp.key);
    if (!latest || !pending(latest) || cache.isAssumed(qp.key)) {
      queue.done(qp.key);
      continue;
    }
    qp.pod = latest;
    const cycle = queue.schedulingCycle;
    const pi = newPodInfo(latest);
    const t0 = performance.now();
    const result = schedulePod(pi, cluster, profile, cursor);
    algorithmDuration.observe((performance.now() - t0) / 1000);
    attempts.inc({ profile: name, result: result.ok ? 'scheduled' : 'unschedulable' });
    if (!result.ok) {
      // PostFilter: preemption, unless there are no nodes at all.
      let message = result.message;
      let nominate: string | null | undefined;
      if (result.statuses.size > 0) {
        const post = preempt(pi, cluster, profile, result, pdbInf.list());
        if ('node' in post) {
          nominate = post.node;
          nominated.nominate(pi, post.node);
          void evict(latest, post.node, post.victims);
        } else {
          message = `${message} ${post.message}`;
          if (latest.status?.nominatedNodeName) nominate = null;
        }
      }
      recorder.event(latest, 'Warning', 'FailedScheduling', message);
      void markUnschedulable(latest, message, nominate);
      queue.addUnschedulable(qp, cycle, result.plugins);
    } else {
      // Reserve: the pod's volumes (WaitForFirstConsumer claims) and the pod itself are assumed on the node.
      const ni = pi.hasClaims ? cache.node(result.node) : undefined;
      const volumes = ni ? volumePlanFor(pi, ni, cluster) : undefined;
      if (volumes) assumeVolumes(volumeBinder(qp.key), volumes, result.node);
      cache.assume(latest, result.node);
      inFlight++;
      void bind(qp, pi, result.node, cycle, volumes).finally(() => {
        inFlight--;
        slotFreed?.();
      });
      if (inFlight >= maxInFlight) await new Promise<void>((resolve) => (slotFreed = resolve));
      slotFreed = undefined;
    }
    // Let I/O (bindings, watch events) in now and then: pop() resolves at once while pods wait.
    if (Date.now() - slice > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = Date.now();
    }
  }
  await Promise.all(running);
}

/** A Service's or ReplicationController's selector map, parsed once per object (informer objects are not changed in place). */
const setSelectors = new WeakMap<object, LabelSelector>();

/**
 * The selectors that define a pod's "controller group" for default
 * spreading, as upstream's DefaultSelector: the label sets of Services and
 * ReplicationControllers that select it, and the selectors of ReplicaSets
 * and StatefulSets that match it.
 */
function controllerSelectors(pi: PodInfo, bySet: readonly Informer[], bySelector: readonly Informer[]): LabelSelector[] {
  const ns = pi.pod.metadata.namespace ?? '';
  const labels = pi.pod.metadata.labels;
  if (!labels) return [];
  const out: LabelSelector[] = [];
  for (const inf of bySet)
    for (const o of inf.byIndex('namespace', ns)) {
      const set = (o.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (!set) continue;
      let sel = setSelectors.get(set);
      if (!sel) setSelectors.set(set, (sel = selectorFromSet(set)));
      if (!sel.empty && sel.matches(labels)) out.push(sel);
    }
  for (const inf of bySelector)
    for (const o of inf.byIndex('namespace', ns)) {
      const sel = selectorOf((o.spec as { selector?: Parameters<typeof selectorOf>[0] } | undefined)?.selector);
      if (!sel.empty && sel.matches(labels)) out.push(sel);
    }
  return out;
}
