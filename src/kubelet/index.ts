// The kubelet's public surface: the node's container runtime and its CRI client.
export { startContainerd, type ContainerdHandle, type StartContainerdOptions } from './containerd/supervisor.js';
export { containerdConfig, containerdPaths, DEFAULT_CNI_BIN_DIR, type ContainerdPaths } from './containerd/config.js';
export { findExecutable, RUNTIME_APT_INSTALL } from './containerd/binaries.js';
export { CRI_API_VERSION, criAddress, newCriClient, type CriCallOptions, type CriClient, type CriClientOptions } from './cri/client.js';
export { CriError, isCriNotFound, isCriUnavailable, type CriErrorCode } from './cri/errors.js';
export type * from './cri/types.js';
export { isRuntimeSetupError, RuntimeSetupError, type RuntimeSetupErrorCode } from './errors.js';
export { runKubelet, type KubeletOptions } from './kubelet.js';
export { podLogDirectory } from './pod/sandbox.js';
export { runContainerdAgent, SANDBOX_IMAGE, type ContainerdAgentOptions } from './agent.js';
export { cniConflist, writeCniConfig, POD_BRIDGE } from './cni.js';
export { runHeartbeats, type HeartbeatOptions } from './heartbeat.js';
