import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { replicaSets } from '../../src/api/apps/index.js';
import { events, pods, replicationControllers } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { replicaSetController, replicationControllerController } from '../../src/controllers/replicaset.js';
import { setPodReady, startControllers, waitFor, type ControllerHarness } from '../support/controllers.js';

type Pod = KubeObject & { status?: { phase?: string } };
type RS = KubeObject & { spec: { replicas: number }; status?: Record<string, unknown> };

let h: ControllerHarness;
before(async () => {
  h = await startControllers([replicaSetController, replicationControllerController]);
});
after(() => h.stop());

const rs = (name: string, replicas: number, app = name): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels: { app, tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});
const podsOf = async (label: string) => (await h.client.list<Pod>(pods, 'default', { labelSelector: label })).items.filter((p) => !p.metadata.deletionTimestamp);
const ownedBy = (p: KubeObject, owner: KubeObject) => p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.controller === true) ?? false;

describe('ReplicaSet controller', () => {
  test('creates replicas pods named <rs>-xxxxx, owned by the set, with SuccessfulCreate events; status counts ready pods', async () => {
    const created = await h.client.create(replicaSets, 'default', rs('web', 3));
    const list = await waitFor('3 pods', async () => {
      const l = await podsOf('app=web');
      return l.length === 3 && l;
    });
    for (const p of list) {
      assert.match(p.metadata.name ?? '', /^web-[a-z0-9]{5}$/);
      assert.ok(ownedBy(p, created));
      assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'x' });
    }
    const first = list[0];
    assert.ok(first);
    await setPodReady(h.client, first);
    const st = await waitFor('readyReplicas 1', async () => {
      const o = await h.client.get<RS>(replicaSets, 'default', 'web');
      return o.status?.readyReplicas === 1 && o.status;
    });
    assert.deepEqual(st, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
    const evs = await waitFor('three SuccessfulCreate events', async () => {
      const l = (await h.client.list<KubeObject & { reason: string; message: string; involvedObject: { name: string } }>(events, 'default')).items.filter((e) => e.involvedObject.name === 'web' && e.reason === 'SuccessfulCreate');
      return l.length === 3 && l;
    });
    assert.deepEqual(evs.map((e) => e.message).sort(), list.map((p) => `Created pod: ${p.metadata.name ?? ''}`).sort());
    // Only three: a burst of creates is not repeated while the cache catches up.
    assert.equal((await podsOf('app=web')).length, 3);
  });

  test('adopts a matching orphan instead of creating a pod, and releases a pod whose labels stop matching', async () => {
    const orphan = await h.client.create<Pod>(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const owner = await h.client.create(replicaSets, 'default', rs('adopt', 2));
    const l = await waitFor('the orphan adopted and one pod created', async () => {
      const x = await podsOf('app=adopt');
      return x.length === 2 && x.every((p) => ownedBy(p, owner)) && x;
    });
    assert.ok(l.some((p) => p.metadata.uid === orphan.metadata.uid));
    await h.client.patch(pods, 'default', 'stray', { metadata: { labels: { app: 'elsewhere' } } });
    const released = await waitFor('the relabelled pod released', async () => {
      const p = await h.client.get(pods, 'default', 'stray');
      return !p.metadata.ownerReferences?.length && p;
    });
    assert.equal(released.metadata.uid, orphan.metadata.uid);
    await waitFor('a replacement for the released pod', async () => (await podsOf('app=adopt')).length === 2);
  });

  test('scales down deleting not-ready pods before ready ones', async () => {
    await h.client.create(replicaSets, 'default', rs('down', 4));
    const l = await waitFor('4 pods', async () => {
      const x = await podsOf('app=down');
      return x.length === 4 && x;
    });
    const ready = l.slice(0, 2);
    for (const p of ready) await setPodReady(h.client, p);
    await waitFor('two ready', async () => (await h.client.get<RS>(replicaSets, 'default', 'down')).status?.readyReplicas === 2);
    await h.client.patch(replicaSets, 'default', 'down', { spec: { replicas: 2 } });
    const left = await waitFor('scaled to 2', async () => {
      const x = await podsOf('app=down');
      return x.length === 2 && x;
    });
    assert.deepEqual(left.map((p) => p.metadata.name).sort(), ready.map((p) => p.metadata.name).sort());
    const deletes = (await h.client.list<KubeObject & { reason: string; involvedObject: { name: string } }>(events, 'default')).items.filter((e) => e.involvedObject.name === 'down' && e.reason === 'SuccessfulDelete');
    assert.equal(deletes.length, 2);
  });

  test('a ReplicationController keeps its replicas from a plain label selector', async () => {
    const rc = await h.client.create(replicationControllers, 'default', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy' },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const l = await waitFor('2 pods of the RC', async () => {
      const x = await podsOf('app=legacy');
      return x.length === 2 && x;
    });
    assert.ok(l.every((p) => ownedBy(p, rc) && p.metadata.ownerReferences?.[0]?.kind === 'ReplicationController'));
    await h.client.delete(pods, 'default', l[0]?.metadata.name ?? '');
    await waitFor('a deleted pod replaced', async () => {
      const x = await podsOf('app=legacy');
      return x.length === 2 && !x.some((p) => p.metadata.uid === l[0]?.metadata.uid);
    });
    await waitFor('RC status', async () => (await h.client.get<RS>(replicationControllers, 'default', 'legacy')).status?.replicas === 2);
  });
});
