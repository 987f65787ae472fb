import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { configMaps, pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { APIStatusError, Client, credentialsFromKubeconfig, indexers, Informer, isNotFound, runLeaderElection, sleep } from '../../src/client/index.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

let api: TestAPIServer;
let client: Client;
before(async () => {
  api = await startTestAPIServer();
  client = new Client(credentialsFromKubeconfig(api.kubeconfig));
});
after(async () => {
  client.close();
  await api.stop();
});

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data });

/** Wait until `check` holds (the informer catches up through its watch). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(25);
  assert.ok(check(), `timed out waiting for ${what}`);
}

test('the REST client creates, reads, updates, patches and deletes, and fails with the Status', async () => {
  const created = await client.create(configMaps, 'default', cm('rest', { a: '1' }));
  assert.ok(created.metadata.resourceVersion);
  const got = await client.get(configMaps, 'default', 'rest');
  assert.equal(got.metadata.uid, created.metadata.uid);
  const patched = await client.patch(configMaps, 'default', 'rest', { data: { k: 'v' } });
  assert.deepEqual((patched as KubeObject & { data: unknown }).data, { k: 'v' });
  const stale = client.update(configMaps, { ...created, metadata: { ...created.metadata } });
  await assert.rejects(stale, (err: unknown) => err instanceof APIStatusError && err.code === 409 && err.reason === 'Conflict');
  const list = await client.list(configMaps, 'default', { labelSelector: 'a=1' });
  assert.deepEqual(list.items.map((o) => o.metadata.name), ['rest']);
  await client.delete(configMaps, 'default', 'rest');
  await assert.rejects(client.get(configMaps, 'default', 'rest'), (err: unknown) => isNotFound(err) && (err as Error).message === 'configmaps "rest" not found');
});

test('an informer lists, then follows the watch; handlers and indexes stay current', async () => {
  await client.create(configMaps, 'default', cm('before', { team: 'x' }));
  const seen: string[] = [];
  const inf = new Informer(client, configMaps, { namespace: 'default', pageSize: 1 })
    .addIndex('team', (o) => [o.metadata.labels?.team ?? ''])
    .on({ add: (o) => seen.push(`add ${o.metadata.name ?? ''}`), update: (_, o) => seen.push(`update ${o.metadata.name ?? ''}`), delete: (o) => seen.push(`delete ${o.metadata.name ?? ''}`) });
  const stop = new AbortController();
  const running = inf.run(stop.signal);
  try {
    await inf.synced();
    assert.ok(inf.get('default/before'));
    await client.create(configMaps, 'default', cm('after', { team: 'y' }));
    await client.patch(configMaps, 'default', 'before', { metadata: { labels: { team: 'y' } } });
    await client.delete(configMaps, 'default', 'after');
    await until(() => seen.includes('delete after'), 'the delete');
    assert.deepEqual(seen, ['add before', 'add after', 'update before', 'delete after']);
    assert.deepEqual(inf.byIndex('team', 'y').map((o) => o.metadata.name), ['before']);
    assert.deepEqual(inf.byIndex('team', 'x'), []);
  } finally {
    stop.abort();
    await running;
  }
});

test('the node index finds a node\'s pods', async () => {
  const pod = (name: string, node?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'c', image: 'busybox' }] } }) as unknown as KubeObject;
  await client.create(pods, 'default', pod('on-a', 'node-a'));
  await client.create(pods, 'default', pod('nowhere'));
  const inf = new Informer(client, pods).addIndex('node', indexers.node);
  const stop = new AbortController();
  const running = inf.run(stop.signal);
  try {
    await inf.synced();
    assert.deepEqual(inf.byIndex('node', 'node-a').map((o) => o.metadata.name), ['on-a']);
  } finally {
    stop.abort();
    await running;
  }
});

test('informers drop managedFields unless asked to keep them; an update from the trimmed copy keeps the server\'s', async () => {
  await client.create(configMaps, 'default', cm('managed', {}, { a: '1' }));
  const trimmed = new Informer(client, configMaps, { namespace: 'default' });
  const kept = new Informer(client, configMaps, { namespace: 'default', keepManagedFields: true });
  const stop = new AbortController();
  const running = [trimmed.run(stop.signal), kept.run(stop.signal)];
  try {
    await Promise.all([trimmed.synced(), kept.synced()]);
    assert.equal(trimmed.get('default/managed')?.metadata.managedFields, undefined);
    assert.ok((kept.get('default/managed')?.metadata.managedFields ?? []).length > 0);
    // Objects that arrive by the watch are trimmed too.
    await client.patch(configMaps, 'default', 'managed', { data: { a: '2' } });
    await until(() => (trimmed.get('default/managed') as { data?: { a?: string } } | undefined)?.data?.a === '2', 'the patch');
    assert.equal(trimmed.get('default/managed')?.metadata.managedFields, undefined);
    const cached = trimmed.get('default/managed');
    assert.ok(cached);
    const updated = await client.update(configMaps, { ...cached, data: { a: '3' } });
    assert.ok((updated.metadata.managedFields ?? []).length > 0);
  } finally {
    stop.abort();
    await Promise.all(running);
  }
});

test('leader election: one of two candidates leads; when it stops renewing, the other takes over', async () => {
  const leading: string[] = [];
  const candidate = (identity: string, signal: AbortSignal) =>
    runLeaderElection(client, { name: 'test-lock', identity, leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.1, onStartedLeading: () => void leading.push(identity) }, signal);
  const a = new AbortController();
  const b = new AbortController();
  const runA = candidate('a', a.signal);
  await until(() => leading.length === 1, 'a leader');
  const runB = candidate('b', b.signal);
  await sleep(300);
  assert.deepEqual(leading, ['a']);
  // a dies: it stops renewing; b takes over once the lease has lapsed.
  a.abort();
  await runA;
  await until(() => leading.length === 2, 'the takeover');
  assert.deepEqual(leading, ['a', 'b']);
  b.abort();
  await runB;
  const lease = await client.get({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true }, 'kube-system', 'test-lock');
  assert.equal((lease as KubeObject & { spec: { holderIdentity: string; leaseTransitions: number } }).spec.holderIdentity, 'b');
});

test('leader election with releaseOnCancel: a leader that shuts down gives the lease up, and the standby takes it long before it would lapse', async () => {
  type LeaseSpec = { holderIdentity?: string; leaseDurationSeconds: number; leaseTransitions: number };
  const leaseOf = async () => (await client.get<KubeObject & { spec: LeaseSpec }>({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true }, 'kube-system', 'release-lock')).spec;
  const leading: string[] = [];
  // A lease that lapses only after 60 s: the takeover below can only come from the release.
  const candidate = (identity: string, signal: AbortSignal) =>
    runLeaderElection(client, { name: 'release-lock', identity, leaseDurationSeconds: 60, renewDeadlineSeconds: 40, retryPeriodSeconds: 0.1, releaseOnCancel: true, onStartedLeading: () => void leading.push(identity) }, signal);
  const a = new AbortController();
  const b = new AbortController();
  const runA = candidate('a', a.signal);
  await until(() => leading.length === 1, 'a leader');
  const runB = candidate('b', b.signal);
  try {
    await sleep(300);
    assert.deepEqual(leading, ['a']);
    a.abort();
    await runA;
    await until(() => leading.length === 2, 'the takeover');
    assert.deepEqual(leading, ['a', 'b']);
    const spec = await leaseOf();
    assert.equal(spec.holderIdentity, 'b');
    assert.equal(spec.leaseDurationSeconds, 60);
    assert.equal(spec.leaseTransitions, 1);
  } finally {
    a.abort();
    b.abort();
    await Promise.all([runA, runB]);
  }
  // b released too: nobody holds it, and it lapses in 1 s.
  const released = await leaseOf();
  assert.equal(released.holderIdentity, undefined);
  assert.equal(released.leaseDurationSeconds, 1);
});
