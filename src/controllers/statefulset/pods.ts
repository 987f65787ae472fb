/**
 * A StatefulSet's pods and claims: stable identities (`<set>-<ordinal>`,
 * hostname and subdomain), the labels upstream puts on them, and one
 * PersistentVolumeClaim per volumeClaimTemplate and ordinal, named
 * `<claim>-<set>-<ordinal>`.
 */
import type { KubeObject, OwnerReference } from '../../api/meta.js';
import { REVISION_LABEL, type ControllerRevision } from '../util/revisions.js';
import { podFromTemplate } from '../util/template.js';
import type { Condition, Pod, PodTemplate } from '../util/types.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    selector?: unknown;
    template?: PodTemplate;
    serviceName?: string;
    podManagementPolicy?: string;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    ordinals?: { start?: number };
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
    volumeClaimTemplates?: (KubeObject & { spec?: Record<string, unknown> })[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
    conditions?: Condition[];
  };
}

/** `<set>-<ordinal>` → ordinal, or -1 if the name is not one of the set's. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const prefix = `${set.metadata.name ?? ''}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

export const claimName = (set: StatefulSet, template: string, ordinal: number): string => `${template}-${set.metadata.name ?? ''}-${ordinal}`;

/** The template a revision holds (its data is the patch `{spec: {template: …, $patch: replace}}`). */
export function revisionTemplate(rev: ControllerRevision): PodTemplate {
  const t = structuredClone((rev.data as { spec?: { template?: PodTemplate & { $patch?: string } } } | undefined)?.spec?.template ?? {});
  delete t.$patch;
  return t;
}

/** The pod of `ordinal` from `template` at revision `revision`: stable name, hostname, subdomain, claims. */
export function statefulPod(set: StatefulSet, template: PodTemplate, revision: string, ordinal: number): Pod {
  const name = `${set.metadata.name ?? ''}-${ordinal}`;
  const pod = podFromTemplate(template, set, name);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision };
  const spec = pod.spec ?? {};
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  const claims = (set.spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name ?? '');
  spec.volumes = [...(spec.volumes ?? []).filter((v) => !claims.includes(v.name)), ...claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: claimName(set, c, ordinal) } }))];
  pod.spec = spec;
  return pod;
}

/** The claims of `ordinal`, owned by the set if its retention policy deletes them with it. */
export function statefulClaims(set: StatefulSet, ordinal: number): KubeObject[] {
  const matchLabels = (set.spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  const owners: OwnerReference[] =
    set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete' ? [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name ?? '', uid: set.metadata.uid ?? '', blockOwnerDeletion: true }] : [];
  return (set.spec.volumeClaimTemplates ?? []).map((c) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, c.metadata.name ?? '', ordinal),
      namespace: set.metadata.namespace ?? '',
      labels: { ...(c.metadata.labels ?? {}), ...matchLabels },
      ...(c.metadata.annotations ? { annotations: c.metadata.annotations } : {}),
      ...(owners.length ? { ownerReferences: owners } : {}),
    },
    spec: structuredClone(c.spec ?? {}),
  }));
}
