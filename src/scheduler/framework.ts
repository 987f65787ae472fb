/**
 * The plugin contract, as upstream's scheduling framework in small: a
 * filter plugin may look at the pod once (`preFilter`, which can refuse it
 * everywhere or say it has nothing to check) and then passes or fails each
 * node with reasons; a score plugin scores each feasible node, normalizes
 * the scores to 0‥100 and is weighted. Plugins are pure functions of the
 * pod, the nodes and the cluster lookups they are given.
 */
import type { LabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/meta.js';
import type { NodeInfo, PodInfo } from './nodeinfo.js';
import type { PodCounts } from './podcounts.js';

/** The highest score a plugin gives a node. */
export const MAX_NODE_SCORE = 100;

/** Why a node does not fit; `unresolvable` if no preemption on that node could help. */
export interface Status {
  readonly reasons: readonly string[];
  readonly unresolvable?: boolean;
}

export const fail = (reason: string, unresolvable = false): Status => ({ reasons: [reason], unresolvable });

/** What plugins may read about the cluster beyond one node. */
export interface Cluster {
  nodes(): readonly NodeInfo[];
  node(name: string): NodeInfo | undefined;
  /** Pods with required anti-affinity, on any node. */
  readonly podsWithRequiredAntiAffinity: ReadonlySet<PodInfo>;
  /** Pods with affinity or anti-affinity terms, on any node. */
  readonly podsWithAffinity: ReadonlySet<PodInfo>;
  /** How many nodes list the image name in `status.images` (0 for all when no node lists any). */
  imageNodes(name: string): number;
  readonly hasImages: boolean;
  /** Pending pods nominated to the node by a preemption (their room is kept for them). */
  nominatedOn(node: string): readonly PodInfo[] | undefined;
  readonly hasNominated: boolean;
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  pvc(namespace: string, name: string): KubeObject | undefined;
  pv(name: string): KubeObject | undefined;
  /** PersistentVolumes of a storage class ('' for none), as the scheduler currently assumes them. */
  volumesOfClass(className: string): readonly KubeObject[];
  storageClass(name: string): KubeObject | undefined;
  /** Label selectors of the Services, ReplicationControllers, ReplicaSets and StatefulSets that select the pod (default spreading). */
  controllerSelectors(pod: PodInfo): readonly LabelSelector[];
  /** Pods (not terminating) in `namespace` that `selector` matches, per node and per node label value (PodTopologySpread). */
  podCounts(namespace: string, selector: LabelSelector): PodCounts;
  /** How many nodes carry the label key. */
  nodesWithLabel(key: string): number;
}

/** Per-pod scratch space shared by one plugin's phases. */
export type CycleState = Map<string, unknown>;

export interface FilterPlugin {
  readonly name: string;
  /** Once per pod: a Status refuses the pod on every node; 'skip' means the plugin has nothing to check. */
  preFilter?(pod: PodInfo, cluster: Cluster, state: CycleState): Status | 'skip' | undefined;
  filter(pod: PodInfo, node: NodeInfo, state: CycleState, cluster: Cluster): Status | undefined;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** Once per pod, with the feasible nodes: 'skip' gives every node 0 from this plugin. */
  preScore?(pod: PodInfo, nodes: readonly NodeInfo[], cluster: Cluster, state: CycleState): 'skip' | undefined;
  score(pod: PodInfo, node: NodeInfo, state: CycleState, cluster: Cluster): number;
  /** Scale raw scores (in place) to 0‥MAX_NODE_SCORE. */
  normalize?(scores: number[], state: CycleState): void;
}

/**
 * Upstream's DefaultNormalizeScore: scale to 0‥100 against the highest
 * score (all 100 when `reverse` and every score is 0), reversed if asked.
 */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? MAX_NODE_SCORE : 0;
    else {
      const s = Math.floor((MAX_NODE_SCORE * (scores[i] ?? 0)) / max);
      scores[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
  }
}
