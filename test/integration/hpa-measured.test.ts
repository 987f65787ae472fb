// The HPA controller on usage a real kubelet measured: the per-container
// `skiff.io/usage` annotation (nanocores, bytes, a sample time) that
// src/kubelet/usage-reporter.ts writes, served by metrics.k8s.io.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deployments } from '../../src/api/apps/index.js';
import { horizontalPodAutoscalersV2 } from '../../src/api/autoscaling/index.js';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { newHPAController } from '../../src/controllers/hpa/controller.js';
import { podUsageAnnotation, USAGE_ANNOTATION } from '../../src/kubelet/usage.js';
import { setPodPhase, startControllers, waitFor, type ControllerHarness } from '../support/controllers.js';

type HPA = KubeObject & { status?: { desiredReplicas?: number; currentMetrics?: { resource: { name: string; current: { averageUtilization?: number; averageValue?: string } } }[] } };

let h: ControllerHarness;
before(async () => {
  h = await startControllers([newHPAController({ syncPeriodMs: 100 })]);
});
after(async () => {
  await h.stop();
});

test('the HPA scales on the usage kubelets measure (per container, in nanocores)', async () => {
  const resources = { requests: { cpu: '100m', memory: '32Mi' } };
  const template = { metadata: { labels: { app: 'burn' } }, spec: { containers: [{ name: 'a', image: 'busybox', resources }, { name: 'b', image: 'busybox', resources }] } };
  await h.client.create(deployments, 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'burn' }, spec: { replicas: 1, selector: { matchLabels: { app: 'burn' } }, template } });
  const p = await h.client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'burn-a', labels: { app: 'burn' } }, spec: template.spec });
  await setPodPhase(h.client, p, 'Running');
  // 150m and 250m of 200m requested: 200%.
  const usage = new Map([['a', { cpu: 0.150_000_001, memory: 10 * 2 ** 20 }], ['b', { cpu: 0.249_999_999, memory: 10 * 2 ** 20 }]]);
  await h.client.patch(pods, 'default', 'burn-a', { metadata: { annotations: { [USAGE_ANNOTATION]: podUsageAnnotation(usage, Date.now(), 15) } } });

  const served = await h.api.get<{ containers: { name: string; usage: { cpu: string; memory: string } }[]; window: string }>('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burn-a');
  assert.deepEqual(served.containers, [{ name: 'a', usage: { cpu: '150000001n', memory: '10Mi' } }, { name: 'b', usage: { cpu: '249999999n', memory: '10Mi' } }]);
  assert.equal(served.window, '15s');

  await h.client.create(horizontalPodAutoscalersV2, 'default', {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'burn' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burn' }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
  });
  // 200% against a 50% target: 4 replicas.
  const hpa = await waitFor('scaled', async () => {
    const cur = await h.client.get<HPA>(horizontalPodAutoscalersV2, 'default', 'burn');
    return cur.status?.desiredReplicas === 4 ? cur : undefined;
  });
  assert.equal(hpa.status?.currentMetrics?.[0]?.resource.current.averageUtilization, 200);
  assert.equal((await h.client.get<KubeObject & { spec: { replicas: number } }>(deployments, 'default', 'burn')).spec.replicas, 4);
});
