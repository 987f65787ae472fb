import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { podDisruptionBudgets } from './poddisruptionbudget.js';

const pdb = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'default' }, spec });
const errors = (o: KubeObject): string[] => (podDisruptionBudgets.validate?.(o) ?? []).map((e) => `${e.field}: ${e.message}`);

void test('pdb validation: valid budgets', () => {
  assert.deepEqual(errors(pdb({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } })), []);
  assert.deepEqual(errors(pdb({ maxUnavailable: '50%', selector: {} })), []);
});

void test('pdb validation: upstream messages', () => {
  assert.deepEqual(errors(pdb({ minAvailable: 1, maxUnavailable: 1 })), [
    'spec: Invalid value: {"maxUnavailable":1,"minAvailable":1}: minAvailable and maxUnavailable cannot be both set',
  ]);
  assert.deepEqual(errors(pdb({ minAvailable: -1 })), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(errors(pdb({ maxUnavailable: 'half' })), [
    'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"half"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')',
  ]);
  assert.deepEqual(errors(pdb({ minAvailable: '120%' })), ['spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%']);
  assert.deepEqual(errors(pdb({ minAvailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
  assert.deepEqual(errors(pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' })), [
    'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
  ]);
});
