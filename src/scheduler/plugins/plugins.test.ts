import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numFeasibleNodesToFind, schedulePod } from '../algorithm.js';
import { cacheCluster, SchedulerCache } from '../cache.js';
import type { Cluster } from '../framework.js';
import { newPodInfo } from '../nodeinfo.js';
import { podRequests } from '../resources.js';
import type { Node, Pod, PodSpec } from '../types.js';
import { preempt } from '../preemption.js';
import { defaultFilters, defaultScores } from './index.js';
import { imageNames } from './imagelocality.js';
import { balancedAllocation } from './resources.js';

const mkNode = (name: string, cpu = '4', extra: { labels?: Record<string, string>; taints?: { key: string; value?: string; effect: string }[]; unschedulable?: boolean; ready?: boolean; images?: { names: string[]; sizeBytes: number }[] } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } },
  spec: { ...(extra.taints ? { taints: extra.taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
  status: { allocatable: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }], ...(extra.images ? { images: extra.images } : {}) },
});

const mkPod = (name: string, spec: Partial<PodSpec> = {}, labels: Record<string, string> = {}, cpu = '100m'): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }], ...spec },
});

function clusterOf(nodes: Node[], bound: Pod[] = []): Cluster {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addOrUpdateNode(n);
  for (const p of bound) cache.addOrUpdatePod(p);
  return cacheCluster(cache);
}

const profile = { filters: defaultFilters, scores: defaultScores, random: () => 0.99 };
/** Where the pod goes, or the FailedScheduling message (with PostFilter's part, as the scheduler writes it). */
const nodeFor = (pod: Pod, nodes: Node[], bound: Pod[] = []) => {
  const cluster = clusterOf(nodes, bound);
  const pi = newPodInfo(pod);
  const r = schedulePod(pi, cluster, profile, { next: 0 });
  if (r.ok) return r.node;
  if (r.statuses.size === 0) return r.message;
  const post = preempt(pi, cluster, profile, r, [], () => 0);
  return 'node' in post ? `preempt on ${post.node}: ${post.victims.map((v) => v.pod.metadata.name ?? '').join(',')}` : `${r.message} ${post.message}`;
};

test('requests: containers summed, sidecars added, the largest init container, overhead', () => {
  const r = podRequests({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'a', resources: { requests: { cpu: '200m' } } }, { name: 'b', resources: { requests: { cpu: '300m' } } }], initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }, { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } }], overhead: { cpu: '50m' } } });
  assert.equal(r.milliCPU, 2050);
  assert.equal(podRequests(mkPod('x', { containers: [{ name: 'c' }] }), true).milliCPU, 100);
});

test('numFeasibleNodesToFind: all below 100 nodes, adaptive percentage above, at least 100', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(100000), 5000);
  assert.equal(numFeasibleNodesToFind(150), 100);
});

test('NodeResourcesFit: insufficient cpu and too many pods, histogram message', () => {
  assert.equal(nodeFor(mkPod('p', {}, {}, '3'), [mkNode('a', '2'), mkNode('b', '1')]), '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
  const full = { ...mkNode('a'), status: { allocatable: { cpu: '4', memory: '1Gi', pods: '1' }, conditions: [{ type: 'Ready', status: 'True' }] } } as Node;
  assert.match(nodeFor(mkPod('p'), [full], [{ ...mkPod('x'), spec: { ...mkPod('x').spec, nodeName: 'a' } }]), /1 Too many pods/);
});

test('taints, cordons and not-ready nodes: only tolerating pods go there', () => {
  const nodes = [mkNode('t', '4', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), mkNode('u', '4', { unschedulable: true }), mkNode('n', '4', { ready: false })];
  assert.equal(nodeFor(mkPod('p'), nodes), "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  assert.equal(nodeFor(mkPod('p', { tolerations: [{ key: 'k', operator: 'Exists' }] }), nodes), 't');
});

test('PreferNoSchedule taints lower the score', () => {
  assert.equal(nodeFor(mkPod('p'), [mkNode('soft', '4', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), mkNode('clean')]), 'clean');
});

test('node affinity: required terms filter (Gt, In), preferred terms score', () => {
  const nodes = [mkNode('a', '4', { labels: { gen: '3', zone: 'z1' } }), mkNode('b', '4', { labels: { gen: '5', zone: 'z2' } })];
  const req = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }] } } };
  assert.equal(nodeFor(mkPod('p', { affinity: req }), nodes), 'b');
  const pref = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } }] } };
  assert.equal(nodeFor(mkPod('p', { affinity: pref }), nodes), 'a');
});

