import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.js';
import { hpaAnnotations, hpaToV1, hpaToV2 } from './index.js';

const meta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', annotations: { team: 'a' } };
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

/** A v2 HPA using everything v1 cannot say. */
const rich: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta,
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'Value', value: '30' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ],
    behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] }, scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '400Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '900' } } },
      { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, current: { value: '12' } } },
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '120m', averageUtilization: 45 } } },
    ],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }],
  },
};

void test('v2 → v1: CPU utilization becomes targetCPUUtilizationPercentage, the rest goes to annotations in v1 shapes', () => {
  const v1 = hpaToV1(rich);
  assert.equal(v1.apiVersion, 'autoscaling/v1');
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60 });
  assert.deepEqual(v1.status, { currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 45 });
  const a = v1.metadata.annotations ?? {};
  assert.equal(a.team, 'a');
  assert.equal(v1.metadata.resourceVersion, '7');
  assert.deepEqual(JSON.parse(a[hpaAnnotations.metrics] ?? ''), [
    { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '1k' } },
    { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'jobs' } }, targetValue: '30' } },
  ]);
  assert.deepEqual((JSON.parse(a[hpaAnnotations.currentMetrics] ?? '') as unknown[])[3], { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 45, currentAverageValue: '120m' } });
  assert.deepEqual(JSON.parse(a[hpaAnnotations.conditions] ?? ''), [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }]);
  // Upstream marshals its internal behavior type: Go field names, null for unset pointers.
  assert.equal(
    a[hpaAnnotations.behavior],
    '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}],"Tolerance":null},"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":50,"PeriodSeconds":60}],"Tolerance":null}}',
  );
});

void test('v2 → v1 → v2 keeps everything (the CPU metric moves last, as upstream)', () => {
  const back = hpaToV2(hpaToV1(rich));
  const spec = rich.spec as { metrics: unknown[] };
  assert.deepEqual(back.spec, { ...spec, metrics: spec.metrics });
  assert.deepEqual(back.status, rich.status);
  assert.deepEqual(back.metadata, meta, 'round-trip annotations are dropped again');
});

void test('v1 → v2 → v1 keeps everything', () => {
  const v1: KubeObject = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 },
    status: { currentReplicas: 1, desiredReplicas: 2, currentCPUUtilizationPercentage: 90 },
  };
  const v2 = hpaToV2(v1);
  assert.deepEqual((v2.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  assert.deepEqual((v2.status as { currentMetrics: unknown }).currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90 } } }]);
  assert.deepEqual(hpaToV1(v2).spec, v1.spec);
  assert.deepEqual(hpaToV1(v2).status, v1.status);
});

void test('v1 without a CPU target gets the 80% metric, as upstream conversion does', () => {
  const v2 = hpaToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a' }, spec: { scaleTargetRef: ref, maxReplicas: 2 } });
  assert.deepEqual((v2.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(v2.status, { desiredReplicas: 0, currentMetrics: null });
});

void test('a malformed behavior annotation is ignored; camelCase keys are read too', () => {
  const v1 = (behavior: string): KubeObject => ({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', annotations: { [hpaAnnotations.behavior]: behavior } }, spec: { scaleTargetRef: ref, maxReplicas: 2 } });
  assert.equal((hpaToV2(v1('{nope')).spec as { behavior?: unknown }).behavior, undefined);
  assert.deepEqual((hpaToV2(v1('{"scaleDown":{"selectPolicy":"Disabled"}}')).spec as { behavior?: unknown }).behavior, { scaleDown: { selectPolicy: 'Disabled' } });
  assert.equal(hpaToV2(v1('{}')).metadata.annotations, undefined);
});
