import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slowStartBatch } from './batch.js';
import { computeHash, safeEncode, semanticEqual } from './hash.js';
import { scaledValue } from './intstr.js';
import { nodeMatches, targetNode, tolerates, untoleratedTaints } from './nodes.js';
import { byDeletionPreference, isPodAvailable } from './pods.js';
import type { Node, Pod } from './types.js';

test('hashes depend on content alone and change with the collision count; digits spelled in the safe alphabet', () => {
  const a = computeHash({ spec: { b: 1, a: [1, 2] } });
  assert.equal(a, computeHash({ spec: { a: [1, 2], b: 1 } }));
  assert.notEqual(a, computeHash({ spec: { b: 1, a: [1, 2] } }, 1));
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  // Decimal digits land on 4-9 and b-f, which is why upstream's hashes look like `5d8b6f4f4d`.
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});

test('semantic equality ignores the zero values Go clients write', () => {
  assert.ok(semanticEqual({ metadata: { creationTimestamp: null, labels: { a: 'b' } }, spec: { containers: [{ name: 'c', resources: {} }] } }, { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } }));
  assert.ok(!semanticEqual({ a: 1 }, { a: 2 }));
});

test('maxSurge/maxUnavailable percentages round as asked', () => {
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue(4, 10, true), 4);
  assert.equal(scaledValue('3', 10, true), 3);
});

const pod = (name: string, o: { node?: string; phase?: string; ready?: boolean; since?: string; created?: string; cost?: string }): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', ...(o.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}) },
  spec: o.node ? { nodeName: o.node } : {},
  status: { phase: o.phase ?? 'Running', conditions: o.ready === undefined ? [] : [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: o.since ?? '2024-01-01T00:00:00Z' }] },
});

test('pods to delete first: unscheduled, pending, not ready, cheaper, newer ready, newer', () => {
  const order = byDeletionPreference([
    pod('old-ready', { node: 'n', ready: true, since: '2024-01-01T00:00:00Z' }),
    pod('new-ready', { node: 'n', ready: true, since: '2024-01-02T00:00:00Z' }),
    pod('costly', { node: 'n', ready: true, since: '2024-01-02T00:00:00Z', cost: '100' }),
    pod('not-ready', { node: 'n', ready: false }),
    pod('pending', { node: 'n', phase: 'Pending' }),
    pod('unscheduled', { phase: 'Pending' }),
  ]).map((p) => p.metadata.name);
  assert.deepEqual(order, ['unscheduled', 'pending', 'not-ready', 'new-ready', 'old-ready', 'costly']);
});

test('a pod is available once ready for minReadySeconds', () => {
  const p = pod('p', { ready: true, since: '2024-01-01T00:00:00Z' });
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.ok(isPodAvailable(p, 0, t0));
  assert.ok(!isPodAvailable(p, 10, t0 + 9000));
  assert.ok(isPodAvailable(p, 10, t0 + 10000));
});

test('node selector, required affinity (labels and metadata.name) and taints decide placement', () => {
  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a', cores: '8' } }, spec: { taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }] } };
  assert.ok(nodeMatches({ nodeSelector: { zone: 'a' } }, node));
  assert.ok(!nodeMatches({ nodeSelector: { zone: 'b' } }, node));
  const affinity = (terms: unknown) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } }) as never;
  assert.ok(nodeMatches(affinity([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]), node));
  assert.ok(!nodeMatches(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }]), node));
  assert.ok(nodeMatches(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }]), node));
  assert.equal(targetNode(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }])), 'n2');
  assert.equal(untoleratedTaints(node, [], ['NoSchedule']).length, 1);
  assert.equal(untoleratedTaints(node, [{ key: 'gpu', operator: 'Exists' }], ['NoSchedule']).length, 0);
  assert.ok(tolerates({ key: 'gpu', operator: 'Equal', value: 'yes', effect: 'NoSchedule' }, { key: 'gpu', value: 'yes', effect: 'NoSchedule' }));
  assert.ok(!tolerates({ key: 'gpu', value: 'no' }, { key: 'gpu', value: 'yes', effect: 'NoSchedule' }));
  assert.ok(tolerates({ operator: 'Exists' }, { key: 'any', effect: 'NoExecute' }));
});

test('slowStartBatch stops before the next batch once the signal aborts, with no error', async () => {
  const stop = new AbortController();
  const calls: number[] = [];
  const r = await slowStartBatch(
    500,
    (i) => {
      calls.push(i);
      // Aborted during the batch of 4 (calls 3 to 6): that batch completes, no later one starts.
      if (i === 4) stop.abort();
      return Promise.resolve();
    },
    stop.signal,
  );
  assert.deepEqual(calls, [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(r, { ok: 7 });
});
