import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

let api: TestAPIServer;
before(async () => {
  api = await startTestAPIServer();
});
after(() => api.stop());

/** A Deployment with unknown and duplicate fields, as JSON text (JSON.stringify cannot write duplicates). */
const invalid = (name: string) => `{
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "${name}", "name": "${name}", "unknownMeta": "x"},
  "spec": {
    "unknown1": "val1", "paused": true, "paused": false,
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "v", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}
    }
  }
}`;
const found = [
  'duplicate field "metadata.name"',
  'unknown field "metadata.unknownMeta"',
  'unknown field "spec.unknown1"',
  'duplicate field "spec.paused"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
];
const path = '/apis/apps/v1/namespaces/default/deployments';
/** The texts of the `Warning` headers (node joins repeated headers with ", "). */
const warningsOf = (h: Record<string, unknown>): string[] => {
  const w = h.warning;
  if (typeof w !== 'string') return [];
  return w.split(/(?:^|, )299 - /).filter(Boolean).map((x) => JSON.parse(x) as string);
};

test('Strict answers 400 with every unknown and duplicate field in document order, and stores nothing', async () => {
  const r = await api.request('POST', `${path}?fieldValidation=Strict`, invalid('strict'));
  assert.equal(r.status, 400);
  const status = r.body as { reason: string; message: string };
  assert.equal(status.reason, 'BadRequest');
  assert.equal(status.message, `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${found.join(', ')}`);
  assert.equal((await api.request('GET', `${path}/strict`)).status, 404);
});

test('Warn (and no fieldValidation) warns of each field and stores the object without the unknown ones', async () => {
  for (const [name, query] of [['warn', '?fieldValidation=Warn'], ['default', '']] as const) {
    const r = await api.request('POST', `${path}${query}`, invalid(name));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(warningsOf(r.headers), found);
    const stored = await api.get<{ metadata: Record<string, unknown>; spec: Record<string, unknown> & { paused: boolean; template: { spec: { containers: Record<string, unknown>[] } } } }>(`${path}/${name}`);
    assert.equal(stored.metadata.unknownMeta, undefined);
    assert.equal(stored.spec.unknown1, undefined);
    assert.equal(stored.spec.paused, false);
    assert.equal(stored.spec.template.spec.containers[0]?.unknownNested, undefined);
    assert.equal(stored.spec.template.spec.containers[0]?.imagePullPolicy, 'Never');
  }
});

test('Ignore drops unknown fields silently', async () => {
  const r = await api.request('POST', `${path}?fieldValidation=Ignore`, invalid('ignore'));
  assert.equal(r.status, 201);
  assert.deepEqual(warningsOf(r.headers), []);
  assert.equal(((r.body as { spec: Record<string, unknown> }).spec).unknown1, undefined);
});

test('an update is checked as a create is', async () => {
  const current = await api.get<{ metadata: { resourceVersion: string } }>(`${path}/ignore`);
  const r = await api.request('PUT', `${path}/ignore?fieldValidation=Strict`, invalid('ignore'));
  assert.equal(r.status, 400);
  assert.match((r.body as { message: string }).message, /strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta"/);
  assert.equal((await api.get<{ metadata: { resourceVersion: string } }>(`${path}/ignore`)).metadata.resourceVersion, current.metadata.resourceVersion);
});

test('a merge patch reports its duplicates, then the unknown fields of the result sorted', async () => {
  const body = '{"spec": {"unknown1": "v", "paused": true, "paused": false, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx", "zz": 1}]}}}}';
  const headers = { 'Content-Type': 'application/merge-patch+json' };
  const strict = await api.request('PATCH', `${path}/ignore?fieldValidation=Strict`, body, headers);
  assert.equal(strict.status, 400);
  assert.equal((strict.body as { message: string }).message, 'strict decoding error: duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].zz", unknown field "spec.unknown1"');
  const warn = await api.request('PATCH', `${path}/ignore`, body, headers);
  assert.equal(warn.status, 200);
  assert.deepEqual(warningsOf(warn.headers), ['duplicate field "spec.paused"', 'unknown field "spec.template.spec.containers[0].zz"', 'unknown field "spec.unknown1"']);
});

test('fields a kind declares are never reported, whatever the kind', async () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'full', labels: { a: 'b' }, annotations: { x: 'y' }, finalizers: ['example.com/f'] },
    spec: {
      containers: [{ name: 'c', image: 'busybox', command: ['sh'], ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], resources: { limits: { cpu: '1' } }, livenessProbe: { httpGet: { path: '/', port: 80 } } }],
      volumes: [{ name: 'v', configMap: { name: 'cm', items: [{ key: 'k', path: 'p' }] } }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }] } } },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    },
  };
  const r = await api.request('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', pod);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(warningsOf(r.headers), []);
});

test('an unknown fieldValidation value is a 400', async () => {
  const r = await api.request('POST', `${path}?fieldValidation=Loose`, invalid('loose'));
  assert.equal(r.status, 400);
});
