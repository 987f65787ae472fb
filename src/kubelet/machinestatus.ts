/**
 * A real node's status source: the machine read once at start, its
 * eviction signals and the runtime's images read at every heartbeat, built
 * into the status upstream's kubelet reports (nodestatus.ts).
 */
import type { CriClient } from './cri/client.js';
import { readMachineInfo, readMachineStats, type MachineInfo } from './machine.js';
import { realNodeStatus, type NodeCondition } from './nodestatus.js';
import type { NodeStatusPatch } from './heartbeat.js';
import { DEFAULT_MAX_PODS } from '../hollow/index.js';

/** What {@link machineStatus} needs. */
export interface MachineStatusOptions {
  readonly cri: CriClient;
  readonly nodeName: string;
  readonly internalIP: string;
  /** The node filesystem (the kubelet's root dir). */
  readonly dataDir: string;
  /** Where the runtime keeps its images (default: the data dir's filesystem). */
  readonly imagefsDir?: string;
  /** `containerd://1.7.24`. */
  readonly runtimeVersion: string;
  readonly maxPods?: number;
}

/** The machine, its well-known labels, and a status function for the heartbeats. */
export interface MachineStatus {
  readonly info: MachineInfo;
  readonly runtimeVersion: string;
  /** `kubernetes.io/arch` and its beta twin, in Go's names. */
  readonly labels: Readonly<Record<string, string>>;
  /** The status function, given the kubelet's version and HTTPS port. */
  status(kubeletVersion: string, kubeletPort: number): (now: number, old: readonly NodeCondition[]) => Promise<NodeStatusPatch>;
}

/** Read the machine and return what the node registers and reports with. */
export async function machineStatus(o: MachineStatusOptions): Promise<MachineStatus> {
  const info = await readMachineInfo();
  return {
    info,
    runtimeVersion: o.runtimeVersion,
    labels: { 'kubernetes.io/arch': info.architecture, 'beta.kubernetes.io/arch': info.architecture },
    status: (kubeletVersion, kubeletPort) => async (now, old) => {
      const [stats, images] = await Promise.all([readMachineStats({ nodefs: o.dataDir, imagefs: o.imagefsDir ?? o.dataDir }), o.cri.listImages()]);
      return realNodeStatus({ nodeName: o.nodeName, internalIP: o.internalIP, machine: info, stats, images, runtimeVersion: o.runtimeVersion, kubeletVersion, kubeletPort, maxPods: o.maxPods ?? DEFAULT_MAX_PODS }, now, old);
    },
  };
}
