/**
 * The TTL-after-finished controller, as upstream's: a finished Job with
 * `ttlSecondsAfterFinished` is deleted (foreground, so its pods go first)
 * that many seconds after its Complete or Failed condition.
 */
import { jobs } from '../../api/batch/index.js';
import { isNotFound, keyOf, WorkQueue } from '../../client/index.js';
import type { Controller } from '../controller.js';
import { runQueue } from '../util/run.js';
import { realClock, type Clock } from '../util/time.js';
import { jobFinished, type Job } from './types.js';

/** When a finished Job expires, or undefined if it does not. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  const done = jobFinished(job);
  if (ttl === undefined || !done || job.metadata.deletionTimestamp) return undefined;
  const finished = Date.parse(done.lastTransitionTime ?? job.status?.completionTime ?? '');
  return Number.isNaN(finished) ? undefined : finished + ttl * 1000;
}

/** New TTL-after-finished controller. */
export function newTTLAfterFinishedController(o: { now?: Clock } = {}): Controller {
  const now = o.now ?? realClock;
  return {
    name: 'ttl-after-finished',
    async run(ctx) {
      const inf = ctx.informers.for<Job>(jobs);
      const queue = new WorkQueue();
      const enqueue = (j: Job) => {
        if (expiresAt(j) !== undefined) queue.add(keyOf(j));
      };
      inf.on({ add: enqueue, update: (_, j) => enqueue(j) });
      if (!(await ctx.informers.synced())) return;
      await runQueue(ctx, 'ttl-after-finished', queue, 2, async (key) => {
        const job = inf.get(key);
        const at = job ? expiresAt(job) : undefined;
        if (!job || at === undefined) return;
        const left = at - now().getTime();
        if (left > 0) {
          queue.addAfter(key, left);
          return;
        }
        try {
          await ctx.client.delete(jobs, job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid ?? '' } });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      });
    },
  };
}
