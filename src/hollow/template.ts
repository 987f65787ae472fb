import type { Client } from '../client/index.js';
import { DEFAULT_MAX_PODS, RUNTIME } from './node.js';
import type { NodeTemplate } from './register.js';

/** What a node is given on the command line. */
export interface NodeShape {
  readonly internalIP: string;
  readonly cpu: string;
  readonly memoryBytes: number;
  readonly maxPods?: number;
}

/** The node template: the shape given, and the server's version as the kubelet's and the runtime's (a kubelet matches its control plane). */
export async function nodeTemplate(client: Client, shape: NodeShape): Promise<NodeTemplate> {
  const version = await client.request<{ gitVersion?: string }>('GET', '/version');
  return {
    internalIP: shape.internalIP,
    cpu: shape.cpu,
    memoryBytes: shape.memoryBytes,
    maxPods: shape.maxPods ?? DEFAULT_MAX_PODS,
    kubeletVersion: version.gitVersion ?? '',
    // The simulated runtime is part of skiff: it has skiff's version.
    runtimeVersion: `${RUNTIME}://${version.gitVersion ?? ''}`,
  };
}
