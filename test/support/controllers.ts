/**
 * An in-process API server with some controllers running against it
 * through the controller manager (short leases), for integration tests;
 * tests play the kubelet by writing pod status.
 */
import { Client, credentialsFromKubeconfig } from '../../src/client/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Controller } from '../../src/controllers/index.js';
import { runControllerManager } from '../../src/controllers/manager.js';
import { pods } from '../../src/api/core/index.js';
import { startTestAPIServer, type TestAPIServer } from './apiserver.js';

export interface ControllerHarness {
  readonly api: TestAPIServer;
  readonly client: Client;
  /** Stops the controllers, then the API server. */
  stop(): Promise<void>;
}

/** Start an API server and run `controllers` against it; always `stop()` it. */
export async function startControllers(controllers: readonly Controller[]): Promise<ControllerHarness> {
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig), { userAgent: 'kube-controller-manager' });
  const abort = new AbortController();
  const running = runControllerManager({ client, controllers, leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2 }, abort.signal);
  return {
    api,
    client,
    stop: async () => {
      abort.abort();
      await running.catch(() => {});
      client.close();
      await api.stop();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, failing after `attempts` tries (a bound, not a timing). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, attempts = 300): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** Play the kubelet: set a pod's phase (and Ready for Running). */
export async function setPodPhase(client: Client, pod: KubeObject, phase: 'Running' | 'Succeeded' | 'Failed', ready = phase === 'Running'): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }], startTime: now };
  await client.patch(pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { status }, 'merge', { subresource: 'status' });
}

/** The reasons and messages of the Events recorded about an object. */
export async function eventsOf(client: Client, obj: KubeObject): Promise<{ reason: string; message: string; type: string }[]> {
  const { events } = await import('../../src/api/core/index.js');
  const list = await client.list<KubeObject & { reason: string; message: string; type: string; involvedObject: { uid?: string } }>(events, obj.metadata.namespace ?? '');
  return list.items.filter((e) => e.involvedObject.uid === obj.metadata.uid).map((e) => ({ reason: e.reason, message: e.message, type: e.type }));
}
