/**
 * The scheduler's own cost per pod (filter and score, no API server): a
 * cache filled with `nodes` nodes (4 CPU, 16Gi, 110 pods) holding
 * `podsPerNode` pods of a few ReplicaSets each (as Deployments make them:
 * an ownerReference, the template's labels and pod-template-hash, and a
 * Service selecting the app), then `schedulePod` timed for new pods of
 * those ReplicaSets, each assumed onto its node as the scheduler does.
 * Comparing 500 and 5,000 nodes shows whether the cost stays flat.
 *
 * @example
 * node dist/bench/lib/schedcost.js            # 500 and 5,000 nodes, with and without zones
 */
import { fileURLToPath } from 'node:url';
import { selectorFromSet, type LabelSelector } from '../../src/api/labels.js';
import { schedulePod, type Cursor, type Profile } from '../../src/scheduler/algorithm.js';
import { cacheCluster, SchedulerCache } from '../../src/scheduler/cache.js';
import type { Cluster } from '../../src/scheduler/framework.js';
import { newPodInfo, type PodInfo } from '../../src/scheduler/nodeinfo.js';
import { defaultFilters, defaultScores } from '../../src/scheduler/plugins/index.js';
import type { Node, Pod } from '../../src/scheduler/types.js';

export interface CostOptions {
  readonly nodes: number;
  readonly podsPerNode?: number;
  /** Zones the nodes are spread over (0: no zone label). */
  readonly zones?: number;
  readonly replicaSets?: number;
  /** Pods timed (after as many untimed ones to warm up). */
  readonly samples?: number;
}

export interface Cost {
  readonly nodes: number;
  readonly pods: number;
  readonly zones: number;
  readonly msPerPod: number;
  /** Nodes filtered per pod (the sample upstream's percentageOfNodesToScore takes). */
  readonly evaluated: number;
  /** Milliseconds per pod to assume it onto its node (the cache's bookkeeping, counts included). */
  readonly assumeMs: number;
}

const mkNode = (i: number, zones: number): Node => {
  const name = `node-${String(i).padStart(5, '0')}`;
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
  if (zones > 0) labels['topology.kubernetes.io/zone'] = `zone-${String(i % zones)}`;
  const resources = { cpu: '4', memory: '16Gi', pods: '110' };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status: { allocatable: resources, capacity: resources, conditions: [{ type: 'Ready', status: 'True' }] } };
};

const appOf = (rs: number) => `app-${String(rs)}`;
const hashOf = (rs: number) => `h${String(rs).padStart(8, '0')}`;

const mkPod = (name: string, rs: number, nodeName?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    labels: { app: appOf(rs), 'pod-template-hash': hashOf(rs) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${appOf(rs)}-${hashOf(rs)}`, uid: `rs-${String(rs)}`, controller: true }],
  },
  spec: {
    ...(nodeName ? { nodeName } : {}),
    containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
  },
});

/** The cache-backed cluster the scheduler builds, with each ReplicaSet and its Service as the pod's controllers. */
function clusterOf(cache: SchedulerCache, replicaSets: number): Cluster {
  const selectors: LabelSelector[][] = [];
  for (let rs = 0; rs < replicaSets; rs++) selectors.push([selectorFromSet({ app: appOf(rs) }), selectorFromSet({ app: appOf(rs), 'pod-template-hash': hashOf(rs) })]);
  return cacheCluster(cache, {
    controllerSelectors: (pi: PodInfo) => {
      // As scheduler.ts does: every Service and ReplicaSet of the namespace is tried against the pod.
      const out: LabelSelector[] = [];
      for (const group of selectors) for (const s of group) if (s.matches(pi.pod.metadata.labels)) out.push(s);
      return out;
    },
  });
}

/** Milliseconds of `schedulePod` per pod on a filled cache. */
export function measureScheduleCost(o: CostOptions): Cost {
  const podsPerNode = o.podsPerNode ?? 30;
  const zones = o.zones ?? 0;
  const replicaSets = o.replicaSets ?? 5;
  const samples = o.samples ?? 1000;
  const cache = new SchedulerCache();
  for (let i = 0; i < o.nodes; i++) cache.addOrUpdateNode(mkNode(i, zones));
  const nodes = cache.nodes();
  let n = 0;
  for (let k = 0; k < podsPerNode; k++) for (const ni of nodes) cache.addOrUpdatePod(mkPod(`p-${String(n)}`, n++ % replicaSets, ni.name));
  const cluster = clusterOf(cache, replicaSets);
  const profile: Profile = { filters: defaultFilters, scores: defaultScores, percentageOfNodesToScore: 0 };
  const cursor: Cursor = { next: 0 };
  let ms = 0;
  let assumeMs = 0;
  let evaluated = 0;
  for (let i = 0; i < samples * 2; i++) {
    const pi = newPodInfo(mkPod(`new-${String(i)}`, i % replicaSets));
    const t0 = performance.now();
    const r = schedulePod(pi, cluster, profile, cursor);
    const t1 = performance.now();
    if (!r.ok) throw new Error(`pod ${pi.key} did not fit: ${r.message}`);
    cache.assume(pi.pod, r.node);
    if (i < samples) continue;
    ms += t1 - t0;
    assumeMs += performance.now() - t1;
    evaluated += r.evaluated;
  }
  return { nodes: o.nodes, pods: n, zones, msPerPod: ms / samples, evaluated: evaluated / samples, assumeMs: assumeMs / samples };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const samples = Number(process.env.SAMPLES ?? '1000');
  for (const zones of [0, 4]) {
    const small = measureScheduleCost({ nodes: 500, zones, samples });
    const large = measureScheduleCost({ nodes: 5000, zones, samples });
    for (const c of [small, large]) console.log(`${String(c.nodes).padStart(5)} nodes ${String(c.pods).padStart(6)} pods zones=${String(zones)}: ${c.msPerPod.toFixed(3)} ms/pod (${c.evaluated.toFixed(0)} nodes filtered), assume ${c.assumeMs.toFixed(4)} ms/pod`);
    console.log(`  5000/500 ratio: ${(large.msPerPod / small.msPerPod).toFixed(2)}`);
  }
}
