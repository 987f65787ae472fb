/** The worker loop every queue-driven controller runs. */
import { runWorkers, type WorkQueue } from '../../client/index.js';
import type { ControllerContext } from '../controller.js';
import { timestamp } from './time.js';

/** Run `workers` loops over `queue` until the controller's signal aborts; failures are logged and retried with back-off. */
export async function runQueue<K>(ctx: ControllerContext, name: string, queue: WorkQueue<K>, workers: number, sync: (key: K) => Promise<void>): Promise<void> {
  if (ctx.signal.aborted) return;
  ctx.signal.addEventListener('abort', () => queue.shutdown(), { once: true });
  await runWorkers(queue, workers, sync, (key, err) => ctx.log(`${name}: sync failed`, { key, err: err instanceof Error ? err.message : String(err) }));
}

/** A condition of an object's status, as metav1.Condition and the core kinds' conditions. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  [field: string]: unknown;
}

/** RFC 3339 with seconds, as upstream's metav1.Time. */
export { timestamp };

/**
 * `conditions` with `c` set: lastTransitionTime kept while the status stays
 * the same, as upstream; other fields (reason, message) take the new value.
 */
export function setCondition(conditions: readonly Condition[] | undefined, c: Condition, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const old = i >= 0 ? list[i] : undefined;
  const next = { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : timestamp(now) };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}
