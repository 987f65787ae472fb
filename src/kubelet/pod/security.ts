/**
 * A pod's and its containers' `securityContext` as CRI takes them, as
 * upstream's kuberuntime does (determineEffectiveSecurityContext,
 * convertToRuntimeSecurityContext): a container's settings override the
 * pod's; `fsGroup` joins the supplemental groups; `allowPrivilegeEscalation:
 * false` is no_new_privs; a privileged container makes its sandbox
 * privileged; the seccomp profile is passed only when one is asked for.
 */
import type { LinuxContainerSecurityContext, LinuxSandboxSecurityContext, SecurityProfile } from '../cri/types.js';

/** `securityContext` fields shared by pods and containers. */
interface CommonSecurity {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly seccompProfile?: { readonly type: string; readonly localhostProfile?: string };
}

/** A container's `securityContext`. */
export interface ContainerSecurity extends CommonSecurity {
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
}

/** A pod's `securityContext`. */
export interface PodSecurity extends CommonSecurity {
  readonly fsGroup?: number;
  readonly supplementalGroups?: readonly number[];
}

/** The parts of a pod this module reads. */
interface SecurePod {
  readonly spec?: {
    readonly securityContext?: PodSecurity;
    readonly containers?: readonly { readonly securityContext?: ContainerSecurity }[];
    readonly initContainers?: readonly { readonly securityContext?: ContainerSecurity }[];
  };
}

/** The container's effective settings: its own, else the pod's. */
export function effectiveSecurity(pod: SecurePod, c: { readonly securityContext?: ContainerSecurity }): ContainerSecurity {
  const p = pod.spec?.securityContext ?? {};
  const s = c.securityContext ?? {};
  const pick = <K extends keyof CommonSecurity>(k: K) => (s[k] !== undefined ? { [k]: s[k] } : p[k] !== undefined ? { [k]: p[k] } : {});
  return { ...s, ...pick('runAsUser'), ...pick('runAsGroup'), ...pick('runAsNonRoot'), ...pick('seccompProfile') };
}

function seccomp(profile: CommonSecurity['seccompProfile']): { seccomp?: SecurityProfile } {
  switch (profile?.type) {
    case 'RuntimeDefault': return { seccomp: { profileType: 'RuntimeDefault' } };
    case 'Unconfined': return { seccomp: { profileType: 'Unconfined' } };
    // Upstream's kubelet resolves a Localhost profile under its seccomp root; skiff's is the node's /var/lib/kubelet/seccomp.
    case 'Localhost': return { seccomp: { profileType: 'Localhost', localhostRef: `/var/lib/kubelet/seccomp/${profile.localhostProfile ?? ''}` } };
    default: return {};
  }
}

const groups = (p: PodSecurity): number[] => [...(p.supplementalGroups ?? []), ...(p.fsGroup !== undefined ? [p.fsGroup] : [])];

/** The container's CRI security context (namespace options are the caller's). */
export function containerSecurity(pod: SecurePod, c: { readonly securityContext?: ContainerSecurity }): LinuxContainerSecurityContext {
  const s = effectiveSecurity(pod, c);
  const supplemental = groups(pod.spec?.securityContext ?? {});
  return {
    ...(s.privileged === true ? { privileged: true } : {}),
    ...(s.capabilities ? { capabilities: { addCapabilities: s.capabilities.add ?? [], dropCapabilities: s.capabilities.drop ?? [] } } : {}),
    ...(s.runAsUser !== undefined ? { runAsUser: { value: String(s.runAsUser) } } : {}),
    ...(s.runAsGroup !== undefined ? { runAsGroup: { value: String(s.runAsGroup) } } : {}),
    ...(s.readOnlyRootFilesystem === true ? { readonlyRootfs: true } : {}),
    ...(supplemental.length > 0 ? { supplementalGroups: supplemental.map(String) } : {}),
    ...(s.allowPrivilegeEscalation === false ? { noNewPrivs: true } : {}),
    ...seccomp(s.seccompProfile),
  };
}

/** The sandbox's CRI security context: the pod's user and groups; privileged if any container is. */
export function sandboxSecurity(pod: SecurePod): LinuxSandboxSecurityContext {
  const p = pod.spec?.securityContext ?? {};
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const supplemental = groups(p);
  return {
    ...(p.runAsUser !== undefined ? { runAsUser: { value: String(p.runAsUser) } } : {}),
    ...(p.runAsGroup !== undefined ? { runAsGroup: { value: String(p.runAsGroup) } } : {}),
    ...(supplemental.length > 0 ? { supplementalGroups: supplemental.map(String) } : {}),
    ...(all.some((c) => c.securityContext?.privileged === true) ? { privileged: true } : {}),
    ...seccomp(p.seccompProfile),
  };
}

/**
 * Upstream's runAsNonRoot check before a container is created: the error
 * message when the container would run as root, or undefined. `image`
 * is the image's user as CRI reports it.
 */
export function nonRootViolation(s: ContainerSecurity, image: { uid?: number; username: string }): string | undefined {
  if (s.runAsNonRoot !== true) return undefined;
  if (s.runAsUser !== undefined) return s.runAsUser === 0 ? 'container\'s runAsUser breaks non-root policy' : undefined;
  // An image that names no user runs as root.
  if (image.uid === undefined && image.username !== '') return `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root`;
  if ((image.uid ?? 0) === 0) return 'container has runAsNonRoot and image will run as root';
  return undefined;
}
