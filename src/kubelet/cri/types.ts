/**
 * Types of the CRI `runtime.v1` messages skiff sends and receives, with
 * protobuf's snake_case names in camelCase. Requests leave every field
 * optional (proto3 defaults apply); responses carry every scalar field
 * (defaults filled in), `null` for an absent message, and 64-bit integers as
 * decimal strings because nanosecond timestamps exceed 2^53.
 */

/** A 64-bit integer sent to the runtime. */
export type Int64 = number | string;
/** A 64-bit integer received from the runtime, in decimal. */
export type Int64String = string;

/** Protocol of a port mapping. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
/** How mounts propagate between host and container. */
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
/** Whose namespace a container uses: the pod's, its own, the node's, or another container's. */
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
/** Whether a sandbox is running. */
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
/** Lifecycle state of a container. */
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
/** Kind of seccomp profile. */
export type SeccompProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';
/** A string map (labels, annotations, sysctls). */
export type Labels = Readonly<Record<string, string>>;

// ---- requests -------------------------------------------------------------

/** An image reference, as the kubelet passes it. */
export interface ImageSpec {
  readonly image: string;
  readonly annotations?: Labels;
  /** The reference as the user wrote it in the pod spec. */
  readonly userSpecifiedImage?: string;
}

/** What identifies a sandbox: the pod and the attempt. */
export interface PodSandboxMetadata {
  readonly name: string;
  readonly uid: string;
  readonly namespace: string;
  readonly attempt?: number;
}

/** Namespaces of a sandbox or container. */
export interface NamespaceOption {
  readonly network?: NamespaceMode;
  readonly pid?: NamespaceMode;
  readonly ipc?: NamespaceMode;
  readonly targetId?: string;
}

/** A wrapped 64-bit integer (set vs. unset). */
export interface Int64Value {
  readonly value: Int64;
}

/** A seccomp profile. */
export interface SecurityProfile {
  readonly profileType?: SeccompProfileType;
  readonly localhostRef?: string;
}

/** cgroup settings of a container or sandbox. */
export interface LinuxContainerResources {
  readonly cpuPeriod?: Int64;
  readonly cpuQuota?: Int64;
  readonly cpuShares?: Int64;
  readonly memoryLimitInBytes?: Int64;
  readonly oomScoreAdj?: Int64;
  readonly cpusetCpus?: string;
  readonly cpusetMems?: string;
  readonly unified?: Labels;
  readonly memorySwapLimitInBytes?: Int64;
}

/** Security settings of a sandbox. */
export interface LinuxSandboxSecurityContext {
  readonly namespaceOptions?: NamespaceOption;
  readonly runAsUser?: Int64Value;
  readonly runAsGroup?: Int64Value;
  readonly readonlyRootfs?: boolean;
  readonly supplementalGroups?: readonly Int64[];
  readonly privileged?: boolean;
  readonly seccomp?: SecurityProfile;
}

/** Linux settings of a sandbox. */
export interface LinuxPodSandboxConfig {
  /** cgroupfs path of the pod's parent cgroup, e.g. `/kubepods/besteffort/pod<uid>`. */
  readonly cgroupParent?: string;
  readonly securityContext?: LinuxSandboxSecurityContext;
  readonly sysctls?: Labels;
  readonly overhead?: LinuxContainerResources;
  readonly resources?: LinuxContainerResources;
}

/** A host port forwarded to the sandbox. */
export interface PortMapping {
  readonly protocol?: Protocol;
  readonly containerPort?: number;
  readonly hostPort?: number;
  readonly hostIp?: string;
}

/** resolv.conf contents of a sandbox. */
export interface DNSConfig {
  readonly servers?: readonly string[];
  readonly searches?: readonly string[];
  readonly options?: readonly string[];
}

/** Everything needed to run a pod's sandbox; passed again with each container. */
export interface PodSandboxConfig {
  readonly metadata: PodSandboxMetadata;
  readonly hostname?: string;
  /** Host directory under which container log paths are relative. */
  readonly logDirectory?: string;
  readonly dnsConfig?: DNSConfig;
  readonly portMappings?: readonly PortMapping[];
  readonly labels?: Labels;
  readonly annotations?: Labels;
  readonly linux?: LinuxPodSandboxConfig;
}

