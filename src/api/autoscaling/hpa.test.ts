import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { horizontalPodAutoscalersV1, horizontalPodAutoscalersV2 } from './index.js';
import { defaulted, errors } from '../apps/testing.js';

const hpa = (spec: Record<string, unknown>, apiVersion = 'autoscaling/v2'): KubeObject => ({
  apiVersion,
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
});

void test('v2 defaults: minReplicas 1, 80% CPU when no metric, zero status', () => {
  const h = defaulted(horizontalPodAutoscalersV2, hpa({}));
  assert.equal((h.spec as { minReplicas: number }).minReplicas, 1);
  assert.deepEqual((h.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(h.status, { currentMetrics: null, desiredReplicas: 0 });
  assert.equal((h.spec as { behavior?: unknown }).behavior, undefined, 'behavior is defaulted only when given');
  assert.deepEqual(errors(horizontalPodAutoscalersV2, h), []);
});

void test('v2 behavior defaults fill each direction from upstream rules, keeping what is set', () => {
  const h = defaulted(horizontalPodAutoscalersV2, hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
  assert.deepEqual((h.spec as { behavior: unknown }).behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 60 },
  });
});

void test('v1 defaults: minReplicas 1 only (the CPU default comes with the conversion)', () => {
  const h = defaulted(horizontalPodAutoscalersV1, hpa({}, 'autoscaling/v1'));
  assert.deepEqual(h.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, minReplicas: 1 });
});

void test('validation: replicas bounds and the target reference, with upstream messages', () => {
  assert.deepEqual(errors(horizontalPodAutoscalersV2, hpa({ minReplicas: 0, maxReplicas: 0, scaleTargetRef: { name: 'a/b' } })), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.scaleTargetRef.kind: Required value',
    'spec.scaleTargetRef.name: Invalid value: "a/b": may not contain \'/\'',
    'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
  ]);
  assert.deepEqual(errors(horizontalPodAutoscalersV2, hpa({ minReplicas: 6 })), ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`']);
  // minReplicas 0 stays allowed on an object that already has it.
  const zero = hpa({ minReplicas: 0, metrics: [{ type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '10' } } }] });
  assert.deepEqual(errors(horizontalPodAutoscalersV2, zero, zero), []);
});

void test('validation: metrics and behavior', () => {
  const bad = hpa({
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } },
      { type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '0' } } },
    ],
    behavior: { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Fast', policies: [{ type: 'Nodes', value: 0, periodSeconds: 1801 }] }, scaleDown: { policies: [] } },
  });
  assert.deepEqual(errors(horizontalPodAutoscalersV2, bad), [
    'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
    'spec.metrics[1].pods: Required value: must populate information for the given metric source',
    'spec.metrics[2].resource.target.averageValue: Invalid value: "0": must be positive',
    'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
    'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Fast": supported values: "Disabled", "Max", "Min"',
    'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800',
    'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
  ]);
});

void test('v1 validation reports the v2 (internal) field paths, as upstream', () => {
  assert.deepEqual(errors(horizontalPodAutoscalersV1, hpa({ minReplicas: 1, targetCPUUtilizationPercentage: 0 }, 'autoscaling/v1')), [
    'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
  ]);
});
