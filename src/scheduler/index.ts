/**
 * The scheduler: runs while it holds the `kube-scheduler` Lease, so that of
 * several `skiff server` processes on one datastore exactly one schedules.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { runLeaderElection } from '../client/index.js';
import { runSchedulerLoop, type SchedulerOptions } from './scheduler.js';

export { runSchedulerLoop, type SchedulerOptions } from './scheduler.js';
export { numFeasibleNodesToFind, schedulePod } from './algorithm.js';

export interface LeaderOptions {
  readonly identity?: string;
  readonly leaseDurationSeconds?: number;
  readonly renewDeadlineSeconds?: number;
  readonly retryPeriodSeconds?: number;
}

/**
 * Run the scheduler under leader election until `signal` aborts.
 * @example await runScheduler({ client }, signal)
 */
export async function runScheduler(o: SchedulerOptions & LeaderOptions, signal: AbortSignal): Promise<void> {
  const log = o.log ?? (() => {});
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  await runLeaderElection(
    o.client,
    {
      name: 'kube-scheduler',
      identity,
      // A scheduler that shuts down hands over at once rather than after the lease lapses.
      releaseOnCancel: true,
      ...(o.leaseDurationSeconds ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
      ...(o.renewDeadlineSeconds ? { renewDeadlineSeconds: o.renewDeadlineSeconds } : {}),
      ...(o.retryPeriodSeconds ? { retryPeriodSeconds: o.retryPeriodSeconds } : {}),
      onError: (err) => log('leader election', { err: String(err) }),
      onStartedLeading: async (lead) => {
        log('scheduler leading', { identity });
        await runSchedulerLoop(o, lead);
      },
      onStoppedLeading: () => log('scheduler stopped leading'),
    },
    signal,
  );
}
