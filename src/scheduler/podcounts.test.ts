import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabelSelector, selectorFromSet, type LabelSelector } from '../api/labels.js';
import { SchedulerCache } from './cache.js';
import { countOnNode } from './podcounts.js';
import type { Node, Pod } from './types.js';

const ZONE = 'topology.kubernetes.io/zone';

const mkNode = (name: string, labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' } },
});

const mkPod = (name: string, labels: Record<string, string>, nodeName: string, o: { namespace?: string; terminating?: boolean } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: o.namespace ?? 'default', labels, ...(o.terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
  spec: { nodeName, containers: [{ name: 'c' }] },
});

/** What the index must say: a walk of every node's pods. */
function assertMatchesWalk(cache: SchedulerCache, ns: string, sel: LabelSelector, what: string): void {
  const counts = cache.podCounts(ns, sel);
  const zones = new Map<string, number>();
  for (const ni of cache.nodes()) {
    const n = countOnNode(ni, ns, sel);
    assert.equal(counts.onNode(ni), n, `${what}: ${ni.name} for ${sel.toString()}`);
    const z = ni.node?.metadata.labels?.[ZONE];
    if (z !== undefined && n > 0) zones.set(z, (zones.get(z) ?? 0) + n);
  }
  assert.deepEqual(new Map([...counts.byValue(ZONE)].sort()), new Map([...zones].sort()), `${what}: zones for ${sel.toString()}`);
}

test('pod counts follow pods added, relabelled, terminating, assumed, forgotten and deleted, and node labels', () => {
  // A fixed-seed generator, so that a failure replays.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const cache = new SchedulerCache();
  const nodes = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
  for (const [i, n] of nodes.entries()) cache.addOrUpdateNode(mkNode(n, i < 4 ? { [ZONE]: `z${String(i % 2)}` } : {}));
  const apps = ['web', 'db', 'cache'];
  const selectors = [selectorFromSet({ app: 'web' }), selectorFromSet({ app: 'db', tier: 'x' }), parseLabelSelector('app in (web,db)'), parseLabelSelector('app!=cache'), selectorFromSet({})];
  const tracked = (sels: readonly LabelSelector[]) => {
    for (const ns of ['default', 'other']) for (const s of sels) assertMatchesWalk(cache, ns, s, 'state');
  };
  // Some selectors are asked about before any pod exists, the others only later (built from the pods then).
  tracked(selectors.slice(0, 2));
  const names = Array.from({ length: 40 }, (_, i) => `p${String(i)}`);
  for (let step = 0; step < 400; step++) {
    const name = pick(names);
    const labels = { app: pick(apps), ...(random() < 0.5 ? { tier: 'x' } : {}) };
    const namespace = random() < 0.8 ? 'default' : 'other';
    const r = random();
    if (r < 0.35) cache.addOrUpdatePod(mkPod(name, labels, pick(nodes), { namespace, terminating: random() < 0.1 }));
    else if (r < 0.55) cache.assume(mkPod(name, labels, '', { namespace }), pick(nodes));
    else if (r < 0.65) cache.forget(`${namespace}/${name}`);
    else if (r < 0.85) cache.removePod(`${namespace}/${name}`);
    else if (r < 0.95) {
      const n = pick(nodes);
      cache.addOrUpdateNode(mkNode(n, random() < 0.7 ? { [ZONE]: pick(['z0', 'z1', 'z2']) } : {}));
    } else {
      const n = pick(nodes);
      cache.removeNode(n);
      cache.addOrUpdateNode(mkNode(n, { [ZONE]: 'z0' }));
    }
    if (step === 200) tracked(selectors);
    if (step % 10 === 0) tracked(step > 200 ? selectors : selectors.slice(0, 2));
  }
  tracked(selectors);
});

test("pod counts of a copy of a node (preemption's dry run) are its own pods'", () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(mkNode('a'));
  cache.addOrUpdatePod(mkPod('p1', { app: 'web' }, 'a'));
  cache.addOrUpdatePod(mkPod('p2', { app: 'web' }, 'a'));
  const ni = cache.node('a');
  assert.ok(ni);
  const counts = cache.podCounts('default', selectorFromSet({ app: 'web' }));
  assert.equal(counts.onNode(ni), 2);
  const sim = ni.clone();
  sim.removePod('default/p1');
  assert.equal(counts.onNode(sim), 1);
  assert.equal(counts.onNode(ni), 2);
});

test('pod counts stay right for a selector dropped as least recently used and asked for again', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(mkNode('a'));
  cache.addOrUpdatePod(mkPod('p0', { app: 'a0' }, 'a'));
  const first = selectorFromSet({ app: 'a0' });
  assert.equal(cache.podCounts('default', first).onNode(cache.node('a') ?? assert.fail()), 1);
  for (let i = 1; i <= 600; i++) cache.podCounts('default', selectorFromSet({ app: `a${String(i)}` }));
  cache.addOrUpdatePod(mkPod('p1', { app: 'a0' }, 'a'));
  assert.equal(cache.podCounts('default', first).onNode(cache.node('a') ?? assert.fail()), 2);
});

test('nodes per label key follow node adds, label changes and deletes', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(mkNode('a', { [ZONE]: 'z' }));
  cache.addOrUpdateNode(mkNode('b'));
  assert.equal(cache.nodesWithLabel(ZONE), 1);
  assert.equal(cache.nodesWithLabel('kubernetes.io/hostname'), 2);
  cache.addOrUpdateNode(mkNode('b', { [ZONE]: 'y' }));
  assert.equal(cache.nodesWithLabel(ZONE), 2);
  cache.removeNode('a');
  assert.equal(cache.nodesWithLabel(ZONE), 1);
  cache.removeNode('b');
  assert.equal(cache.nodesWithLabel(ZONE), 0);
  assert.equal(cache.nodesWithLabel('kubernetes.io/hostname'), 0);
});
