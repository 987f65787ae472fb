/**
 * Upstream's assume cache for volumes and claims: while a pod's volumes are
 * being bound, the scheduler sees the PersistentVolume as already claimed
 * and the claim as already on its node, so that the next pod does not pick
 * the same volume or another node. An assumption holds until the informer
 * shows a newer version of the object (ours written, or someone else's
 * change) or it is restored.
 */
import type { KubeObject } from '../api/meta.js';
import type { Informer } from '../client/index.js';

export class AssumeCache<T extends KubeObject> {
  /** key → the assumed object and the informer version it was made from. */
  readonly #assumed = new Map<string, { readonly obj: T; readonly base: string | undefined }>();

  constructor(readonly informer: Informer<T>) {}

  /** The object as the scheduler should see it. */
  get(key: string): T | undefined {
    const cur = this.informer.get(key);
    if (this.#assumed.size === 0) return cur;
    return this.#overlay(key, cur);
  }

  /** Every object of an index of the informer, with assumptions applied. */
  byIndex(index: string, value: string): T[] {
    const list = this.informer.byIndex(index, value);
    if (this.#assumed.size === 0) return list;
    return list.map((o) => this.#overlay(`${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`, o) ?? o);
  }

  /** See `obj` (a changed copy of the informer's `key`) until the informer moves on. */
  assume(key: string, obj: T): void {
    this.#assumed.set(key, { obj, base: this.informer.get(key)?.metadata.resourceVersion });
  }

  restore(key: string): void {
    this.#assumed.delete(key);
  }

  #overlay(key: string, cur: T | undefined): T | undefined {
    const a = this.#assumed.get(key);
    if (!a) return cur;
    if (cur?.metadata.resourceVersion !== a.base) {
      this.#assumed.delete(key);
      return cur;
    }
    return a.obj;
  }
}
