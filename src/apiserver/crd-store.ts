import type { KeyValue, Store, WatchEvent } from '../storage/store.js';
import type { KubeObject } from '../api/meta.js';

/** How one served version of a custom resource maps to what is stored. */
export interface VersionView {
  /** Storage prefix of the resource, ending in `/`. */
  readonly prefix: string;
  /** `group/version` clients of this endpoint see. */
  readonly apiVersion: string;
  /** `group/version` objects are written in now (the CRD's storage version). */
  readonly storageVersion: () => string;
  /** Defaults applied to every object read (upstream defaults on read from storage); undefined if the schema has none. */
  readonly defaults?: (obj: KubeObject) => void;
}

const head = (apiVersion: string) => `{"apiVersion":${JSON.stringify(apiVersion)}`;

/** `value` with its apiVersion replaced (stored JSON starts with apiVersion, see `encode`). */
function withAPIVersion(value: string, apiVersion: string, defaults?: (obj: KubeObject) => void): string {
  if (!defaults && value.startsWith('{"apiVersion":"')) {
    const end = value.indexOf('"', '{"apiVersion":"'.length);
    if (end > 0) return head(apiVersion) + value.slice(end + 1);
  }
  const obj = JSON.parse(value) as KubeObject;
  obj.apiVersion = apiVersion;
  defaults?.(obj);
  return JSON.stringify(obj);
}

/**
 * A Store through which one served version of a custom resource reads and
 * writes: objects are stored in the storage version and read back in the
 * served one, with only apiVersion rewritten (conversion strategy None), and
 * with the schema's defaults applied on read. Keys outside the resource pass
 * through untouched.
 */
export function versionedStore(store: Store, view: VersionView): Store {
  const mine = (key: string) => key.startsWith(view.prefix);
  const out = (kv: KeyValue): KeyValue => (mine(kv.key) ? { ...kv, value: withAPIVersion(kv.value, view.apiVersion, view.defaults) } : kv);
  const into = (key: string, value: string) => (mine(key) ? withAPIVersion(value, view.storageVersion()) : value);
  const event = (e: WatchEvent): WatchEvent => ({ ...e, kv: out(e.kv), ...(e.prev ? { prev: out(e.prev) } : {}) });
  return {
    create: (key, value) => store.create(key, into(key, value)),
    get: async (key) => {
      const kv = await store.get(key);
      return kv && out(kv);
    },
    list: async (prefix, options) => {
      const res = await store.list(prefix, options);
      return { ...res, items: res.items.map(out) };
    },
    count: (prefix) => store.count(prefix),
    update: (key, value, expected) => store.update(key, into(key, value), expected),
    delete: async (key, expected) => out(await store.delete(key, expected)),
    watch: (prefix, options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const batch of store.watch(prefix, options)) yield batch.map(event);
      },
    }),
    currentRevision: () => store.currentRevision(),
    compactRevision: () => store.compactRevision(),
    compact: (revision) => store.compact(revision),
    // The server's store outlives every view of it.
    close: () => Promise.resolve(),
  };
}