test('host ports: a node whose port is taken is skipped', () => {
  const withPort = (n: string, node?: string): Pod => ({ ...mkPod(n), spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }], ...(node ? { nodeName: node } : {}) } });
  assert.equal(nodeFor(withPort('new'), [mkNode('a'), mkNode('b')], [withPort('old', 'a')]), 'b');
});

test('least allocated and balanced allocation prefer the emptier node', () => {
  const busy: Pod = { ...mkPod('busy', {}, {}, '3'), spec: { ...mkPod('busy', {}, {}, '3').spec, nodeName: 'a' } };
  assert.equal(nodeFor(mkPod('p'), [mkNode('a'), mkNode('b')], [busy]), 'b');
});

test('topology spread DoNotSchedule keeps skew within maxSkew', () => {
  const nodes = [mkNode('a', '4', { labels: { zone: 'z1' } }), mkNode('b', '4', { labels: { zone: 'z2' } })];
  const existing = ['x', 'y'].map((n): Pod => ({ ...mkPod(n, {}, { app: 'w' }), spec: { ...mkPod(n).spec, nodeName: 'a' } }));
  const tsc = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'w' } } }];
  assert.equal(nodeFor(mkPod('p', { topologySpreadConstraints: tsc }, { app: 'w' }), nodes, existing), 'b');
  // With nodeAffinityPolicy Ignore, z2 stays a domain even though the pod may not go there.
  const ignore = [{ ...(tsc[0] as (typeof tsc)[number]), nodeAffinityPolicy: 'Ignore' }];
  const msg = nodeFor(mkPod('p', { topologySpreadConstraints: ignore, nodeSelector: { zone: 'z1' } }, { app: 'w' }), nodes, existing);
  assert.match(msg, /1 node\(s\) didn't match pod topology spread constraints/);
});

test('existing pods anti-affinity is honoured (symmetry)', () => {
  const guard: Pod = { ...mkPod('guard', { nodeName: 'a', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'noisy' } }, topologyKey: 'kubernetes.io/hostname' }] } } }) };
  assert.equal(nodeFor(mkPod('p', {}, { app: 'noisy' }), [mkNode('a', '8'), mkNode('b', '1')], [guard]), 'b');
});

test('preferred pod affinity pulls a pod next to its peers', () => {
  const peer: Pod = { ...mkPod('peer', { nodeName: 'b' }, { app: 'db' }) };
  const pref = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } }] } };
  assert.equal(nodeFor(mkPod('p', { affinity: pref }), [mkNode('a'), mkNode('b')], [peer]), 'b');
});

test('image locality prefers a node that has the image', () => {
  assert.deepEqual(imageNames('nginx'), ['nginx:latest', 'docker.io/library/nginx:latest']);
  const big = [{ names: ['docker.io/library/nginx:latest'], sizeBytes: 500 * 1024 * 1024 }];
  assert.equal(nodeFor(mkPod('p'), [mkNode('a'), mkNode('b', '4', { images: big })]), 'b');
});

test('no nodes: upstream message', () => {
  assert.equal(nodeFor(mkPod('p'), []), 'no nodes available to schedule pods');
});

test('balanced allocation: best-effort pods are not scored; a resource the node lacks is left out', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(mkNode('a'));
  cache.addOrUpdateNode({ ...mkNode('nomem'), status: { allocatable: { cpu: '4', memory: '0', pods: '110' } } });
  const bestEffort = newPodInfo({ ...mkPod('be'), spec: { containers: [{ name: 'c' }] } });
  assert.equal(balancedAllocation.preScore?.(bestEffort, cache.nodes(), clusterOf([]), new Map()), 'skip');
  const cpuOnly = newPodInfo(mkPod('cpu', {}, {}, '2'));
  assert.equal(balancedAllocation.preScore(cpuOnly, cache.nodes(), clusterOf([]), new Map()), undefined);
  // On a node with no memory only CPU counts: nothing to balance against.
  assert.equal(balancedAllocation.score(cpuOnly, cache.node('nomem') as NonNullable<ReturnType<SchedulerCache['node']>>, new Map(), clusterOf([])), 100);
  // Half the CPU and no memory on a node that has both: |0.5 − 0| / 2 off.
  assert.equal(balancedAllocation.score(cpuOnly, cache.node('a') as NonNullable<ReturnType<SchedulerCache['node']>>, new Map(), clusterOf([])), 75);
});

