/**
 * Controller expectations, as client-go's ControllerExpectations: after a
 * controller creates or deletes N objects for a key it waits until its
 * informer has seen them before acting on that key's cache again, so that a
 * stale cache never makes it create (or delete) twice. Deletions may be
 * expected by object key (as upstream's UIDTrackingControllerExpectations),
 * so that seeing one pod both marked for deletion and then deleted counts
 * once. An expectation older than five minutes is dropped, as upstream's
 * TTL does.
 */
const TTL_MS = 5 * 60_000;

interface Pending {
  adds: number;
  dels: number;
  /** The keys of the expected deletions, when tracked by key. */
  keys?: Set<string>;
  at: number;
}

export class Expectations {
  readonly #pending = new Map<string, Pending>();

  /** Expect `adds` creations and `dels` deletions (a count, or the keys of the objects) for `key`, replacing what was expected. */
  expect(key: string, adds: number, dels: number | readonly string[]): void {
    this.#pending.set(key, typeof dels === 'number' ? { adds, dels, at: Date.now() } : { adds, dels: 0, keys: new Set(dels), at: Date.now() });
  }

  /** An expected creation was seen (or will never happen: the create failed). */
  observeAdd(key: string): void {
    const e = this.#pending.get(key);
    if (e) e.adds--;
  }

  /** An expected deletion was seen (or will never happen); `objKey` names it when deletions are tracked by key. */
  observeDel(key: string, objKey?: string): void {
    const e = this.#pending.get(key);
    if (!e) return;
    if (e.keys) {
      if (objKey !== undefined) e.keys.delete(objKey);
    } else e.dels--;
  }

  /** True when nothing is outstanding for `key` (or the expectation expired). */
  satisfied(key: string): boolean {
    const e = this.#pending.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.dels <= 0 && !e.keys?.size) || Date.now() - e.at > TTL_MS) {
      this.#pending.delete(key);
      return true;
    }
    return false;
  }

  delete(key: string): void {
    this.#pending.delete(key);
  }
}
