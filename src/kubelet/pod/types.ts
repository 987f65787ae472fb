/** The parts of a Pod the kubelet reads, and the status it writes. */
import type { KubeObject } from '../../api/meta.js';
import type { PodStatus } from '../../hollow/index.js';
import type { EnvContainer } from '../env.js';
import type { Probe } from '../probe.js';
import type { Volume, VolumeMount } from '../volumes.js';
import type { ContainerSecurity, PodSecurity } from './security.js';

export type { ContainerStatus, PodCondition, PodStatus } from '../../hollow/index.js';

/** A container of a pod spec, as far as this kubelet runs it. */
export interface PodContainer extends EnvContainer {
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly workingDir?: string;
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly stdinOnce?: boolean;
  readonly securityContext?: ContainerSecurity;
  readonly volumeMounts?: readonly VolumeMount[];
  readonly ports?: readonly ContainerPort[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly lifecycle?: { readonly postStart?: LifecycleHandler; readonly preStop?: LifecycleHandler };
}

/** A port a container declares; `hostPort` is forwarded from the node. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly hostPort?: number;
  readonly hostIP?: string;
  readonly protocol?: string;
}

/** A postStart or preStop hook. */
export type LifecycleHandler = Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket'> & { readonly sleep?: { readonly seconds: number } };

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
    enableServiceLinks?: boolean;
    imagePullSecrets?: readonly { name?: string }[];
    securityContext?: PodSecurity;
    volumes?: readonly Volume[];
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
