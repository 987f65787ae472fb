/** The worker loop every controller runs: sync keys from a queue until the controller's signal aborts. */
import { runWorkers, type WorkQueue } from '../../client/index.js';
import type { ControllerContext } from '../controller.js';

/** Run `workers` loops of `sync` over `queue` until `ctx.signal` aborts, logging failed syncs (they retry with back-off). */
export async function runQueue(ctx: ControllerContext, name: string, queue: WorkQueue, workers: number, sync: (key: string) => Promise<void>): Promise<void> {
  const stop = () => queue.shutdown();
  if (ctx.signal.aborted) return;
  ctx.signal.addEventListener('abort', stop, { once: true });
  await runWorkers(queue, workers, sync, (key, err) => ctx.log(`${name}: sync failed`, { key, err: err instanceof Error ? err.message : String(err) }));
}
