import type { IEvent, IKeyValue } from 'etcd3';
import type { KeyValue, WatchEvent } from '../store.js';

/** A key or value as etcd's bytes. */
export const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The `[key, range_end)` of every key starting with `prefix`, in etcd's byte order. */
export function prefixRange(prefix: string): { key: Buffer; range_end: Buffer } {
  const key = bytes(prefix);
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    const b = end[i] ?? 0xff;
    if (b < 0xff) {
      end[i] = b + 1;
      return { key: key.length === 0 ? Buffer.from([0]) : key, range_end: end.subarray(0, i + 1) };
    }
  }
  // Empty prefix, or only 0xff bytes: every key from `prefix` on.
  return { key: key.length === 0 ? Buffer.from([0]) : key, range_end: Buffer.from([0]) };
}

/** etcd's key-value as ours. */
export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/**
 * etcd's watch event as ours. A delete carries the last value (from
 * `prev_kv`) at the delete's revision; `prev` is absent when etcd no longer
 * had it (compacted).
 */
export function toWatchEvent(e: IEvent): WatchEvent {
  const prevKv = e.prev_kv as IKeyValue | undefined; // absent unless requested and retained
  const prev = prevKv ? toKeyValue(prevKv) : undefined;
  const kv = toKeyValue(e.kv);
  if (e.type === 'Delete') {
    const last: KeyValue = prev ? { ...prev, modRevision: kv.modRevision } : kv;
    return prev ? { type: 'delete', kv: last, prev } : { type: 'delete', kv: last };
  }
  const type = kv.createRevision === kv.modRevision ? 'create' : 'update';
  return prev && type === 'update' ? { type, kv, prev } : { type, kv };
}
