/**
 * The components `skiff server` runs beside the API server once it is
 * ready, each a client of it: the controller manager and the scheduler
 * (each under its own leader election) and the embedded agent. Each is one
 * entry here.
 */
import type { Client, Credentials } from '../client/index.js';
import type { Logger } from '../log.js';
import type { ServerOptions } from './server-flags.js';

/** Start the components; resolves once they have all stopped after `signal` aborts. */
export async function runComponents(options: ServerOptions, credentials: Credentials, log: Logger, signal: AbortSignal): Promise<void> {
  const { Client } = await import('../client/index.js');
  const client = new Client(credentials, { userAgent: 'skiff-server' });
  const running: Promise<void>[] = [];
  const fields = (f?: Record<string, unknown>) => f ?? {};
  if (!options.disableControllerManager) {
    const { runControllerManager } = await import('../controllers/manager.js');
    const cmLog = log.child({ component: 'controller-manager' });
    running.push(runControllerManager({ client, rootCA: credentials.ca, nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs, log: (m, f) => cmLog.info(m, fields(f)) }, signal));
  }
  if (!options.disableScheduler) {
    const { runScheduler } = await import('../scheduler/index.js');
    const schedLog = log.child({ component: 'scheduler' });
    const schedClient = new Client(credentials, { userAgent: 'kube-scheduler', maxSockets: 64 });
    running.push(runScheduler({ client: schedClient, log: (m, f) => schedLog.info(m, fields(f)) }, signal).finally(() => schedClient.close()));
  }
  if (!options.disableAgent) {
    const agentLog = log.child({ component: 'agent' });
    if (options.runtime === 'fake') {
      const agentClient = new Client(credentials, { userAgent: 'skiff-agent' });
      running.push(runFakeAgent(options, agentClient, agentLog, signal).finally(() => agentClient.close()));
    } else {
      const agentClient = new Client(credentials, { userAgent: 'skiff-agent' });
      running.push(runContainerdAgent(options, agentClient, credentials.ca, agentLog, signal).finally(() => agentClient.close()));
    }
  }
  try {
    await Promise.all(running);
  } finally {
    client.close();
  }
}

/** The embedded agent with `--runtime fake`: this machine as one hollow node named `--node-name`, its capacity the machine's. */
async function runFakeAgent(options: ServerOptions, client: Client, log: Logger, signal: AbortSignal): Promise<void> {
  const { runFakeNode } = await import('./agent.js');
  try {
    await runFakeNode({ client, nodeName: options.nodeName, clusterCIDR: options.clusterCIDR, log }, signal);
  } catch (err) {
    // The control plane stays up without its node, as k3s's server does when its agent fails.
    log.error('embedded agent failed', { err });
  }
}

/** The embedded agent with `--runtime containerd`: this machine as a node named `--node-name`, its pods real containers. */
async function runContainerdAgent(options: ServerOptions, client: Client, clusterCA: string, log: Logger, signal: AbortSignal): Promise<void> {
  const kubelet = await import('../kubelet/index.js');
  try {
    await kubelet.runContainerdAgent({ client, clusterCA, nodeName: options.nodeName, dataDir: options.dataDir, clusterCIDR: options.clusterCIDR, kubeletPort: options.kubeletPort, offlineImageFallback: options.offlineImageFallback, log, ...(options.podManifestPath ? { podManifestPath: options.podManifestPath } : {}) }, signal);
  } catch (err) {
    // The control plane stays up without its node, as with --runtime fake; the message says how to get containerd.
    if (kubelet.isRuntimeSetupError(err)) log.error(`embedded agent: ${err.message}; the control plane runs without a node (--runtime fake gives a simulated one)`, { code: err.code });
    else log.error('embedded agent failed', { err });
  }
}
