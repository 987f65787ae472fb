import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

let api: TestAPIServer;
before(async () => {
  api = await startTestAPIServer();
});
after(() => api.stop());

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}
interface Deployment {
  metadata: { labels?: Record<string, string>; managedFields?: Entry[]; resourceVersion: string };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string; env?: { name: string; value: string }[]; ports?: unknown[] }[] } } };
}
interface Status {
  reason: string;
  message: string;
  details?: { causes?: { reason: string; message: string; field: string }[] };
}

const path = '/apis/apps/v1/namespaces/default/deployments';
const yaml = { 'Content-Type': 'application/apply-patch+yaml' };
const deployment = (replicas: number, image: string, env = true) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${String(replicas)}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports: [{containerPort: 80}]
${env ? '        env: [{name: A, value: "1"}]' : ''}
`;
const apply = (body: string, manager: string, query = '') => api.request('PATCH', `${path}/web?fieldManager=${manager}${query}`, body, yaml);
const entry = (d: Deployment, manager: string, operation = 'Apply') => d.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

test('apply creates the object, with its fields owned by the manager', async () => {
  const r = await apply(deployment(2, 'nginx:1'), 'alice');
  assert.equal(r.status, 201, r.text);
  const d = r.body as Deployment;
  assert.equal(d.spec.replicas, 2);
  const own = entry(d, 'alice');
  assert.ok(own);
  assert.equal(own.apiVersion, 'apps/v1');
  const spec = own.fieldsV1['f:spec'] as Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>;
  assert.deepEqual(spec['f:replicas'], {});
  // A list element is keyed by its map keys, with a key left out taking its default.
  const nginx = spec['f:template']?.['f:spec']?.['f:containers']?.['k:{"name":"nginx"}'];
  assert.ok(nginx?.['.']);
  assert.ok((nginx['f:ports'] as Record<string, unknown>)['k:{"containerPort":80,"protocol":"TCP"}']);
  // Server-owned fields are nobody's.
  assert.equal((own.fieldsV1['f:metadata'] as Record<string, unknown>)['f:name'], undefined);
});

test('re-applying the same configuration changes nothing; dropping a field removes it', async () => {
  const before = await api.get<Deployment>(`${path}/web`);
  const same = await apply(deployment(2, 'nginx:1'), 'alice');
  assert.equal(same.status, 200);
  assert.equal((same.body as Deployment).metadata.resourceVersion, before.metadata.resourceVersion);
  const dropped = await apply(deployment(2, 'nginx:1', false), 'alice');
  assert.equal(dropped.status, 200, dropped.text);
  const c = (dropped.body as Deployment).spec.template.spec.containers[0];
  assert.ok(!c?.env?.length, JSON.stringify(c));
  assert.equal((dropped.body as Deployment).spec.template.spec.containers.length, 1);
  assert.equal((c?.ports ?? []).length, 1);
});

test('a field another manager set differently is a conflict, with upstream message and causes; force takes it', async () => {
  const scaled = await api.request('PATCH', `${path}/web/scale?fieldManager=bob`, { spec: { replicas: 5 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(scaled.status, 200, scaled.text);
  const d = await api.get<Deployment>(`${path}/web`);
  assert.deepEqual(entry(d, 'bob', 'Update')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal(entry(d, 'bob', 'Update')?.subresource, 'scale');
  // alice lost replicas to bob's update.
  assert.equal(((entry(d, 'alice')?.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas']), undefined);

  const r = await apply(deployment(3, 'nginx:2', false), 'alice');
  assert.equal(r.status, 409);
  const s = r.body as Status;
  assert.equal(s.reason, 'Conflict');
  assert.equal(s.message, 'Apply failed with 1 conflict: conflict with "bob" using apps/v1: .spec.replicas');
  assert.deepEqual(s.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "bob" using apps/v1', field: '.spec.replicas' }]);
  assert.equal((await api.get<Deployment>(`${path}/web`)).spec.replicas, 5);

  // Two conflicting fields with one manager: upstream's list form.
  await api.request('PATCH', `${path}/web?fieldManager=carol`, { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:9' }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
  const two = await apply(deployment(3, 'nginx:2', false), 'dave');
  assert.equal(two.status, 409);
  assert.equal((two.body as Status).message, 'Apply failed with 2 conflicts: conflicts with "bob" using apps/v1:\n- .spec.replicas\nconflicts with "carol" using apps/v1:\n- .spec.template.spec.containers[name="nginx"].image');

  const forced = await apply(deployment(3, 'nginx:2', false), 'alice', '&force=true');
  assert.equal(forced.status, 200, forced.text);
  const f = forced.body as Deployment;
  assert.equal(f.spec.replicas, 3);
  assert.equal(f.spec.template.spec.containers[0]?.image, 'nginx:2');
  assert.equal(entry(f, 'bob', 'Update'), undefined);
});

test('the same value set by two managers is shared, not a conflict', async () => {
  const r = await apply(deployment(3, 'nginx:2', false), 'erin');
  assert.equal(r.status, 200, r.text);
  const d = r.body as Deployment;
  assert.ok(entry(d, 'alice') && entry(d, 'erin'));
});

test('a field only this manager applied is removed when it stops applying it; a co-owned one stays', async () => {
  const withLabel = deployment(3, 'nginx:2', false).replace('labels: {app: web}\nspec', 'labels: {app: web, tier: front}\nspec');
  assert.equal((await apply(withLabel, 'alice')).status, 200);
  const gone = await apply(deployment(3, 'nginx:2', false), 'alice');
  assert.deepEqual((gone.body as Deployment).metadata.labels, { app: 'web' });
  // erin still applies replicas: 3, so alice dropping it leaves it.
  const noReplicas = deployment(3, 'nginx:2', false).replace('  replicas: 3\n', '');
  const kept = await apply(noReplicas, 'alice');
  assert.equal((kept.body as Deployment).spec.replicas, 3);
});

test('ordinary writes record what they changed under their manager', async () => {
  const r = await api.request('POST', '/api/v1/namespaces/default/configmaps?fieldManager=maker', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
  const created = r.body as { metadata: { managedFields: Entry[] } };
  assert.deepEqual(created.metadata.managedFields.map((e) => [e.manager, e.operation, e.fieldsV1]), [['maker', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }]]);
  const p = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/cm?fieldManager=editor', { data: { a: '2', b: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
  const patched = p.body as { metadata: { managedFields: Entry[] } };
  assert.deepEqual(
    patched.metadata.managedFields.map((e) => [e.manager, e.fieldsV1]),
    [
      ['maker', { 'f:data': {} }],
      ['editor', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
    ],
  );
  // Without fieldManager, the manager is the User-Agent's product.
  const u = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/cm', { data: { c: '4' } }, { 'Content-Type': 'application/merge-patch+json', 'User-Agent': 'kubectl/v1.32.0 (linux/amd64)' });
  assert.ok((u.body as { metadata: { managedFields: Entry[] } }).metadata.managedFields.some((e) => e.manager === 'kubectl'));
});

test('apply without a field manager is 422; dryRun stores nothing', async () => {
  const r = await api.request('PATCH', `${path}/web`, deployment(1, 'x'), yaml);
  assert.equal(r.status, 422);
  const before = await api.get<Deployment>(`${path}/web`);
  const dry = await apply(deployment(7, 'nginx:2', false), 'alice', '&dryRun=All&force=true');
  assert.equal(dry.status, 200);
  assert.equal((dry.body as Deployment).spec.replicas, 7);
  assert.equal((await api.get<Deployment>(`${path}/web`)).metadata.resourceVersion, before.metadata.resourceVersion);
});

test('unknown fields in an applied configuration: 400 under Strict as upstream words it, a warning otherwise', async () => {
  const body = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\ndata: {a: b}\ndta: {c: d}\n`;
  const cm = '/api/v1/namespaces/default/configmaps/strict?fieldManager=m';
  const strict = await api.request('PATCH', `${cm}&fieldValidation=Strict`, body, yaml);
  assert.equal(strict.status, 400);
  assert.equal((strict.body as Status).message, 'failed to create typed patch object (default/strict; /v1, Kind=ConfigMap): .dta: field not declared in schema');
  const warned = await api.request('PATCH', cm, body, yaml);
  assert.equal(warned.status, 201);
  assert.equal(warned.headers.warning, '299 - "unknown field \\"dta\\""');
  assert.equal((warned.body as Record<string, unknown>).dta, undefined);
});
