/**
 * Hollow (simulated) nodes: kubelets without containers, for scale tests
 * and for `skiff server --runtime fake`. See hollow.ts for what they do and
 * annotations.ts for how a pod tells its simulated containers to behave.
 */
export { runHollowNodes } from './hollow.js';
export type { HollowOptions } from './hollow.js';
export type { NodeTemplate } from './register.js';
export { CIDRError, NodeCIDRAllocator, PodIPAllocator } from './cidr.js';
export { DEFAULT_MAX_PODS, NODE_LEASE_DURATION_SECONDS, RUNTIME } from './node.js';
export { EXIT_AFTER_ANNOTATION, EXIT_CODE_ANNOTATION, TERMINATION_ANNOTATION, USAGE_ANNOTATION } from './annotations.js';
export { defaultNodeIP } from './host.js';
export { nodeTemplate } from './template.js';
export type { NodeShape } from './template.js';
// What a real node shares with hollow ones (src/kubelet): registration, heartbeats and the pod status builders.
export { registerNodes, type NodeState } from './register.js';
export { leaseObject, NODE_LEASE_NAMESPACE, nodeConditions, ordered, time } from './node.js';
export { normalizeImage, podConditions, sameJSON, type ContainerStatus, type PodCondition, type PodStatus } from './pod-status.js';
