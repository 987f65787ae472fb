/**
 * VolumeBinding and VolumeZone, as upstream. PreFilter sorts the pod's
 * claims: a claim that is missing, lost or being deleted, or unbound in
 * Immediate mode, refuses the pod everywhere; fully bound claims are
 * checked per node against their volume's node affinity (and zone labels);
 * claims of a WaitForFirstConsumer class need, on each node, either an
 * Available volume that fits (smallest first) or a class that can
 * provision there. For the chosen node, `planVolumes` says what to write
 * before the pod is bound (scheduler.ts does it, then waits for the PV
 * controller): static volumes pre-bound to their claims, and
 * `volume.kubernetes.io/selected-node` on claims to provision.
 */
import { claimFullyBound, requestedStorage, volumeBoundToClaim, volumeSatisfiesClaim, type ClaimLike, type VolumeLike } from '../../api/core/volume-match.js';
import type { KubeObject } from '../../api/meta.js';
import { quantityValue } from '../../api/quantity.js';
import { fail, type Cluster, type CycleState, type FilterPlugin, type Status } from '../framework.js';
import type { NodeInfo, PodInfo } from '../nodeinfo.js';
import type { Node, NodeSelectorTerm } from '../types.js';
import { termMatches } from './helpers.js';

export interface PV extends KubeObject {
  readonly spec?: VolumeLike['spec'] & { readonly nodeAffinity?: { readonly required?: { readonly nodeSelectorTerms?: readonly NodeSelectorTerm[] } } };
  readonly status?: { readonly phase?: string };
}

export interface PVC extends KubeObject {
  readonly spec?: ClaimLike['spec'];
  readonly status?: { readonly phase?: string };
}

interface StorageClass extends KubeObject {
  readonly provisioner?: string;
  readonly volumeBindingMode?: string;
  readonly allowedTopologies?: readonly { readonly matchLabelExpressions?: readonly { readonly key: string; readonly values: readonly string[] }[] }[];
}

export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** The provisioner of classes that cannot provision (local volumes made by hand). */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
const REASON_ZONE_CONFLICT = 'node(s) had no available volume zone';

const zoneLabels = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region'];

const claimNames = (pi: PodInfo) => (pi.pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));

/** The pod's claims sorted out once (PreFilter). */
interface VolumeState {
  /** Fully bound claims and their volumes (undefined: the volume does not exist). */
  readonly bound: readonly { readonly claim: PVC; readonly pv: PV | undefined }[];
  /** Unbound claims of WaitForFirstConsumer classes, smallest request first. */
  readonly delayed: readonly PVC[];
}

/** What to write for the delayed claims on one node. */
export interface VolumePlan {
  readonly staticBindings: readonly { readonly claim: PVC; readonly pv: PV }[];
  readonly provisions: readonly PVC[];
}

const STATE = 'VolumeBinding';

const isDelayBinding = (claim: PVC, cluster: Cluster) => {
  const className = claim.spec?.storageClassName ?? '';
  return className !== '' && (cluster.storageClass(className) as StorageClass | undefined)?.volumeBindingMode === 'WaitForFirstConsumer';
};

/** PreFilter: resolve the claims, refusing the pod if one cannot be used anywhere. */
export function volumeState(pi: PodInfo, cluster: Cluster): VolumeState | Status | undefined {
  const names = claimNames(pi);
  if (names.length === 0) return undefined;
  const ns = pi.pod.metadata.namespace ?? '';
  const claims: PVC[] = [];
  for (const name of names) {
    const pvc = cluster.pvc(ns, name) as PVC | undefined;
    if (!pvc) return fail(`persistentvolumeclaim "${name}" not found`, true);
    if (pvc.status?.phase === 'Lost') return fail(`persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"`, true);
    if (pvc.metadata.deletionTimestamp) return fail(`persistentvolumeclaim "${name}" is being deleted`, true);
    claims.push(pvc);
  }
  const bound: { claim: PVC; pv: PV | undefined }[] = [];
  const delayed: PVC[] = [];
  for (const claim of claims) {
    if (claimFullyBound(claim)) bound.push({ claim, pv: cluster.pv(claim.spec?.volumeName ?? '') });
    // A claim naming its volume but not yet bound waits for the PV controller, as an Immediate one.
    else if (!claim.spec?.volumeName && isDelayBinding(claim, cluster)) {
      if (!delayed.some((c) => c.metadata.name === claim.metadata.name)) delayed.push(claim);
    } else return fail('pod has unbound immediate PersistentVolumeClaims', true);
  }
  delayed.sort((a, b) => requestedStorage(a) - requestedStorage(b));
  return { bound, delayed };
}

const affinityAdmits = (pv: PV, node: Node) => {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || terms.some((t) => termMatches(t, node));
};

