import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deployments } from '../../src/api/apps/index.js';
import { horizontalPodAutoscalersV2 } from '../../src/api/autoscaling/index.js';
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { newHPAController } from '../../src/controllers/hpa/controller.js';
import { eventsOf, waitFor, setPodPhase, startControllers, type ControllerHarness } from '../support/controllers.js';

type HPA = KubeObject & { status?: { desiredReplicas?: number; lastScaleTime?: string; currentMetrics?: { resource: { name: string; current: { averageUtilization?: number } } }[]; conditions?: { type: string; status: string; reason: string }[] } };
type PodMetricsList = { kind: string; items: { metadata: { name: string }; containers: { name: string; usage: Record<string, string> }[] }[] };

const resources = { requests: { cpu: '100m', memory: '32Mi' } };

describe('metrics.k8s.io and the HPA controller (injected clock)', () => {
  let h: ControllerHarness;
  let clock = Date.now();
  before(async () => {
    h = await startControllers([newHPAController({ now: () => new Date(clock), syncPeriodMs: 100 })]);
  });
  after(async () => {
    await h.stop();
  });
  const setUsage = (name: string, cpu: string) => h.client.patch(pods, 'default', name, { metadata: { annotations: { 'skiff.io/hollow-usage': JSON.stringify({ cpu, memory: '20Mi' }) } } });
  const replicas = async () => ((await h.client.get<KubeObject & { spec: { replicas: number } }>(deployments, 'default', 'web')).spec.replicas);
  const cond = (hpa: HPA, type: string) => hpa.status?.conditions?.find((c) => c.type === type);

  test('pod and node metrics from the hollow-usage annotation, listed in discovery', async () => {
    await h.client.create(deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources }] } } },
    });
    for (const name of ['web-a', 'web-b']) {
      const p = await h.client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources }] } });
      await setPodPhase(h.client, p, 'Running');
      await setUsage(name, '150m');
    }
    const list = await h.api.get<PodMetricsList>('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb');
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(list.items.map((i) => [i.metadata.name, i.containers[0]?.usage]).sort(), [
      ['web-a', { cpu: '150m', memory: '20Mi' }],
      ['web-b', { cpu: '150m', memory: '20Mi' }],
    ]);
    const disc = await h.api.get<{ resources: { name: string; kind: string; verbs: string[] }[] }>('/apis/metrics.k8s.io/v1beta1');
    assert.deepEqual(disc.resources.map((r) => [r.name, r.kind, r.verbs]), [
      ['pods', 'PodMetrics', ['get', 'list']],
      ['nodes', 'NodeMetrics', ['get', 'list']],
    ]);
  });

  test('scales up past the CPU target (limited to maxReplicas), then down only after the stabilization window', async () => {
    const hpa = await h.client.create<HPA>(horizontalPodAutoscalersV2, 'default', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    });
    // 150% of requests against a 50% target: 6 pods wanted, 5 allowed.
    await waitFor('scaled to 5', async () => ((await replicas()) === 5 ? true : undefined));
    const up = await waitFor('status', async () => {
      const cur = await h.client.get<HPA>(horizontalPodAutoscalersV2, 'default', 'web');
      return cur.status?.desiredReplicas === 5 && cur.status.currentMetrics ? cur : undefined;
    });
    assert.equal(up.status?.currentMetrics?.[0]?.resource.current.averageUtilization, 150);
    assert.equal(cond(up, 'ScalingLimited')?.reason, 'TooManyReplicas');
    assert.equal(cond(up, 'ScalingActive')?.reason, 'ValidMetricFound');
    assert.ok(up.status.lastScaleTime);
    assert.ok((await eventsOf(h.client, hpa)).some((e) => e.reason === 'SuccessfulRescale' && e.message === 'New size: 5; reason: cpu resource utilization (percentage of request) above target'));

    // Load drops: the 300 s scale-down window holds the replicas.
    await setUsage('web-a', '10m');
    await setUsage('web-b', '10m');
    await waitFor('ScaleDownStabilized', async () => {
      const cur = await h.client.get<HPA>(horizontalPodAutoscalersV2, 'default', 'web');
      return cond(cur, 'AbleToScale')?.reason === 'ScaleDownStabilized' ? true : undefined;
    });
    assert.equal(await replicas(), 5);
    clock += 301_000;
    await waitFor('scaled to 1', async () => ((await replicas()) === 1 ? true : undefined));
    assert.ok((await eventsOf(h.client, hpa)).some((e) => e.reason === 'SuccessfulRescale' && e.message === 'New size: 1; reason: All metrics below target'));
  });
});
