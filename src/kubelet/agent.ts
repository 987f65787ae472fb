/**
 * A node agent on containerd: start (and supervise) the node's containerd,
 * register the Node with the machine's capacity and a pod CIDR, write its
 * CNI network, keep its heartbeats, and run the kubelet with its HTTPS
 * server (logs, exec, attach, port-forward). Used by `skiff server
 * --runtime containerd` for its embedded agent and by `skiff agent`.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { issueSelfSignedServing } from '../apiserver/pki-x509.js';
import type { Client } from '../client/index.js';
import { defaultNodeIP, nodeTemplate, registerNodes } from '../hollow/index.js';
import { discardLogger, type Logger } from '../log.js';
import { writeCniConfig } from './cni.js';
import { startContainerd } from './containerd/supervisor.js';
import { newCriClient } from './cri/client.js';
import { runHeartbeats } from './heartbeat.js';
import { runKubelet } from './kubelet.js';
import { machineStatus } from './machinestatus.js';
import { runUsageReporter } from './usage-reporter.js';
import { ensureSandboxImage, SANDBOX_IMAGE } from './sandboximage.js';
import { startKubeletServer } from './server.js';
import { newStaticPods } from './static.js';
import { newPodSources } from './sources.js';

export { SANDBOX_IMAGE } from './sandboximage.js';

/** Options of {@link runContainerdAgent}. */
export interface ContainerdAgentOptions {
  readonly client: Client;
  /** PEM of the cluster CA: the kubelet's server accepts only its client certificates (the API server's). */
  readonly clusterCA: string;
  readonly nodeName: string;
  readonly dataDir: string;
  /** The cluster's pod range; the node takes a free /`nodeCIDRMaskSize` of it. */
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize?: number;
  /** An existing CRI endpoint instead of a containerd of our own. */
  readonly endpoint?: string;
  readonly nodeIP?: string;
  /** Run the local copy of an image when its pull cannot reach the registry (default true). */
  readonly offlineImageFallback?: boolean;
  /** HTTPS port of the kubelet's server on the node IP (default 10250; 0 picks a free one). */
  readonly kubeletPort?: number;
  /** `--pod-manifest-path`: the node's static pods. */
  readonly podManifestPath?: string;
  readonly log?: Logger;
}

/**
 * Run the node until `signal` aborts. Rejects with a RuntimeSetupError
 * when containerd is missing or cannot start (its message says what to do).
 *
 * @example
 * await runContainerdAgent({ client, clusterCA, nodeName: 'node-1', dataDir: '/var/lib/skiff', clusterCIDR: '10.42.0.0/16' }, signal);
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
    // As upstream's kubelet without --tls-cert-file: a self-signed certificate, which the API server does not verify.
    const now = new Date();
    const serving = await issueSelfSignedServing(now, 365, `${hostname()}@${String(Math.floor(now.getTime() / 1000))}`, { ips: [nodeIP], dnsNames: [o.nodeName] });
    const server = await startKubeletServer({ host: nodeIP, port: o.kubeletPort ?? 10250, ...serving, caCert: o.clusterCA, ...newPodSources({ client: o.client, cri, dataDir: o.dataDir }) }, stop.signal);
    log.info('kubelet server listening', { address: `${nodeIP}:${String(server.port)}` });
    const machine = await machineStatus({ cri, nodeName: o.nodeName, internalIP: nodeIP, dataDir: o.dataDir, ...(containerd.paths ? { imagefsDir: containerd.paths.root } : {}), runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}` });
    const template = { ...await nodeTemplate(o.client, { internalIP: nodeIP, cpu: String(machine.info.cpu), memoryBytes: machine.info.memoryBytes }), runtimeVersion: machine.runtimeVersion, labels: machine.labels, kubeletPort: server.port };
    const registered = await registerNodes(o.client, [o.nodeName], template, { clusterCIDR: o.clusterCIDR, maskBits: o.nodeCIDRMaskSize ?? 24 }, 1, Date.now);
    const node = registered.get(o.nodeName);
    if (!node) throw new Error(`node ${o.nodeName} was not registered`);
    if (containerd.paths) writeCniConfig(containerd.paths.cniConfDir, node.config.podCIDR, join(o.dataDir, 'cni', 'ipam'));
    log.info('node registered', { node: o.nodeName, podCIDR: node.config.podCIDR, runtime: template.runtimeVersion });
    const statics = o.podManifestPath ? newStaticPods({ client: o.client, node: { name: o.nodeName, uid: node.uid }, dir: o.podManifestPath, log: log.child({ component: 'static-pods' }) }) : undefined;
    await Promise.all([
      statics?.run(signal),
      runHeartbeats({ client: o.client, node: { name: o.nodeName, uid: node.uid }, conditions: node.conditions, status: machine.status(template.kubeletVersion, server.port), log }, signal),
      runKubelet({ client: o.client, nodeName: o.nodeName, cri, dataDir: o.dataDir, nodeIP, offlineImageFallback: o.offlineImageFallback ?? true, log: log.child({ component: 'kubelet' }), ...(statics ? { staticPods: statics } : {}) }, signal),
      runUsageReporter({ client: o.client, cri, nodeName: o.nodeName, log: log.child({ component: 'usage' }) }, signal),
    ]);
  } finally {
    cri.close();
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    await containerd.stopped;
  }
}
