import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsyncOK as kubectlOK } from '../support/kubectl.js';

// Real kubectl against the in-process server: core/v1 PersistentVolume,
// PersistentVolumeClaim, LimitRange, ResourceQuota and PodTemplate served
// from their ResourceDefs alone.

const manifest = `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv1
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  storageClassName: manual
  hostPath:
    path: /tmp/pv1
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
  - type: Container
    default:
      cpu: 500m
    defaultRequest:
      cpu: 100m
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard:
    requests.cpu: "2"
    limits.memory: 4Gi
---
apiVersion: v1
kind: PodTemplate
metadata:
  name: web
template:
  metadata:
    labels:
      app: web
  spec:
    containers:
    - name: nginx
      image: nginx:1.27
`;

type Obj = { metadata: { name: string }; spec: Record<string, unknown>; status: Record<string, unknown>; [k: string]: unknown };

describe('core/v1 storage, quota and template kinds through real kubectl', () => {
  let api: TestAPIServer;
  const get = (path: string): Promise<Obj> => api.get<Obj>(path);
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('kubectl apply of every kind fills upstream defaults', async () => {
    const file = join(api.dataDir, 'kinds.yaml');
    writeFileSync(file, manifest);
    const out = await kubectlOK(api.kubeconfig, ['apply', '-f', file]);
    for (const line of ['persistentvolume/pv1 created', 'persistentvolumeclaim/data created', 'limitrange/defaults created', 'resourcequota/compute created', 'podtemplate/web created'])
      assert.ok(out.includes(line), `${line} in:\n${out}`);
    const pv = await get('/api/v1/persistentvolumes/pv1');
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(pv.spec.volumeMode, 'Filesystem');
    assert.deepEqual(pv.status, { phase: 'Pending' });
    const pvc = await get('/api/v1/namespaces/default/persistentvolumeclaims/data');
    assert.equal(pvc.spec.volumeMode, 'Filesystem');
    assert.deepEqual(pvc.status, { phase: 'Pending' });
    const tpl = await get('/api/v1/namespaces/default/podtemplates/web');
    assert.equal((tpl.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
  });

  test('kubectl create quota (protobuf body)', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'quota', 'q', '--hard=pods=10']);
    const q = await get('/api/v1/namespaces/default/resourcequotas/q');
    assert.deepEqual(q.spec, { hard: { pods: '10' } });
  });

  test('kubectl get columns', async () => {
    const out = await kubectlOK(api.kubeconfig, ['get', 'pv,pvc,limits,quota,podtemplates']);
    const lines = out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `${re} in:\n${out}`);
    has(/^NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE$/);
    has(/^persistentvolume\/pv1 5Gi RWO,ROX Retain Pending manual <unset> \d+s$/);
    has(/^NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE$/);
    has(/^persistentvolumeclaim\/data Pending <unset> \d+s$/);
    has(/^NAME CREATED AT$/);
    has(/^limitrange\/defaults \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    has(/^NAME REQUEST LIMIT AGE$/);
    has(/^resourcequota\/compute \d+s$/);
    has(/^NAME CONTAINERS IMAGES POD LABELS$/);
    has(/^podtemplate\/web nginx nginx:1\.27 app=web$/);
  });

  test('a claim without accessModes is rejected with 422 and upstream\'s message', async () => {
    const body = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bad' }, spec: { resources: { requests: { storage: '1Gi' } } } };
    const r = await api.request('POST', '/api/v1/namespaces/default/persistentvolumeclaims', body);
    assert.equal(r.status, 422, r.text);
    const status = r.body as { message: string; reason: string };
    assert.equal(status.reason, 'Invalid');
    assert.equal(status.message, 'PersistentVolumeClaim "bad" is invalid: spec.accessModes: Required value: at least 1 access mode is required');
  });

  test('a claim\'s spec is immutable after creation', async () => {
    const r = await api.request('PATCH', '/api/v1/namespaces/default/persistentvolumeclaims/data', { spec: { storageClassName: 'fast' } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 422, r.text);
    assert.match((r.body as { message: string }).message, /spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims$/);
  });
});