/** Whether a class can provision a volume reachable from `node` (its allowedTopologies). */
function canProvision(claim: PVC, node: Node, cluster: Cluster): boolean {
  const cls = cluster.storageClass(claim.spec?.storageClassName ?? '') as StorageClass | undefined;
  if (!cls?.provisioner || cls.provisioner === NO_PROVISIONER) return false;
  const topologies = cls.allowedTopologies ?? [];
  if (topologies.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return topologies.some((t) => (t.matchLabelExpressions ?? []).every((e) => labels[e.key] !== undefined && e.values.includes(labels[e.key] ?? '')));
}

/** The smallest Available volume that fits the claim on the node (a volume pre-bound to the claim first), not already chosen. */
function findVolume(claim: PVC, node: Node, cluster: Cluster, chosen: ReadonlySet<string>): PV | undefined {
  let best: PV | undefined;
  let bestSize = Infinity;
  for (const pv of cluster.volumesOfClass(claim.spec?.storageClassName ?? '') as PV[]) {
    const name = pv.metadata.name ?? '';
    if (chosen.has(name) || pv.metadata.deletionTimestamp || !volumeSatisfiesClaim(pv, claim) || !affinityAdmits(pv, node)) continue;
    if (pv.spec?.claimRef) {
      if (volumeBoundToClaim(pv, claim)) return pv;
      continue;
    }
    const size = quantityValue(pv.spec?.capacity?.storage) ?? 0;
    if (size < bestSize) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}

/** Where the delayed claims would come from on `node`: a plan, or the reason the node cannot serve them. */
export function planVolumes(delayed: readonly PVC[], node: Node, cluster: Cluster): VolumePlan | string {
  const nodeName = node.metadata.name ?? '';
  const staticBindings: { claim: PVC; pv: PV }[] = [];
  const provisions: PVC[] = [];
  const chosen = new Set<string>();
  for (const claim of delayed) {
    const selected = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    // Provisioning was started for another node.
    if (selected !== undefined && selected !== nodeName) return REASON_BIND_CONFLICT;
    const pv = selected === undefined ? findVolume(claim, node, cluster, chosen) : undefined;
    if (pv) {
      chosen.add(pv.metadata.name ?? '');
      staticBindings.push({ claim, pv });
    } else if (canProvision(claim, node, cluster)) provisions.push(claim);
    else return REASON_BIND_CONFLICT;
  }
  return { staticBindings, provisions };
}

/** The plan for the chosen node of a pod that passed the filters (undefined: nothing to bind). */
export function volumePlanFor(pi: PodInfo, ni: NodeInfo, cluster: Cluster): VolumePlan | undefined {
  const s = volumeState(pi, cluster);
  if (!s || !('delayed' in s) || s.delayed.length === 0 || !ni.node) return undefined;
  const plan = planVolumes(s.delayed, ni.node, cluster);
  return typeof plan === 'string' ? undefined : plan;
}

const stateOf = (state: CycleState) => state.get(STATE) as VolumeState | undefined;

export const volumeBinding: FilterPlugin = {
  name: 'VolumeBinding',
  preFilter: (pi, cluster, state) => {
    const s = volumeState(pi, cluster);
    if (!s) return 'skip';
    if (!('bound' in s)) return s;
    state.set(STATE, s);
    return undefined;
  },
  filter: (_pi, ni, state, cluster) => {
    const s = stateOf(state);
    const node = ni.node;
    if (!s || !node) return undefined;
    const reasons: string[] = [];
    let pvMissing = false;
    for (const { pv } of s.bound) {
      if (!pv) {
        pvMissing = true;
        break;
      }
      if (!affinityAdmits(pv, node)) {
        reasons.push(REASON_NODE_CONFLICT);
        break;
      }
    }
    if (s.delayed.length) {
      const plan = planVolumes(s.delayed, node, cluster);
      if (typeof plan === 'string') reasons.push(plan);
    }
    if (pvMissing) reasons.push(REASON_PV_NOT_EXIST);
    return reasons.length ? { reasons, unresolvable: true } : undefined;
  },
};

/** VolumeZone: a bound volume's zone/region labels (a value may list zones joined by `__`) include the node's. */
export const volumeZone: FilterPlugin = {
  name: 'VolumeZone',
  preFilter: (pi, _cluster, state) => (claimNames(pi).length && stateOf(state)?.bound.some(({ pv }) => pv && zoneLabels.some((l) => pv.metadata.labels?.[l])) ? undefined : 'skip'),
  filter: (_pi, ni, state) => {
    const nodeLabels = ni.node?.metadata.labels ?? {};
    for (const { pv } of stateOf(state)?.bound ?? []) {
      for (const l of zoneLabels) {
        const v = pv?.metadata.labels?.[l];
        if (!v) continue;
        const nodeValue = nodeLabels[l];
        if (nodeValue === undefined || !v.split('__').includes(nodeValue)) return fail(REASON_ZONE_CONFLICT, true);
      }
    }
    return undefined;
  },
};
