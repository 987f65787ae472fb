import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectorFromSet, type LabelSelector } from '../../api/labels.js';
import { schedulePod } from '../algorithm.js';
import { cacheCluster, SchedulerCache } from '../cache.js';
import type { Cluster } from '../framework.js';
import { newPodInfo } from '../nodeinfo.js';
import type { Node, Pod, PodSpec } from '../types.js';
import { defaultFilters, defaultScores } from './index.js';

const ZONE = 'topology.kubernetes.io/zone';

const mkNode = (name: string, labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

const mkPod = (name: string, labels: Record<string, string>, spec: Partial<PodSpec> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', resources: { requests: { cpu: '1m' } } }], ...spec },
});

/** A cluster whose only controller is a ReplicaSet selecting `app: web` (default spreading applies to its pods). */
function clusterOf(cache: SchedulerCache): Cluster {
  const rs: LabelSelector = selectorFromSet({ app: 'web' });
  return cacheCluster(cache, { controllerSelectors: (pi) => (rs.matches(pi.pod.metadata.labels) ? [rs] : []) });
}

const profile = { filters: defaultFilters, scores: defaultScores, random: () => 0.99 };

function place(cache: SchedulerCache, pod: Pod): string {
  const r = schedulePod(newPodInfo(pod), clusterOf(cache), profile, { next: 0 });
  assert.ok(r.ok);
  return r.node;
}

test('default spreading: the zone with fewer pods of the ReplicaSet wins over an equally empty node in a fuller zone', () => {
  const cache = new SchedulerCache();
  for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['b1', 'b'], ['b2', 'b']]) cache.addOrUpdateNode(mkNode(n ?? '', { [ZONE]: z ?? '' }));
  for (let i = 0; i < 3; i++) cache.addOrUpdatePod(mkPod(`w${String(i)}`, { app: 'web' }, { nodeName: 'a1' }));
  // Other pods (not the ReplicaSet's) fill b1 and b2 just as much: only the ReplicaSet's pods count.
  for (const n of ['b1', 'b2']) for (let i = 0; i < 3; i++) cache.addOrUpdatePod(mkPod(`o-${n}-${String(i)}`, { app: 'other' }, { nodeName: n }));
  assert.ok(['b1', 'b2'].includes(place(cache, mkPod('new', { app: 'web' }))));
});

test('default spreading with a node selector: pods on nodes the pod may not go to do not count for their zone', () => {
  const cache = new SchedulerCache();
  for (const [n, z, disk] of [['a1', 'a', 'ssd'], ['a2', 'a', 'hdd'], ['b1', 'b', 'ssd']]) cache.addOrUpdateNode(mkNode(n ?? '', { [ZONE]: z ?? '', disk: disk ?? '' }));
  for (let i = 0; i < 3; i++) cache.addOrUpdatePod(mkPod(`w${String(i)}`, { app: 'web' }, { nodeName: 'a2' }));
  cache.addOrUpdatePod(mkPod('w3', { app: 'web' }, { nodeName: 'b1' }));
  cache.addOrUpdatePod(mkPod('o', { app: 'other' }, { nodeName: 'a1' }));
  // Zone a counts 0 (a2 is not an ssd node), zone b 1: a1. Counting a2 too would make zone a the fuller one and pick b1.
  assert.equal(place(cache, mkPod('new', { app: 'web' }, { nodeSelector: { disk: 'ssd' } })), 'a1');
});

test('default spreading: without zone labels, hostname spreading alone places the pod', () => {
  const cache = new SchedulerCache();
  for (const n of ['a', 'b', 'c']) cache.addOrUpdateNode(mkNode(n));
  for (const n of ['a', 'b']) cache.addOrUpdatePod(mkPod(`w-${n}`, { app: 'web' }, { nodeName: n }));
  assert.equal(place(cache, mkPod('new', { app: 'web' })), 'c');
  cache.assume(mkPod('new', { app: 'web' }), 'c');
  // Every node now holds one: the next pod goes anywhere, the pod assumed on c counted.
  cache.addOrUpdatePod(mkPod('w-a2', { app: 'web' }, { nodeName: 'a' }));
  assert.ok(['b', 'c'].includes(place(cache, mkPod('new2', { app: 'web' }))));
});

test("default spreading reads no existing pod's labels once the ReplicaSet's counts are kept", () => {
  const cache = new SchedulerCache();
  let reads = 0;
  const counted = (labels: Record<string, string>) =>
    new Proxy(labels, {
      get: (t, k) => {
        reads++;
        return Reflect.get(t, k) as unknown;
      },
    });
  for (let i = 0; i < 20; i++) {
    const n = `n${String(i)}`;
    cache.addOrUpdateNode(mkNode(n, { [ZONE]: `z${String(i % 3)}` }));
    for (let j = 0; j < 5; j++) cache.addOrUpdatePod(mkPod(`${n}-${String(j)}`, counted({ app: j % 2 ? 'web' : 'other' }), { nodeName: n }));
  }
  const first = place(cache, mkPod('new-0', { app: 'web' }));
  cache.assume(mkPod('new-0', { app: 'web' }), first);
  assert.ok(reads > 0, 'the first pod builds the counts from the pods');
  reads = 0;
  for (let i = 1; i < 5; i++) {
    const node = place(cache, mkPod(`new-${String(i)}`, { app: 'web' }));
    cache.assume(mkPod(`new-${String(i)}`, { app: 'web' }), node);
  }
  assert.equal(reads, 0);
});
