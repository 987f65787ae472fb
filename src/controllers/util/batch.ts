/**
 * Upstream's slowStartBatch: do `count` calls in batches of 1, 2, 4, …, and
 * stop at the first batch with a failure, so that a create that fails (a
 * quota, a bad template) fails once rather than `count` times. Also stops
 * before the next batch once `signal` aborts: a controller that shuts down
 * must not go on with hundreds of creates (upstream's process simply exits).
 * Returns how many succeeded and the first error; calls never made are
 * neither (`ok` < `count` without `err` after an abort).
 */
export async function slowStartBatch(count: number, fn: (i: number) => Promise<void>, signal?: AbortSignal): Promise<{ ok: number; err?: unknown }> {
  let done = 0;
  let ok = 0;
  for (let size = 1; done < count && !signal?.aborted; size *= 2) {
    const batch = Math.min(size, count - done);
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, j) => fn(done + j)));
    done += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    ok += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { ok, err: failed.reason };
  }
  return { ok };
}

/** Upstream's burstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;
