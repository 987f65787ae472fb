/**
 * A DaemonSet's pods and where they belong: the tolerations upstream adds
 * to every daemon pod, the node-name affinity that pins a pod to its node
 * (the scheduler then binds it there), and whether a node should run (or
 * may keep running) the daemon.
 */
import type { KubeObject } from '../../api/meta.js';
import { nodeMatches, untoleratedTaints } from '../util/nodes.js';
import { REVISION_LABEL } from '../util/revisions.js';
import { podFromTemplate } from '../util/template.js';
import type { Node, Pod, PodSpec, PodTemplate, Toleration } from '../util/types.js';

export interface DaemonSet extends KubeObject {
  spec: {
    selector?: unknown;
    template?: PodTemplate;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  };
  status?: Record<string, unknown> & { collisionCount?: number; observedGeneration?: number };
}

/** Upstream's AddOrUpdateDaemonPodTolerations: daemons ride out node conditions other pods are kept off by. */
export function withDaemonTolerations(spec: PodSpec): PodSpec {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ...(spec.hostNetwork ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : []),
  ];
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of add) {
    const i = tolerations.findIndex((x) => x.key === t.key && x.effect === t.effect);
    if (i >= 0) tolerations[i] = t;
    else tolerations.push(t);
  }
  return { ...spec, tolerations };
}

/** The daemon pod for `node`: pinned by a `metadata.name` node-affinity term (replacing any required terms, which the node already satisfies). */
export function daemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const pod = podFromTemplate(ds.spec.template, ds);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [REVISION_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
  const spec = withDaemonTolerations(pod.spec ?? {});
  const affinity = spec.affinity ?? {};
  const nodeAffinity = affinity.nodeAffinity ?? {};
  spec.affinity = { ...affinity, nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } };
  pod.spec = spec;
  return pod;
}

/**
 * Upstream's NodeShouldRunDaemonPod: `run` if the node matches the
 * template's node name, selector and affinity and its NoSchedule/NoExecute
 * taints are tolerated; `keep` (a pod already there may stay) unless a
 * NoExecute taint is not tolerated.
 */
export function shouldRun(ds: DaemonSet, node: Node): { run: boolean; keep: boolean } {
  const spec = withDaemonTolerations(ds.spec.template?.spec ?? {});
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { run: false, keep: false };
  if (!nodeMatches(spec, node)) return { run: false, keep: false };
  if (untoleratedTaints(node, spec.tolerations, ['NoSchedule', 'NoExecute']).length > 0) return { run: false, keep: untoleratedTaints(node, spec.tolerations, ['NoExecute']).length === 0 };
  return { run: true, keep: true };
}
