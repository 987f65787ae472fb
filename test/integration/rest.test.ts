import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newNamespaceController } from '../../src/controllers/namespace.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers } from '../support/controllers.js';

type Obj = { metadata: Record<string, unknown> & { name: string; resourceVersion: string; uid: string }; [k: string]: unknown };
type List = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: Obj[]; kind: string };
type Status = { kind: string; code: number; reason: string; message: string; details?: { causes?: { field: string; reason: string }[] } };

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...extra },
});

describe('generic REST', () => {
  let api: TestAPIServer;
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('the four system namespaces exist at start', async () => {
    const r = await api.request('GET', '/api/v1/namespaces');
    const names = (r.body as List).items.map((i) => i.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  test('create, get, update with conflict, delete', async () => {
    const c = await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('one'));
    assert.equal(c.status, 201);
    const created = c.body as Obj;
    assert.match(created.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(String(created.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created.metadata.namespace, 'default');
    const g = await api.request('GET', '/api/v1/namespaces/default/configmaps/one');
    assert.equal((g.body as Obj).metadata.resourceVersion, created.metadata.resourceVersion);

    const dup = await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('one'));
    assert.equal(dup.status, 409);
    assert.equal((dup.body as Status).reason, 'AlreadyExists');
    assert.equal((dup.body as Status).message, 'configmaps "one" already exists');

    const u = await api.request('PUT', '/api/v1/namespaces/default/configmaps/one', { ...created, data: { a: '2' } });
    assert.equal(u.status, 200);
    assert.ok(Number((u.body as Obj).metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    const stale = await api.request('PUT', '/api/v1/namespaces/default/configmaps/one', { ...created, data: { a: '3' } });
    assert.equal(stale.status, 409);
    assert.equal((stale.body as Status).reason, 'Conflict');
    assert.match((stale.body as Status).message, /the object has been modified; please apply your changes to the latest version and try again/);

    const d = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/one');
    assert.equal(d.status, 200);
    const gone = await api.request('GET', '/api/v1/namespaces/default/configmaps/one');
    assert.equal(gone.status, 404);
    assert.equal((gone.body as Status).message, 'configmaps "one" not found');
  });

  test('generateName gives a unique name', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } };
    const a = await api.request('POST', '/api/v1/namespaces/default/configmaps', body);
    const b = await api.request('POST', '/api/v1/namespaces/default/configmaps', body);
    assert.equal(a.status, 201);
    assert.match((a.body as Obj).metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.notEqual((a.body as Obj).metadata.name, (b.body as Obj).metadata.name);
  });

  test('invalid names and labels are 422 with causes; malformed JSON is 400', async () => {
    const bad = await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('Bad_Name', { 'bad key!': 'v' }));
    assert.equal(bad.status, 422);
    const s = bad.body as Status;
    assert.equal(s.reason, 'Invalid');
    assert.match(s.message, /^ConfigMap "Bad_Name" is invalid: /);
    const fields = s.details?.causes?.map((c) => c.field) ?? [];
    assert.ok(fields.includes('metadata.name'), fields.join());
    assert.ok(fields.some((f) => f.startsWith('metadata.labels')), fields.join());
    const malformed = await api.request('POST', '/api/v1/namespaces/default/configmaps', '{"kind": ');
    assert.equal(malformed.status, 400);
    assert.equal((malformed.body as Status).kind, 'Status');
    assert.equal((await api.request('POST', '/api/v1/configmaps', cm('x'))).status, 405);
    assert.equal((await api.request('GET', '/api/v1/configmaps/x')).status, 404);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/nodes')).status, 404);
    assert.equal((await api.request('GET', '/api/v1/nosuchthings')).status, 404);
    const noNs = await api.request('POST', '/api/v1/namespaces/nope/configmaps', cm('x'));
    assert.equal(noNs.status, 404);
    assert.equal((noNs.body as Status).message, 'namespaces "nope" not found');
  });

  test('label and field selectors', async () => {
    await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sel' } });
    for (const [n, l] of [['s1', { app: 'web', tier: 'fe' }], ['s2', { app: 'web' }], ['s3', { app: 'db' }]] as const)
      assert.equal((await api.request('POST', '/api/v1/namespaces/sel/configmaps', cm(n, l))).status, 201);
    const names = async (q: string) => {
      const r = await api.request('GET', `/api/v1/namespaces/sel/configmaps?${q}`);
      assert.equal(r.status, 200, r.text);
      return (r.body as List).items.map((i) => i.metadata.name).sort().join(',');
    };
    assert.equal(await names('labelSelector=app%3Dweb'), 's1,s2');
    assert.equal(await names('labelSelector=app%3D%3Dweb,tier'), 's1');
    assert.equal(await names('labelSelector=app!%3Dweb'), 's3');
    assert.equal(await names('labelSelector=app%20in%20(db,x)'), 's3');
    assert.equal(await names('labelSelector=app%20notin%20(db)'), 's1,s2');
    assert.equal(await names('labelSelector=!tier'), 's2,s3');
    assert.equal(await names('fieldSelector=metadata.name%3Ds2'), 's2');
    assert.equal(await names('fieldSelector=metadata.name!%3Ds2&labelSelector=app%3Dweb'), 's1');
    assert.equal(await names('resourceVersion=0&labelSelector=app%3Dweb'), 's1,s2');
    const badField = await api.request('GET', '/api/v1/namespaces/sel/configmaps?fieldSelector=spec.nope%3Dx');
    assert.equal(badField.status, 400);
    const badLabel = await api.request('GET', '/api/v1/namespaces/sel/configmaps?labelSelector=a%20in%20(');
    assert.equal(badLabel.status, 400);
    await api.request('POST', '/api/v1/namespaces/sel/pods', pod('p1', { nodeName: 'n1' }));
    await api.request('POST', '/api/v1/namespaces/sel/pods', pod('p2'));
    const onNode = await api.request('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    assert.deepEqual((onNode.body as List).items.map((i) => i.metadata.name), ['p1']);
    const pending = await api.request('GET', '/api/v1/namespaces/sel/pods?fieldSelector=status.phase%3DPending');
    assert.equal((pending.body as List).items.length, 2);
  });

  test('pagination with limit and continue is consistent across pages', async () => {
    await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'page' } });
    for (let i = 0; i < 25; i++) await api.request('POST', '/api/v1/namespaces/page/configmaps', cm(`c${String(i).padStart(2, '0')}`));
    const first = (await api.request('GET', '/api/v1/namespaces/page/configmaps?limit=10')).body as List;
    assert.equal(first.items.length, 10);
    assert.equal(first.metadata.remainingItemCount, 15);
    assert.ok(first.metadata.continue);
    // A write between pages must not show up in the continued list.
    await api.request('POST', '/api/v1/namespaces/page/configmaps', cm('c99'));
    await api.request('DELETE', '/api/v1/namespaces/page/configmaps/c24');
    const seen = first.items.map((i) => i.metadata.name);
    let token: string | undefined = first.metadata.continue;
    while (token) {
      const page = (await api.request('GET', `/api/v1/namespaces/page/configmaps?limit=10&continue=${encodeURIComponent(token)}`)).body as List;
      assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
      seen.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue;
    }
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, '0')}`));
  });

  test('resourceVersionMatch=Exact lists the past; a compacted continue token is 410 Expired', async () => {
    await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'past' } });
    await api.request('POST', '/api/v1/namespaces/past/configmaps', cm('p1'));
    await api.request('POST', '/api/v1/namespaces/past/configmaps', cm('p2'));
    const then = (await api.request('GET', '/api/v1/namespaces/past/configmaps?limit=1')).body as List;
    await api.request('DELETE', '/api/v1/namespaces/past/configmaps/p1');
    const exact = (await api.request('GET', `/api/v1/namespaces/past/configmaps?resourceVersion=${then.metadata.resourceVersion}&resourceVersionMatch=Exact`)).body as List;
    assert.deepEqual(exact.items.map((i) => i.metadata.name), ['p1', 'p2']);
    assert.equal(exact.metadata.resourceVersion, then.metadata.resourceVersion);
    const now = (await api.request('GET', '/api/v1/namespaces/past/configmaps')).body as List;
    assert.deepEqual(now.items.map((i) => i.metadata.name), ['p2']);
    await api.store.compact(await api.store.currentRevision());
    const gone = await api.request('GET', `/api/v1/namespaces/past/configmaps?limit=1&continue=${encodeURIComponent(then.metadata.continue ?? '')}`);
    assert.equal(gone.status, 410);
    assert.equal((gone.body as Status).reason, 'Expired');
    assert.match((gone.body as Status).message, /The provided continue parameter is too old/);
    const old = await api.request('GET', `/api/v1/namespaces/past/configmaps?resourceVersion=${then.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(old.status, 410);
    const badToken = await api.request('GET', '/api/v1/namespaces/past/configmaps?limit=1&continue=garbage');
    assert.equal(badToken.status, 400);
  });

  test('PATCH with merge and JSON patches; preconditions; status; upstream errors', async () => {
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    const json = { 'Content-Type': 'application/json-patch+json' };
    const c = (await api.request('POST', '/api/v1/namespaces/default/configmaps', cm('pt', { a: 'b' }))).body as Obj;
    const m = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', { metadata: { labels: { a: null, c: 'd' } }, data: { b: '2' } }, merge);
    assert.equal(m.status, 200, m.text);
    assert.deepEqual((m.body as Obj).metadata.labels, { c: 'd' });
    assert.deepEqual((m.body as Obj).data, { a: '1', b: '2' });
    assert.ok(Number((m.body as Obj).metadata.resourceVersion) > Number(c.metadata.resourceVersion));
    const j = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', [{ op: 'remove', path: '/data/a' }, { op: 'add', path: '/data/z', value: 'z' }], json);
    assert.deepEqual((j.body as Obj).data, { b: '2', z: 'z' });
    const failed = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', [{ op: 'test', path: '/data/b', value: 'x' }], json);
    assert.equal(failed.status, 422);
    const stale = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', { metadata: { resourceVersion: c.metadata.resourceVersion }, data: { q: '1' } }, merge);
    assert.equal(stale.status, 409);
    assert.equal((stale.body as Status).reason, 'Conflict');
    const bad = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', '{"data":', merge);
    assert.equal(bad.status, 400);
    const unsupported = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', {}, { 'Content-Type': 'application/x-unknown-patch' });
    assert.equal(unsupported.status, 415);
    const noManager = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', {}, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(noManager.status, 422);
    const invalidName = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', { metadata: { labels: { 'bad key!': 'v' } } }, merge);
    assert.equal(invalidName.status, 422);
    const missing = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/absent', { data: {} }, merge);
    assert.equal(missing.status, 404);
    await api.request('POST', '/api/v1/namespaces/default/pods', pod('pp'));
    const st = await api.request('PATCH', '/api/v1/namespaces/default/pods/pp/status', { status: { phase: 'Running' }, spec: { nodeName: 'ignored' } }, merge);
    assert.equal(st.status, 200, st.text);
    assert.equal(((st.body as Obj).status as { phase: string }).phase, 'Running');
    assert.equal(((st.body as Obj).spec as { nodeName?: string }).nodeName, undefined);
    // Concurrent merge patches without a resourceVersion all land (each re-applied to the newest object on conflict).
    await Promise.all(Array.from({ length: 10 }, (_, i) => api.request('PATCH', '/api/v1/namespaces/default/configmaps/pt', { data: { [`k${i}`]: 'v' } }, merge)));
    const after = (await api.request('GET', '/api/v1/namespaces/default/configmaps/pt')).body as Obj;
    assert.equal(Object.keys(after.data as object).filter((k) => k.startsWith('k')).length, 10);
  });

  test('status subresource and main resource each ignore the other half', async () => {
    const c = (await api.request('POST', '/api/v1/namespaces/default/pods', pod('st'))).body as Obj;
    assert.deepEqual((c.status as { phase: string }).phase, 'Pending');
    const withStatus = { ...c, status: { phase: 'Running' }, spec: { ...(c.spec as object), activeDeadlineSeconds: 5 } };
    const s = (await api.request('PUT', '/api/v1/namespaces/default/pods/st/status', withStatus)).body as Obj;
    assert.equal((s.status as { phase: string }).phase, 'Running');
    assert.equal((s.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds, undefined);
    const main = (await api.request('PUT', '/api/v1/namespaces/default/pods/st', { ...s, status: { phase: 'Failed' } })).body as Obj;
    assert.equal((main.status as { phase: string }).phase, 'Running');
  });

  test('generation is bumped on spec changes only', async () => {
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc1' },
      spec: { replicas: 1, selector: { app: 'x' }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const c = (await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).body as Obj;
    assert.equal(c.metadata.generation, 1);
    const labelled = (await api.request('PUT', '/api/v1/namespaces/default/replicationcontrollers/rc1', { ...c, metadata: { ...c.metadata, labels: { x: 'y' } } })).body as Obj;
    assert.equal(labelled.metadata.generation, 1);
    const scaled = (await api.request('PUT', '/api/v1/namespaces/default/replicationcontrollers/rc1', { ...labelled, spec: { ...(labelled.spec as object), replicas: 3 } })).body as Obj;
    assert.equal(scaled.metadata.generation, 2);
  });

  test('the scale subresource reads and writes replicas as an autoscaling/v1 Scale', async () => {
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'sc' },
      spec: { replicas: 2, selector: { app: 'sc' }, template: { metadata: { labels: { app: 'sc' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const c = (await api.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rc)).body as Obj;
    const path = '/api/v1/namespaces/default/replicationcontrollers/sc/scale';
    const s = (await api.request('GET', path)).body as { kind: string; apiVersion: string; spec: { replicas: number }; status: { selector: string }; metadata: { resourceVersion: string } };
    assert.deepEqual([s.kind, s.apiVersion, s.spec.replicas, s.status.selector], ['Scale', 'autoscaling/v1', 2, 'app=sc']);
    const put = await api.request('PUT', path, { ...s, spec: { replicas: 4 } });
    assert.equal(put.status, 200, put.text);
    assert.equal((put.body as typeof s).spec.replicas, 4);
    const stale = await api.request('PUT', path, { ...s, spec: { replicas: 5 } });
    assert.equal(stale.status, 409);
    const patched = await api.request('PATCH', path, { spec: { replicas: 6 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal((patched.body as typeof s).spec.replicas, 6);
    const negative = await api.request('PATCH', path, { spec: { replicas: -1 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(negative.status, 422);
    assert.match((negative.body as Status).message, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    const after = (await api.request('GET', '/api/v1/namespaces/default/replicationcontrollers/sc')).body as Obj;
    assert.equal((after.spec as { replicas: number }).replicas, 6);
    assert.equal(after.metadata.generation, 3);
    assert.equal(after.metadata.uid, c.metadata.uid);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/configmaps/x/scale')).status, 404);
  });

  test('graceful deletion of a pod on a node, and finalizers', async () => {
    const p = (await api.request('POST', '/api/v1/namespaces/default/pods', pod('gp', { nodeName: 'n1' }))).body as Obj;
    const d = await api.request('DELETE', '/api/v1/namespaces/default/pods/gp');
    assert.equal(d.status, 200);
    const marked = (await api.request('GET', '/api/v1/namespaces/default/pods/gp')).body as Obj;
    assert.ok(marked.metadata.deletionTimestamp);
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(marked.metadata.uid, p.metadata.uid);
    const now = await api.request('DELETE', '/api/v1/namespaces/default/pods/gp', { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
    assert.equal(now.status, 200);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/gp')).status, 404);

    const f = (await api.request('POST', '/api/v1/namespaces/default/configmaps', { ...cm('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } })).body as Obj;
    assert.equal((await api.request('DELETE', '/api/v1/namespaces/default/configmaps/fin')).status, 200);
    const held = (await api.request('GET', '/api/v1/namespaces/default/configmaps/fin')).body as Obj;
    assert.ok(held.metadata.deletionTimestamp);
    const released = await api.request('PUT', '/api/v1/namespaces/default/configmaps/fin', { ...held, metadata: { ...held.metadata, finalizers: [] } });
    assert.equal(released.status, 200, released.text);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
    assert.ok(f.metadata.uid);
  });

  test('deletecollection deletes what the selector matches', async () => {
    await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dc' } });
    for (const n of ['a', 'b', 'c']) await api.request('POST', '/api/v1/namespaces/dc/configmaps', cm(n, { keep: n === 'c' ? 'yes' : 'no' }));
    const r = await api.request('DELETE', '/api/v1/namespaces/dc/configmaps?labelSelector=keep%3Dno');
    assert.equal(r.status, 200);
    const left = (await api.request('GET', '/api/v1/namespaces/dc/configmaps')).body as List;
    assert.deepEqual(left.items.map((i) => i.metadata.name), ['c']);
  });

  test('deleting a namespace empties and removes it (namespace controller); system namespaces are protected', async () => {
    const controllers = runControllers(api, [newNamespaceController({ deletionDelayMs: 1000 })]);
    try {
      await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
      await api.request('POST', '/api/v1/namespaces/doomed/configmaps', cm('x'));
      const d = await api.request('DELETE', '/api/v1/namespaces/doomed');
      assert.equal(d.status, 200);
      assert.equal(((await api.request('GET', '/api/v1/namespaces/doomed')).body as { status: { phase: string } }).status.phase, 'Terminating');
      assert.equal((await api.request('GET', '/api/v1/namespaces/doomed/configmaps/x')).status, 200, 'content stays a moment, as upstream');
      assert.equal((await api.request('POST', '/api/v1/namespaces/doomed/configmaps', cm('y'))).status, 403);
      for (let i = 0; i < 1500; i++) {
        if ((await api.request('GET', '/api/v1/namespaces/doomed')).status === 404) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal((await api.request('GET', '/api/v1/namespaces/doomed')).status, 404);
      assert.equal((await api.request('GET', '/api/v1/namespaces/doomed/configmaps/x')).status, 404);
      assert.equal((await api.request('DELETE', '/api/v1/namespaces/default')).status, 403);
    } finally {
      await controllers.stop();
    }
  });

  test('requests without credentials get 401; health endpoints answer', async () => {
    const r = await fetch(`${api.server.url}/api/v1/namespaces`).catch((e: unknown) => e);
    assert.ok(r instanceof Error, 'fetch without the CA must fail TLS verification');
    const { request } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.server.url}/api/v1/namespaces`, { ca: api.server.caCert }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 401);
    const bearer = await api.request('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer test-token' });
    assert.equal(bearer.status, 200);
    assert.equal((await api.request('GET', '/readyz')).text, 'ok');
    assert.equal(((await api.request('GET', '/version')).body as { major: string }).major, '1');
  });

  test('aggregated discovery for clients that ask for it, plain discovery otherwise', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    type Doc = { kind: string; apiVersion: string; items: { metadata: { name?: string }; versions: { version: string; freshness: string; resources: { resource: string; scope: string; responseKind: { kind: string }; subresources?: { subresource: string }[] }[] }[] }[] };
    const apis = (await api.request('GET', '/apis', undefined, { Accept: accept })).body as Doc;
    assert.equal(apis.kind, 'APIGroupDiscoveryList');
    assert.equal(apis.apiVersion, 'apidiscovery.k8s.io/v2');
    const apps = apis.items.find((i) => i.metadata.name === 'apps');
    const deployments = apps!.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
    assert.equal(deployments.scope, 'Namespaced');
    assert.equal(deployments.responseKind.kind, 'Deployment');
    assert.deepEqual(deployments.subresources?.map((s) => s.subresource).sort(), ['scale', 'status']);
    const core = (await api.request('GET', '/api', undefined, { Accept: accept })).body as Doc;
    assert.equal(core.items.length, 1);
    assert.ok(core.items[0]?.versions[0]?.resources.some((r) => r.resource === 'namespaces' && r.scope === 'Cluster'));
    const beta = (await api.request('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' })).body as Doc;
    assert.equal(beta.apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.equal(((await api.request('GET', '/apis')).body as { kind: string }).kind, 'APIGroupList');
  });

  test('tables for kubectl get', async () => {
    const r = await api.request('GET', '/api/v1/namespaces', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const t = r.body as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Age']);
    assert.ok(t.rows.some((row) => row.cells[0] === 'default' && row.cells[1] === 'Active'));
  });
});

test('a DELETE racing another write deletes the newer object instead of answering 409', async () => {
  const api = await startTestAPIServer();
  try {
    const path = '/api/v1/namespaces/default/configmaps';
    await api.request('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'busy' }, data: { n: '0' } });
    // Writers keep updating while the delete goes through.
    const state = { stop: false };
    const writer = (async () => {
      for (let n = 1; !state.stop; n++) await api.request('PATCH', `${path}/busy`, { data: { n: String(n) } }, { 'Content-Type': 'application/merge-patch+json' });
    })();
    const deletes = await Promise.all(Array.from({ length: 5 }, () => api.request('DELETE', `${path}/busy`)));
    state.stop = true;
    await writer;
    assert.ok(deletes.every((d) => d.status === 200 || d.status === 404), deletes.map((d) => d.status).join(','));
    assert.ok(deletes.some((d) => d.status === 200));
    assert.equal((await api.request('GET', `${path}/busy`)).status, 404);
  } finally {
    await api.stop();
  }
});
