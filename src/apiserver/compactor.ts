import type { Store } from '../storage/store.js';

/** Options of {@link startCompactor}. */
export interface CompactorOptions {
  readonly store: Store;
  /** Time between compactions; each discards history older than the previous tick (upstream: 5 min). */
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly onError: (err: unknown) => void;
}

/**
 * Compact the datastore as kube-apiserver does: at every tick, discard the
 * history before the revision seen at the previous tick, so that watches and
 * paged lists can resume across at least one interval.
 */
export function startCompactor(options: CompactorOptions): void {
  const { store, intervalMs, signal, onError } = options;
  let previous = 0;
  const tick = async () => {
    const current = await store.currentRevision();
    if (previous > (await store.compactRevision())) await store.compact(previous);
    previous = current;
  };
  const timer = setInterval(() => {
    tick().catch(onError);
  }, intervalMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
