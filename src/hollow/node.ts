/**
 * Pure builders of what a hollow node writes about itself: its Node (as
 * the kubelet registers it), its status conditions, and its Lease in
 * `kube-node-lease`. No I/O: the clock comes in as an argument.
 */
import type { KubeObject } from '../api/meta.js';

/** What one hollow node looks like. */
export interface NodeConfig {
  readonly name: string;
  /** The node's pod range, `10.42.3.0/24`. */
  readonly podCIDR: string;
  readonly internalIP: string;
  /** CPU cores (a quantity: `4`, `500m`). */
  readonly cpu: string;
  /** Memory in bytes. */
  readonly memoryBytes: number;
  /** At most this many pods (the kubelet's `maxPods`, 110 by default). */
  readonly maxPods: number;
  /** `status.nodeInfo.kubeletVersion` (the server's version). */
  readonly kubeletVersion: string;
  /** `status.nodeInfo.containerRuntimeVersion`. */
  readonly runtimeVersion: string;
  /** `status.daemonEndpoints.kubeletEndpoint.Port`, where the API server finds the kubelet (default 10250). */
  readonly kubeletPort?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Scheme of hollow container IDs and of `containerRuntimeVersion`. */
export const RUNTIME = 'hollow';

/** Pods the kubelet accepts by default (`--max-pods`). */
export const DEFAULT_MAX_PODS = 110;
/** The kubelet's default hard eviction threshold `memory.available<100Mi`, kept out of allocatable. */
const EVICTION_MEMORY = 100 * 1024 * 1024;
/** A simulated root filesystem. */
const EPHEMERAL_STORAGE_KI = 100 * 1024 * 1024;

/** metav1.Time: RFC 3339 to the second. */
export const time = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** metav1.MicroTime: RFC 3339 to the microsecond. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');

/** The four conditions a healthy kubelet reports, with upstream's reasons and messages. */
const HEALTHY = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
] as const;

interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/**
 * The node's conditions at `now`: heartbeat `now`; a transition time kept
 * from `old` when the status did not change (a node coming back from
 * NotReady or Unknown gets a new one).
 */
export function nodeConditions(now: number, old: readonly NodeCondition[] = []): NodeCondition[] {
  return HEALTHY.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const since = prev?.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : time(now);
    return { ...c, lastHeartbeatTime: time(now), lastTransitionTime: since };
  });
}

const ki = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;

/** `status` of the node: capacity, allocatable, conditions, addresses, daemon endpoints, nodeInfo. */
export function nodeStatus(c: NodeConfig, now: number, old: readonly NodeCondition[] = []): { conditions: NodeCondition[]; [field: string]: unknown } {
  const fixed = { 'ephemeral-storage': `${EPHEMERAL_STORAGE_KI}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', pods: String(c.maxPods) };
  return {
    capacity: { cpu: c.cpu, memory: ki(c.memoryBytes), ...fixed },
    allocatable: {
      cpu: c.cpu,
      memory: ki(Math.max(0, c.memoryBytes - EVICTION_MEMORY)),
      ...fixed,
      // nodefs.available<10%: the kubelet keeps a tenth of the root filesystem back.
      'ephemeral-storage': String(Math.floor(EPHEMERAL_STORAGE_KI * 1024 * 0.9)),
    },
    conditions: nodeConditions(now, old),
    addresses: [
      { type: 'InternalIP', address: c.internalIP },
      { type: 'Hostname', address: c.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: c.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '',
      osImage: 'skiff hollow node',
      containerRuntimeVersion: c.runtimeVersion,
      kubeletVersion: c.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node the kubelet registers: well-known labels, annotations, pod CIDR and status. */
export function nodeObject(c: NodeConfig, now: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: c.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': c.name,
        'kubernetes.io/os': 'linux',
        ...c.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...c.annotations,
      },
    },
    spec: { podCIDR: c.podCIDR, podCIDRs: [c.podCIDR] },
    status: nodeStatus(c, now),
  };
}

/** Namespace of node heartbeats. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's `nodeLeaseDurationSeconds`; it renews every quarter of it. */
export const NODE_LEASE_DURATION_SECONDS = 40;

/** The node's Lease, owned by the Node (so it goes with it), renewed at `now`. */
export function leaseObject(node: { name: string; uid: string }, durationSeconds: number, now: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }],
    },
    spec: { holderIdentity: node.name, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}

/** A status patch that also fixes the order of the conditions (a strategic merge would append new ones after old ones), as the kubelet's patches do. */
export function ordered<S extends { conditions?: { type: string }[] }>(status: S): S {
  return status.conditions ? { ...status, '$setElementOrder/conditions': status.conditions.map((c) => ({ type: c.type })) } : status;
}
