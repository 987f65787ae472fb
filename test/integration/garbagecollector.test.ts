import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/api/meta.js';
import { configMaps, secrets } from '../../src/api/core/index.js';
import { isNotFound, type Client } from '../../src/client/index.js';
import { newGarbageCollector } from '../../src/controllers/garbagecollector.js';
import { startTestAPIServer, type TestAPIServer } from '../support/apiserver.js';
import { runControllers, waitFor, type TestControllers } from '../support/controllers.js';

// The garbage collector against a real API server: background, foreground
// and orphan propagation, and dependents of owners that never existed.

const cm = (name: string, owner?: KubeObject, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', blockOwnerDeletion: true, controller: true }] } : {}),
    ...extra,
  },
  data: { a: '1' },
});

describe('garbage collector', () => {
  let api: TestAPIServer;
  let cms: TestControllers;
  let client: Client;
  const gone = (ref: typeof configMaps, name: string) => async () => client.get(ref, 'default', name).then(() => false, (err: unknown) => isNotFound(err));
  before(async () => {
    api = await startTestAPIServer();
    cms = runControllers(api, [newGarbageCollector({ discoveryIntervalMs: 200 })]);
    client = cms.client;
  });
  after(async () => {
    await cms.stop();
    await api.stop();
  });

  test('background: dependents (of any kind) go after their owner', async () => {
    const owner = await client.create(configMaps, 'default', cm('bg-owner'));
    await client.create(configMaps, 'default', cm('bg-dep', owner));
    await client.create(secrets, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bg-secret', ownerReferences: cm('x', owner).metadata.ownerReferences ?? [] } });
    await client.delete(configMaps, 'default', 'bg-owner');
    await waitFor('the ConfigMap dependent to go', gone(configMaps, 'bg-dep'));
    await waitFor('the Secret dependent to go', gone(secrets, 'bg-secret'));
  });

  test('a dependent whose owner does not exist (by uid) is deleted; one with a live owner stays', async () => {
    const live = await client.create(configMaps, 'default', cm('live-owner'));
    await client.create(configMaps, 'default', cm('kept', live));
    const ghost = { ...live, metadata: { ...live.metadata, uid: '00000000-0000-0000-0000-000000000000' } };
    await client.create(configMaps, 'default', cm('orphaned', ghost));
    await waitFor('the dependent of a missing owner to go', gone(configMaps, 'orphaned'));
    await client.get(configMaps, 'default', 'kept');
  });

  test('foreground: the owner waits with foregroundDeletion until blocking dependents are gone', async () => {
    const owner = await client.create(configMaps, 'default', cm('fg-owner'));
    await client.create(configMaps, 'default', cm('fg-dep', owner, { finalizers: ['example.com/hold'] }));
    await client.delete(configMaps, 'default', 'fg-owner', { propagationPolicy: 'Foreground' });
    const marked = await client.get(configMaps, 'default', 'fg-owner');
    assert.ok(marked.metadata.deletionTimestamp);
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    // The dependent is deleted, but held by its own finalizer: the owner must wait.
    await waitFor('the dependent to be deleting', async () => !!(await client.get(configMaps, 'default', 'fg-dep')).metadata.deletionTimestamp);
    assert.ok((await client.get(configMaps, 'default', 'fg-owner')).metadata.deletionTimestamp, 'the owner waits');
    await client.patch(configMaps, 'default', 'fg-dep', { metadata: { finalizers: null } });
    await waitFor('the dependent to go', gone(configMaps, 'fg-dep'));
    await waitFor('the owner to go', gone(configMaps, 'fg-owner'));
  });

  test('orphan: dependents lose the reference and stay; the owner goes', async () => {
    const owner = await client.create(configMaps, 'default', cm('or-owner'));
    const other = await client.create(configMaps, 'default', cm('or-other'));
    const dep = cm('or-dep', owner);
    dep.metadata.ownerReferences = [...(dep.metadata.ownerReferences ?? []), { apiVersion: 'v1', kind: 'ConfigMap', name: 'or-other', uid: other.metadata.uid ?? '' }];
    await client.create(configMaps, 'default', dep);
    await client.delete(configMaps, 'default', 'or-owner', { propagationPolicy: 'Orphan' });
    await waitFor('the owner to go', gone(configMaps, 'or-owner'));
    const left = await client.get(configMaps, 'default', 'or-dep');
    assert.deepEqual(left.metadata.ownerReferences?.map((r) => r.name), ['or-other']);
  });

  test('custom resources are collected too', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.gc.example.com' },
      spec: {
        group: 'gc.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    assert.equal((await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    const widgets = { group: 'gc.example.com', version: 'v1', resource: 'widgets', namespaced: true };
    const owner = await client.create(configMaps, 'default', cm('cr-owner'));
    await waitFor('the Widget resource to be served', async () => client.create(widgets, 'default', { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w', ownerReferences: cm('x', owner).metadata.ownerReferences ?? [] } }));
    await client.delete(configMaps, 'default', 'cr-owner');
    await waitFor('the Widget to go', async () => client.get(widgets, 'default', 'w').then(() => false, (err: unknown) => isNotFound(err)));
  });
});
