import type { KubeObject } from '../api/meta.js';
import type { KeyValue, Store, WatchEvent } from '../storage/store.js';

/**
 * What list and watch filters read of an object (upstream's GetAttrs): its
 * name, namespace, labels and selectable fields, kept beside the JSON so
 * that the cache need not hold decoded objects.
 */
export interface Attrs {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** The values of the resource's selectable fields (other than metadata.name and metadata.namespace). */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * A cached object: its JSON and its attributes. `object` decodes the JSON on
 * every access (the cache keeps no decoded copy: a decoded pod weighs twice
 * its JSON), so a caller reads it once and may modify what it gets.
 */
export class CacheEntry {
  constructor(
    readonly key: string,
    readonly json: string,
    readonly attrs: Attrs,
  ) {}

  get object(): KubeObject {
    return JSON.parse(this.json) as KubeObject;
  }
}

/** One change as watchers see it: decoded once, serialized once, shared by every watcher. */
export class CacheEvent {
  #object: KubeObject | undefined;
  /** The event's watch lines by type, shared by the watchers it is fanned out to (handlers/watch.ts). */
  lines: Partial<Record<string, Buffer>> = {};
  constructor(
    readonly type: 'ADDED' | 'MODIFIED' | 'DELETED',
    readonly key: string,
    /** `object` as JSON. */
    readonly json: string,
    readonly attrs: Attrs,
    /** The attributes before this change (MODIFIED and DELETED). */
    readonly prevAttrs: Attrs | undefined,
    readonly revision: number,
    object?: KubeObject,
  ) {
    this.#object = object;
  }

  /** The object, decoded once and shared by every reader of this event: do not modify it. */
  get object(): KubeObject {
    return (this.#object ??= JSON.parse(this.json) as KubeObject);
  }

  /** Drop the decoded object and the lines (kept only while the event is fanned out; the window holds JSON). */
  forget(): void {
    this.#object = undefined;
    this.lines = {};
  }
}

/** Receives each event of a watch. */
export type Listener = (e: CacheEvent) => void;

/** A registered watcher; `stop` unregisters it, `onClose` fires when the cache ends it (relist, shutdown). */
export interface CacheWatch {
  stop(): void;
}

/** Options of {@link WatchCache}. */
export interface WatchCacheOptions {
  readonly store: Store;
  /** Storage prefix of the resource, ending in `/`. */
  readonly prefix: string;
  /** Events kept for watches that resume from an older resourceVersion. */
  readonly capacity: number;
  readonly signal: AbortSignal;
  /** Called with errors of the store watch (it is restarted by relisting). */
  readonly onError: (err: unknown) => void;
  /** The attributes filters read (see filter.ts `attrsOf`). */
  readonly attrs: (obj: KubeObject) => Attrs;
}

const metadataStart = '"metadata":{';

/**
 * The JSON of a stored value with its resourceVersion (the modRevision)
 * spliced into metadata, without parsing: values are stored by `encode`
 * with apiVersion, kind and metadata first.
 */
export function decodeJSON(kv: KeyValue): string {
  const v = kv.value;
  const at = v.startsWith('{"apiVersion":') ? v.indexOf(metadataStart) : -1;
  if (at < 0) return JSON.stringify(decode(kv).object);
  const i = at + metadataStart.length;
  return `${v.slice(0, i)}"resourceVersion":"${kv.modRevision}"${v[i] === '}' ? '' : ','}${v.slice(i)}`;
}

/** Decode a stored value into an object whose resourceVersion is its modRevision, and its JSON. */
export function decode(kv: KeyValue): { object: KubeObject; json: string } {
  const object = JSON.parse(kv.value) as KubeObject;
  object.metadata.resourceVersion = String(kv.modRevision);
  return { object, json: kv.value.startsWith('{"apiVersion":') ? decodeJSON(kv) : JSON.stringify(object) };
}

/**
 * The API server's in-memory copy of one resource, kept current by a store
 * watch: serves `resourceVersion=0` lists and every watch, so that neither
 * touches the datastore. Holds a window of recent events so that a watch may
 * resume from any resourceVersion inside it.
 */
export class WatchCache {
  readonly #options: WatchCacheOptions;
  readonly #objects = new Map<string, CacheEntry>();
  /** Keys by list prefix (the resource's, and each namespace's), sorted lazily and kept until a change. */
  readonly #sorted = new Map<string, CacheEntry[]>();
  #events: CacheEvent[] = [];
  /** Watches may start from any revision >= this one. */
  #oldest = 0;
  #revision = 0;
  readonly #listeners = new Map<Listener, () => void>();
  readonly #ready: Promise<void>;

