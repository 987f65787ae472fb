import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linuxResources, milliCPUToQuota, milliCPUToShares, milliValue, oomScoreAdj, podQOS, sandboxResources, type ResourcePod } from './resources.js';
import type { PodContainer } from './types.js';

type Resources = NonNullable<PodContainer['resources']>;
const container = (resources: Resources = {}, name = 'main'): PodContainer => ({ name, resources });
const pod = (...containers: PodContainer[]): ResourcePod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u' }, spec: { containers } });

void test('CPU shares are 1024 per CPU, at least 2 (upstream\'s TestSharesToMilliCPU table)', () => {
  const known: [number, number][] = [[0, 2], [1, 2], [2, 2], [3, 3], [4, 4], [32, 32], [64, 65], [100, 102], [250, 256], [500, 512], [1000, 1024], [1500, 1536], [2000, 2048]];
  for (const [milli, shares] of known) assert.equal(milliCPUToShares(milli), shares, `${String(milli)}m`);
});

void test('the CFS quota is the limit over the 100 ms period, none without a limit, at least 1 ms', () => {
  assert.equal(milliCPUToQuota(0, 100_000), 0);
  assert.equal(milliCPUToQuota(50, 100_000), 5000);
  assert.equal(milliCPUToQuota(750, 100_000), 75_000);
  assert.equal(milliCPUToQuota(1500, 100_000), 150_000);
  assert.equal(milliCPUToQuota(5, 100_000), 1000);
});

void test('millicores are rounded up, without floating-point noise', () => {
  assert.equal(milliValue('100m'), 100);
  assert.equal(milliValue('0.1'), 100);
  assert.equal(milliValue('1.5'), 1500);
  assert.equal(milliValue(2), 2000);
  assert.equal(milliValue('0.5m'), 1);
  assert.equal(milliValue(undefined), 0);
});

void test('the QoS class, as upstream\'s ComputePodQOS (zero quantities unset; status.qosClass wins)', () => {
  assert.equal(podQOS(pod(container())), 'BestEffort');
  assert.equal(podQOS(pod(container({ requests: { cpu: '0' }, limits: { memory: '0' } }))), 'BestEffort');
  assert.equal(podQOS(pod(container({ requests: { cpu: '5m', memory: '10G' }, limits: { cpu: '5m', memory: '10G' } }))), 'Guaranteed');
  assert.equal(podQOS(pod(container({ limits: { cpu: '10' } }))), 'Burstable');
  assert.equal(podQOS(pod(container({ requests: { cpu: '5m', memory: '1G' }, limits: { cpu: '5m', memory: '10G' } }))), 'Burstable');
  // One container without limits makes the pod Burstable.
  assert.equal(podQOS(pod(container({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }), container({}, 'side'))), 'Burstable');
  assert.equal(podQOS({ ...pod(container()), status: { qosClass: 'Guaranteed' } }), 'Guaranteed');
});

void test('oom_score_adj by QoS class (upstream\'s TestGetContainerOOMScoreAdjust cases)', () => {
  const score = (r: Resources, capacity: number) => { const c = container(r); return oomScoreAdj(pod(c), c, capacity); };
  assert.equal(score({ limits: { cpu: '10' } }, 4_000_000_000), 999);
  assert.equal(score({ requests: { cpu: '0' }, limits: { memory: '10G' } }, 8_000_000_000), 999);
  assert.equal(score({ limits: { memory: '0' } }, 7_230_457_451), 1000);
  assert.equal(score({}, 4_000_000_000), 1000);
  assert.equal(score({ requests: { memory: '10G', cpu: '5m' }, limits: { cpu: '5m', memory: '10G' } }, 123_456_789), -997);
  assert.equal(score({ requests: { memory: '4000000000', cpu: '5m' }, limits: { memory: '10G' } }, 8_000_000_000), 500);
  assert.equal(score({ requests: { memory: '7999999999', cpu: '5m' } }, 8_000_000_000), 3);
});

void test('a container\'s cgroup settings: shares from the request (else the limit), quota from the limit, memory limit, OOM score', () => {
  const mem = 8 * 2 ** 30;
  const burstable = container({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
  assert.deepEqual(linuxResources(pod(burstable), burstable, mem), {
    cpuShares: 256, cpuPeriod: 100_000, cpuQuota: 50_000, memoryLimitInBytes: 128 * 2 ** 20, oomScoreAdj: 993,
  });
  const limitOnly = container({ limits: { cpu: '1' } });
  assert.deepEqual(linuxResources(pod(limitOnly), limitOnly, mem), { cpuShares: 1024, cpuPeriod: 100_000, cpuQuota: 100_000, oomScoreAdj: 999 });
  const none = container();
  assert.deepEqual(linuxResources(pod(none), none, mem), { cpuShares: 2, cpuPeriod: 100_000, cpuQuota: 0, oomScoreAdj: 1000 });
  const guaranteed = container({ requests: { cpu: '100m', memory: '20Mi' }, limits: { cpu: '100m', memory: '20Mi' } });
  assert.deepEqual(linuxResources(pod(guaranteed), guaranteed, mem), { cpuShares: 102, cpuPeriod: 100_000, cpuQuota: 10_000, memoryLimitInBytes: 20 * 2 ** 20, oomScoreAdj: -997 });
});

void test('the sandbox carries the pod\'s totals (init containers at most their largest) and its overhead', () => {
  const p: ResourcePod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: {
      initContainers: [container({ requests: { cpu: '2' }, limits: { cpu: '2', memory: '1Gi' } }, 'init')],
      containers: [container({ requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '64Mi' } }), container({ requests: { cpu: '250m' }, limits: { memory: '64Mi' } }, 'b')],
      overhead: { cpu: '100m', memory: '64Mi' },
    },
  };
  assert.deepEqual(sandboxResources(p), {
    resources: { cpuShares: 2048, cpuPeriod: 100_000, cpuQuota: 200_000, memoryLimitInBytes: 2 ** 30 },
    overhead: { cpuShares: 102, cpuPeriod: 100_000, cpuQuota: 10_000, memoryLimitInBytes: 64 * 2 ** 20 },
  });
  assert.deepEqual(sandboxResources(pod(container())), { resources: { cpuShares: 2, cpuPeriod: 100_000, cpuQuota: 0 } });
});
