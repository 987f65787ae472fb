/**
 * Upstream's slowStartBatch: do `count` calls in batches of 1, 2, 4, …, and
 * stop at the first batch with a failure, so that a create that fails (a
 * quota, a bad template) fails once rather than `count` times.
 * Returns how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, fn: (i: number) => Promise<void>): Promise<{ ok: number; err?: unknown }> {
  let done = 0;
  let ok = 0;
  for (let size = 1; done < count; size *= 2) {
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
