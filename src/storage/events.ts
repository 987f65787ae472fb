import type { WatchEvent } from './store.js';

/**
 * The receiving end of one watch: an async iterable of event batches fed by
 * a backend with {@link EventQueue.push}, ended by {@link EventQueue.fail},
 * {@link EventQueue.end} or the watch's `AbortSignal`. Unbounded: a backend
 * never waits for a slow consumer.
 */
export class EventQueue implements AsyncIterable<readonly WatchEvent[]> {
  #batches: (readonly WatchEvent[])[] = [];
  #error: Error | undefined;
  #done = false;
  #iterating = false;
  #wake: (() => void) | undefined;
  readonly #signal: AbortSignal;
  readonly #onClose: () => void;
  readonly #onAbort = (): void => { this.end(); };

  /** A queue that ends when `signal` aborts; `onClose` runs once when it ends for any reason. */
  constructor(signal: AbortSignal, onClose: () => void) {
    this.#signal = signal;
    this.#onClose = onClose;
    if (signal.aborted) this.end();
    else signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True once the queue has ended (no more pushes are delivered). */
  get closed(): boolean {
    return this.#done;
  }

  /** Deliver a batch (ignored when empty or after the end). */
  push(batch: readonly WatchEvent[]): void {
    if (this.#done || batch.length === 0) return;
    this.#batches.push(batch);
    this.#notify();
  }

  /** End the watch with `err`, thrown from `next()` after the batches already queued. */
  fail(err: Error): void {
    if (this.#done) return;
    this.#error = err;
    this.end();
  }

  /** End the watch: `next()` returns done after the batches already queued. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    if (this.#signal.aborted) this.#batches = [];
    this.#onClose();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *#iterate(): AsyncGenerator<readonly WatchEvent[]> {
    try {
      for (;;) {
        const batch = this.#batches.shift();
        if (batch) {
          yield batch;
          continue;
        }
        if (this.#done) {
          if (this.#error !== undefined && !this.#signal.aborted) throw this.#error;
          return;
        }
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      this.end();
    }
  }

  /** Iterate once; a second iteration throws. */
  [Symbol.asyncIterator](): AsyncIterator<readonly WatchEvent[]> {
    if (this.#iterating) throw new Error('a watch can be iterated only once');
    this.#iterating = true;
    return this.#iterate();
  }
}
