/**
 * A container's requests and limits as cgroup settings, as upstream's
 * kuberuntime computes them (generateLinuxContainerResources,
 * calculateSandboxResources): `cpu.shares` from the CPU request, the CFS
 * quota from the CPU limit, `memory.limit_in_bytes` from the memory limit,
 * and `oom_score_adj` from the pod's QoS class (qos.GetContainerOOMScoreAdjust).
 *
 * The containerd of a skiff node runs with `restrict_oom_score_adj`: it
 * raises a score below its own (0 here) to its own, so a Guaranteed
 * container's -997 reaches the kernel as 0. The order the scores encode
 * (BestEffort 1000 before Burstable before Guaranteed) still holds above 0.
 */
import { totalmem } from 'node:os';
import { quantityValue } from '../../api/quantity.js';
import type { LinuxContainerResources } from '../cri/types.js';
import type { Pod, PodContainer } from './types.js';

/** A pod's quality of service class (`status.qosClass`). */
export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** A resource list as a pod spec writes it (`{"cpu": "500m", "memory": "64Mi"}`). */
type ResourceList = Readonly<Record<string, string | number>>;

/** The pod fields read here besides those of {@link Pod}: `spec.overhead` (RuntimeClass' pod overhead). */
export type ResourcePod = Pod & { readonly spec?: { readonly overhead?: ResourceList } };

/** Upstream's constants (pkg/kubelet/cm and kuberuntime/helpers_linux.go). */
const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
/** The CFS period, 100 ms (the kubelet's `--cpu-cfs-quota-period` default). */
export const QUOTA_PERIOD = 100_000;
/** A quota is at least 1 ms. */
const MIN_QUOTA = 1000;
const GUARANTEED_OOM_SCORE_ADJ = -997;
const BESTEFFORT_OOM_SCORE_ADJ = 1000;

/** Millicores of a CPU quantity, rounded up as Quantity.MilliValue (0 when absent or invalid). */
export function milliValue(q: string | number | undefined): number {
  const v = q === undefined ? undefined : quantityValue(q);
  // Rounded to 9 digits first so that 0.1 * 1000 is 100, not 100.00000000000001 rounded up to 101.
  return v === undefined ? 0 : Math.ceil(Number((v * 1000).toPrecision(9)));
}

/** Bytes of a memory quantity, rounded up as Quantity.Value (0 when absent or invalid). */
export function byteValue(q: string | number | undefined): number {
  const v = q === undefined ? undefined : quantityValue(q);
  return v === undefined ? 0 : Math.ceil(Number(v.toPrecision(15)));
}

/** CPU shares of a request in millicores: 1024 per CPU, at least 2 (the kernel's minimum), as upstream's MilliCPUToShares. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((milliCPU * SHARES_PER_CPU) / 1000));
}

/** The CFS quota of a limit in millicores over `period` µs; 0 (none) without a limit, else at least 1 ms. */
export function milliCPUToQuota(milliCPU: number, period: number): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA, Math.floor((milliCPU * period) / 1000));
}

/**
 * The pod's QoS class: the API server's `status.qosClass` when set, else
 * computed as upstream's ComputePodQOS from the CPU and memory of every
 * container (zero quantities count as unset). Requests are taken as given:
 * the API server already defaulted each missing request to its limit.
 */
export function podQOS(pod: Pod): QOSClass {
  const set = pod.status?.qosClass;
  if (set === 'Guaranteed' || set === 'Burstable' || set === 'BestEffort') return set;
  const requested = new Map<string, number>();
  const limited = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const r of ['cpu', 'memory']) {
      const value = r === 'cpu' ? milliValue : byteValue;
      const req = value(c.resources?.requests?.[r]);
      const lim = value(c.resources?.limits?.[r]);
      if (req > 0) requested.set(r, (requested.get(r) ?? 0) + req);
      if (lim > 0) limited.set(r, (limited.get(r) ?? 0) + lim);
      else guaranteed = false;
    }
  }
  if (requested.size === 0 && limited.size === 0) return 'BestEffort';
  if (guaranteed && requested.size === limited.size && [...requested].every(([r, n]) => limited.get(r) === n)) return 'Guaranteed';
  return 'Burstable';
}

/** The container's `oom_score_adj`, as upstream's GetContainerOOMScoreAdjust (without node-critical pods and pod-level resources). */
export function oomScoreAdj(pod: Pod, c: PodContainer, memoryCapacity: number): number {
  const qos = podQOS(pod);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_OOM_SCORE_ADJ;
  // Burstable: a container requesting 10% of the node's memory gets 900, so that one using more than it asked for
  // scores about 1000 and goes first. Integer division, as upstream.
  const adj = 1000 - Math.floor((1000 * byteValue(c.resources?.requests?.memory)) / memoryCapacity);
  // Above Guaranteed (a Guaranteed pod using all memory scores 3), below BestEffort.
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adj === BESTEFFORT_OOM_SCORE_ADJ) return adj - 1;
  return adj;
}

/** Shares, quota and memory limit of a CPU request and limit (millicores) and a memory limit (bytes), as upstream's calculateLinuxResources. */
function cgroupSettings(cpuRequest: number, cpuLimit: number, memoryLimit: number): LinuxContainerResources {
  return {
    // No request but a limit: the request is the limit (the API server defaults it so; pods from before that did not).
    cpuShares: milliCPUToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest),
    ...(memoryLimit !== 0 ? { memoryLimitInBytes: memoryLimit } : {}),
    cpuPeriod: QUOTA_PERIOD,
    cpuQuota: milliCPUToQuota(cpuLimit, QUOTA_PERIOD),
  };
}

/**
 * The cgroup settings of `c` (CRI `linux.resources` of its ContainerConfig).
 * `memoryCapacity` is the node's memory in bytes, for the Burstable OOM score.
 */
export function linuxResources(pod: Pod, c: PodContainer, memoryCapacity: number = totalmem()): LinuxContainerResources {
  const limits = c.resources?.limits ?? {};
  return {
    ...cgroupSettings(milliValue(c.resources?.requests?.cpu), milliValue(limits.cpu), byteValue(limits.memory)),
    oomScoreAdj: oomScoreAdj(pod, c, memoryCapacity),
  };
}

/** Sum of the app containers' values, or the largest init container's when larger (init containers run one at a time). */
function podTotal(pod: Pod, read: (c: PodContainer) => number): number {
  const sum = (pod.spec?.containers ?? []).reduce((n, c) => n + read(c), 0);
  return (pod.spec?.initContainers ?? []).reduce((n, c) => Math.max(n, read(c)), sum);
}

/**
 * The sandbox's `linux.resources` (the pod's total requests and limits) and
 * `linux.overhead` (`spec.overhead`, as requests equal to limits), as
 * upstream's applySandboxResources. containerd 1.6 hands them to the pause
 * container only as annotations (`io.kubernetes.cri.sandbox-cpu-quota`, …)
 * for VM runtimes; with runc the containers' own settings are the limits.
 */
export function sandboxResources(pod: ResourcePod): { resources: LinuxContainerResources; overhead?: LinuxContainerResources } {
  const resources = cgroupSettings(
    podTotal(pod, (c) => milliValue(c.resources?.requests?.cpu)),
    podTotal(pod, (c) => milliValue(c.resources?.limits?.cpu)),
    podTotal(pod, (c) => byteValue(c.resources?.limits?.memory)),
  );
  const overhead = pod.spec?.overhead;
  if (!overhead) return { resources };
  const cpu = milliValue(overhead.cpu);
  return { resources, overhead: cgroupSettings(cpu, cpu, byteValue(overhead.memory)) };
}
