import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { openWatch } from '../support/watch.js';

// Resources served in several versions from one storage: autoscaling/v1 and
// v2 HorizontalPodAutoscalers, core/v1 and events.k8s.io/v1 Events.

type Obj = { apiVersion: string; metadata: { name: string; resourceVersion: string; uid?: string; annotations?: Record<string, string> }; spec: Record<string, unknown>; status?: Record<string, unknown>; [k: string]: unknown };
type List = { apiVersion: string; kind: string; metadata: { resourceVersion: string }; items: Obj[] };

const v1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const v2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
const coreEvents = '/api/v1/namespaces/default/events';
const newEvents = '/apis/events.k8s.io/v1/namespaces/default/events';
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

describe('one storage, several versions', () => {
  let api: TestAPIServer;
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  const post = async (path: string, body: unknown) => {
    const r = await api.request('POST', path, body);
    assert.equal(r.status, 201, r.text);
    return r.body as Obj;
  };

  test('an HPA created through v1 reads through v2, and back', async () => {
    const created = await post(v1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'one' }, spec: { scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 70 } });
    assert.equal(created.apiVersion, 'autoscaling/v1');
    assert.deepEqual(created.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 70 });
    assert.deepEqual(created.status, { currentReplicas: 0, desiredReplicas: 0 });
    const asV2 = await api.get<Obj>(`${v2}/one`);
    assert.equal(asV2.apiVersion, 'autoscaling/v2');
    assert.equal(asV2.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.deepEqual(asV2.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] });
    // Stored once, under upstream's key, in the v2 form.
    const kv = await api.store.get('/registry/horizontalpodautoscalers/default/one');
    assert.equal((JSON.parse(kv?.value ?? '{}') as Obj).apiVersion, 'autoscaling/v2');
  });

  test('an HPA created through v2 keeps what v1 cannot say across a v1 update', async () => {
    await post(v2, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'two' },
      spec: { scaleTargetRef: ref, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }], behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } },
    });
    const asV1 = await api.get<Obj>(`${v1}/two`);
    assert.equal(asV1.spec.targetCPUUtilizationPercentage, undefined);
    assert.ok(asV1.metadata.annotations?.['autoscaling.alpha.kubernetes.io/metrics']?.includes('"targetAverageValue":"500Mi"'));
    assert.ok(asV1.metadata.annotations?.['autoscaling.alpha.kubernetes.io/behavior']?.includes('"StabilizationWindowSeconds":30'));
    const put = await api.request('PUT', `${v1}/two`, { ...asV1, spec: { ...asV1.spec, maxReplicas: 7 } });
    assert.equal(put.status, 200, put.text);
    const asV2 = await api.get<Obj>(`${v2}/two`);
    assert.equal(asV2.spec.maxReplicas, 7);
    assert.deepEqual(asV2.spec.metrics, [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }]);
    assert.deepEqual((asV2.spec.behavior as { scaleDown: unknown }).scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 30 });
    assert.equal(asV2.metadata.annotations, undefined, 'round-trip annotations are not stored');
  });

  test('validation through v1 answers 422 with upstream message', async () => {
    const r = await api.request('POST', v1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bad' }, spec: { scaleTargetRef: ref, minReplicas: 3, maxReplicas: 2 } });
    assert.equal(r.status, 422);
    assert.equal((r.body as { message: string }).message, 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
  });

  test('lists in each version, from the store and from the shared cache', async () => {
    for (const rv of ['', '?resourceVersion=0']) {
      const l1 = await api.get<List>(`${v1}${rv}`);
      const l2 = await api.get<List>(`${v2}${rv}`);
      assert.equal(l1.apiVersion, 'autoscaling/v1');
      assert.deepEqual(l1.items.map((i) => [i.apiVersion, i.metadata.name]), [['autoscaling/v1', 'one'], ['autoscaling/v1', 'two']]);
      assert.deepEqual(l2.items.map((i) => [i.apiVersion, i.metadata.name]), [['autoscaling/v2', 'one'], ['autoscaling/v2', 'two']]);
      assert.equal(l1.items[0]?.spec.targetCPUUtilizationPercentage, 70);
    }
  });

  test('watches on v1 and v2 see the same changes, each in its version', async () => {
    const { metadata } = await api.get<List>(v2);
    const w1 = openWatch(api.server, `${v1}?watch=true&resourceVersion=${metadata.resourceVersion}`);
    const w2 = openWatch(api.server, `${v2}?watch=true&resourceVersion=${metadata.resourceVersion}`);
    try {
      await post(v2, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'three' }, spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } }] } });
      const patched = await api.request('PATCH', `${v1}/three`, { spec: { maxReplicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(patched.status, 200, patched.text);
      assert.equal((await api.request('DELETE', `${v2}/three`)).status, 200);
      for (const [w, version] of [[w1, 'autoscaling/v1'], [w2, 'autoscaling/v2']] as const) {
        const seen = [await w.next(), await w.next(), await w.next()];
        assert.deepEqual(seen.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
        for (const e of seen) assert.equal((e.object as unknown as Obj).apiVersion, version);
        const modified = seen[1]?.object as unknown as Obj;
        if (version === 'autoscaling/v1') assert.deepEqual([modified.spec.maxReplicas, modified.spec.targetCPUUtilizationPercentage], [9, 55]);
        else assert.equal(modified.spec.maxReplicas, 9);
      }
    } finally {
      w1.close();
      w2.close();
    }
  });

  test('discovery lists autoscaling v2 (preferred) and v1, and events.k8s.io', async () => {
    const group = await api.get<{ versions: { version: string }[]; preferredVersion: { version: string } }>('/apis/autoscaling');
    assert.deepEqual(group.versions.map((v) => v.version), ['v2', 'v1']);
    assert.equal(group.preferredVersion.version, 'v2');
    const list = await api.get<{ groups: { name: string; preferredVersion: { version: string } }[] }>('/apis');
    assert.equal(list.groups.find((g) => g.name === 'autoscaling')?.preferredVersion.version, 'v2');
    assert.ok(list.groups.some((g) => g.name === 'events.k8s.io'));
    const agg = (await api.request('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).body as {
      items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; shortNames?: string[]; categories?: string[] }[] }[] }[];
    };
    const autoscaling = agg.items.find((i) => i.metadata.name === 'autoscaling');
    assert.ok(autoscaling);
    assert.deepEqual(autoscaling.versions.map((v) => v.version), ['v2', 'v1']);
    const hpa = autoscaling.versions[0]?.resources.find((r) => r.resource === 'horizontalpodautoscalers');
    assert.deepEqual([hpa?.shortNames, hpa?.categories], [['hpa'], ['all']]);
  });

  test('a core Event reads through events.k8s.io/v1, and the other way', async () => {
    await post(coreEvents, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.a' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1' },
      reason: 'Started',
      message: 'Started container',
      source: { component: 'kubelet', host: 'node1' },
      count: 2,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:01:00Z',
      type: 'Normal',
    });
    const asNew = await api.get<Obj>(`${newEvents}/web.a`);
    assert.equal(asNew.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual([asNew.note, asNew.regarding, asNew.deprecatedSource, asNew.deprecatedCount, asNew.deprecatedLastTimestamp], [
      'Started container',
      { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1' },
      { component: 'kubelet', host: 'node1' },
      2,
      '2026-01-01T00:01:00Z',
    ]);
    await post(newEvents, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web.b' },
      eventTime: '2026-01-01T00:02:00.000000Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Check',
      reason: 'Checked',
      note: 'all good',
      type: 'Normal',
      regarding: { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'd1' },
    });
    const asCore = await api.get<Obj>(`${coreEvents}/web.b`);
    assert.deepEqual([asCore.apiVersion, asCore.message, asCore.reportingComponent, asCore.involvedObject], ['v1', 'all good', 'example.com/ctl', { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'd1' }]);
    const strict = await api.request('POST', newEvents, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web.c' }, reason: 'X', note: 'n', type: 'Normal', regarding: { kind: 'Pod', name: 'web', namespace: 'default' } });
    assert.equal(strict.status, 422);
    assert.match((strict.body as { message: string }).message, /eventTime: Required value/);
  });

  test('field selectors: involvedObject.* on core, regarding.* on events.k8s.io', async () => {
    const names = async (path: string) => (await api.get<List>(path)).items.map((i) => i.metadata.name);
    const sel = (s: string) => `?fieldSelector=${encodeURIComponent(s)}`;
    // What kubectl describe sends (name, namespace, kind, uid), from the store and from the cache.
    assert.deepEqual(await names(`${coreEvents}${sel('involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=p1')}`), ['web.a']);
    assert.deepEqual(await names(`${coreEvents}${sel('involvedObject.name=web,involvedObject.kind=Deployment')}&resourceVersion=0`), ['web.b']);
    assert.deepEqual(await names(`${coreEvents}${sel('reportingComponent=example.com/ctl')}`), ['web.b']);
    assert.deepEqual(await names(`${newEvents}${sel('regarding.kind=Pod,regarding.name=web')}`), ['web.a']);
    assert.deepEqual(await names(`${newEvents}${sel('reportingController=example.com/ctl')}&resourceVersion=0`), ['web.b']);
    assert.deepEqual(await names(`${newEvents}${sel('type=Normal,source=kubelet')}`), ['web.a']);
    const bad = await api.request('GET', `${newEvents}${sel('involvedObject.name=web')}`);
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { message: string }).message, 'field label not supported: involvedObject.name');
  });

  test('events.k8s.io tables have the core Event columns', async () => {
    const table = (await api.request('GET', newEvents, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).body as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    assert.deepEqual(table.rows.map((r) => r.cells.slice(1, 7)), [
      ['Normal', 'Started', 'pod/web', '', 'kubelet, node1', 'Started container'],
      ['Normal', 'Checked', 'deployment/web', '', 'example.com/ctl, ctl-1', 'all good'],
    ]);
  });
});
