/**
 * A work queue as client-go's: a key waits in the queue at most once however
 * often it is added; a key being processed is not handed out again until
 * `done`, and if it was added meanwhile it comes back after. Failed keys
 * come back after an exponential back-off (5 ms doubling, at most 1000 s)
 * until `forget`.
 */
export class WorkQueue<K = string> {
  readonly #queue: K[] = [];
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #failures = new Map<K, number>();
  /** Keys waiting to be added, with when: one timer per key, the earliest asked for (client-go's delaying queue). */
  readonly #timers = new Map<K, { timer: NodeJS.Timeout; at: number }>();
  readonly #waiters: ((k: K | undefined) => void)[] = [];
  #shutdown = false;

  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1_000_000,
  ) {}

  add(key: K): void {
    if (this.#shutdown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      waiter(key);
    } else this.#queue.push(key);
  }

  /** Adds `key` after `ms`; a key already waiting keeps the earlier of the two times. */
  addAfter(key: K, ms: number): void {
    if (this.#shutdown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const waiting = this.#timers.get(key);
    if (waiting && waiting.at <= at) return;
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    this.#timers.set(key, { timer, at });
  }

  /** Adds `key` after its back-off, which doubles with each call until `forget`. */
  addRateLimited(key: K): void {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs));
  }

  /** Clears `key`'s back-off (it succeeded). */
  forget(key: K): void {
    this.#failures.delete(key);
  }

  /** Times `key` was re-added by `addRateLimited` since its last `forget`. */
  requeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }

  /** The next key to process; undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#shutdown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }

  get length(): number {
    return this.#queue.length;
  }

  /**
   * Stops handing out keys: waiting `get`s resolve undefined, and so does
   * every later `get`. Keys still queued are dropped, not drained: a
   * controller that stops (shutdown, lost lease) must not go on working
   * through a backlog of thousands of keys first; its successor lists
   * everything again. Keys being processed finish their sync.
   */
  shutdown(): void {
    this.#shutdown = true;
    this.#queue.length = 0;
    this.#dirty.clear();
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }
}

/**
 * Run `workers` loops taking keys from `queue` and calling `sync`; a sync
 * that throws is retried with back-off, one that succeeds is forgotten.
 * Resolves when the queue shuts down.
 */
export async function runWorkers<K>(queue: WorkQueue<K>, workers: number, sync: (key: K) => Promise<void>, onError?: (key: K, err: unknown) => void): Promise<void> {
  const worker = async () => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
