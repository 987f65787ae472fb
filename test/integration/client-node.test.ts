import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';

describe('@kubernetes/client-node against skiff', () => {
  let api: TestAPIServer;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(async () => {
    api = await startTestAPIServer();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(api.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(async () => {
    await api.stop();
  });

  test('create and list', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-client', labels: { src: 'node' } }, data: { a: '1' } } });
    assert.equal(created.metadata?.name, 'from-client');
    assert.ok(created.metadata.uid);
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'src=node' });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['from-client']);
    const ns = await core.listNamespace();
    assert.ok(ns.items.some((n) => n.metadata?.name === 'kube-system'));
  });

  test('patch with a JSON merge patch and a JSON patch', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'patched' }, data: { a: '1' } } });
    const merged = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: 'default', body: { data: { b: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { a: '1', b: '2' });
    const patched = await core.patchNamespacedConfigMap({ name: 'patched', namespace: 'default', body: [{ op: 'remove', path: '/data/a' }] });
    assert.deepEqual(patched.data, { b: '2' });
  });

  test('errors come back as Status with upstream codes', async () => {
    await assert.rejects(core.readNamespacedConfigMap({ name: 'absent', namespace: 'default' }), (err: unknown) => {
      assert.ok(err instanceof k8s.ApiException);
      assert.equal(err.code, 404);
      return true;
    });
  });

  test('an informer sees adds, updates and deletes', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/kube-public/configmaps', () => core.listNamespacedConfigMap({ namespace: 'kube-public' }));
    const seen: string[] = [];
    const waitFor = async (entry: string) => {
      for (let i = 0; i < 200 && !seen.includes(entry); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(seen.includes(entry), `informer did not see ${entry}; saw ${seen.join(', ')}`);
    };
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name ?? ''}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name ?? ''}:${o.data?.v ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name ?? ''}`));
    await informer.start();
    try {
      const c = await core.createNamespacedConfigMap({ namespace: 'kube-public', body: { metadata: { name: 'inf' }, data: { v: '1' } } });
      await waitFor('add:inf');
      await core.replaceNamespacedConfigMap({ name: 'inf', namespace: 'kube-public', body: { ...c, data: { v: '2' } } });
      await waitFor('update:inf:2');
      await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'kube-public' });
      await waitFor('delete:inf');
      assert.equal(informer.list('kube-public').filter((o) => o.metadata?.name === 'inf').length, 0);
    } finally {
      await informer.stop();
    }
  });
});
