/**
 * The storage component: a revisioned key-value store with watch, on an
 * embedded SQLite file or on etcd, chosen by the datastore endpoint.
 *
 * @example
 * const store = await openStore('sqlite://', { dataDir: '/var/lib/skiff' });
 * const rev = await store.create('/registry/namespaces/default', '{}');
 */
import { isAbsolute, join } from 'node:path';
import type { Store } from './store.js';

export type { KeyValue, ListOptions, ListResult, Store, WatchEvent, WatchOptions } from './store.js';
export { isAlreadyExists, isCompacted, isConflict, isNotFound, StorageError } from './errors.js';
export type { StorageErrorCode } from './errors.js';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** The server's data dir: home of the default SQLite file `state.db`. */
  readonly dataDir: string;
}

/** Opens a store from the part of an endpoint after `scheme://`. */
type Opener = (location: string, options: OpenStoreOptions) => Promise<Store>;

/** Backends by endpoint scheme; each loads its driver only when used. */
const backends: Readonly<Record<string, Opener>> = {
  sqlite: async (path, { dataDir }) => {
    if (path !== '' && !isAbsolute(path)) throw new Error(`sqlite:// endpoint needs an absolute path, got ${JSON.stringify(path)}`);
    const { openSqliteStore } = await import('./sqlite/index.js');
    return openSqliteStore(path === '' ? join(dataDir, 'state.db') : path);
  },
  etcd: async (hosts) => {
    const list = hosts.split(',').map((h) => h.trim().replace(/\/+$/, '')).filter((h) => h !== '');
    if (list.length === 0) throw new Error('etcd:// endpoint needs at least one host:port');
    const { openEtcdStore } = await import('./etcd/index.js');
    return openEtcdStore(list);
  },
};

/**
 * Open the datastore at `endpoint`: `sqlite://PATH` (absolute; empty, or an
 * empty endpoint, means `${dataDir}/state.db`) or `etcd://h1:2379,h2:2379`.
 */
export async function openStore(endpoint: string, options: OpenStoreOptions): Promise<Store> {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(endpoint === '' ? 'sqlite://' : endpoint);
  const scheme = match?.[1]?.toLowerCase() ?? '';
  const open = Object.hasOwn(backends, scheme) ? backends[scheme] : undefined;
  if (!match || !open) {
    const supported = Object.keys(backends).map((s) => `${s}://`).join(', ');
    throw new Error(`unsupported datastore endpoint ${JSON.stringify(endpoint)}: supported schemes are ${supported}`);
  }
  return open(match[2] ?? '', options);
}
