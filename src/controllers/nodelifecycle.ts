/**
 * The node lifecycle controller: a node whose kubelet stops renewing its
 * Lease in `kube-node-lease` for the grace period (upstream's
 * node-monitor-grace-period, 40 s) has its conditions set Unknown; nodes
 * that are not Ready are tainted `node.kubernetes.io/unreachable` (Ready
 * Unknown) or `node.kubernetes.io/not-ready` (Ready False), NoSchedule and
 * NoExecute, and untainted when Ready again. Pods on a node with NoExecute
 * taints are deleted once their tolerations run out (at once when they do
 * not tolerate them), marked with the DisruptionTarget condition first, as
 * upstream's taint eviction does, so that their controllers recreate them
 * elsewhere.
 */
import type { KubeObject } from '../api/meta.js';
import { nodes, pods } from '../api/core/index.js';
import { leases } from '../api/coordination/index.js';
import { aborted, indexers, isNotFound, sleep, type Informer } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { setCondition, timestamp, type Condition } from './util/run.js';

export const unreachableTaint = 'node.kubernetes.io/unreachable';
export const notReadyTaint = 'node.kubernetes.io/not-ready';
const leaseNamespace = 'kube-node-lease';

export interface NodeLifecycleOptions {
  /** How long a node may go without renewing its Lease before it is Unknown (upstream: 40 s). */
  readonly gracePeriodMs?: number;
  /** How often nodes and evictions are checked (upstream's node-monitor-period: 5 s). */
  readonly monitorPeriodMs?: number;
  readonly now?: () => Date;
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** The node-level conditions a kubelet posts, set Unknown together when it goes silent. */
const nodeConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** The node lifecycle controller (`nodelifecycle` in upstream's `--controllers`, with taint eviction). */
export function newNodeLifecycleController(options: NodeLifecycleOptions = {}): Controller {
  const grace = options.gracePeriodMs ?? 40_000;
  const period = options.monitorPeriodMs ?? 5000;
  const now = options.now ?? (() => new Date());
  return {
    name: 'nodelifecycle',
    async run(ctx: ControllerContext) {
      const nodeInf = ctx.informers.for(nodes);
      const leaseInf = ctx.informers.for(leases);
      const podInf = ctx.informers.for(pods);
      podInf.addIndex('node', indexers.node);
      /** When the controller last saw each node's Lease renewed (its own clock, as upstream's probe timestamps). */
      const seen = new Map<string, { renewTime: string; at: number }>();
      if (!(await ctx.informers.synced())) return;
      while (!ctx.signal.aborted) {
        const at = now();
        // Every node, every period: the per-node work is reads of the cache, and writes only for nodes that change.
        for (const node of nodeInf.list()) {
          // Thousands of nodes, each perhaps a write: stop between them rather than finish the pass.
          if (aborted(ctx.signal)) break;
          try {
            await monitorNode(ctx, node, leaseInf, seen, grace, at);
            await evictPods(ctx, nodeInf.get(node.metadata.name ?? '') ?? node, podInf, at);
          } catch (err) {
            ctx.log('nodelifecycle: sync failed', { node: node.metadata.name, err: err instanceof Error ? err.message : String(err) });
          }
        }
        for (const name of seen.keys()) if (!nodeInf.get(name)) seen.delete(name);
        await sleep(period, ctx.signal);
      }
    },
  };
}

const conditionsOf = (node: KubeObject) => ((node.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
const taintsOf = (node: KubeObject) => ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []);

/**
 * Mark a silent node Unknown, and keep its not-ready/unreachable taints in
 * step with its Ready condition. `node` is the cached object: this only reads
 * it (every write is a patch built from new arrays), so no copy of each node
 * every period.
 */
async function monitorNode(ctx: ControllerContext, node: Readonly<KubeObject>, leaseInf: Informer, seen: Map<string, { renewTime: string; at: number }>, grace: number, at: Date): Promise<void> {
  const name = node.metadata.name ?? '';
  const renewTime = ((leaseInf.get(`${leaseNamespace}/${name}`)?.spec as { renewTime?: string } | undefined)?.renewTime) ?? '';
  const last = seen.get(name);
  if (!last || last.renewTime !== renewTime) seen.set(name, { renewTime, at: at.getTime() });
  const since = seen.get(name)?.at ?? at.getTime();
  let conditions = conditionsOf(node);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (at.getTime() - since > grace && ready?.status !== 'Unknown') {
    // The kubelet went silent: what it last posted can no longer be trusted.
    const never = !ready;
    for (const type of nodeConditions) {
      const old = conditions.find((c) => c.type === type);
      if (!never && !old) continue;
      conditions = setCondition(conditions, { ...old, type, status: 'Unknown', reason: never ? 'NodeStatusNeverUpdated' : 'NodeStatusUnknown', message: never ? 'Kubelet never posted node status.' : 'Kubelet stopped posting node status.', lastHeartbeatTime: old?.lastHeartbeatTime ?? timestamp(at) }, at);
    }
    await ctx.client.patch(nodes, '', name, { status: { conditions } }, 'merge', { subresource: 'status' }).catch(ignoreNotFound);
    if (ready?.status === 'True') ctx.recorder('node-controller').event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  }
  const status = conditions.find((c) => c.type === 'Ready')?.status;
  const want = status === 'Unknown' ? unreachableTaint : status === 'False' ? notReadyTaint : undefined;
  const current = taintsOf(node);
  const next = current.filter((t) => (t.key !== unreachableTaint && t.key !== notReadyTaint) || (t.key === want));
  const kept = next.length;
  for (const effect of ['NoSchedule', 'NoExecute']) {
    if (want && !next.some((t) => t.key === want && t.effect === effect)) next.push({ key: want, effect, ...(effect === 'NoExecute' ? { timeAdded: timestamp(at) } : {}) });
  }
  // Unchanged iff nothing was dropped or added: kept taints are the same objects, in order.
  if (kept === current.length && next.length === kept) return;
  await ctx.client.patch(nodes, '', name, { spec: { taints: next.length ? next : null }, metadata: { resourceVersion: node.metadata.resourceVersion } }, 'merge').catch(ignoreNotFound);
}

/** True if `t` tolerates `taint` (key, operator Exists/Equal, effect). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/**
 * When a pod must leave a node with these NoExecute taints: never (all
 * tolerated forever), now (one not tolerated), or at the earliest end of
 * its tolerations counted from when each taint was added, as upstream.
 */
export function evictionTime(tolerations: readonly Toleration[], taints: readonly Taint[], at: Date): Date | undefined {
  let when: number | undefined;
  for (const taint of taints) {
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (!matching.length) return at;
    const seconds = matching.map((t) => t.tolerationSeconds).filter((s): s is number => s !== undefined);
    if (!seconds.length) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : at.getTime();
    const end = added + Math.max(0, Math.min(...seconds)) * 1000;
    when = when === undefined ? end : Math.min(when, end);
  }
  return when === undefined ? undefined : new Date(when);
}

/** Delete the pods whose tolerations of the node's NoExecute taints have run out. */
async function evictPods(ctx: ControllerContext, node: KubeObject, podInf: Informer, at: Date): Promise<void> {
  const taints = taintsOf(node).filter((t) => t.effect === 'NoExecute');
  if (!taints.length) return;
  for (const pod of podInf.byIndex('node', node.metadata.name ?? '')) {
    if (pod.metadata.deletionTimestamp) continue;
    const when = evictionTime((pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations ?? [], taints, at);
    if (!when || when.getTime() > at.getTime()) continue;
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const conditions = setCondition((pod.status as { conditions?: Condition[] } | undefined)?.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, at);
    await ctx.client.patch(pods, ns, name, { status: { conditions } }, 'merge', { subresource: 'status' }).catch(ignoreNotFound);
    ctx.recorder('taint-eviction-controller').event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`);
    await ctx.client.delete(pods, ns, name).catch(ignoreNotFound);
  }
}

const ignoreNotFound = (err: unknown) => {
  if (!isNotFound(err)) throw err;
};
