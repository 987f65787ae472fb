import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newNamespaceController } from '../../src/controllers/namespace.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers } from '../support/controllers.js';

interface Svc {
  metadata: { name: string; resourceVersion: string };
  spec: { clusterIP?: string; clusterIPs?: string[]; type?: string; ports: { port: number; nodePort?: number }[] };
}
type Status = { code: number; reason: string; message: string };

const svc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

describe('Service ClusterIP and NodePort allocation', () => {
  let api: TestAPIServer;
  const create = async (name: string, spec: Record<string, unknown> = {}, ns = 'default') => api.request('POST', `/api/v1/namespaces/${ns}/services`, svc(name, spec));
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('the kubernetes Service holds the first address and points at the API server', async () => {
    const k = (await api.request('GET', '/api/v1/namespaces/default/services/kubernetes')).body as Svc;
    assert.equal(k.spec.clusterIP, '10.43.0.1');
    assert.deepEqual(k.spec.ports.map((p) => p.port), [443]);
    const ep = (await api.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes')).body as { subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[] };
    assert.equal(ep.subsets[0]!.addresses[0]!.ip, '127.0.0.1');
    assert.equal(ep.subsets[0]!.ports[0]!.port, api.server.port);
  });

  test('concurrent creates get distinct addresses and node ports from the ranges', async () => {
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => create(`c${i}`, { type: 'NodePort' })));
    const svcs = made.map((r) => {
      assert.equal(r.status, 201, r.text);
      return r.body as Svc;
    });
    const ips = svcs.map((s) => s.spec.clusterIP ?? '');
    assert.equal(new Set(ips).size, 40);
    for (const ip of ips) assert.match(ip, /^10\.43\.\d+\.\d+$/);
    assert.ok(!ips.includes('10.43.0.1'));
    const ports = svcs.map((s) => s.spec.ports[0]?.nodePort ?? 0);
    assert.equal(new Set(ports).size, 40);
    for (const p of ports) assert.ok(p >= 30000 && p <= 32767, String(p));
    for (const s of svcs) assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
  });

  test('a requested address or port that is taken or out of range is 422; released ones are free again', async () => {
    // An address and a port no earlier test was given at random (the 40 NodePorts above could hold any).
    const existing = (await api.get<{ items: Svc[] }>('/api/v1/services')).items;
    const usedIPs = new Set(existing.map((x) => x.spec.clusterIP));
    const usedPorts = new Set(existing.flatMap((x) => x.spec.ports.map((p) => p.nodePort)));
    let octet = 7;
    while (usedIPs.has(`10.43.200.${String(octet)}`)) octet++;
    const ip = `10.43.200.${String(octet)}`;
    let port = 31007;
    while (usedPorts.has(port)) port++;
    assert.equal((await create('want', { clusterIP: ip, type: 'NodePort', ports: [{ port: 80, nodePort: port }] })).status, 201);
    const taken = await create('want2', { clusterIP: ip });
    assert.equal(taken.status, 422);
    assert.match((taken.body as Status).message, new RegExp(`spec\\.clusterIPs: Invalid value: .*failed to allocate IP ${ip.replace(/\./g, '\\.')}: provided IP is already allocated`));
    const portTaken = await create('want3', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] });
    assert.equal(portTaken.status, 422);
    assert.match((portTaken.body as Status).message, new RegExp(`spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${String(port)}: provided port is already allocated`));
    const outside = await create('want4', { clusterIP: '10.99.0.1' });
    assert.equal(outside.status, 422);
    assert.match((outside.body as Status).message, /The range of valid IPs is 10\.43\.0\.0\/16/);
    assert.equal((await create('want5', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })).status, 422);
    // A failed create leaves nothing claimed: the IP of want3's attempt is not held.
    assert.equal((await api.request('DELETE', '/api/v1/namespaces/default/services/want')).status, 200);
    assert.equal((await create('again', { clusterIP: ip, type: 'NodePort', ports: [{ port: 80, nodePort: port }] })).status, 201);
  });

  test('updates keep the allocation when omitted; type changes claim and release node ports', async () => {
    const s = (await create('upd')).body as Svc;
    const put = await api.request('PUT', '/api/v1/namespaces/default/services/upd', { ...svc('upd'), metadata: { name: 'upd', resourceVersion: s.metadata.resourceVersion } });
    assert.equal(put.status, 200, put.text);
    assert.equal((put.body as Svc).spec.clusterIP, s.spec.clusterIP);
    const np = await api.request('PATCH', '/api/v1/namespaces/default/services/upd', { spec: { type: 'NodePort' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(np.status, 200, np.text);
    const nodePort = (np.body as Svc).spec.ports[0]?.nodePort ?? 0;
    assert.ok(nodePort >= 30000);
    const back = await api.request('PATCH', '/api/v1/namespaces/default/services/upd', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(back.status, 200, back.text);
    assert.equal((await create('reuse', { type: 'NodePort', ports: [{ port: 80, nodePort }] })).status, 201, 'the released node port is free');
  });

  test('headless and ExternalName Services get no address', async () => {
    const h = (await create('headless', { clusterIP: 'None' })).body as Svc;
    assert.equal(h.spec.clusterIP, 'None');
    assert.deepEqual(h.spec.clusterIPs, ['None']);
    const e = await api.request('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    assert.equal(e.status, 201, e.text);
    assert.equal((e.body as Svc).spec.clusterIP, undefined);
  });

  test('allocations survive a restart and namespace deletion releases them', async () => {
    await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    assert.equal((await create('in-ns', { clusterIP: '10.43.201.1' }, 'gone')).status, 201);
    api = await api.restart();
    assert.equal((await create('dup', { clusterIP: '10.43.201.1' })).status, 422, 'still allocated after a restart');
    const controllers = runControllers(api, [newNamespaceController({ deletionDelayMs: 0 })]);
    try {
      assert.equal((await api.request('DELETE', '/api/v1/namespaces/gone')).status, 200);
      for (let i = 0; i < 1500 && (await api.request('GET', '/api/v1/namespaces/gone')).status !== 404; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await create('dup', { clusterIP: '10.43.201.1' })).status, 201, 'released with its namespace');
    } finally {
      await controllers.stop();
    }
  });
});
