import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calculateStatus } from './replicaset.js';
import type { Pod, ReplicaSet } from './util/types.js';

const rs: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', generation: 2 }, spec: { replicas: 3, minReadySeconds: 10, template: { metadata: { labels: { app: 'r', tier: 'web' } } } } };
const t0 = Date.parse('2024-01-01T00:00:00Z');
const pod = (labels: Record<string, string>, readySince?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels },
  status: { phase: 'Running', conditions: readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] : [] },
});

test('status counts fully labelled, ready and available (ready for minReadySeconds) pods; zero counts are omitted', () => {
  const owned = [pod({ app: 'r', tier: 'web' }, '2023-12-31T23:59:00Z'), pod({ app: 'r', tier: 'web' }, '2023-12-31T23:59:55Z'), pod({ app: 'r' })];
  assert.deepEqual(calculateStatus(rs, owned, undefined, 0, t0), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 2 });
  assert.deepEqual(calculateStatus(rs, [], undefined, 0, t0), { replicas: 0, observedGeneration: 2 });
});

test('a failed create sets ReplicaFailure (FailedCreate) until a sync succeeds', () => {
  const failed = calculateStatus(rs, [], new Error('pods "r-x" is forbidden: exceeded quota'), -3, t0);
  assert.deepEqual(failed.conditions, [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "r-x" is forbidden: exceeded quota', lastTransitionTime: '2024-01-01T00:00:00Z' }]);
  assert.equal(calculateStatus({ ...rs, status: failed }, [], new Error('x'), 2, t0).conditions?.[0]?.reason, 'FailedCreate');
  assert.equal(calculateStatus({ ...rs, status: failed }, [], undefined, 0, t0).conditions, undefined);
});
