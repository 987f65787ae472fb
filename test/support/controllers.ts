import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import type { Controller } from '../../src/controllers/index.js';
import { runControllerManager } from '../../src/controllers/manager.js';
import type { TestAPIServer } from './apiserver.js';

/** Controllers running against a test API server; always `stop()` them in an `after`/`finally`. */
export interface TestControllers {
  /** A client of the same server, for the test's own requests. */
  readonly client: Client;
  stop(): Promise<void>;
}

/** Run `controllers` under a controller manager with short leases against `api`. */
export function startControllers(api: TestAPIServer, controllers: readonly Controller[]): TestControllers {
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig), { userAgent: 'test-controllers' });
  const abort = new AbortController();
  const running = runControllerManager({ client, controllers, leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2 }, abort.signal);
  return {
    client,
    stop: async () => {
      abort.abort();
      await running.catch(() => {});
      client.close();
    },
  };
}
