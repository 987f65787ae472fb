import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsync as kubectl, kubectlAsyncOK as kubectlOK } from '../support/kubectl.js';

// Real kubectl against the in-process server: networking.k8s.io, storage.k8s.io
// and rbac.authorization.k8s.io kinds served from their ResourceDefs alone.
// kubectl runs async: the API server runs in this process.

const manifest = (replicasHost: string) => `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  tls:
  - hosts: [${replicasHost}]
    secretName: web-tls
  rules:
  - host: ${replicasHost}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
spec:
  podSelector:
    matchLabels:
      app: db
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: 5432
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
subjects:
- kind: User
  name: jane
roleRef:
  kind: Role
  name: pod-reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-viewer
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
- nonResourceURLs: [/healthz]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: view-nodes
subjects:
- kind: Group
  name: ops
- kind: ServiceAccount
  name: monitor
  namespace: default
roleRef:
  kind: ClusterRole
  name: node-viewer
`;

type Obj = { metadata: { name: string; generation?: number }; [k: string]: unknown };

describe('networking, storage and rbac kinds through real kubectl', () => {
  let api: TestAPIServer;
  const get = (path: string): Promise<Obj> => api.get<Obj>(path);
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('kubectl apply of every kind, then re-apply after an edit', async () => {
    const file = join(api.dataDir, 'kinds.yaml');
    writeFileSync(file, manifest('web.example.com'));
    const out = await kubectlOK(api.kubeconfig, ['apply', '-f', file]);
    for (const line of [
      'ingressclass.networking.k8s.io/nginx created',
      'ingress.networking.k8s.io/web created',
      'networkpolicy.networking.k8s.io/db created',
      'storageclass.storage.k8s.io/local-path created',
      'role.rbac.authorization.k8s.io/pod-reader created',
      'rolebinding.rbac.authorization.k8s.io/read-pods created',
      'clusterrole.rbac.authorization.k8s.io/node-viewer created',
      'clusterrolebinding.rbac.authorization.k8s.io/view-nodes created',
    ])
      assert.ok(out.includes(line), `${line} in:\n${out}`);
    const ing = await get('/apis/networking.k8s.io/v1/namespaces/default/ingresses/web');
    assert.equal(ing.metadata.generation, 1);
    assert.deepEqual(ing.status, { loadBalancer: {} });
    const np = await get('/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/db');
    assert.deepEqual((np.spec as { policyTypes: string[] }).policyTypes, ['Ingress']);
    const sc = await get('/apis/storage.k8s.io/v1/storageclasses/local-path');
    assert.equal(sc.reclaimPolicy, 'Delete');
    const crb = await get('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/view-nodes');
    // A ServiceAccount subject's group is the core group, which upstream's JSON omits.
    assert.deepEqual((crb.subjects as { apiGroup?: string }[]).map((s) => s.apiGroup), ['rbac.authorization.k8s.io', undefined]);

    writeFileSync(file, manifest('shop.example.com'));
    const again = await kubectlOK(api.kubeconfig, ['apply', '-f', file]);
    assert.match(again, /ingress\.networking\.k8s\.io\/web configured/);
    assert.match(again, /storageclass\.storage\.k8s\.io\/local-path unchanged/);
    const edited = await get('/apis/networking.k8s.io/v1/namespaces/default/ingresses/web');
    assert.equal(edited.metadata.generation, 2);
    assert.equal((edited.spec as { rules: { host: string }[] }).rules[0]?.host, 'shop.example.com');
  });

  test('kubectl create generators (protobuf bodies)', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'role', 'cm-editor', '--verb=get,update', '--resource=configmaps']);
    await kubectlOK(api.kubeconfig, ['create', 'clusterrole', 'health', '--verb=get', '--non-resource-url=/livez']);
    await kubectlOK(api.kubeconfig, ['create', 'rolebinding', 'cm-editors', '--role=cm-editor', '--user=bob', '--serviceaccount=default:builder']);
    await kubectlOK(api.kubeconfig, ['create', 'clusterrolebinding', 'health-all', '--clusterrole=health', '--group=system:authenticated']);
    await kubectlOK(api.kubeconfig, ['create', 'ingress', 'simple', '--class=nginx', '--rule=foo.com/bar*=svc1:8080,tls=my-cert']);
    const role = await get('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/cm-editor');
    assert.deepEqual(role.rules, [{ verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'] }]);
    const rb = await get('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/cm-editors');
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-editor' });
    const ing = await get('/apis/networking.k8s.io/v1/namespaces/default/ingresses/simple');
    const path = (ing.spec as { rules: { http: { paths: { path: string; pathType: string }[] } }[] }).rules[0]?.http.paths[0];
    assert.deepEqual({ path: path?.path, pathType: path?.pathType }, { path: '/bar', pathType: 'Prefix' });
  });

  test('kubectl get columns', async () => {
    const out = await kubectlOK(api.kubeconfig, ['get', 'ing,ingressclass,netpol,sc,role,rolebinding,clusterrole,clusterrolebinding']);
    const lines = out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `${re} in:\n${out}`);
    has(/^NAME CLASS HOSTS ADDRESS PORTS AGE$/);
    has(/^ingress\.networking\.k8s\.io\/web nginx shop\.example\.com 80, 443 \d+s$/);
    has(/^NAME CONTROLLER PARAMETERS AGE$/);
    has(/^ingressclass\.networking\.k8s\.io\/nginx k8s\.io\/ingress-nginx <none> \d+s$/);
    has(/^NAME POD-SELECTOR AGE$/);
    has(/^networkpolicy\.networking\.k8s\.io\/db app=db \d+s$/);
    has(/^NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE$/);
    has(/^storageclass\.storage\.k8s\.io\/local-path \(default\) rancher\.io\/local-path Delete WaitForFirstConsumer false \d+s$/);
    has(/^NAME CREATED AT$/);
    has(/^role\.rbac\.authorization\.k8s\.io\/pod-reader \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    has(/^NAME ROLE AGE$/);
    has(/^rolebinding\.rbac\.authorization\.k8s\.io\/read-pods Role\/pod-reader \d+s$/);
    has(/^clusterrolebinding\.rbac\.authorization\.k8s\.io\/view-nodes ClusterRole\/node-viewer \d+s$/);
    const wide = await kubectlOK(api.kubeconfig, ['get', 'clusterrolebinding', 'view-nodes', '-o', 'wide']);
    assert.match(wide.replace(/ +/g, ' '), /NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS\nview-nodes ClusterRole\/node-viewer \d+s ops default\/monitor/);
  });

  test('an Ingress with a relative Prefix path is rejected with 422 and upstream\'s message', async () => {
    const body = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'bad' },
      spec: { rules: [{ http: { paths: [{ path: 'foo', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    };
    const r = await api.request('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', body);
    assert.equal(r.status, 422, r.text);
    const status = r.body as { message: string; reason: string; details: { causes: { field: string; message: string }[] } };
    assert.equal(status.reason, 'Invalid');
    assert.match(status.message, /"bad" is invalid: spec\.rules\[0\]\.http\.paths\[0\]\.path: Invalid value: "foo": must be an absolute path$/);
    assert.deepEqual(status.details.causes, [{ reason: 'FieldValueInvalid', field: 'spec.rules[0].http.paths[0].path', message: 'Invalid value: "foo": must be an absolute path' }]);
    const file = join(api.dataDir, 'bad.yaml');
    writeFileSync(file, JSON.stringify(body));
    const k = await kubectl(api.kubeconfig, ['apply', '-f', file]);
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, /spec\.rules\[0\]\.http\.paths\[0\]\.path: Invalid value: "foo": must be an absolute path/);
  });

  test('roleRef may not change', async () => {
    const r = await kubectl(api.kubeconfig, ['patch', 'rolebinding', 'read-pods', '--type=merge', '-p', '{"roleRef":{"kind":"ClusterRole","name":"view"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /roleRef: Invalid value: .*: cannot change roleRef/);
  });
});
