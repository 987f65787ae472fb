/**
 * An informer: a local cache of one resource kept current by a watch, as
 * client-go's. It lists (in pages), then watches from the list's
 * resourceVersion, resumes the watch from the last version it saw when a
 * stream ends, and lists again when the server says that version is gone
 * (410). Handlers hear of adds, updates and deletes; a resync replays every
 * object as an update. Indexes answer "which objects have this value"
 * (by namespace, owner, node) without a scan.
 */
import type { KubeObject } from '../api/meta.js';
import { isGone, type Client, type ListOptions, type ResourceRef, type WatchEvent } from './rest.js';

export interface Handlers<T> {
  add?(obj: T): void;
  update?(old: T, obj: T): void;
  delete?(obj: T): void;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the key of an object in caches and queues. */
export const keyOf = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? ''));

/** Splits a key back into namespace ('' if none) and name. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

export interface InformerOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Replay every object to `update` this often (0: never). */
  readonly resyncMs?: number;
  /** Page size of the list. */
  readonly pageSize?: number;
  /** Called with errors it recovers from (by waiting and retrying). */
  readonly onError?: (err: unknown) => void;
  /**
   * Keep `metadata.managedFields` in cached objects. By default they are
   * dropped, as kube-scheduler and kube-controller-manager drop them
   * (client-go's TransformStripManagedFields): no controller reads them and
   * they are a third of a pod. An update that omits them keeps the server's.
   */
  readonly keepManagedFields?: boolean;
}

/** Commonly used index functions. */
export const indexers = {
  namespace: (o: KubeObject) => [o.metadata.namespace ?? ''],
  owner: (o: KubeObject) => (o.metadata.ownerReferences ?? []).map((r) => r.uid),
  node: (o: KubeObject) => {
    const n = (o.spec as { nodeName?: string } | undefined)?.nodeName;
    return n ? [n] : [];
  },
};

export class Informer<T extends KubeObject = KubeObject> {
  readonly #client: Client;
  readonly #ref: ResourceRef;
  readonly #opts: InformerOptions;
  readonly #items = new Map<string, T>();
  readonly #handlers: Handlers<T>[] = [];
  readonly #indexers = new Map<string, (o: T) => string[]>();
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  #synced = false;
  readonly #syncWaiters: (() => void)[] = [];
  #lastRV = '';

  constructor(client: Client, ref: ResourceRef, options: InformerOptions = {}) {
    this.#client = client;
    this.#ref = ref;
    this.#opts = options;
  }

  /** Adds handlers; objects already cached are replayed to `add`. */
  on(h: Handlers<T>): this {
    this.#handlers.push(h);
    if (h.add) for (const o of this.#items.values()) h.add(o);
    return this;
  }

  /** Adds an index (before `run`). */
  addIndex(name: string, fn: (o: T) => string[]): this {
    this.#indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.#indexes.set(name, index);
    for (const [k, o] of this.#items) for (const v of fn(o)) add(index, v, k);
    return this;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  /** The objects whose index `name` holds `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.#indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.#items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  get hasSynced(): boolean {
    return this.#synced;
  }

  /**
   * Resolves true once the first list is in the cache, or false if `signal`
   * aborts first (client-go's WaitForCacheSync): a component that stops
   * while its caches fill must not wait for lists it no longer needs.
   */
  synced(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        const i = this.#syncWaiters.indexOf(waiter);
        if (i >= 0) this.#syncWaiters.splice(i, 1);
        resolve(false);
      };
      this.#syncWaiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Lists and watches until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const resync = this.#opts.resyncMs
      ? setInterval(() => {
          for (const o of this.#items.values()) for (const h of this.#handlers) h.update?.(o, o);
        }, this.#opts.resyncMs)
      : undefined;
    resync?.unref();
    let backoff = 100;
    try {
      while (!signal.aborted) {
        try {
          if (!this.#lastRV) await this.#relist(signal);
          if (aborted(signal)) break;
          backoff = 100;
          await this.#client.watch<T>(this.#ref, this.#opts.namespace ?? '', { ...this.#selectors(), resourceVersion: this.#lastRV, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) }, (e) => this.#apply(e), signal);
        } catch (err) {
          if (aborted(signal)) break;
          if (isGone(err)) this.#lastRV = '';
          else {
            this.#opts.onError?.(err);
            await sleep(backoff, signal);
            backoff = Math.min(backoff * 2, 5000);
          }
        }
      }
    } finally {
      if (resync) clearInterval(resync);
    }
  }

  #selectors(): ListOptions {
    return { ...(this.#opts.labelSelector ? { labelSelector: this.#opts.labelSelector } : {}), ...(this.#opts.fieldSelector ? { fieldSelector: this.#opts.fieldSelector } : {}) };
  }

  /** List every page into the cache, unless `signal` aborts between pages (a list of 100,000 pods takes a while). */
  async #relist(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.#client.list<T>(this.#ref, this.#opts.namespace ?? '', { ...this.#selectors(), limit: this.#opts.pageSize ?? 500, ...(cont ? { continue: cont } : {}) });
      if (aborted(signal)) return;
      for (const o of page.items) fresh.set(keyOf(o), this.#trim(o));
      rv = page.metadata.resourceVersion;
      cont = page.metadata.continue;
    } while (cont);
    // Tell handlers what changed against what the cache held.
    for (const [k, old] of this.#items) if (!fresh.has(k)) this.#remove(k, old);
    for (const [k, o] of fresh) this.#put(k, o);
    this.#lastRV = rv;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  #apply(e: WatchEvent<T>): void {
    const rv = e.object.metadata.resourceVersion;
    if (rv) this.#lastRV = rv;
    if (e.type === 'BOOKMARK') return;
    this.#trim(e.object);
    const k = keyOf(e.object);
    if (e.type === 'DELETED') {
      const old = this.#items.get(k);
      this.#remove(k, old ?? e.object);
    } else this.#put(k, e.object);
  }

  /** `o` (fresh from the wire, owned by this cache) without managedFields unless they are kept. */
  #trim(o: T): T {
    if (!this.#opts.keepManagedFields) delete o.metadata.managedFields;
    return o;
  }

  #put(k: string, o: T): void {
    const old = this.#items.get(k);
    if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) return;
    if (old) this.#unindex(k, old);
    this.#items.set(k, o);
    for (const [name, fn] of this.#indexers) for (const v of fn(o)) add(this.#indexes.get(name) ?? new Map<string, Set<string>>(), v, k);
    for (const h of this.#handlers) {
      if (old) h.update?.(old, o);
      else h.add?.(o);
    }
  }

  #remove(k: string, old: T): void {
    if (!this.#items.delete(k)) return;
    this.#unindex(k, old);
    for (const h of this.#handlers) h.delete?.(old);
  }

  #unindex(k: string, o: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indexes.get(name);
      for (const v of fn(o)) {
        const set = index?.get(v);
        set?.delete(k);
        if (set?.size === 0) index?.delete(v);
      }
    }
  }
}

function add(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, (set = new Set()));
  set.add(key);
}

/** Whether `signal` has aborted (read through a call: an await may have changed it). */
export const aborted = (signal: AbortSignal): boolean => signal.aborted;

/** Waits `ms`, or less if `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
