/**
 * The components `skiff server` runs beside the API server once it is
 * ready, each a client of it: the controller manager and the scheduler
 * (each under its own leader election) and the embedded agent. Each is one
 * entry here.
 */
import type { Credentials } from '../client/index.js';
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
    running.push(runControllerManager({ client, rootCA: credentials.ca, log: (m, f) => cmLog.info(m, fields(f)) }, signal));
  }
  if (!options.disableScheduler) {
    const { runScheduler } = await import('../scheduler/index.js');
    const schedLog = log.child({ component: 'scheduler' });
    const schedClient = new Client(credentials, { userAgent: 'kube-scheduler', maxSockets: 64 });
    running.push(runScheduler({ client: schedClient, log: (m, f) => schedLog.info(m, fields(f)) }, signal).finally(() => schedClient.close()));
  }
  try {
    await Promise.all(running);
  } finally {
    client.close();
  }
}
