/** The worker loop every workload controller runs: wait for the caches, then sync keys until the signal aborts. */
import { runWorkers, type WorkQueue } from '../../client/index.js';
import type { ControllerContext } from '../controller.js';

/** Upstream's default worker count for the workload controllers (`--concurrent-*-syncs`). */
export const WORKERS = 5;

/** Waits for every informer, then runs `sync` on `queue`'s keys with `workers` workers until `ctx.signal` aborts. */
export async function runQueue(ctx: ControllerContext, name: string, queue: WorkQueue, sync: (key: string) => Promise<void>, workers = WORKERS): Promise<void> {
  const stop = () => queue.shutdown();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    await ctx.informers.synced();
    if (ctx.signal.aborted) return;
    await runWorkers(queue, workers, sync, (key, err) => ctx.log(`${name}: sync failed`, { key, err: err instanceof Error ? err.message : String(err) }));
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    queue.shutdown();
  }
}
