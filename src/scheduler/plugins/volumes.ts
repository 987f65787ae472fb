/**
 * VolumeBinding and VolumeZone for claims that are already bound: the
 * pod's PersistentVolumeClaims must exist, immediate-mode claims must be
 * bound, and a bound PersistentVolume's node affinity and zone labels must
 * admit the node. Claims waiting for their first consumer
 * (WaitForFirstConsumer) are left to the binder: the scheduler names the
 * chosen node on them (see scheduler.ts).
 */
import type { KubeObject } from '../../api/meta.js';
import { fail, type Cluster, type CycleState, type FilterPlugin } from '../framework.js';
import type { PodInfo } from '../nodeinfo.js';
import type { NodeSelectorTerm } from '../types.js';
import { termMatches } from './helpers.js';

interface PV extends KubeObject {
  spec?: { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
}

const zoneLabels = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region'];

const claimNames = (pi: PodInfo) => (pi.pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));

/** Resolves the pod's claims to their bound volumes (PreFilter), refusing the pod if a claim is missing, terminating or unbound in Immediate mode. */
function boundVolumes(pi: PodInfo, cluster: Cluster, state: CycleState): ReturnType<NonNullable<FilterPlugin['preFilter']>> {
  const names = claimNames(pi);
  if (names.length === 0) return 'skip';
  const ns = pi.pod.metadata.namespace ?? '';
  const pvs: PV[] = [];
  for (const name of names) {
    const pvc = cluster.pvc(ns, name);
    if (!pvc) return fail(`persistentvolumeclaim "${name}" not found`, true);
    if (pvc.metadata.deletionTimestamp) return fail(`persistentvolumeclaim "${name}" is being deleted`, true);
    const volumeName = (pvc.spec as { volumeName?: string } | undefined)?.volumeName;
    if (!volumeName) {
      const className = (pvc.spec as { storageClassName?: string } | undefined)?.storageClassName ?? '';
      const mode = (cluster.storageClass(className) as { volumeBindingMode?: string } | undefined)?.volumeBindingMode;
      if (mode !== 'WaitForFirstConsumer') return fail('pod has unbound immediate PersistentVolumeClaims', true);
      continue;
    }
    const pv = cluster.pv(volumeName) as PV | undefined;
    if (!pv) return fail(`persistentvolume "${volumeName}" not found`, true);
    pvs.push(pv);
  }
  state.set('volumes', pvs);
  return pvs.length ? undefined : 'skip';
}

const pvsOf = (state: CycleState) => (state.get('volumes') as PV[] | undefined) ?? [];

/** VolumeBinding: bound volumes' required node affinity matches the node. */
export const volumeBinding: FilterPlugin = {
  name: 'VolumeBinding',
  preFilter: boundVolumes,
  filter: (_pi, ni, state) => {
    if (!ni.node) return undefined;
    for (const pv of pvsOf(state)) {
      const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
      if (terms && !terms.some((t) => termMatches(t, ni.node ?? { apiVersion: 'v1', kind: 'Node', metadata: {} }))) return fail('node(s) had volume node affinity conflict', true);
    }
    return undefined;
  },
};

/** VolumeZone: a bound volume's zone/region labels (a value may list zones joined by `__`) include the node's. */
export const volumeZone: FilterPlugin = {
  name: 'VolumeZone',
  preFilter: (pi, _cluster, state) => (claimNames(pi).length && pvsOf(state).some((pv) => zoneLabels.some((l) => pv.metadata.labels?.[l])) ? undefined : 'skip'),
  filter: (_pi, ni, state) => {
    const nodeLabels = ni.node?.metadata.labels ?? {};
    for (const pv of pvsOf(state)) {
      for (const l of zoneLabels) {
        const v = pv.metadata.labels?.[l];
        if (!v) continue;
        const nodeValue = nodeLabels[l];
        if (nodeValue === undefined || !v.split('__').includes(nodeValue)) return fail('node(s) had no available volume zone', true);
      }
    }
    return undefined;
  },
};
