/**
 * The `agent` role: join a server as one node and run its pods, on
 * containerd (`--runtime containerd`) or as a simulated node (`--runtime
 * fake`), until the signal aborts.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { Client } from '../client/index.js';
import type { Logger } from '../log.js';
import type { AgentOptions } from './agent-flags.js';
import { joinCredentials } from './hollow.js';

export type { AgentOptions } from './agent-flags.js';

/** This machine as one simulated node named `nodeName`, its capacity the machine's (`--runtime fake`). */
export async function runFakeNode(o: { client: Client; nodeName: string; nodeIP?: string | undefined; clusterCIDR: string; log: Logger }, signal: AbortSignal): Promise<void> {
  const hollow = await import('../hollow/index.js');
  const template = await hollow.nodeTemplate(o.client, { internalIP: o.nodeIP ?? hollow.defaultNodeIP(), cpu: String(availableParallelism()), memoryBytes: totalmem() });
  await hollow.runHollowNodes({ client: o.client, names: [o.nodeName], template, clusterCIDR: o.clusterCIDR, log: o.log }, signal);
}

/** Run the agent until `signal` aborts. */
export async function runAgent(options: AgentOptions, signal: AbortSignal, log: Logger): Promise<void> {
  const { Client } = await import('../client/index.js');
  const credentials = await joinCredentials(options.join);
  const client = new Client(credentials, { userAgent: 'skiff-agent' });
  try {
    if (options.runtime === 'fake') {
      await runFakeNode({ client, nodeName: options.nodeName, nodeIP: options.nodeIP, clusterCIDR: options.clusterCIDR, log }, signal);
      return;
    }
    const { runContainerdAgent } = await import('../kubelet/index.js');
    await runContainerdAgent({ client, clusterCA: credentials.ca, kubeletPort: options.kubeletPort, nodeName: options.nodeName, dataDir: options.dataDir, clusterCIDR: options.clusterCIDR, nodeCIDRMaskSize: options.nodeCIDRMaskSize, offlineImageFallback: options.offlineImageFallback, log, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.nodeIP ? { nodeIP: options.nodeIP } : {}), ...(options.podManifestPath ? { podManifestPath: options.podManifestPath } : {}) }, signal);
  } finally {
    client.close();
  }
}