test('image locality counts how many nodes hold an image, and forgets a node that goes', () => {
  const cache = new SchedulerCache();
  const img = [{ names: ['registry.example/app:1'], sizeBytes: 1 }];
  cache.addOrUpdateNode(mkNode('a', '4', { images: img }));
  cache.addOrUpdateNode(mkNode('b', '4', { images: img }));
  cache.addOrUpdateNode(mkNode('c'));
  assert.equal(cache.imageNodes('registry.example/app:1'), 2);
  cache.addOrUpdateNode(mkNode('b'));
  assert.equal(cache.imageNodes('registry.example/app:1'), 1);
  cache.removeNode('a');
  assert.equal(cache.imageNodes('registry.example/app:1'), 0);
  assert.equal(cache.hasImages, false);
});

const on = (node: string, name: string, priority: number, cpu: string, extra: { labels?: Record<string, string>; startTime?: string } = {}): Pod => ({
  ...mkPod(name, { nodeName: node, priority }, extra.labels ?? {}, cpu),
  ...(extra.startTime ? { status: { startTime: extra.startTime } } : {}),
});

test('preemption: the fewest, lowest-priority victims on the node where that suffices', () => {
  const nodes = [mkNode('a', '2'), mkNode('b', '2'), mkNode('c', '2')];
  const bound = [
    // a: one pod of priority 5 holds it all.
    on('a', 'a-mid', 5, '2'),
    // b: two pods of priority 1; removing one is enough.
    on('b', 'b-low-1', 1, '1', { startTime: '2024-01-01T00:00:00Z' }),
    on('b', 'b-low-2', 1, '1', { startTime: '2024-01-02T00:00:00Z' }),
    // c: a pod as important as the preemptor cannot be a victim.
    on('c', 'c-same', 10, '2'),
  ];
  const preemptor = mkPod('p', { priority: 10 }, {}, '1');
  // b's highest victim priority (1) beats a's (5); of b's two, the one that started later goes.
  assert.equal(nodeFor(preemptor, nodes, bound), 'preempt on b: b-low-2');
  assert.equal(nodeFor({ ...preemptor, spec: { ...preemptor.spec, preemptionPolicy: 'Never' } }, nodes, bound), '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  // Nothing lower anywhere: upstream's per-node reasons.
  assert.equal(nodeFor(mkPod('q', { priority: 0 }, {}, '1'), nodes, bound), '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
  // Even with every lower pod gone it would not fit: the filter's reason.
  assert.equal(nodeFor(mkPod('r', { priority: 10 }, {}, '3'), nodes, bound), '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Insufficient cpu.');
});

test('preemption: a PodDisruptionBudget that allows no disruption steers the choice', () => {
  const nodes = [mkNode('a', '1'), mkNode('b', '1')];
  const bound = [on('a', 'guarded', 1, '1', { labels: { app: 'db' } }), on('b', 'free', 2, '1')];
  const pi = newPodInfo(mkPod('p', { priority: 10 }, {}, '1'));
  const cluster = clusterOf(nodes, bound);
  const r = schedulePod(pi, cluster, profile, { next: 0 });
  assert.equal(r.ok, false);
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } };
  // Without the budget the lower priority goes (a); with it, b's pod (no budget) is taken although its priority is higher.
  const without = preempt(pi, cluster, profile, r, [], () => 0);
  const withBudget = preempt(pi, cluster, profile, r, [pdb], () => 0);
  assert.deepEqual('node' in without ? [without.node] : without, ['a']);
  assert.deepEqual('node' in withBudget ? [withBudget.node, withBudget.victims.map((v) => v.pod.metadata.name)] : withBudget, ['b', ['free']]);
});

test('a pod nominated to a node keeps its room from less important pods', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(mkNode('a', '1'));
  cache.addOrUpdateNode(mkNode('b', '1'));
  const nominee = newPodInfo(mkPod('nominee', { priority: 10 }, {}, '1'));
  const cluster: Cluster = { ...clusterOf([]), nodes: () => cache.nodes(), node: (n) => cache.node(n), hasNominated: true, nominatedOn: (n) => (n === 'a' ? [nominee] : undefined) };
  const low = schedulePod(newPodInfo(mkPod('low', { priority: 1 }, {}, '1')), cluster, profile, { next: 0 });
  assert.deepEqual(low.ok && low.node, 'b');
  const high = schedulePod(newPodInfo(mkPod('high', { priority: 20 }, {}, '1')), { ...cluster, nodes: () => [cache.node('a') as NonNullable<ReturnType<SchedulerCache['node']>>] }, profile, { next: 0 });
  assert.deepEqual(high.ok && high.node, 'a');
});
