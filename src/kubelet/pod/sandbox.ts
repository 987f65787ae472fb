/**
 * Pure builders of what the kubelet asks CRI for: a pod's sandbox config
 * and its containers' configs, as upstream's kuberuntime does
 * (generatePodSandboxConfig, generateContainerConfig), for the fields this
 * kubelet supports so far.
 */
import { join } from 'node:path';
import type { ContainerConfig, Mount, NamespaceOption, PodSandboxConfig, PortMapping } from '../cri/types.js';
import { containerSecurity, sandboxSecurity } from './security.js';
import { linuxResources, sandboxResources } from './resources.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, type Pod, type PodContainer } from './types.js';

/** Where a pod's logs live: `DATA_DIR/pods/<namespace>_<name>_<uid>`, as upstream's `/var/log/pods`. */
export function podLogDirectory(dataDir: string, pod: Pod): string {
  const m = pod.metadata;
  return join(dataDir, 'pods', `${m.namespace ?? ''}_${m.name ?? ''}_${m.uid ?? ''}`);
}

/** The pod's cgroup under the kubelet's root cgroup (cgroupfs): `/skiff/pod<uid>`. */
export const podCgroup = (cgroupRoot: string, uid: string): string => `${cgroupRoot}/pod${uid}`;

/** The pod's namespaces: the node's with hostNetwork/hostPID/hostIPC, one PID namespace for all with shareProcessNamespace. */
export function namespaceOptions(pod: Pod): NamespaceOption {
  const s = pod.spec ?? {};
  return {
    network: s.hostNetwork === true ? 'NODE' : 'POD',
    pid: s.hostPID === true ? 'NODE' : s.shareProcessNamespace === true ? 'POD' : 'CONTAINER',
    ipc: s.hostIPC === true ? 'NODE' : 'POD',
  };
}

/** Labels that tie a sandbox to its pod. */
export function podLabels(pod: Pod): Record<string, string> {
  const m = pod.metadata;
  return { [POD_UID_LABEL]: m.uid ?? '', [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? '' };
}

/** The sandbox of `pod` (its `attempt`-th). */
export function sandboxConfig(pod: Pod, attempt: number, o: { dataDir: string; cgroupRoot: string }): PodSandboxConfig {
  const m = pod.metadata;
  return {
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', attempt },
    // The pod's hostname is its name unless spec.hostname says otherwise (63 characters at most, as upstream cuts it).
    ...(pod.spec?.hostNetwork === true ? {} : { hostname: (pod.spec?.hostname ?? m.name ?? '').slice(0, 63).replace(/[-.]+$/, '') }),
    logDirectory: podLogDirectory(o.dataDir, pod),
    labels: { ...(m.labels ?? {}), ...podLabels(pod) },
    annotations: m.annotations ?? {},
    linux: {
      ...sandboxResources(pod),
      cgroupParent: podCgroup(o.cgroupRoot, m.uid ?? ''),
      securityContext: { ...sandboxSecurity(pod), namespaceOptions: namespaceOptions(pod) },
    },
    ...(portMappings(pod).length > 0 ? { portMappings: portMappings(pod) } : {}),
  };
}

/** The containers' `hostPort`s, forwarded by the portmap CNI plugin. */
export function portMappings(pod: Pod): PortMapping[] {
  return (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0).map((p) => ({
    protocol: p.protocol === 'UDP' ? 'UDP' as const : p.protocol === 'SCTP' ? 'SCTP' as const : 'TCP' as const,
    containerPort: p.containerPort,
    hostPort: p.hostPort ?? 0,
    ...(p.hostIP ? { hostIp: p.hostIP } : {}),
  })));
}

/** A container's log path, relative to the sandbox's log directory: `<container>/<restart>.log`. */
export const containerLogPath = (name: string, restart: number): string => `${name}/${restart}.log`;

/** The config of `container`'s `attempt`-th instance, its image resolved to `imageRef` and its environment computed. */
export function containerConfig(pod: Pod, container: PodContainer, attempt: number, run: { imageRef: string; env: readonly (readonly [string, string])[]; command: string[]; args: string[]; mounts?: readonly Mount[] }): ContainerConfig {
  return {
    metadata: { name: container.name, attempt },
    image: { image: run.imageRef, userSpecifiedImage: container.image ?? '' },
    command: run.command,
    args: run.args,
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    envs: run.env.map(([key, value]) => ({ key, value })),
    ...(run.mounts?.length ? { mounts: run.mounts } : {}),
    labels: { ...podLabels(pod), [CONTAINER_NAME_LABEL]: container.name },
    logPath: containerLogPath(container.name, attempt),
    stdin: container.stdin === true,
    stdinOnce: container.stdinOnce === true,
    tty: container.tty === true,
    linux: { resources: linuxResources(pod, container), securityContext: { ...containerSecurity(pod, container), namespaceOptions: namespaceOptions(pod) } },
  };
}
