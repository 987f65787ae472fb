import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { encodeMessage } from '../../src/apiserver/protobuf/wire.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

type Review = { kind: string; apiVersion: string; metadata: Record<string, unknown>; spec?: Record<string, unknown>; status?: Record<string, unknown> };
type Status = { code: number; reason: string; message: string };
type ResourceList = { resources: { name: string; verbs: string[]; namespaced: boolean }[] };

const authz = '/apis/authorization.k8s.io/v1';
const authn = '/apis/authentication.k8s.io/v1';

describe('review APIs: create-only, never stored', () => {
  let api: TestAPIServer;
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('discovery lists each review with the create verb only', async () => {
    const z = await api.get<ResourceList>(authz);
    assert.deepEqual(
      z.resources.map((r) => [r.name, r.namespaced, r.verbs.join(',')]),
      [
        ['localsubjectaccessreviews', true, 'create'],
        ['selfsubjectaccessreviews', false, 'create'],
        ['selfsubjectrulesreviews', false, 'create'],
        ['subjectaccessreviews', false, 'create'],
      ],
    );
    const n = await api.get<ResourceList>(authn);
    assert.deepEqual(n.resources.map((r) => r.name).sort(), ['selfsubjectreviews', 'tokenreviews']);
    assert.deepEqual((await api.get<ResourceList>('/apis/authentication.k8s.io/v1beta1')).resources.map((r) => r.name), ['selfsubjectreviews']);
    const group = await api.get<{ preferredVersion: { version: string }; versions: { version: string }[] }>('/apis/authentication.k8s.io');
    assert.equal(group.preferredVersion.version, 'v1');
    assert.deepEqual(group.versions.map((v) => v.version), ['v1', 'v1beta1']);
    const agg = await api.request('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    const groups = (agg.body as { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; verbs: string[] }[] }[] }[] }).items;
    const authzGroup = groups.find((g) => g.metadata.name === 'authorization.k8s.io');
    assert.deepEqual(authzGroup?.versions[0]?.resources.find((r) => r.resource === 'selfsubjectaccessreviews')?.verbs, ['create']);
  });

  test('a SelfSubjectAccessReview is allowed (no authorizer: every user is as system:masters) and echoes the spec', async () => {
    const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } };
    const r = await api.request('POST', `${authz}/selfsubjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec });
    assert.equal(r.status, 201, r.text);
    const body = r.body as Review;
    assert.deepEqual(body.spec, spec);
    assert.deepEqual(body.status, { allowed: true });
    assert.equal(body.kind, 'SelfSubjectAccessReview');
  });

  test('an access review without attributes, or a SubjectAccessReview without a subject, is invalid (422)', async () => {
    const none = await api.request('POST', `${authz}/selfsubjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} });
    assert.equal(none.status, 422);
    assert.match((none.body as Status).message, /spec\.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified/);
    const both = await api.request('POST', `${authz}/subjectaccessreviews`, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } },
    });
    assert.equal(both.status, 422);
    assert.match((both.body as Status).message, /cannot be specified in combination with resourceAttributes/);
    assert.match((both.body as Status).message, /spec\.user: Invalid value: "": at least one of user or group must be specified/);
    const ok = await api.request('POST', `${authz}/subjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'jane', nonResourceAttributes: { path: '/healthz', verb: 'get' } } });
    assert.equal(ok.status, 201);
    assert.deepEqual((ok.body as Review).status, { allowed: true });
  });

  test('a LocalSubjectAccessReview must name the namespace it is posted to', async () => {
    const path = `${authz}/namespaces/default/localsubjectaccessreviews`;
    const review = (ns: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'jane', resourceAttributes: { namespace: ns, verb: 'get', resource: 'pods' } } });
    const good = await api.request('POST', path, review('default'));
    assert.equal(good.status, 201, good.text);
    const bad = await api.request('POST', path, review('kube-system'));
    assert.equal(bad.status, 400);
    assert.equal((bad.body as Status).message, 'spec.resourceAttributes.namespace must match namespace: default');
  });

  test('a SelfSubjectRulesReview lists the * rules and the ones every user has', async () => {
    const r = await api.request('POST', `${authz}/selfsubjectrulesreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } });
    assert.equal(r.status, 201);
    const status = (r.body as Review).status as { resourceRules: { verbs: string[]; resources: string[] }[]; nonResourceRules: { nonResourceURLs: string[] }[]; incomplete: boolean };
    assert.deepEqual(status.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    assert.deepEqual(status.nonResourceRules[0], { verbs: ['*'], nonResourceURLs: ['*'] });
    assert.equal(status.incomplete, false);
    const noNamespace = await api.request('POST', `${authz}/selfsubjectrulesreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} });
    assert.equal(noNamespace.status, 400);
    assert.equal((noNamespace.body as Status).message, 'no namespace on request');
  });

  test('a SelfSubjectReview (v1 and v1beta1) names the caller', async () => {
    for (const version of ['v1', 'v1beta1']) {
      const r = await api.request('POST', `/apis/authentication.k8s.io/${version}/selfsubjectreviews`, { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' });
      assert.equal(r.status, 201, r.text);
      const body = r.body as Review;
      assert.equal(body.apiVersion, `authentication.k8s.io/${version}`);
      assert.deepEqual(body.status, { userInfo: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] } });
      assert.match(String(body.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT/);
    }
  });

  test('a TokenReview authenticates the server token and rejects others', async () => {
    const review = (token: string) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
    const good = await api.request('POST', `${authn}/tokenreviews`, review('test-token'));
    assert.equal(good.status, 201);
    assert.deepEqual((good.body as Review).status, {
      authenticated: true,
      user: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] },
      audiences: ['https://kubernetes.default.svc.cluster.local'],
    });
    const bad = await api.request('POST', `${authn}/tokenreviews`, review('nope'));
    assert.equal(bad.status, 201);
    assert.deepEqual((bad.body as Review).status, { user: {} });
  });

  test('reviews have no other verb, and nothing is stored', async () => {
    const list = await api.request('GET', `${authz}/selfsubjectaccessreviews`);
    assert.equal(list.status, 405);
    const get = await api.request('GET', `${authz}/selfsubjectaccessreviews/x`);
    assert.equal(get.status, 405);
    const del = await api.request('DELETE', `${authn}/tokenreviews/x`);
    assert.equal(del.status, 405);
    const stored = await api.store.list('/registry/', { limit: 0, revision: 0 });
    assert.ok(!stored.items.some((kv) => /review/i.test(kv.key)), 'no review was stored');
  });

  test('a protobuf SelfSubjectAccessReview (as kubectl 1.32+ sends it) is decoded', async () => {
    const attrs = encodeMessage([[1, 'default'], [2, 'list'], [5, 'secrets']]);
    const raw = encodeMessage([[1, encodeMessage([])], [2, encodeMessage([[1, attrs]])]]);
    const envelope = encodeMessage([[1, encodeMessage([[1, 'authorization.k8s.io/v1'], [2, 'SelfSubjectAccessReview']])], [2, raw]]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope]);
    const r = await api.request('POST', `${authz}/selfsubjectaccessreviews`, undefined, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    assert.equal(r.status, 400, 'an empty protobuf body is refused');
    const ok = await postBytes(api, `${authz}/selfsubjectaccessreviews`, body);
    assert.equal(ok.status, 201, ok.text);
    const review = JSON.parse(ok.text) as Review;
    assert.deepEqual(review.spec, { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'secrets' } });
    assert.deepEqual(review.status, { allowed: true });
  });
});

/** POST raw protobuf bytes with the admin certificate. */
function postBytes(api: TestAPIServer, path: string, bytes: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.server.url}${path}`, { method: 'POST', ca: api.server.caCert, cert: api.server.adminCert, key: api.server.adminKey, headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', 'Content-Length': String(bytes.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}
