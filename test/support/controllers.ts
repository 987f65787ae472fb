/**
 * Controllers under test: an in-process API server, the controller manager
 * running the given controllers, and a stand-in kubelet that reports pods
 * Running and Ready (there are no real kubelets in these suites).
 */
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, isConflict, isNotFound, sleep } from '../../src/client/index.js';
import type { Controller } from '../../src/controllers/index.js';
import { runControllerManager } from '../../src/controllers/manager.js';
import { startTestAPIServer, type TestAPIServer } from './apiserver.js';

export interface ControllerHarness {
  readonly api: TestAPIServer;
  readonly client: Client;
  /** Stops the controllers, the client and the API server. */
  stop(): Promise<void>;
}

/** An API server with `controllers` running against it; always `stop()` it. */
export async function startControllers(controllers: readonly Controller[]): Promise<ControllerHarness> {
  const api = await startTestAPIServer();
  const client = new Client(credentialsFromKubeconfig(api.kubeconfig));
  const ac = new AbortController();
  const running = runControllerManager({ client, controllers, leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2 }, ac.signal);
  return {
    api,
    client,
    stop: async () => {
      ac.abort();
      await running.catch(() => {});
      client.close();
      await api.stop();
    },
  };
}

/** Wait (bounded: about `tries` × 50 ms) until `check` resolves truthy; returns its value or throws `what`. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, tries = 600): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

type PodObj = KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string; conditions?: { type: string; status: string }[] } };

/** Play the kubelet for one pod: Running and Ready (or not ready) now. */
export async function setPodReady(client: Client, pod: KubeObject, ready = true): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
    ],
  };
  try {
    await client.patch(pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { status }, 'merge', { subresource: 'status' });
  } catch (err) {
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}

/**
 * A stand-in kubelet: every pod that is not ready (and not being deleted)
 * and that `accept` takes is reported Running and Ready, until `signal`
 * aborts. Pods with a node name and a deletion timestamp are deleted for
 * good, as a kubelet does once their containers stop.
 */
export function fakeKubelet(client: Client, signal: AbortSignal, accept: (p: PodObj) => boolean = () => true): Promise<void> {
  return (async () => {
    while (!signal.aborted) {
      const list = await client.list<PodObj>(pods).catch(() => ({ items: [] as PodObj[] }));
      for (const p of list.items) {
        if (p.metadata.deletionTimestamp) {
          if (p.spec?.nodeName) await client.delete(pods, p.metadata.namespace ?? '', p.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => {});
          continue;
        }
        const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (!ready && accept(p)) await setPodReady(client, p);
      }
      await sleep(50, signal);
    }
  })();
}
