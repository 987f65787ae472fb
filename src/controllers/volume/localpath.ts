/**
 * The local-path provisioner (`rancher.io/local-path`), as k3s ships it:
 * creates the default StorageClass `local-path` (WaitForFirstConsumer,
 * reclaim Delete) at start; for each claim of its class with a selected
 * node, makes a hostPath volume `DIR/pvc-<uid>_<namespace>_<claim>` on that
 * node (node affinity), pre-bound to the claim; removes a Delete-policy
 * volume of its own once released. Creating and removing the directory is
 * the node agent's business: the path is recorded in the volume.
 */
import { persistentVolumeClaims, persistentVolumes } from '../../api/core/index.js';
import { storageClasses } from '../../api/storage/index.js';
import { isAlreadyExists, isNotFound, keyOf, WorkQueue } from '../../client/index.js';
import type { Controller } from '../controller.js';
import { runQueue } from '../util/run.js';
import { ANN, classOf, type PV, type PVC, type StorageClass } from './types.js';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_CLASS = 'local-path';

/** The default StorageClass k3s creates. */
export const localPathClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: LOCAL_PATH_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: LOCAL_PATH_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/** The volume provisioned for `claim` on `node` under `dir`. */
export function localPathVolume(claim: PVC, node: string, dir: string, reclaimPolicy: string): PV {
  const ns = claim.metadata.namespace ?? '';
  const name = `pvc-${claim.metadata.uid ?? ''}`;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN.provisionedBy]: LOCAL_PATH_PROVISIONER, 'local.path.provisioner/selected-node': node } },
    spec: {
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
      storageClassName: classOf(claim),
      volumeMode: claim.spec.volumeMode ?? 'Filesystem',
      persistentVolumeReclaimPolicy: reclaimPolicy,
      hostPath: { path: `${dir.replace(/\/+$/, '')}/${name}_${ns}_${claim.metadata.name ?? ''}`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '', resourceVersion: claim.metadata.resourceVersion ?? '' },
    },
  } as PV;
}

/** New local-path provisioner; volumes live under `dir` on their node. */
export function newLocalPathProvisioner(o: { dir?: string } = {}): Controller {
  const dir = o.dir ?? '/var/lib/skiff/storage';
  return {
    name: 'local-path-provisioner',
    async run(ctx) {
      const pvcs = ctx.informers.for<PVC>(persistentVolumeClaims);
      const pvs = ctx.informers.for<PV>(persistentVolumes);
      const classes = ctx.informers.for<StorageClass>(storageClasses);
      const recorder = ctx.recorder(LOCAL_PATH_PROVISIONER);
      const queue = new WorkQueue();
      pvcs.on({ add: (c) => queue.add(`claim:${keyOf(c)}`), update: (_, c) => queue.add(`claim:${keyOf(c)}`) });
      pvs.on({ add: (v) => queue.add(`volume:${keyOf(v)}`), update: (_, v) => queue.add(`volume:${keyOf(v)}`) });
      if (!(await ctx.informers.synced())) return;
      try {
        await ctx.client.create(storageClasses, '', localPathClass);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      await runQueue(ctx, 'local-path-provisioner', queue, 2, async (key) => {
        const [kind, rest = ''] = key.split(/:(.*)/s);
        if (kind === 'volume') {
          const pv = pvs.get(rest);
          if (pv?.metadata.annotations?.[ANN.provisionedBy] !== LOCAL_PATH_PROVISIONER || pv.status?.phase !== 'Released' || pv.spec.persistentVolumeReclaimPolicy !== 'Delete') return;
          try {
            await ctx.client.delete(persistentVolumes, '', pv.metadata.name ?? '');
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
          return;
        }
        const claim = pvcs.get(rest);
        const node = claim?.metadata.annotations?.[ANN.selectedNode];
        if (!claim || !node || claim.spec.volumeName || claim.metadata.deletionTimestamp) return;
        if (claim.metadata.annotations?.[ANN.storageProvisioner] !== LOCAL_PATH_PROVISIONER && claim.metadata.annotations?.[ANN.betaStorageProvisioner] !== LOCAL_PATH_PROVISIONER) return;
        const cls = classes.get(classOf(claim));
        if (!cls || cls.provisioner !== LOCAL_PATH_PROVISIONER || pvs.get(`pvc-${claim.metadata.uid ?? ''}`)) return;
        const ref = `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;
        recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ref}"`);
        const pv = localPathVolume(claim, node, dir, cls.reclaimPolicy ?? 'Delete');
        try {
          await ctx.client.create(persistentVolumes, '', pv);
        } catch (err) {
          if (!isAlreadyExists(err)) {
            recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${classOf(claim)}": ${err instanceof Error ? err.message : String(err)}`);
            throw err;
          }
        }
        recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name ?? ''}`);
      });
    },
  };
}
