/**
 * VolumeBinding's Reserve and PreBind, as upstream's scheduler volume
 * binder: once a node is chosen for a pod with WaitForFirstConsumer claims,
 * the plan's writes are assumed at once (the next pod sees the volumes
 * taken and the claims placed), then made through the API (a static volume
 * pre-bound to its claim, `volume.kubernetes.io/selected-node` on a claim
 * to provision), and the pod is bound only once the PV controller (and the
 * provisioner) have bound every claim. A provisioner that gives up removes
 * the annotation, which fails the attempt so that the pod is scheduled again.
 */
import { persistentVolumeClaims, persistentVolumes } from '../api/core/index.js';
import { claimFullyBound } from '../api/core/volume-match.js';
import { keyOf, sleep, type Client } from '../client/index.js';
import type { AssumeCache } from './assume.js';
import { SELECTED_NODE_ANNOTATION, type PV, type PVC, type VolumePlan } from './plugins/volumes.js';

const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';

/** How often the claims are looked at while waiting (upstream polls each second). */
const POLL_MS = 100;

export interface VolumeBinderOptions {
  readonly client: Client;
  readonly pvcs: AssumeCache<PVC>;
  readonly pvs: AssumeCache<PV>;
  /** Whether the pod still exists (waiting stops if not). */
  readonly podExists: () => boolean;
  /** Upstream's bindTimeoutSeconds: 600 s. */
  readonly timeoutMs?: number;
}

/** The volume pre-bound to the claim, as upstream's GetBindVolumeToClaim. */
function preBound(pv: PV, claim: PVC): PV {
  const claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace ?? '', name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '', resourceVersion: claim.metadata.resourceVersion ?? '' };
  return { ...pv, metadata: { ...pv.metadata, annotations: { ...pv.metadata.annotations, [BOUND_BY_CONTROLLER]: 'yes' } }, spec: { ...pv.spec, claimRef } };
}

const withSelectedNode = (claim: PVC, node: string): PVC => ({ ...claim, metadata: { ...claim.metadata, annotations: { ...claim.metadata.annotations, [SELECTED_NODE_ANNOTATION]: node } } });

/** Reserve: the plan's writes, seen by the scheduler before they are made. */
export function assumeVolumes(o: VolumeBinderOptions, plan: VolumePlan, node: string): void {
  for (const { claim, pv } of plan.staticBindings) o.pvs.assume(keyOf(pv), preBound(pv, claim));
  for (const claim of plan.provisions) o.pvcs.assume(keyOf(claim), withSelectedNode(claim, node));
}

/** Unreserve. */
export function revertVolumes(o: VolumeBinderOptions, plan: VolumePlan): void {
  for (const { pv } of plan.staticBindings) o.pvs.restore(keyOf(pv));
  for (const claim of plan.provisions) o.pvcs.restore(keyOf(claim));
}

/** PreBind: make the writes, then wait until every claim of the plan is bound; throws why not. */
export async function bindVolumes(o: VolumeBinderOptions, plan: VolumePlan, node: string, signal: AbortSignal): Promise<void> {
  for (const { claim, pv } of plan.staticBindings) await o.client.update(persistentVolumes, preBound(pv, claim));
  for (const claim of plan.provisions) {
    await o.client.patch(persistentVolumeClaims, claim.metadata.namespace ?? '', claim.metadata.name ?? '', { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: node } } }, 'merge');
  }
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  while (!allBound(o, plan, node)) {
    if (!o.podExists()) throw new Error('pod does not exist any more');
    if (Date.now() > deadline) throw new Error('binding volumes: timed out waiting for the condition');
    await sleep(POLL_MS, signal);
    if (signal.aborted) throw new Error('scheduler stopped');
  }
}

/** Every claim of the plan is bound; throws if the PV controller or a provisioner undid our part. */
function allBound(o: VolumeBinderOptions, plan: VolumePlan, node: string): boolean {
  let done = true;
  for (const { claim, pv } of plan.staticBindings) {
    const cur = o.pvs.informer.get(keyOf(pv));
    if (cur?.spec?.claimRef === undefined && cur?.metadata.resourceVersion !== pv.metadata.resourceVersion) throw new Error(`binding volumes: ClaimRef got reset for pv "${pv.metadata.name ?? ''}"`);
    const c = o.pvcs.informer.get(keyOf(claim));
    if (!c) throw new Error(`binding volumes: persistentvolumeclaim "${claim.metadata.name ?? ''}" not found`);
    if (!claimFullyBound(c)) done = false;
  }
  for (const claim of plan.provisions) {
    const c = o.pvcs.informer.get(keyOf(claim));
    if (!c) throw new Error(`binding volumes: persistentvolumeclaim "${claim.metadata.name ?? ''}" not found`);
    const selected = c.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    // Not yet seen our own write, or the provisioner gave up (it removes the annotation to say so).
    if (selected === undefined && c.metadata.resourceVersion === claim.metadata.resourceVersion) done = false;
    else if (selected !== node) throw new Error(`binding volumes: provisioning failed for PVC "${claim.metadata.name ?? ''}"`);
    else if (!claimFullyBound(c)) done = false;
  }
  return done;
}
