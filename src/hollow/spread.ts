/**
 * Periodic work for many nodes in one process without bursts: each of
 * `count` items runs once per period, item `i` in slot `i mod slots` of
 * 100 ms slots, so 5,000 nodes renewing every 10 s make 50 renewals per
 * slot rather than 5,000 at once. A limiter bounds the requests in flight.
 */
import { sleep } from '../client/index.js';

/** Runs at most `n` tasks at once; the rest wait their turn in order. */
export class Limiter {
  readonly #n: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(n: number) {
    this.#n = Math.max(1, n);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#n) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}

/** Runs `task` on every item, at most `n` at once; resolves when all have settled (rejections are the task's to handle). */
export async function forEachLimit<T>(items: readonly T[], n: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const SLOT_MS = 100;

/**
 * Calls `task(i)` for each `i < count` once every `periodMs`, spread over the
 * period, through `limiter`, until `signal` aborts. An item whose previous
 * call has not finished is skipped this round. Resolves when stopped and
 * every call in flight has finished.
 */
export async function runSpread(count: number, periodMs: number, limiter: Limiter, task: (i: number) => Promise<void>, signal: AbortSignal): Promise<void> {
  const slots = Math.max(1, Math.round(periodMs / SLOT_MS));
  const busy = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  const start = Date.now();
  for (let tick = 0; !signal.aborted; tick++) {
    const slot = tick % slots;
    for (let i = slot; i < count; i += slots) {
      if (busy.has(i)) continue;
      busy.add(i);
      // Tasks report their own errors; one that throws just waits for its next round. Once stopped, calls still
      // waiting for the limiter are dropped: thousands may be queued, and stopping must not wait for them all.
      const p = limiter.run(() => (signal.aborted ? Promise.resolve() : task(i))).catch(() => undefined).finally(() => {
        busy.delete(i);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    // Sleep to the next slot's start on the wall clock, so slow rounds do not drift.
    await sleep(Math.max(0, start + (tick + 1) * SLOT_MS - Date.now()), signal);
  }
  await Promise.allSettled([...inFlight]);
}
