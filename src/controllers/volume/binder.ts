/**
 * The PersistentVolume binder, as upstream's persistentvolume-binder:
 * binds each pending claim to the smallest Available volume that fits
 * (class, access modes, capacity, volume mode, selector, and the selected
 * node's affinity), marking both Bound with upstream's annotations; asks
 * the class's provisioner for a volume when none fits; marks a volume
 * Released when its claim goes (a Delete-policy volume is then removed by
 * its provisioner). Claims of a WaitForFirstConsumer class wait for a pod:
 * once a pod using the claim is on a node, the claim is annotated with
 * that node (`volume.kubernetes.io/selected-node`), as the scheduler's
 * volume binding does.
 */
import { persistentVolumeClaims, persistentVolumes, pods } from '../../api/core/index.js';
import { volumeBoundToClaim, volumeSatisfiesClaim } from '../../api/core/volume-match.js';
import { quantityValue } from '../../api/quantity.js';
import { storageClasses } from '../../api/storage/index.js';
import { isNotFound, keyOf, WorkQueue, type Client } from '../../client/index.js';
import type { Controller } from '../controller.js';
import type { PodLike } from '../util/pods.js';
import { runQueue } from '../util/run.js';
import { ANN, classOf, type PV, type PVC, type StorageClass } from './types.js';

/** True if `pv` can serve `claim` (on `node`, when one is selected). */
export function volumeFits(pv: PV, claim: PVC, node: string | undefined): boolean {
  if (!volumeSatisfiesClaim(pv, claim)) return false;
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (node && terms?.length) {
    const labels = { 'kubernetes.io/hostname': node };
    const ok = terms.some((t) => (t.matchExpressions ?? []).every((e) => (e.key in labels ? (e.operator === 'In' ? (e.values ?? []).includes(node) : e.operator === 'NotIn' ? !(e.values ?? []).includes(node) : true) : true)));
    if (!ok) return false;
  }
  return true;
}

const claimedBy = volumeBoundToClaim;

