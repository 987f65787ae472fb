/**
 * A node agent on containerd: start (and supervise) the node's containerd,
 * register the Node with the machine's capacity and a pod CIDR, write its
 * CNI network, keep its heartbeats, and run the kubelet. Used by
 * `skiff server --runtime containerd` for its embedded agent.
 */
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../client/index.js';
import { defaultNodeIP, nodeTemplate, registerNodes } from '../hollow/index.js';
import { discardLogger, type Logger } from '../log.js';
import { writeCniConfig } from './cni.js';
import { startContainerd } from './containerd/supervisor.js';
import { newCriClient } from './cri/client.js';
import { runHeartbeats } from './heartbeat.js';
import { runKubelet } from './kubelet.js';
import { runUsageReporter } from './usage-reporter.js';
import { ensureSandboxImage, SANDBOX_IMAGE } from './sandboximage.js';

export { SANDBOX_IMAGE } from './sandboximage.js';

/** Options of {@link runContainerdAgent}. */
export interface ContainerdAgentOptions {
  readonly client: Client;
  readonly nodeName: string;
  readonly dataDir: string;
  /** The cluster's pod range; the node takes a free /`nodeCIDRMaskSize` of it. */
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize?: number;
  /** An existing CRI endpoint instead of a containerd of our own. */
  readonly endpoint?: string;
  readonly nodeIP?: string;
  readonly log?: Logger;
}

/**
 * Run the node until `signal` aborts. Rejects with a RuntimeSetupError
 * when containerd is missing or cannot start (its message says what to do).
 *
 * @example
 * await runContainerdAgent({ client, nodeName: 'node-1', dataDir: '/var/lib/skiff', clusterCIDR: '10.42.0.0/16' }, signal);
 */
export async function runContainerdAgent(o: ContainerdAgentOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? discardLogger;
  // containerd stops with the node, and also when the node fails to come up.
  const stop = new AbortController();
  const onAbort = () => { stop.abort(); };
  signal.addEventListener('abort', onAbort, { once: true });
  let containerd;
  try {
    containerd = await startContainerd({ dataDir: o.dataDir, sandboxImage: SANDBOX_IMAGE, log: log.child({ component: 'containerd' }), ...(o.endpoint ? { endpoint: o.endpoint } : {}) }, stop.signal);
  } catch (err) {
    signal.removeEventListener('abort', onAbort);
    throw err;
  }
  const cri = newCriClient(containerd.endpoint);
  try {
    const version = await cri.version();
    // No registry needed: the sandbox image is built from busybox-static when the node's containerd lacks it.
    if (containerd.paths && (await ensureSandboxImage(cri, containerd.paths.socket)) === 'built') log.info('sandbox image built', { image: SANDBOX_IMAGE });
    const nodeIP = o.nodeIP ?? defaultNodeIP();
    const template = { ...await nodeTemplate(o.client, { internalIP: nodeIP, cpu: String(availableParallelism()), memoryBytes: totalmem() }), runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}` };
    const registered = await registerNodes(o.client, [o.nodeName], template, { clusterCIDR: o.clusterCIDR, maskBits: o.nodeCIDRMaskSize ?? 24 }, 1, Date.now);
    const node = registered.get(o.nodeName);
    if (!node) throw new Error(`node ${o.nodeName} was not registered`);
    if (containerd.paths) writeCniConfig(containerd.paths.cniConfDir, node.config.podCIDR, join(o.dataDir, 'cni', 'ipam'));
    log.info('node registered', { node: o.nodeName, podCIDR: node.config.podCIDR, runtime: template.runtimeVersion });
    await Promise.all([
      runHeartbeats({ client: o.client, node: { name: o.nodeName, uid: node.uid }, conditions: node.conditions, log }, signal),
      runKubelet({ client: o.client, nodeName: o.nodeName, cri, dataDir: o.dataDir, nodeIP, log: log.child({ component: 'kubelet' }) }, signal),
      runUsageReporter({ client: o.client, cri, nodeName: o.nodeName, log: log.child({ component: 'usage' }) }, signal),
    ]);
  } finally {
    cri.close();
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    await containerd.stopped;
  }
}