/** What identifies a container in its sandbox: the name and the attempt. */
export interface ContainerMetadata {
  readonly name: string;
  readonly attempt?: number;
}

/** An environment variable. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** A host path mounted into a container. */
export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readonly?: boolean;
  readonly selinuxRelabel?: boolean;
  readonly propagation?: MountPropagation;
}

/** Capabilities added to or dropped from a container. */
export interface Capability {
  readonly addCapabilities?: readonly string[];
  readonly dropCapabilities?: readonly string[];
  readonly addAmbientCapabilities?: readonly string[];
}

/** Security settings of a container. */
export interface LinuxContainerSecurityContext {
  readonly capabilities?: Capability;
  readonly privileged?: boolean;
  readonly namespaceOptions?: NamespaceOption;
  readonly runAsUser?: Int64Value;
  readonly runAsGroup?: Int64Value;
  readonly runAsUsername?: string;
  readonly readonlyRootfs?: boolean;
  readonly supplementalGroups?: readonly Int64[];
  readonly noNewPrivs?: boolean;
  readonly maskedPaths?: readonly string[];
  readonly readonlyPaths?: readonly string[];
  readonly seccomp?: SecurityProfile;
}

/** Everything needed to create a container. */
export interface ContainerConfig {
  readonly metadata: ContainerMetadata;
  readonly image: ImageSpec;
  /** Replaces the image's entrypoint (a pod's `command`). */
  readonly command?: readonly string[];
  /** Replaces the image's cmd (a pod's `args`). */
  readonly args?: readonly string[];
  readonly workingDir?: string;
  readonly envs?: readonly KeyValue[];
  readonly mounts?: readonly Mount[];
  readonly labels?: Labels;
  readonly annotations?: Labels;
  /** Relative to the sandbox's `logDirectory`. */
  readonly logPath?: string;
  readonly stdin?: boolean;
  readonly stdinOnce?: boolean;
  readonly tty?: boolean;
  readonly linux?: {
    readonly resources?: LinuxContainerResources;
    readonly securityContext?: LinuxContainerSecurityContext;
  };
}

/** Which sandboxes a list returns (all conditions ANDed). */
export interface PodSandboxFilter {
  readonly id?: string;
  readonly state?: { readonly state: PodSandboxState };
  readonly labelSelector?: Labels;
}

/** Which containers a list returns (all conditions ANDed). */
export interface ContainerFilter {
  readonly id?: string;
  readonly state?: { readonly state: ContainerState };
  readonly podSandboxId?: string;
  readonly labelSelector?: Labels;
}

/** Registry credentials for a pull. */
export interface AuthConfig {
  readonly username?: string;
  readonly password?: string;
  readonly auth?: string;
  readonly serverAddress?: string;
  readonly identityToken?: string;
  readonly registryToken?: string;
}

// ---- responses ------------------------------------------------------------

/** Name and versions of the runtime. */
export interface VersionResponse {
  readonly version: string;
  readonly runtimeName: string;
  readonly runtimeVersion: string;
  readonly runtimeApiVersion: string;
}

/** An image reference as the runtime reports it. */
export interface ImageSpecStatus {
  readonly image: string;
  readonly annotations: Labels;
  readonly userSpecifiedImage: string;
}

/** Sandbox metadata as the runtime reports it. */
export interface PodSandboxMetadataStatus {
  readonly name: string;
  readonly uid: string;
  readonly namespace: string;
  readonly attempt: number;
}

/** Status of a sandbox. */
export interface PodSandboxStatus {
  readonly id: string;
  readonly metadata: PodSandboxMetadataStatus | null;
  readonly state: PodSandboxState;
  /** Nanoseconds since the epoch. */
  readonly createdAt: Int64String;
  readonly network: { readonly ip: string; readonly additionalIps: readonly { readonly ip: string }[] } | null;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly runtimeHandler: string;
}

/** Answer of PodSandboxStatus. */
export interface PodSandboxStatusResponse {
  readonly status: PodSandboxStatus | null;
  /** Runtime-specific JSON documents, only when asked for verbosely. */
  readonly info: Labels;
}

