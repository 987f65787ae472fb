import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { leases } from './lease.js';

const lease = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'default' }, spec });
const errors = (o: KubeObject): string[] => (leases.validate?.(o) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('lease validation as upstream', () => {
  assert.deepEqual(errors(lease({ holderIdentity: 'me', leaseDurationSeconds: 15, leaseTransitions: 0, renewTime: '2024-01-01T00:00:00.000000Z' })), []);
  assert.deepEqual(errors(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 })), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.equal(leases.hasStatus, false);
});
