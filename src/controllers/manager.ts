/**
 * The controller manager: runs every controller over one set of shared
 * informers while it holds the `kube-controller-manager` Lease, so that of
 * several `skiff server` processes on one datastore exactly one manages.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { runLeaderElection, type Client } from '../client/index.js';
import { recorders, SharedInformers, type Controller, type ControllerContext } from './controller.js';
import { newControllers, type ControllersConfig } from './index.js';

export interface ControllerManagerOptions extends ControllersConfig {
  readonly client: Client;
  /** Which controllers to run (default all, configured by the {@link ControllersConfig} fields). */
  readonly controllers?: readonly Controller[];
  readonly identity?: string;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Lease timing (seconds; upstream's 15, 10 and 2 by default); tests shorten it. */
  readonly leaseDurationSeconds?: number;
  readonly renewDeadlineSeconds?: number;
  readonly retryPeriodSeconds?: number;
  /** The cluster CA (PEM), published to every namespace as `kube-root-ca.crt`. */
  readonly rootCA?: string;
}

/** Run the controllers while leading, until `signal` aborts. */
export async function runControllerManager(o: ControllerManagerOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? (() => {});
  const host = hostname();
  const controllers = o.controllers ?? newControllers(o);
  const identity = o.identity ?? `${host}_${randomUUID()}`;
  await runLeaderElection(
    o.client,
    {
      name: 'kube-controller-manager',
      identity,
      // A controller manager that shuts down hands over at once rather than after the lease lapses.
      releaseOnCancel: true,
      ...(o.leaseDurationSeconds ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
      ...(o.renewDeadlineSeconds ? { renewDeadlineSeconds: o.renewDeadlineSeconds } : {}),
      ...(o.retryPeriodSeconds ? { retryPeriodSeconds: o.retryPeriodSeconds } : {}),
      onError: (err) => log('leader election', { err: String(err) }),
      onStartedLeading: async (lead) => {
        // Every informer's watch and every controller listens on this signal.
        setMaxListeners(0, lead);
        log('controller manager leading', { identity, controllers: controllers.map((c) => c.name) });
        const informers = new SharedInformers(o.client, { onError: (err) => log('informer', { err: String(err) }) });
        const ctx: ControllerContext = { client: o.client, informers, recorder: recorders(o.client, host), signal: lead, log, ...(o.rootCA ? { rootCA: o.rootCA } : {}) };
        const running = controllers.map((c) => c.run(ctx).catch((err: unknown) => log('controller failed', { controller: c.name, err: err instanceof Error ? (err.stack ?? err.message) : String(err) })));
        informers.start(lead);
        await Promise.all(running);
        await informers.stopped();
      },
      onStoppedLeading: () => log('controller manager stopped leading'),
    },
    signal,
  );
}