/** A sandbox in a list. */
export interface PodSandbox {
  readonly id: string;
  readonly metadata: PodSandboxMetadataStatus | null;
  readonly state: PodSandboxState;
  readonly createdAt: Int64String;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly runtimeHandler: string;
}

/** Container metadata as the runtime reports it. */
export interface ContainerMetadataStatus {
  readonly name: string;
  readonly attempt: number;
}

/** A container in a list. */
export interface Container {
  readonly id: string;
  readonly podSandboxId: string;
  readonly metadata: ContainerMetadataStatus | null;
  readonly image: ImageSpecStatus | null;
  readonly imageRef: string;
  readonly state: ContainerState;
  readonly createdAt: Int64String;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly imageId: string;
}

/** Status of a container. */
export interface ContainerStatus {
  readonly id: string;
  readonly metadata: ContainerMetadataStatus | null;
  readonly state: ContainerState;
  readonly createdAt: Int64String;
  /** Nanoseconds since the epoch; "0" before the container started. */
  readonly startedAt: Int64String;
  /** Nanoseconds since the epoch; "0" while it runs. */
  readonly finishedAt: Int64String;
  readonly exitCode: number;
  readonly image: ImageSpecStatus | null;
  readonly imageRef: string;
  /** e.g. `OOMKilled`, `Error`, `Completed`. */
  readonly reason: string;
  readonly message: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly logPath: string;
  readonly imageId: string;
}

/** Answer of ContainerStatus. */
export interface ContainerStatusResponse {
  readonly status: ContainerStatus | null;
  readonly info: Labels;
}

/** Output and exit code of a command run with ExecSync. */
export interface ExecSyncResponse {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly exitCode: number;
}

/** What a streaming Exec runs and which of its streams are wanted (one of stdin, stdout, stderr must be). */
export interface ExecRequest {
  readonly containerId: string;
  readonly cmd: readonly string[];
  readonly tty: boolean;
  readonly stdin: boolean;
  readonly stdout: boolean;
  /** Must be false with `tty` (a terminal has one output stream). */
  readonly stderr: boolean;
}

/** Which streams of a running container's main process an Attach joins. */
export interface AttachRequest {
  readonly containerId: string;
  readonly stdin: boolean;
  readonly tty: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
}

/** An image the runtime has. */
export interface Image {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  /** Bytes, in decimal. */
  readonly size: Int64String;
  readonly uid: { readonly value: Int64String } | null;
  readonly username: string;
  readonly spec: ImageSpecStatus | null;
  readonly pinned: boolean;
}

/** A wrapped unsigned 64-bit integer as received (set vs. unset), in decimal. */
export interface UInt64Value {
  readonly value: Int64String;
}

/** Which containers' stats a list returns (all conditions ANDed). */
export interface ContainerStatsFilter {
  readonly id?: string;
  readonly podSandboxId?: string;
  readonly labelSelector?: Labels;
}

/** CPU use of a container: cumulative core-nanoseconds, sampled at `timestamp` (ns since the epoch). */
export interface CpuUsage {
  readonly timestamp: Int64String;
  readonly usageCoreNanoSeconds: UInt64Value | null;
  /** The runtime's own rate, when it computes one (containerd 1.6 may leave it unset). */
  readonly usageNanoCores: UInt64Value | null;
}

/** Memory use of a container, sampled at `timestamp`; the working set is usage minus inactive file pages, as cAdvisor's. */
export interface MemoryUsage {
  readonly timestamp: Int64String;
  readonly workingSetBytes: UInt64Value | null;
  readonly availableBytes: UInt64Value | null;
  readonly usageBytes: UInt64Value | null;
  readonly rssBytes: UInt64Value | null;
  readonly pageFaults: UInt64Value | null;
  readonly majorPageFaults: UInt64Value | null;
}

/** Resource usage of one container. */
export interface ContainerStats {
  readonly attributes: {
    readonly id: string;
    readonly metadata: ContainerMetadataStatus | null;
    readonly labels: Labels;
    readonly annotations: Labels;
  } | null;
  readonly cpu: CpuUsage | null;
  readonly memory: MemoryUsage | null;
}
