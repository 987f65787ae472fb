/**
 * Expectations (upstream's ControllerExpectations): after a controller asks
 * for N creations or deletions it waits to observe them in its informer
 * before it counts again, so a burst of creates is not repeated from a
 * cache that has not caught up. Expectations expire after five minutes, in
 * case an event was lost.
 */
const TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: Set<string>;
  at: number;
}

export class Expectations {
  readonly #items = new Map<string, Expectation>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Whether the owner `key` may sync against its cache (all it asked for was observed, or it expired). */
  satisfied(key: string): boolean {
    const e = this.#items.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del.size === 0) || this.#now() - e.at > TTL_MS;
  }

  /** Expect `n` creations and the deletions of the pods keyed `dels`. */
  expect(key: string, n: number, dels: readonly string[] = []): void {
    this.#items.set(key, { add: n, del: new Set(dels), at: this.#now() });
  }

  /** A creation was observed (or will never happen: the create failed). */
  created(key: string): void {
    const e = this.#items.get(key);
    if (e) e.add--;
  }

  /** The deletion of `podKey` was observed (or will never happen). */
  deleted(key: string, podKey: string): void {
    this.#items.get(key)?.del.delete(podKey);
  }

  /** Forget the owner (it was deleted). */
  forget(key: string): void {
    this.#items.delete(key);
  }
}
