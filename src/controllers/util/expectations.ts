/**
 * Controller expectations, as client-go's ControllerExpectations: after a
 * controller creates or deletes N objects for a key it waits until its
 * informer has seen them before acting on that key's cache again, so that a
 * stale cache never makes it create (or delete) twice. An expectation older
 * than five minutes is dropped, as upstream's TTL does.
 */
const TTL_MS = 5 * 60_000;

export class Expectations {
  readonly #pending = new Map<string, { adds: number; dels: number; at: number }>();

  /** Expect `adds` creations and `dels` deletions for `key` (replacing what was expected). */
  expect(key: string, adds: number, dels: number): void {
    this.#pending.set(key, { adds, dels, at: Date.now() });
  }

  /** An expected creation was seen (or will never happen: the create failed). */
  observeAdd(key: string): void {
    const e = this.#pending.get(key);
    if (e) e.adds--;
  }

  /** An expected deletion was seen (or will never happen). */
  observeDel(key: string): void {
    const e = this.#pending.get(key);
    if (e) e.dels--;
  }

  /** True when nothing is outstanding for `key` (or the expectation expired). */
  satisfied(key: string): boolean {
    const e = this.#pending.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.dels <= 0) || Date.now() - e.at > TTL_MS) {
      this.#pending.delete(key);
      return true;
    }
    return false;
  }

  delete(key: string): void {
    this.#pending.delete(key);
  }
}
