import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../src/api/meta.js';
import { keyOf } from '../../src/client/index.js';
import { runningAndReady } from './pod-tracker.js';

interface Pod extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** When this process's watch first showed a pod, showed it bound, and showed it Running and Ready (`performance.now()`). */
export interface PodArrivals {
  seen?: number;
  bound?: number;
  running?: number;
}

/**
 * Arrival times of a watch's pod events by `namespace/name`, and promises
 * that resolve when a given pod is Running and Ready or is gone. Feed it an
 * informer's add, update and delete events.
 */
export class PodWaits {
  readonly #arrivals = new Map<string, PodArrivals>();
  readonly #live = new Set<string>();
  readonly #waiters = new Map<string, (() => void)[]>();
  /** Rejects of the waits still pending. */
  readonly #pending = new Set<(err: Error) => void>();
  readonly #signal: AbortSignal | undefined;

  /** Waits reject once `signal` aborts (an interrupted run). */
  constructor(signal?: AbortSignal) {
    this.#signal = signal;
    // One listener for every wait (a hundred at once would each add one otherwise).
    signal?.addEventListener('abort', () => { for (const reject of this.#pending) reject(new Error('interrupted')); }, { once: true });
  }

  observe(p: Pod): void {
    const now = performance.now();
    const key = keyOf(p);
    this.#live.add(key);
    let a = this.#arrivals.get(key);
    if (!a) this.#arrivals.set(key, (a = {}));
    a.seen ??= now;
    if (p.spec?.nodeName) a.bound ??= now;
    if (a.running === undefined && runningAndReady(p)) {
      a.running = now;
      this.#wake(key);
    }
  }

  gone(p: Pod): void {
    const key = keyOf(p);
    this.#live.delete(key);
    this.#arrivals.delete(key);
    this.#wake(key);
  }

  /** What the watch showed of `key` so far. */
  arrivals(key: string): PodArrivals {
    return { ...this.#arrivals.get(key) };
  }

  /** Pods the watch shows now. */
  get live(): number {
    return this.#live.size;
  }

  /** Resolves once `key` is Running and Ready (at once if it is). */
  running(key: string): Promise<void> {
    return this.#until(key, () => this.#arrivals.get(key)?.running !== undefined);
  }

  /** Resolves once `key` is gone from the watch. */
  deleted(key: string): Promise<void> {
    return this.#until(key, () => !this.#live.has(key));
  }

  #until(key: string, done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    if (this.#signal?.aborted) return Promise.reject(new Error('interrupted'));
    return new Promise((resolve, reject) => {
      this.#pending.add(reject);
      const check = () => {
        if (!done()) this.#add(key, check);
        else {
          this.#pending.delete(reject);
          resolve();
        }
      };
      this.#add(key, check);
    });
  }

  #add(key: string, fn: () => void): void {
    const list = this.#waiters.get(key) ?? [];
    list.push(fn);
    this.#waiters.set(key, list);
  }

  #wake(key: string): void {
    const list = this.#waiters.get(key);
    if (!list) return;
    this.#waiters.delete(key);
    for (const fn of list) fn();
  }
}
