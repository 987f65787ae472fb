import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/api/meta.js';
import { endpoints, pods, services } from '../../src/api/core/index.js';
import { endpointSlices } from '../../src/api/discovery/index.js';
import type { Client } from '../../src/client/index.js';
import { newEndpointsController } from '../../src/controllers/endpoints.js';
import { newEndpointSliceController } from '../../src/controllers/endpointslice.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';

// Endpoints and EndpointSlices follow the pods a Service selects. The test
// plays the kubelet: it sets pod IPs and readiness through pods/status.

type Subset = { addresses?: { ip: string; hostname?: string; nodeName?: string; targetRef: { name: string } }[]; notReadyAddresses?: { ip: string }[]; ports?: { name?: string; port: number }[] };
type Slice = KubeObject & { addressType: string; endpoints: { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; hostname?: string; nodeName?: string; targetRef: { name: string } }[]; ports: { name: string; port: number }[] };

describe('endpoint and endpointslice controllers', () => {
  let api: TestAPIServer;
  let cms: TestControllers;
  let client: Client;
  before(async () => {
    api = await startTestAPIServer();
    cms = runControllers(api, [newEndpointsController(), newEndpointSliceController({ maxEndpointsPerSlice: 2 })]);
    client = cms.client;
  });
  after(async () => {
    await cms.stop();
    await api.stop();
  });

  const runPod = async (name: string, app: string, ip: string, ready: boolean, port = 8080, extra: Record<string, unknown> = {}) => {
    await client.create(pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: port }] }], ...extra },
    });
    await setReady(name, ip, ready);
  };
  const setReady = (name: string, ip: string, ready: boolean) =>
    client.patch(pods, 'default', name, { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, 'merge', { subresource: 'status' });
  const slicesOf = async (svc: string) =>
    (await client.list<Slice>(endpointSlices, 'default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items.sort((a, b) => (a.ports[0]?.port ?? 0) - (b.ports[0]?.port ?? 0));

  test('ready and not-ready pods, named ports resolved per pod, hostname and node; readiness changes follow', async () => {
    await client.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    await runPod('web-a', 'web', '10.42.0.5', true, 8080, { hostname: 'a', subdomain: 'web' });
    await runPod('web-b', 'web', '10.42.0.6', false, 9090);
    const expected: Subset[] = [
      { addresses: [{ ip: '10.42.0.5', hostname: 'a', nodeName: 'n1', targetRef: { name: 'web-a' } }], ports: [{ name: 'http', port: 8080 }] },
      { notReadyAddresses: [{ ip: '10.42.0.6' }], ports: [{ name: 'http', port: 9090 }] },
    ];
    const shape = (s: Subset[]) =>
      s.map((x) => ({
        ...(x.addresses ? { addresses: x.addresses.map((a) => ({ ip: a.ip, ...(a.hostname ? { hostname: a.hostname } : {}), ...(a.nodeName ? { nodeName: a.nodeName } : {}), targetRef: { name: a.targetRef.name } })) } : {}),
        ...(x.notReadyAddresses ? { notReadyAddresses: x.notReadyAddresses.map((a) => ({ ip: a.ip })) } : {}),
        ports: (x.ports ?? []).map((p) => ({ name: p.name, port: p.port })),
      }));
    await waitFor('Endpoints with both pods', async () => JSON.stringify(shape(((await client.get(endpoints, 'default', 'web')).subsets ?? []) as Subset[])) === JSON.stringify(expected));
    const ep = await client.get(endpoints, 'default', 'web');
    assert.equal(ep.metadata.labels?.tier, 'front');

    const slices = await waitFor('two slices', async () => {
      const s = await slicesOf('web');
      return s.length === 2 && s.every((x) => x.endpoints.length === 1) && s;
    });
    const [s8080, s9090] = slices;
    const e8080 = s8080?.endpoints[0];
    const e9090 = s9090?.endpoints[0];
    assert.ok(s8080 && s9090 && e8080 && e9090);
    assert.equal(s8080.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s8080.addressType, 'IPv4');
    assert.deepEqual(s8080.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['Service', 'web', true]]);
    assert.deepEqual(e8080.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(e8080.hostname, 'a');
    assert.equal(e8080.nodeName, 'n1');
    assert.equal(e8080.targetRef.name, 'web-a');
    assert.deepEqual(s9090.ports.map((p) => [p.name, p.port]), [['http', 9090]]);
    assert.deepEqual(e9090.conditions, { ready: false, serving: false, terminating: false });

    await setReady('web-b', '10.42.0.6', true);
    await setReady('web-a', '10.42.0.5', false);
    await waitFor('readiness swapped in Endpoints', async () => {
      const subsets = ((await client.get(endpoints, 'default', 'web')).subsets ?? []) as Subset[];
      return subsets[0]?.notReadyAddresses?.[0]?.ip === '10.42.0.5' && subsets[1]?.addresses?.[0]?.ip === '10.42.0.6';
    });
    await waitFor('readiness swapped in slices', async () => {
      const [a, b] = await slicesOf('web');
      return a?.endpoints[0]?.conditions.ready === false && b?.endpoints[0]?.conditions.ready === true;
    });
  });

  test('publishNotReadyAddresses lists every pod as ready; at most maxEndpointsPerSlice to a slice', async () => {
    await client.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    for (const [i, n] of ['db-0', 'db-1', 'db-2'].entries()) await runPod(n, 'db', `10.42.1.${i + 1}`, false);
    await waitFor('all three ready in Endpoints', async () => {
      const [s] = ((await client.get(endpoints, 'default', 'db')).subsets ?? []) as Subset[];
      return s?.addresses?.map((a) => a.ip).join() === '10.42.1.1,10.42.1.2,10.42.1.3' && !s.notReadyAddresses;
    });
    assert.equal((await client.get(endpoints, 'default', 'db')).metadata.labels?.['service.kubernetes.io/headless'], '');
    const slices = await waitFor('two slices of 2 and 1', async () => {
      const s = await slicesOf('db');
      return s.map((x) => x.endpoints.length).sort().join() === '1,2' && s;
    });
    assert.ok(slices.every((s) => s.endpoints.every((e) => e.conditions.ready)));
  });

  test('a Service without a selector keeps its hand-made Endpoints', async () => {
    await client.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { ports: [{ port: 443 }] } });
    const subsets = [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 443, protocol: 'TCP' }] }];
    await client.create(endpoints, 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext' }, subsets });
    // A selector Service created after it is synced first: once its Endpoints exist, the earlier work is done.
    await client.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'later' }, spec: { selector: { app: 'none' }, ports: [{ port: 1 }] } });
    await waitFor('Endpoints of the later Service', () => client.get(endpoints, 'default', 'later'));
    assert.deepEqual((await client.get(endpoints, 'default', 'ext')).subsets, subsets);
    assert.equal((await slicesOf('ext')).length, 0);
    const k = await client.get(endpoints, 'default', 'kubernetes');
    assert.equal(k.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true', 'the API server keeps its own');
  });
});