/** New PV/PVC binder. */
export function newVolumeBinderController(): Controller {
  return {
    name: 'persistentvolume-binder',
    async run(ctx) {
      const pvs = ctx.informers.for<PV>(persistentVolumes);
      const pvcs = ctx.informers.for<PVC>(persistentVolumeClaims);
      const classes = ctx.informers.for<StorageClass>(storageClasses);
      const podInf = ctx.informers.for<PodLike>(pods);
      const recorder = ctx.recorder('persistentvolume-controller');
      const queue = new WorkQueue();
      const claimKey = (ns: string, name: string) => `claim:${ns}/${name}`;
      const onClaim = (c: PVC) => {
        queue.add(`claim:${keyOf(c)}`);
        if (c.spec.volumeName) queue.add(`volume:${c.spec.volumeName}`);
      };
      pvcs.on({ add: onClaim, update: (_, c) => onClaim(c), delete: onClaim });
      const onPV = (pv: PV) => {
        queue.add(`volume:${keyOf(pv)}`);
        const ref = pv.spec.claimRef;
        if (ref?.name) queue.add(claimKey(ref.namespace ?? '', ref.name));
        // A new Available volume may fit a waiting claim.
        if (!ref) for (const c of pvcs.list()) if (!c.spec.volumeName) queue.add(`claim:${keyOf(c)}`);
      };
      pvs.on({ add: onPV, update: (_, pv) => onPV(pv), delete: onPV });
      const onPod = (p: PodLike) => {
        if (p.spec?.nodeName) for (const v of p.spec.volumes ?? []) if (v.persistentVolumeClaim) queue.add(`pod:${keyOf(p)}`);
      };
      podInf.on({ add: onPod, update: (_, p) => onPod(p) });
      if (!(await ctx.informers.synced())) return;
      const classNamed = (name: string) => (name ? classes.get(name) : undefined);
      // Upstream's recorder folds repeats into one Event with a count; this one records each reason once per claim.
      const said = new Set<string>();
      const event = (claim: PVC, type: 'Normal' | 'Warning', reason: string, message: string) => {
        const k = `${claim.metadata.uid ?? ''}/${reason}`;
        if (said.has(k)) return;
        said.add(k);
        recorder.event(claim, type, reason, message);
      };

      const syncClaim = async (key: string) => {
        const cached = pvcs.get(key);
        if (!cached || cached.metadata.deletionTimestamp) return;
        const claim = structuredClone(cached);
        if (claim.status?.phase === 'Bound' && claim.spec.volumeName) {
          if (!pvs.get(claim.spec.volumeName)) await setClaimPhase(ctx.client, claim, 'Lost');
          return;
        }
        const cls = classNamed(classOf(claim));
        const node = claim.metadata.annotations?.[ANN.selectedNode];
        const waitForConsumer = cls?.volumeBindingMode === 'WaitForFirstConsumer' && !node;
        let pv: PV | undefined;
        if (claim.spec.volumeName) {
          pv = pvs.get(claim.spec.volumeName);
          if (!pv || (pv.spec.claimRef && !claimedBy(pv, claim))) return;
        } else {
          // A volume pre-bound to this claim first, then the smallest that fits.
          const candidates = pvs.list().filter((v) => (v.spec.claimRef ? claimedBy(v, claim) : (v.status?.phase ?? 'Available') === 'Available') && !v.metadata.deletionTimestamp && volumeFits(v, claim, node));
          candidates.sort((a, b) => Number(!!b.spec.claimRef) - Number(!!a.spec.claimRef) || (quantityValue(a.spec.capacity?.storage) ?? 0) - (quantityValue(b.spec.capacity?.storage) ?? 0));
          pv = waitForConsumer && !candidates[0]?.spec.claimRef ? undefined : candidates[0];
        }
        if (pv) return bind(ctx.client, structuredClone(pv), claim);
        if (waitForConsumer) {
          event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
          return;
        }
        if (cls?.provisioner) {
          if (claim.metadata.annotations?.[ANN.storageProvisioner] !== cls.provisioner) {
            await ctx.client.patch(persistentVolumeClaims, claim.metadata.namespace ?? '', claim.metadata.name ?? '', { metadata: { annotations: { [ANN.storageProvisioner]: cls.provisioner, [ANN.betaStorageProvisioner]: cls.provisioner } } });
            event(claim, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${cls.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
          }
          return;
        }
        event(claim, 'Normal', 'FailedBinding', classOf(claim) ? `storageclass.storage.k8s.io "${classOf(claim)}" not found` : 'no persistent volumes available for this claim and no storage class is set');
      };

      const syncVolume = async (key: string) => {
        const cached = pvs.get(key);
        if (!cached || cached.metadata.deletionTimestamp) return;
        const pv = structuredClone(cached);
        const ref = pv.spec.claimRef;
        if (!ref) {
          if (pv.status?.phase !== 'Available') await setVolumePhase(ctx.client, pv, 'Available');
          return;
        }
        const claim = pvcs.get(`${ref.namespace ?? ''}/${ref.name ?? ''}`);
        if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) {
          if (claim.spec.volumeName === pv.metadata.name && pv.status?.phase !== 'Bound') await setVolumePhase(ctx.client, pv, 'Bound');
          return;
        }
        // Pre-bound to a claim that does not exist yet: stays Available.
        if (!ref.uid) return;
        if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') await setVolumePhase(ctx.client, pv, 'Released');
      };

      /** A pod on a node that uses WaitForFirstConsumer claims picks their node. */
      const syncPod = async (key: string) => {
        const p = podInf.get(key);
        const node = p?.spec?.nodeName;
        if (!p || !node) return;
        for (const v of p.spec?.volumes ?? []) {
          const claim = v.persistentVolumeClaim ? pvcs.get(`${p.metadata.namespace ?? ''}/${v.persistentVolumeClaim.claimName}`) : undefined;
          if (!claim || claim.spec.volumeName || claim.metadata.annotations?.[ANN.selectedNode]) continue;
          if (classNamed(classOf(claim))?.volumeBindingMode !== 'WaitForFirstConsumer') continue;
          await ctx.client.patch(persistentVolumeClaims, claim.metadata.namespace ?? '', claim.metadata.name ?? '', { metadata: { annotations: { [ANN.selectedNode]: node } } });
        }
      };

      await runQueue(ctx, 'persistentvolume-binder', queue, 3, async (key) => {
        const i = key.indexOf(':');
        const kind = key.slice(0, i);
        const rest = key.slice(i + 1);
        if (kind === 'claim') await syncClaim(rest);
        else if (kind === 'volume') await syncVolume(rest);
        else await syncPod(rest);
      });
    },
  };
}

/** Claim `pv` for `claim` and mark both Bound, as upstream's bind: volume first, then claim. */
async function bind(client: Client, pv: PV, claim: PVC): Promise<void> {
  if (!pv.spec.claimRef?.uid) {
    pv.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace ?? '', name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '', apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion ?? '' };
    pv.metadata.annotations = { ...pv.metadata.annotations, [ANN.boundByController]: 'yes' };
    Object.assign(pv, await client.update<PV>(persistentVolumes, pv));
  }
  if (pv.status?.phase !== 'Bound') await setVolumePhase(client, pv, 'Bound');
  if (claim.spec.volumeName !== pv.metadata.name || claim.metadata.annotations?.[ANN.bindCompleted] !== 'yes') {
    const byController = claim.spec.volumeName !== pv.metadata.name;
    claim.spec.volumeName = pv.metadata.name ?? '';
    claim.metadata.annotations = { ...claim.metadata.annotations, [ANN.bindCompleted]: 'yes', ...(byController ? { [ANN.boundByController]: 'yes' } : {}) };
    Object.assign(claim, await client.update<PVC>(persistentVolumeClaims, claim));
  }
  await client.update(persistentVolumeClaims, { ...claim, status: { ...claim.status, phase: 'Bound', accessModes: pv.spec.accessModes ?? [], capacity: pv.spec.capacity ?? {} } }, 'status');
}

async function setVolumePhase(client: Client, pv: PV, phase: string): Promise<void> {
  try {
    Object.assign(pv, await client.update<PV>(persistentVolumes, { ...pv, status: { phase } }, 'status'));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

async function setClaimPhase(client: Client, claim: PVC, phase: string): Promise<void> {
  await client.update(persistentVolumeClaims, { ...claim, status: { ...claim.status, phase } }, 'status');
}

