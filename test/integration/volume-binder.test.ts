import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { persistentVolumeClaims, persistentVolumes, pods } from '../../src/api/core/index.js';
import { storageClasses } from '../../src/api/storage/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { newVolumeBinderController } from '../../src/controllers/volume/binder.js';
import { newLocalPathProvisioner } from '../../src/controllers/volume/localpath.js';
import type { PV, PVC } from '../../src/controllers/volume/types.js';
import { eventsOf, waitFor, startControllers, type ControllerHarness } from '../support/controllers.js';

const pv = (name: string, storage: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, labels },
  spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/srv/${name}` } },
});
const claim = (name: string, storage: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec },
});

describe('persistent volume binder and local-path provisioner', () => {
  let h: ControllerHarness;
  before(async () => {
    h = await startControllers([newVolumeBinderController(), newLocalPathProvisioner({ dir: '/tmp/skiff-storage' })]);
  });
  after(async () => {
    await h.stop();
  });
  const getPV = (name: string) => h.client.get<PV>(persistentVolumes, '', name);
  const getPVC = (name: string) => h.client.get<PVC>(persistentVolumeClaims, 'default', name);
  const bound = (name: string) => waitFor(`${name} Bound`, async () => ((await getPVC(name)).status?.phase === 'Bound' ? getPVC(name) : undefined));

  test('a claim binds to the smallest matching static volume (class, modes, capacity, selector)', async () => {
    await h.client.create(persistentVolumes, '', pv('small', '1Gi', { tier: 'slow' }));
    await h.client.create(persistentVolumes, '', pv('medium', '2Gi', { tier: 'fast' }));
    await h.client.create(persistentVolumes, '', pv('large', '5Gi', { tier: 'fast' }));
    await h.client.create(persistentVolumeClaims, 'default', claim('fast-one', '500Mi', { storageClassName: 'manual', selector: { matchLabels: { tier: 'fast' } } }));
    const c = await bound('fast-one');
    assert.equal(c.spec.volumeName, 'medium');
    assert.equal(c.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(c.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(c.status?.capacity, { storage: '2Gi' });
    assert.deepEqual(c.status.accessModes, ['ReadWriteOnce']);
    const v = await waitFor('medium Bound', async () => ((await getPV('medium')).status?.phase === 'Bound' ? getPV('medium') : undefined));
    assert.equal(v.spec.claimRef?.name, 'fast-one');
    assert.equal(v.spec.claimRef.uid, c.metadata.uid);
    assert.equal(v.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal((await getPV('small')).status?.phase, 'Available');
    // Its claim gone, a Retain volume is Released.
    await h.client.delete(persistentVolumeClaims, 'default', 'fast-one');
    await waitFor('medium Released', async () => ((await getPV('medium')).status?.phase === 'Released' ? true : undefined));
  });

  test('local-path: the default class; a volume on the node its first pod was put on; removed with its claim', async () => {
    const sc = await waitFor('local-path class', () => h.client.get<KubeObject & { provisioner: string; volumeBindingMode: string; reclaimPolicy: string }>(storageClasses, '', 'local-path'));
    assert.equal(sc.provisioner, 'rancher.io/local-path');
    assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    const c = await h.client.create<PVC>(persistentVolumeClaims, 'default', claim('data', '2Gi', { storageClassName: 'local-path' }));
    await waitFor('WaitForFirstConsumer', async () => (await eventsOf(h.client, c)).some((e) => e.reason === 'WaitForFirstConsumer'));
    assert.equal((await getPVC('data')).spec.volumeName, undefined);
    await h.client.create(pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user' },
      spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    });
    const b = await bound('data');
    assert.equal(b.metadata.annotations?.['volume.kubernetes.io/selected-node'], 'node-a');
    assert.equal(b.metadata.annotations['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    const name = `pvc-${c.metadata.uid ?? ''}`;
    assert.equal(b.spec.volumeName, name);
    const v = (await getPV(name)) as PV & { spec: { hostPath?: { path: string } } };
    assert.equal(v.spec.hostPath?.path, `/tmp/skiff-storage/${name}_default_data`);
    assert.deepEqual(v.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0], { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] });
    assert.equal(v.spec.capacity?.storage, '2Gi');
    assert.equal(v.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(v.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    const events = await eventsOf(h.client, c);
    assert.ok(events.some((e) => e.reason === 'ProvisioningSucceeded' && e.message === `Successfully provisioned volume ${name}`));
    await h.client.delete(persistentVolumeClaims, 'default', 'data');
    await waitFor('volume deleted', async () => {
      try {
        await getPV(name);
        return undefined;
      } catch {
        return true;
      }
    });
  });
});
