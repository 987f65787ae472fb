import type { Etcd3, IRangeRequest, IRequestOp, ITxnResponse } from 'etcd3';
import { StorageError } from '../errors.js';
import { EventQueue } from '../events.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, WatchOptions } from '../store.js';
import { bytes, prefixRange, toKeyValue } from './codec.js';
import { isEtcdCompacted, mapEtcdError } from './errors.js';
import { watchEtcd } from './watch.js';

/** A key no one writes: ranges on it only read the header's revision or probe compaction. */
const PROBE = Buffer.from([0]);

/**
 * The etcd v3 {@link Store}. Writes are transactions comparing on the key's
 * version or modRevision, with a failure branch that reads the key so a
 * failed compare tells `NotFound` from `Conflict` in one round trip.
 */
export class EtcdStore implements Store {
  readonly #client: Etcd3;
  readonly #watches = new Set<EventQueue>();
  /** The highest compact revision seen; etcd never tells it directly. */
  #compacted = 0;
  #closed = false;

  /** Serve the keyspace of `client` (closed by {@link EtcdStore.close}). */
  constructor(client: Etcd3) {
    this.#client = client;
  }

  /** {@inheritDoc Store.create} */
  async create(key: string, value: string): Promise<number> {
    const res = await this.#txn(key, { key: bytes(key), target: 'Version', result: 'Equal', version: 0 }, { request_put: { key: bytes(key), value: bytes(value) } });
    if (!res.succeeded) throw new StorageError('AlreadyExists', key, failedRead(res)?.modRevision ?? 0);
    return Number(res.header.revision);
  }

  /** {@inheritDoc Store.update} */
  async update(key: string, value: string, expectedRevision: number): Promise<number> {
    const res = await this.#compareAndDo(key, expectedRevision, { request_put: { key: bytes(key), value: bytes(value) } });
    return Number(res.header.revision);
  }

  /** {@inheritDoc Store.delete} */
  async delete(key: string, expectedRevision: number): Promise<KeyValue> {
    const res = await this.#compareAndDo(key, expectedRevision, { request_delete_range: { key: bytes(key), prev_kv: true } });
    const deleted = res.responses[0]?.response_delete_range;
    const prev = deleted?.prev_kvs[0];
    if (!prev) throw new StorageError('NotFound', key);
    return { ...toKeyValue(prev), modRevision: Number(res.header.revision) };
  }

  /** {@inheritDoc Store.get} */
  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.#range(key, { key: bytes(key) });
    const kv = res.kvs[0];
    return kv ? toKeyValue(kv) : undefined;
  }

  /** {@inheritDoc Store.list} */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const range = prefixRange(prefix);
    const start = options.startKey !== undefined && Buffer.compare(bytes(options.startKey), range.key) > 0 ? bytes(options.startKey) : range.key;
    const limit = options.limit ?? 0;
    const revision = options.revision ?? 0;
    const res = await this.#range(prefix, { key: start, range_end: range.range_end, limit, revision });
    const items = res.kvs.map(toKeyValue);
    const more = limit > 0 && res.more;
    // etcd counts the whole range on every limited read (etcd-io/etcd#16510) and has no way to skip it; reporting it is free here.
    const remaining = more && options.count === true ? { remaining: Number(res.count) - items.length } : {};
    return { items, revision: revision > 0 ? revision : Number(res.header.revision), more, ...remaining };
  }

  /** {@inheritDoc Store.count} */
  async count(prefix: string): Promise<number> {
    return Number((await this.#range(prefix, { ...prefixRange(prefix), count_only: true })).count);
  }

  /** {@inheritDoc Store.watch} */
  watch(prefix: string, options: WatchOptions): AsyncIterable<readonly WatchEvent[]> {
    if (this.#closed) {
      const closed = new EventQueue(options.signal, () => undefined);
      closed.fail(new StorageError('Unavailable', prefix));
      return closed;
    }
    // The queue may end inside watchEtcd (signal already aborted), before `queue` is assigned.
    const ref: { queue?: EventQueue } = {};
    const queue = watchEtcd(this.#client, prefix, options, () => this.compactRevision(), () => { if (ref.queue) this.#watches.delete(ref.queue); });
    ref.queue = queue;
    if (!queue.closed) this.#watches.add(queue);
    return queue;
  }

  /** {@inheritDoc Store.currentRevision} */
  async currentRevision(): Promise<number> {
    return Number((await this.#range('', { key: PROBE, count_only: true })).header.revision);
  }

  /**
   * {@inheritDoc Store.compactRevision}
   * etcd does not report it, so this finds the oldest revision a range can
   * still read by bisection from the last one known (a few cheap round trips).
   */
  async compactRevision(): Promise<number> {
    let lo = Math.max(this.#compacted, 1);
    let hi = await this.currentRevision();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.#readable(mid)) hi = mid;
      else lo = mid + 1;
    }
    this.#compacted = Math.max(this.#compacted, lo === 1 ? 0 : lo);
    return this.#compacted;
  }

  /** {@inheritDoc Store.compact} */
  async compact(revision: number): Promise<void> {
    try {
      await this.#client.kv.compact({ revision, physical: true });
      this.#compacted = Math.max(this.#compacted, revision);
    } catch (err) {
      if (isEtcdCompacted(err)) return; // already compacted at or past `revision`
      throw mapEtcdError(err, '');
    }
  }

  /** {@inheritDoc Store.close} */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const queue of this.#watches) queue.end();
      this.#watches.clear();
      this.#client.close();
    }
    return Promise.resolve();
  }

  async #readable(revision: number): Promise<boolean> {
    try {
      await this.#client.kv.range({ key: PROBE, revision, count_only: true });
      return true;
    } catch (err) {
      if (isEtcdCompacted(err)) return false;
      throw mapEtcdError(err, '');
    }
  }

  /** Compare on `expected` (0: the key exists), run `op` on success; on failure throw NotFound or Conflict. */
  async #compareAndDo(key: string, expected: number, op: IRequestOp): Promise<ITxnResponse> {
    const compare = expected === 0
      ? { key: bytes(key), target: 'Version' as const, result: 'Greater' as const, version: 0 }
      : { key: bytes(key), target: 'Mod' as const, result: 'Equal' as const, mod_revision: expected };
    const res = await this.#txn(key, compare, op);
    if (res.succeeded) return res;
    const current = failedRead(res);
    if (!current) throw new StorageError('NotFound', key);
    throw new StorageError('Conflict', key, current.modRevision);
  }

  async #txn(key: string, compare: NonNullable<Parameters<Etcd3['kv']['txn']>[0]['compare']>[number], success: IRequestOp): Promise<ITxnResponse> {
    if (this.#closed) throw new StorageError('Unavailable', key);
    try {
      return await this.#client.kv.txn({ compare: [compare], success: [success], failure: [{ request_range: { key: bytes(key) } }] });
    } catch (err) {
      throw mapEtcdError(err, key);
    }
  }

  async #range(key: string, req: IRangeRequest): Promise<Awaited<ReturnType<Etcd3['kv']['range']>>> {
    if (this.#closed) throw new StorageError('Unavailable', key);
    try {
      return await this.#client.kv.range(req);
    } catch (err) {
      if (isEtcdCompacted(err)) throw new StorageError('Compacted', key, await this.compactRevision(), { cause: err });
      throw mapEtcdError(err, key);
    }
  }
}

/** The key as the failure branch of a write transaction read it. */
function failedRead(res: ITxnResponse): KeyValue | undefined {
  const range = res.responses[0]?.response_range;
  const kv = range?.kvs[0];
  return kv ? toKeyValue(kv) : undefined;
}
