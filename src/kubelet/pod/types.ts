/** The parts of a Pod the kubelet reads, and the status it writes. */
import type { KubeObject } from '../../api/meta.js';
import type { PodStatus } from '../../hollow/index.js';
import type { EnvContainer } from '../env.js';

export type { ContainerStatus, PodCondition, PodStatus } from '../../hollow/index.js';

/** A container of a pod spec, as far as this kubelet runs it. */
export interface PodContainer extends EnvContainer {
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly workingDir?: string;
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly stdinOnce?: boolean;
}

/** A Pod as the kubelet reads it. */
export interface Pod extends KubeObject {
  readonly spec?: {
    nodeName?: string;
    hostname?: string;
    restartPolicy?: string;
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    shareProcessNamespace?: boolean;
    serviceAccountName?: string;
    terminationGracePeriodSeconds?: number;
    containers?: readonly PodContainer[];
    initContainers?: readonly PodContainer[];
  };
  readonly status?: PodStatus;
}

/** Labels the kubelet puts on sandboxes and containers (upstream's names), to find them again. */
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
