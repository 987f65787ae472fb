import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

let api: TestAPIServer;
before(async () => {
  api = await startTestAPIServer();
});
after(() => api.stop());

const ns = '/api/v1/namespaces/default';
const pod = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
interface Pod {
  metadata: { deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}
interface Status {
  status?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: { reason: string; message: string }[] };
}
const bind = (name: string, node: string, extra: Record<string, unknown> = {}) =>
  api.request('POST', `${ns}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node }, ...extra });
const evict = (name: string) => api.request('POST', `${ns}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });

test('pods/binding puts a pod on a node once, with PodScheduled, as the scheduler needs', async () => {
  assert.equal((await api.request('POST', `${ns}/pods`, pod('b1'))).status, 201);
  const r = await bind('b1', 'node-1');
  assert.equal(r.status, 201, r.text);
  assert.equal((r.body as Status).status, 'Success');
  const p = await api.get<Pod>(`${ns}/pods/b1`);
  assert.equal(p.spec.nodeName, 'node-1');
  assert.deepEqual(p.status?.conditions?.map((c) => [c.type, c.status]), [['PodScheduled', 'True']]);
  const again = await bind('b1', 'node-2');
  assert.equal(again.status, 409);
  assert.equal((again.body as Status).message, 'Operation cannot be fulfilled on pods/binding "b1": pod b1 is already assigned to node "node-1"');
  assert.equal((await api.get<Pod>(`${ns}/pods/b1`)).spec.nodeName, 'node-1');
});

test('a binding naming another pod, or no node, is refused', async () => {
  await api.request('POST', `${ns}/pods`, pod('b2'));
  const other = await api.request('POST', `${ns}/pods/b2/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'x' }, target: { name: 'n' } });
  assert.equal(other.status, 400);
  const noNode = await api.request('POST', `${ns}/pods/b2/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b2' }, target: {} });
  assert.equal(noNode.status, 422);
  assert.equal((await api.request('POST', `${ns}/pods/absent/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'absent' }, target: { name: 'n' } })).status, 404);
  assert.equal((await api.get<Pod>(`${ns}/pods/b2`)).spec.nodeName, undefined);
});

test('pods/eviction deletes a pod no budget covers', async () => {
  await api.request('POST', `${ns}/pods`, pod('e1'));
  const r = await evict('e1');
  assert.equal(r.status, 201, r.text);
  assert.equal((await api.request('GET', `${ns}/pods/e1`)).status, 404);
  // A pod on a node is deleted gracefully, as a DELETE would.
  await api.request('POST', `${ns}/pods`, pod('e2'));
  await bind('e2', 'node-1');
  assert.equal((await evict('e2')).status, 201);
  assert.ok((await api.get<Pod>(`${ns}/pods/e2`)).metadata.deletionTimestamp);
});

test('eviction honours the PodDisruptionBudget: 429 until it allows a disruption, which the eviction spends', async () => {
  await api.request('POST', `${ns}/pods`, pod('g1', { app: 'guarded' }));
  await api.request('POST', `${ns}/pods`, pod('g2', { app: 'guarded' }));
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } };
  assert.equal((await api.request('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', pdb)).status, 201);

  const unprocessed = await evict('g1');
  assert.equal(unprocessed.status, 429);
  const s = unprocessed.body as Status;
  assert.equal(s.reason, 'TooManyRequests');
  assert.equal(s.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(s.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget guard is still being processed by the server.', field: '' }]);

  const status = { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 };
  const w = await api.request('PATCH', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard/status', { status }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(w.status, 200, w.text);
  assert.equal((await evict('g1')).status, 201);
  assert.equal((await api.request('GET', `${ns}/pods/g1`)).status, 404);
  const spent = await api.get<{ status: { disruptionsAllowed: number; disruptedPods: Record<string, string> } }>('/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard');
  assert.equal(spent.status.disruptionsAllowed, 0);
  assert.ok(spent.status.disruptedPods.g1);

  const blocked = await evict('g2');
  assert.equal(blocked.status, 429);
  assert.equal((blocked.body as Status).details?.causes?.[0]?.message, 'The disruption budget guard needs 1 healthy pods and has 2 currently');
  assert.equal((await api.request('GET', `${ns}/pods/g2`)).status, 200);
});

test('discovery lists pods/binding and pods/eviction (policy/v1) with the create verb', async () => {
  const list = await api.get<{ resources: { name: string; group?: string; version?: string; kind: string; verbs: string[] }[] }>('/api/v1');
  const eviction = list.resources.find((r) => r.name === 'pods/eviction');
  assert.deepEqual(eviction && [eviction.group, eviction.version, eviction.kind, eviction.verbs], ['policy', 'v1', 'Eviction', ['create']]);
  assert.deepEqual(list.resources.find((r) => r.name === 'pods/binding')?.verbs, ['create']);
});
