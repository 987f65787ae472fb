import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { statefulSets } from '../../src/api/apps/index.js';
import { pods } from '../../src/api/core/index.js';
import { persistentVolumeClaims } from '../../src/api/core/persistentvolumeclaim.js';
import type { KubeObject } from '../../src/api/meta.js';
import { statefulSetController } from '../../src/controllers/statefulset/index.js';
import { fakeKubelet, startControllers, waitFor, type ControllerHarness } from '../support/controllers.js';

type Pod = KubeObject & { spec: { hostname?: string; subdomain?: string; containers: { image: string }[]; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] } };
type STS = KubeObject & { status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number; currentReplicas?: number; currentRevision?: string; updateRevision?: string; observedGeneration?: number } };

let h: ControllerHarness;
const kubelet = new AbortController();
let kubeletDone: Promise<void>;
/** Pods labelled `hold: "true"` become ready only when the test says so. */
const allowed = new Set<string>();
before(async () => {
  h = await startControllers([statefulSetController]);
  kubeletDone = fakeKubelet(h.client, kubelet.signal, (p) => p.metadata.labels?.hold !== 'true' || allowed.has(p.metadata.name ?? ''));
});
after(async () => {
  kubelet.abort();
  await kubeletDone;
  await h.stop();
});

const sts = (name: string, replicas: number, image: string, extra: Record<string, unknown> = {}, hold = false): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    serviceName: `${name}-svc`,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name, ...(hold ? { hold: 'true' } : {}) } }, spec: { containers: [{ name: 'c', image }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    ...extra,
  },
});
const podsOf = async (app: string) => (await h.client.list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const names = async (app: string) => (await podsOf(app)).map((p) => p.metadata.name).sort().join(',');
const getSet = (name: string) => h.client.get<STS>(statefulSets, 'default', name);
const images = async (app: string) => (await podsOf(app)).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')).map((p) => `${p.metadata.name ?? ''}=${p.spec.containers[0]?.image ?? ''}`).join(',');

describe('StatefulSet controller', () => {
  test('OrderedReady creates name-0, name-1, … each after its predecessor is Running and Ready, with stable identity and claims', async () => {
    await h.client.create(statefulSets, 'default', sts('ordered', 3, 'db:1', {}, true));
    await waitFor('ordered-0', async () => (await names('ordered')) === 'ordered-0');
    // The controller has looked at ordered-0 (not ready) and stopped there.
    await waitFor('status of one replica', async () => (await getSet('ordered')).status?.replicas === 1);
    assert.equal(await names('ordered'), 'ordered-0');
    allowed.add('ordered-0');
    await waitFor('ordered-1 after ordered-0 is ready', async () => (await names('ordered')) === 'ordered-0,ordered-1');
    await waitFor('status of two replicas', async () => (await getSet('ordered')).status?.replicas === 2);
    assert.equal(await names('ordered'), 'ordered-0,ordered-1');
    allowed.add('ordered-1');
    allowed.add('ordered-2');
    await waitFor('three ready', async () => (await getSet('ordered')).status?.readyReplicas === 3);
    const p1 = await h.client.get<Pod>(pods, 'default', 'ordered-1');
    assert.equal(p1.spec.hostname, 'ordered-1');
    assert.equal(p1.spec.subdomain, 'ordered-svc');
    assert.equal(p1.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'ordered-1');
    assert.equal(p1.metadata.labels['apps.kubernetes.io/pod-index'], '1');
    assert.deepEqual(p1.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: 'data-ordered-1' });
    const claims = (await h.client.list(persistentVolumeClaims, 'default')).items.map((c) => c.metadata.name).sort();
    assert.deepEqual(claims, ['data-ordered-0', 'data-ordered-1', 'data-ordered-2']);
    // The default retention (Retain) leaves claims unowned, so that they outlive the set.
    assert.ok((await h.client.list(persistentVolumeClaims, 'default')).items.every((c) => !c.metadata.ownerReferences?.length));
    const st = await getSet('ordered');
    assert.equal(st.status?.currentRevision, st.status?.updateRevision);
    assert.equal(p1.metadata.labels['controller-revision-hash'], st.status?.updateRevision);

    // Scale down removes the highest ordinal first, one at a time.
    const deleted: string[] = [];
    const ac = new AbortController();
    const watching = h.client.watch<Pod>(pods, 'default', { labelSelector: 'app=ordered', resourceVersion: st.metadata.resourceVersion ?? '0' }, (e) => {
      if (e.type === 'DELETED') deleted.push(e.object.metadata.name ?? '');
    }, ac.signal);
    try {
      await h.client.patch(statefulSets, 'default', 'ordered', { spec: { replicas: 1 } });
      await waitFor('two pods deleted', () => deleted.length === 2);
      assert.deepEqual(deleted, ['ordered-2', 'ordered-1']);
      assert.equal(await names('ordered'), 'ordered-0');
    } finally {
      ac.abort();
      await watching.catch(() => {});
    }
  });

  test('RollingUpdate updates from the highest ordinal down to the partition; the current revision follows when all are updated', async () => {
    await h.client.create(statefulSets, 'default', sts('part', 3, 'db:1', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await waitFor('three ready', async () => (await getSet('part')).status?.readyReplicas === 3);
    const before = await getSet('part');
    await h.client.patch(statefulSets, 'default', 'part', { spec: { template: { spec: { containers: [{ name: 'c', image: 'db:2' }] } } } }, 'strategic');
    const st = await waitFor('two updated', async () => {
      const s = await getSet('part');
      return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 && s.status;
    });
    assert.equal(await images('part'), 'part-0=db:1,part-1=db:2,part-2=db:2');
    assert.equal(st.currentRevision, before.status?.currentRevision);
    assert.notEqual(st.updateRevision, st.currentRevision);
    await h.client.patch(statefulSets, 'default', 'part', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, 'strategic');
    const done = await waitFor('all updated', async () => {
      const s = await getSet('part');
      return s.status?.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision && s;
    });
    assert.equal(await images('part'), 'part-0=db:2,part-1=db:2,part-2=db:2');
    assert.equal(done.status?.currentReplicas, 3);
  });

  test('Parallel creates every pod without waiting', async () => {
    await h.client.create(statefulSets, 'default', sts('par', 3, 'db:1', { podManagementPolicy: 'Parallel' }, true));
    // Its pods never become ready (the kubelet holds them back), yet all three exist.
    await waitFor('three pods at once', async () => (await names('par')) === 'par-0,par-1,par-2');
    assert.equal((await getSet('par')).status?.readyReplicas ?? 0, 0);
  });

  test('persistentVolumeClaimRetentionPolicy: whenDeleted Delete makes the set own its claims; whenScaled Delete hands a condemned pod its claims', async () => {
    const set = await h.client.create(statefulSets, 'default', sts('keep', 2, 'db:1', { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await waitFor('two ready', async () => (await getSet('keep')).status?.readyReplicas === 2);
    const claim1 = await h.client.get(persistentVolumeClaims, 'default', 'data-keep-1');
    assert.deepEqual(claim1.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'keep', uid: set.metadata.uid, blockOwnerDeletion: true }]);
    const pod1 = await h.client.get(pods, 'default', 'keep-1');
    await h.client.patch(statefulSets, 'default', 'keep', { spec: { replicas: 1 } });
    const owned = await waitFor('the claim of keep-1 owned by its pod', async () => {
      const c = await h.client.get(persistentVolumeClaims, 'default', 'data-keep-1');
      return c.metadata.ownerReferences?.some((r) => r.kind === 'Pod' && r.uid === pod1.metadata.uid) && c;
    });
    assert.equal(owned.metadata.ownerReferences?.length, 2);
    await waitFor('keep-1 removed', async () => (await names('keep')) === 'keep-0');
  });
});
