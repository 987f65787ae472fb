/**
 * Controllers running through the controller manager (short leases)
 * against an in-process API server, for integration tests; tests play the
 * kubelet by writing pod status.
 */
import { pods } from '../../src/api/core/index.js';
import type { KubeObject } from '../../src/api/meta.js';
import { Client, credentialsFromKubeconfig, isConflict, isNotFound, sleep } from '../../src/client/index.js';
import type { Controller } from '../../src/controllers/index.js';
import { runControllerManager } from '../../src/controllers/manager.js';
import { startTestAPIServer, type TestAPIServer } from './apiserver.js';

/** Controllers running against a test API server; always `stop()` them in an `after`/`finally`. */
export interface TestControllers {
  /** A client of the same server, for the test's own requests. */
  readonly client: Client;
  /** Stops the controllers (not the API server). */
  stop(): Promise<void>;
}

/** Run `controllers` under a controller manager with short leases against `api`. */
export function runControllers(api: TestAPIServer, controllers: readonly Controller[]): TestControllers {
  const credentials = credentialsFromKubeconfig(api.kubeconfig);
  const client = new Client(credentials, { userAgent: 'kube-controller-manager' });
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

export interface ControllerHarness extends TestControllers {
  readonly api: TestAPIServer;
}

/** Start an API server of its own and run `controllers` against it; `stop()` stops both. */
export async function startControllers(controllers: readonly Controller[]): Promise<ControllerHarness> {
  const api = await startTestAPIServer();
  const running = runControllers(api, controllers);
  return {
    api,
    client: running.client,
    stop: async () => {
      await running.stop();
      await api.stop();
    },
  };
}

/**
 * Poll `check` until it returns a value other than undefined/false, at most
 * `attempts` times 50 ms apart (a bound on a hung controller, not a timing
 * the test depends on); throws with `what` when it never does.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, attempts = 600): Promise<T> {
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
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
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

type PodObj = KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string; conditions?: { type: string; status: string }[] } };

/** Play the kubelet for one pod: Running and Ready (or not ready) now; a pod gone or changed meanwhile is left alone. */
export async function setPodReady(client: Client, pod: KubeObject, ready = true): Promise<void> {
  await setPodPhase(client, pod, 'Running', ready).catch((err: unknown) => {
    if (!isNotFound(err) && !isConflict(err)) throw err;
  });
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