  constructor(options: WatchCacheOptions) {
    this.#options = options;
    this.#ready = this.#relist();
    this.#ready.then(() => void this.#run(), options.onError);
  }

  /** Resolves once the first list is loaded. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** The revision the cache reflects. */
  get revision(): number {
    return this.#revision;
  }

  /** The oldest revision a watch may resume from. */
  get oldest(): number {
    return this.#oldest;
  }

  /**
   * Current objects under `prefix` (the resource prefix, or a namespace's
   * prefix inside it), in key order. The array is shared: do not modify it.
   */
  list(prefix: string): readonly CacheEntry[] {
    const hit = this.#sorted.get(prefix);
    if (hit) return hit;
    const out: CacheEntry[] = [];
    for (const [k, v] of this.#objects) if (k.startsWith(prefix)) out.push(v);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.#sorted.set(prefix, out);
    return out;
  }

  /** Forget the sorted lists that contain `key`: the resource's and its namespace's. */
  #invalidate(key: string): void {
    const { prefix } = this.#options;
    this.#sorted.delete(prefix);
    const slash = key.indexOf('/', prefix.length);
    if (slash > 0) this.#sorted.delete(key.slice(0, slash + 1));
  }

  /** The current object at `key`. */
  get(key: string): CacheEntry | undefined {
    return this.#objects.get(key);
  }

  /**
   * Deliver every event after `fromRevision` (replayed from the window, then
   * live) to `listener`. Throws RangeError if `fromRevision` is older than
   * the window. `onClose` runs if the cache ends the watch itself.
   */
  watch(fromRevision: number, listener: Listener, onClose: () => void): CacheWatch {
    if (fromRevision < this.#oldest) throw new RangeError(`too old resource version: ${fromRevision} (${this.#oldest})`);
    for (const e of this.#events) if (e.revision > fromRevision) listener(e);
    this.#listeners.set(listener, onClose);
    return { stop: () => this.#listeners.delete(listener) };
  }

  async #relist(): Promise<void> {
    const { store, prefix } = this.#options;
    const res = await store.list(prefix);
    this.#objects.clear();
    this.#sorted.clear();
    for (const kv of res.items) {
      const { object, json } = decode(kv);
      this.#objects.set(kv.key, new CacheEntry(kv.key, json, this.#options.attrs(object)));
    }
    this.#events = [];
    this.#revision = res.revision;
    this.#oldest = res.revision;
  }

  async #run(): Promise<void> {
    const { store, prefix, signal } = this.#options;
    const stopped = () => signal.aborted;
    // Back off while the store stays unreachable: 100 ms, doubling to 5 s.
    let delay = 100;
    while (!stopped()) {
      try {
        for await (const batch of store.watch(prefix, { fromRevision: this.#revision + 1, signal })) {
          delay = 100;
          for (const e of batch) this.#apply(e);
        }
      } catch (err) {
        if (stopped()) break;
        this.#options.onError(err);
        // Watchers may have missed events: end them (clients re-watch), then start over.
        this.#closeAll();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
        await this.#relist().then(
          () => (delay = 100),
          this.#options.onError,
        );
      }
    }
    this.#closeAll();
  }

  #apply(e: WatchEvent): void {
    const prevEntry = this.#objects.get(e.kv.key);
    const { object, json } = decode(e.kv);
    const attrs = this.#options.attrs(object);
    this.#invalidate(e.kv.key);
    let type: CacheEvent['type'];
    if (e.type === 'delete') {
      type = 'DELETED';
      this.#objects.delete(e.kv.key);
    } else {
      type = prevEntry ? 'MODIFIED' : 'ADDED';
      this.#objects.set(e.kv.key, new CacheEntry(e.kv.key, json, attrs));
    }
    const event = new CacheEvent(type, e.kv.key, json, attrs, prevEntry?.attrs, e.kv.modRevision, object);
    this.#revision = e.kv.modRevision;
    this.#events.push(event);
    const { capacity } = this.#options;
    if (this.#events.length > capacity * 1.25) {
      const dropped = this.#events.splice(0, this.#events.length - capacity);
      this.#oldest = dropped[dropped.length - 1]?.revision ?? this.#oldest;
    }
    for (const listener of this.#listeners.keys()) listener(event);
    event.forget();
  }

  #closeAll(): void {
    const closers = [...this.#listeners.values()];
    this.#listeners.clear();
    for (const close of closers) close();
  }
}
