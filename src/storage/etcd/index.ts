import { Etcd3 } from 'etcd3';
import type { Store } from '../store.js';
import { EtcdStore } from './store.js';

/** Unary calls give up after this long (watch streams have no deadline). */
const CALL_TIMEOUT_MS = 30_000;

/** Open the etcd store on `hosts` (`host:port`, plain http). Connects lazily: the first call reaches etcd. */
export function openEtcdStore(hosts: readonly string[]): Promise<Store> {
  const client = new Etcd3({
    hosts: hosts.map((h) => (h.includes('://') ? h : `http://${h}`)),
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
  });
  return Promise.resolve(new EtcdStore(client));
}
