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
  const credentials = credentialsFromKubeconfig(api.kubeconfig);
  const client = new Client(credentials, { userAgent: 'test-controllers' });
  const abort = new AbortController();
  const running = runControllerManager({ client, controllers, rootCA: credentials.ca, leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2 }, abort.signal);
  return {
    client,
    stop: async () => {
      abort.abort();
      await running.catch(() => {});
      client.close();
    },
  };
}

/**
 * Poll `check` until it returns a value other than undefined/false, at most
 * `attempts` times 50 ms apart (a bound on a hung controller, not a timing
 * the test depends on); throws with `what` when it never does.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, attempts = 600): Promise<T> {
  let last: Error | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err instanceof Error ? err : new Error(String(err));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
