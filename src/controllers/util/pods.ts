/** Facts about pods that several controllers judge the same way. */
import type { KubeObject } from '../../api/meta.js';

interface PodStatus {
  phase?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  conditions?: { type: string; status: string }[];
}

/** The pod's status, typed loosely (the API types pods as plain objects). */
export const podStatus = (pod: KubeObject) => (pod.status ?? {}) as PodStatus;

/** True if the pod's Ready condition is True. */
export const isPodReady = (pod: KubeObject) => podStatus(pod).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** True once the pod has finished for good (Succeeded or Failed). */
export const isPodTerminal = (pod: KubeObject) => ['Succeeded', 'Failed'].includes(podStatus(pod).phase ?? '');
