/**
 * The few fields of the workload kinds the controllers read and write,
 * typed loosely: API objects arrive as untyped JSON (`KubeObject`) and are
 * validated by the API server, so these views only name what we use.
 */
import type { KubeObject, ObjectMeta } from '../../api/meta.js';

/** A condition as the apps kinds and pods carry them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

/** core/v1 PodTemplateSpec. */
export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** The parts of core/v1 PodSpec the controllers touch. */
export interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: NodeAffinity; [k: string]: unknown };
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean }; [k: string]: unknown }[];
  [k: string]: unknown;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
  [k: string]: unknown;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: { phase?: string; conditions?: Condition[]; containerStatuses?: { name: string; restartCount?: number }[]; [k: string]: unknown };
}

export interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean };
  status?: { conditions?: Condition[] };
}

/** A workload object: spec and status as loose records plus what every workload has. */
export interface Workload<S = Record<string, unknown>, T = Record<string, unknown>> extends KubeObject {
  spec: S & { selector?: unknown; template?: PodTemplate; minReadySeconds?: number };
  status?: T;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: unknown;
  template?: PodTemplate;
}
export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}
export type ReplicaSet = Workload<ReplicaSetSpec, ReplicaSetStatus>;
