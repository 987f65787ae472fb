import { Etcd3 } from 'etcd3';
import type { Store } from '../store.js';
import { EtcdStore } from './store.js';

/** Unary calls give up after this long (watch streams have no deadline). */
const CALL_TIMEOUT_MS = 30_000;
/**
 * Largest response accepted: etcd's Go client's default (math.MaxInt32), not
 * gRPC's 4 MiB, which a list of a few thousand pods exceeds (the watch cache
 * lists a whole resource at start).
 */
const MAX_RECEIVE_BYTES = 2 ** 31 - 1;

/** Open the etcd store on `hosts` (`host:port`, plain http). Connects lazily: the first call reaches etcd. */
export function openEtcdStore(hosts: readonly string[]): Promise<Store> {
  const client = new Etcd3({
    hosts: hosts.map((h) => (h.includes('://') ? h : `http://${h}`)),
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
    grpcOptions: { 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES },
  });
  return Promise.resolve(new EtcdStore(client));
}
