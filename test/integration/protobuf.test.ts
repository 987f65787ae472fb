import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { kubectlAsync as kubectl, kubectlAsyncOK as kubectlOK, kubectlVersions } from '../support/kubectl.js';

// kubectl 1.32+ sends the bodies of its typed generators (`kubectl create
// configmap|secret|namespace|service|serviceaccount`) as Kubernetes protobuf.
// These tests run real kubectl and read the objects back as JSON.

type Obj = { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown };

describe('protobuf request bodies from real kubectl', () => {
  let api: TestAPIServer;
  const get = (path: string): Promise<Obj> => api.get<Obj>(path);
  before(async () => {
    api = await startTestAPIServer();
  });
  after(async () => {
    await api.stop();
  });

  test('kubectl sends protobuf (so these tests exercise the decoder)', async () => {
    const r = await kubectl(api.kubeconfig, ['create', 'configmap', 'pb-probe', '--from-literal=k=v', '-v=8']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
  });

  test('create configmap --from-literal and --from-file (binary data)', async () => {
    const file = join(api.dataDir, 'blob.bin');
    writeFileSync(file, Buffer.from([0xff, 0x00, 0xfe, 0x80]));
    await kubectlOK(api.kubeconfig, ['create', 'configmap', 'pb-cm', '--from-literal=a=b', '--from-literal=empty=', `--from-file=blob=${file}`, '--save-config']);
    const cm = await get('/api/v1/namespaces/default/configmaps/pb-cm');
    assert.equal(cm.kind, 'ConfigMap');
    assert.deepEqual(cm.data, { a: 'b', empty: '' });
    assert.deepEqual(cm.binaryData, { blob: Buffer.from([0xff, 0x00, 0xfe, 0x80]).toString('base64') });
    assert.match(cm.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '', /"pb-cm"/);
  });

  test('create configmap with kubectl 1.33', async () => {
    const v133 = kubectlVersions().find((v) => v.version === '1.33');
    assert.ok(v133, 'kubectl.1.33 is next to kubectl');
    await kubectlOK(api.kubeconfig, ['create', 'configmap', 'pb-cm-133', '--from-literal=x=y', '--from-literal=n=42'], { bin: v133.path });
    const cm = await get('/api/v1/namespaces/default/configmaps/pb-cm-133');
    assert.deepEqual(cm.data, { x: 'y', n: '42' });
  });

  test('create secret generic --from-literal round-trips base64 data', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'secret', 'generic', 'pb-secret', '--from-literal=password=s3cr3t', '--from-literal=user=admin', '--type=Opaque']);
    const s = await get('/api/v1/namespaces/default/secrets/pb-secret');
    assert.equal(s.type, 'Opaque');
    const data = s.data as Record<string, string>;
    assert.equal(Buffer.from(data.password!, 'base64').toString('utf8'), 's3cr3t');
    assert.equal(Buffer.from(data.user!, 'base64').toString('utf8'), 'admin');
    assert.equal(await kubectlOK(api.kubeconfig, ['get', 'secret', 'pb-secret', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cr3t').toString('base64'));
  });

  test('create namespace', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'namespace', 'pb-ns']);
    const ns = await get('/api/v1/namespaces/pb-ns');
    assert.equal(ns.metadata.name, 'pb-ns');
    assert.equal((ns.status as { phase: string }).phase, 'Active');
  });

  test('create service clusterip --tcp=80:8080 keeps targetPort as a number', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'service', 'clusterip', 'pb-svc', '--tcp=80:8080', '--tcp=443:https']);
    const svc = await get('/api/v1/namespaces/default/services/pb-svc');
    const spec = svc.spec as { type: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: number | string; protocol: string }[] };
    assert.deepEqual(svc.metadata.labels, { app: 'pb-svc' });
    assert.equal(spec.type, 'ClusterIP');
    assert.deepEqual(spec.selector, { app: 'pb-svc' });
    assert.deepEqual(
      spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol })),
      [
        { name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: '443-https', port: 443, targetPort: 'https', protocol: 'TCP' },
      ],
    );
  });

  test('create service clusterip --clusterip=None (headless)', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'service', 'clusterip', 'pb-headless', '--clusterip=None', '--tcp=53:53']);
    const svc = await get('/api/v1/namespaces/default/services/pb-headless');
    assert.equal((svc.spec as { clusterIP: string }).clusterIP, 'None');
  });

  test('create serviceaccount', async () => {
    await kubectlOK(api.kubeconfig, ['create', 'serviceaccount', 'pb-sa', '-n', 'pb-ns']);
    const sa = await get('/api/v1/namespaces/pb-ns/serviceaccounts/pb-sa');
    assert.equal(sa.kind, 'ServiceAccount');
    assert.equal(sa.metadata.name, 'pb-sa');
  });
});
