import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/api/meta.js';
import { configMaps, namespaces } from '../../src/api/core/index.js';
import { isNotFound, type Client } from '../../src/client/index.js';
import { newNamespaceController } from '../../src/controllers/namespace.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';

// The namespace controller empties a Terminating namespace (custom resources
// included), reports what holds it in its conditions, and then removes it.

type Cond = { type: string; status: string; reason: string; message: string };
const conditions = (ns: KubeObject) => ((ns.status as { conditions?: Cond[] } | undefined)?.conditions ?? []);

describe('namespace controller', () => {
  let api: TestAPIServer;
  let cms: TestControllers;
  let client: Client;
  before(async () => {
    api = await startTestAPIServer();
    cms = runControllers(api, [newNamespaceController({ deletionDelayMs: 0 })]);
    client = cms.client;
  });
  after(async () => {
    await cms.stop();
    await api.stop();
  });

  test('a new namespace carries the kubernetes finalizer, changed only through namespaces/finalize', async () => {
    const ns = await client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin' } });
    assert.deepEqual((ns.spec as { finalizers: string[] }).finalizers, ['kubernetes']);
    const put = await client.update(namespaces, { ...ns, spec: { finalizers: [] } });
    assert.deepEqual((put.spec as { finalizers: string[] }).finalizers, ['kubernetes'], 'a plain update keeps spec.finalizers');
    const fin = await client.update(namespaces, { ...put, spec: { finalizers: [] } }, 'finalize');
    assert.deepEqual((fin.spec as { finalizers: string[] }).finalizers, []);
  });

  test('deleting a namespace deletes its content (custom resources too), reports what remains, then removes it', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.ns.example.com' },
      spec: {
        group: 'ns.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    assert.equal((await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    const gadgets = { group: 'ns.example.com', version: 'v1', resource: 'gadgets', namespaced: true };
    await client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await waitFor('the Gadget resource to be served', async () => client.create(gadgets, 'doomed', { apiVersion: 'ns.example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }));
    await client.create(configMaps, 'doomed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    await client.create(configMaps, 'doomed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });

    await client.delete(namespaces, '', 'doomed');
    const held = await waitFor('the finalizer to be reported', async () => {
      const ns = await client.get(namespaces, '', 'doomed');
      return conditions(ns).some((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') && ns;
    });
    const byType = new Map(conditions(held).map((c) => [c.type, c]));
    assert.deepEqual(byType.get('NamespaceFinalizersRemaining'), { ...byType.get('NamespaceFinalizersRemaining'), reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances' });
    assert.deepEqual(byType.get('NamespaceContentRemaining'), { ...byType.get('NamespaceContentRemaining'), status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances' });
    assert.deepEqual(byType.get('NamespaceDeletionDiscoveryFailure'), { ...byType.get('NamespaceDeletionDiscoveryFailure'), status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' });
    assert.deepEqual(byType.get('NamespaceDeletionContentFailure'), { ...byType.get('NamespaceDeletionContentFailure'), status: 'False', reason: 'ContentDeleted' });
    assert.equal((held.status as { phase: string }).phase, 'Terminating');
    await assert.rejects(client.get(gadgets, 'doomed', 'g'), isNotFound, 'the custom resource is gone');
    await assert.rejects(client.get(configMaps, 'doomed', 'plain'), isNotFound);

    await client.patch(configMaps, 'doomed', 'held', { metadata: { finalizers: null } });
    await waitFor('the namespace to go', async () => client.get(namespaces, '', 'doomed').then(() => false, (err: unknown) => isNotFound(err)));
  });
});
