/**
 * Pure builders of a real node's status, field by field as upstream's
 * kubelet setters (pkg/kubelet/nodestatus) fill it: nodeInfo, capacity
 * and allocatable (capacity less the default hard eviction thresholds),
 * addresses, the images the runtime holds, and the conditions its eviction
 * manager derives from the machine's signals. No I/O: the clock, the
 * machine and the runtime's answers come in as arguments.
 */
import { time } from '../hollow/index.js';
import type { Image } from './cri/types.js';
import type { MachineInfo, MachineStats } from './machine.js';

/** Upstream's default hard eviction thresholds on Linux (`evictionHard`); `pidAvailable` has no default there. */
export interface EvictionThresholds {
  readonly memoryAvailableBytes: number;
  /** Fractions of the filesystem's capacity (or inodes). */
  readonly nodefsAvailable: number;
  readonly nodefsInodesFree: number;
  readonly imagefsAvailable: number;
  readonly imagefsInodesFree: number;
  /** PIDs that must stay free; undefined: PIDPressure is never reported (upstream's default). */
  readonly pidAvailable?: number;
}

/** memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%, imagefs.available<15%, imagefs.inodesFree<5%. */
export const DEFAULT_EVICTION_HARD: EvictionThresholds = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  nodefsAvailable: 0.1,
  nodefsInodesFree: 0.05,
  imagefsAvailable: 0.15,
  imagefsInodesFree: 0.05,
};

/** Upstream's nodeStatusMaxImages and MaxNamesPerImageInNodeStatus. */
export const MAX_IMAGES_IN_NODE_STATUS = 50;
const MAX_NAMES_PER_IMAGE = 5;

/** Which eviction signals crossed their threshold. */
export interface Pressure {
  readonly memory: boolean;
  readonly disk: boolean;
  readonly pid: boolean;
}

/** The signals against the thresholds, as the eviction manager's IsUnder…Pressure. */
export function pressureOf(s: MachineStats, t: EvictionThresholds = DEFAULT_EVICTION_HARD): Pressure {
  const short = (fs: MachineStats['nodefs'], bytes: number, inodes: number) => fs.availableBytes < fs.capacityBytes * bytes || (fs.inodes > 0 && fs.inodesFree < fs.inodes * inodes);
  return {
    memory: s.memoryAvailableBytes < t.memoryAvailableBytes,
    disk: short(s.nodefs, t.nodefsAvailable, t.nodefsInodesFree) || short(s.imagefs, t.imagefsAvailable, t.imagefsInodesFree),
    pid: t.pidAvailable !== undefined && s.maxPID - s.runningTasks < t.pidAvailable,
  };
}

/** One node condition as the API holds it. */
export interface NodeCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastHeartbeatTime?: string;
  readonly lastTransitionTime?: string;
}

/** Upstream's reasons and messages, by condition and whether it holds. */
const CONDITIONS = [
  { type: 'MemoryPressure', signal: 'memory', yes: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'], no: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'] },
  { type: 'DiskPressure', signal: 'disk', yes: ['KubeletHasDiskPressure', 'kubelet has disk pressure'], no: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'] },
  { type: 'PIDPressure', signal: 'pid', yes: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'], no: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'] },
] as const;

/**
 * The four conditions at `now`, Ready last (as upstream keeps it): heartbeat
 * `now`; the transition time carried over from `old` while the status holds.
 */
export function nodeConditions(now: number, pressure: Pressure, old: readonly NodeCondition[] = []): NodeCondition[] {
  const at = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const prev = old.find((o) => o.type === type);
    const since = prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : time(now);
    return { type, status, reason, message, lastHeartbeatTime: time(now), lastTransitionTime: since };
  };
  return [
    ...CONDITIONS.map((c) => {
      const [reason, message] = pressure[c.signal] ? c.yes : c.no;
      return at(c.type, pressure[c.signal] ? 'True' : 'False', reason, message);
    }),
    at('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** A byte count as a canonical binary-SI quantity (`100Mi`, `16372436Ki`, `1234`), as resource.Quantity prints it. */
export function binaryQuantity(bytes: number): string {
  let n = Math.max(0, Math.floor(bytes));
  for (const suffix of ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi']) {
    if (n === 0 || n % 1024 !== 0 || suffix === 'Pi') return `${n}${suffix}`;
    n /= 1024;
  }
  return `${n}Ei`;
}

/** `status.images`: the largest `max` images, names digests first then tags (at most 5), as upstream's Images setter. */
export function nodeImages(images: readonly Image[], max = MAX_IMAGES_IN_NODE_STATUS): { names: string[]; sizeBytes: number }[] {
  return [...images]
    .sort((a, b) => Number(b.size) - Number(a.size))
    .slice(0, max)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags].slice(0, MAX_NAMES_PER_IMAGE), sizeBytes: Number(i.size) }));
}

/** What the status is built from. */
export interface NodeStatusInput {
  readonly nodeName: string;
  readonly internalIP: string;
  readonly machine: MachineInfo;
  readonly stats: MachineStats;
  readonly images: readonly Image[];
  /** `containerd://1.7.24`. */
  readonly runtimeVersion: string;
  readonly kubeletVersion: string;
  /** Where the kubelet's HTTPS server listens (`daemonEndpoints`; default 10250). */
  readonly kubeletPort?: number;
  readonly maxPods: number;
  readonly thresholds?: EvictionThresholds;
}

/** The node's `status` at `now`; `old` holds the conditions last written. */
export function realNodeStatus(i: NodeStatusInput, now: number, old: readonly NodeCondition[] = []): Record<string, unknown> & { conditions: NodeCondition[] } {
  const t = i.thresholds ?? DEFAULT_EVICTION_HARD;
  const storage = i.stats.nodefs.capacityBytes;
  const fixed = { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', pods: String(i.maxPods) };
  return {
    capacity: { cpu: String(i.machine.cpu), 'ephemeral-storage': binaryQuantity(storage), memory: binaryQuantity(i.machine.memoryBytes), ...fixed },
    // Allocatable keeps the hard eviction thresholds back (no kube- or system-reserved by default).
    allocatable: {
      cpu: String(i.machine.cpu),
      'ephemeral-storage': binaryQuantity(storage - Math.floor(storage * t.nodefsAvailable)),
      memory: binaryQuantity(i.machine.memoryBytes - t.memoryAvailableBytes),
      ...fixed,
    },
    conditions: nodeConditions(now, pressureOf(i.stats, t), old),
    addresses: [
      { type: 'InternalIP', address: i.internalIP },
      { type: 'Hostname', address: i.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: i.machine.machineID,
      systemUUID: i.machine.systemUUID,
      bootID: i.machine.bootID,
      kernelVersion: i.machine.kernelVersion,
      osImage: i.machine.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: i.kubeletVersion,
      // Not set since 1.31 (DisableNodeKubeProxyVersion is on by default).
      kubeProxyVersion: '',
      operatingSystem: i.machine.operatingSystem,
      architecture: i.machine.architecture,
    },
    images: nodeImages(i.images),
  };
}

/** True when two statuses differ in more than their heartbeat times (upstream patches only then, or every nodeStatusReportFrequency). */
export function statusChanged(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  if (!a) return true;
  const strip = (s: Record<string, unknown>) => JSON.stringify(s, (k, v: unknown) => (k === 'lastHeartbeatTime' ? undefined : v));
  return strip(a) !== strip(b);
}
