import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configMaps, namespaces, pods, resourceQuotas } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { APIStatusError } from '../../src/client/index.js';
import { newResourceQuotaController } from '../../src/controllers/resourcequota.js';
import { waitFor, startControllers, type ControllerHarness } from '../support/controllers.js';

type Quota = KubeObject & { status?: { hard?: Record<string, string>; used?: Record<string, string> } };
const ns = 'quota-test';

const pod = (name: string, resources?: Record<string, Record<string, string>>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox', ...(resources ? { resources } : {}) }] },
});
const sized = { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } };

describe('resource quota: usage and admission', () => {
  let h: ControllerHarness;
  before(async () => {
    h = await startControllers([newResourceQuotaController()]);
    await h.client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  after(async () => {
    await h.stop();
  });
  const quota = (name: string) => h.client.get<Quota>(resourceQuotas, ns, name);
  const usedIs = (name: string, want: Record<string, string>) =>
    waitFor(`${name} used ${JSON.stringify(want)}`, async () => {
      const q = await quota(name);
      return JSON.stringify(q.status?.used) === JSON.stringify({ ...q.status?.used, ...want }) ? q : undefined;
    });
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof APIStatusError, 'refused');
    assert.equal(err.code, 403);
    return err.message;
  };

  test('status.hard and status.used count pods, compute and config maps', async () => {
    await h.client.create(resourceQuotas, ns, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'counts' }, spec: { hard: { pods: '2', configmaps: '5', 'count/jobs.batch': '3' } } });
    await h.client.create(resourceQuotas, ns, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute' },
      spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi' } },
    });
    const q = await usedIs('counts', { configmaps: '0', 'count/jobs.batch': '0', pods: '0' });
    assert.deepEqual(q.status?.hard, { pods: '2', configmaps: '5', 'count/jobs.batch': '3' });
    await h.client.create(pods, ns, pod('a', sized));
    await h.client.create(pods, ns, pod('b', sized));
    await h.client.create(configMaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: {} });
    await usedIs('counts', { pods: '2', configmaps: '1' });
    await usedIs('compute', { 'requests.cpu': '500m', 'requests.memory': '128Mi', 'limits.cpu': '1', 'limits.memory': '256Mi' });
  });

  test('a create past the hard limit is refused with 403 and upstream message', async () => {
    const msg = await refusal(h.client.create(pods, ns, pod('c', sized)));
    assert.equal(msg, 'pods "c" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2');
  });

  test('a pod that states no compute resources under a compute quota is refused', async () => {
    await h.client.delete(pods, ns, 'b');
    await usedIs('counts', { pods: '1' });
    const msg = await refusal(h.client.create(pods, ns, pod('bare')));
    assert.equal(msg, 'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: c; limits.memory for: c; requests.cpu for: c; requests.memory for: c');
  });

  test('compute limits: a pod that would pass requests.cpu is refused; freed usage is counted again', async () => {
    const big = { requests: { cpu: '800m', memory: '64Mi' }, limits: { cpu: '800m', memory: '64Mi' } };
    const msg = await refusal(h.client.create(pods, ns, pod('big', big)));
    assert.equal(msg, 'pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=800m, used: requests.cpu=250m, limited: requests.cpu=1');
    await h.client.create(pods, ns, pod('d', sized));
    await usedIs('compute', { 'requests.cpu': '500m', 'limits.memory': '256Mi' });
  });
});
