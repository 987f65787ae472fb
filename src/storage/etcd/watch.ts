import type { Etcd3, IWatchResponse } from 'etcd3';
import { Range } from 'etcd3';
import { StorageError } from '../errors.js';
import { EventQueue } from '../events.js';
import type { WatchOptions } from '../store.js';
import { prefixRange, toWatchEvent } from './codec.js';
import { isEtcdCompacted } from './errors.js';

/**
 * Watch `prefix` on etcd with previous values. The client reconnects on its
 * own; we pin its resume point to the revision after the last event we
 * delivered (its own guess, the response header's revision, can skip events
 * while etcd is still catching a watcher up) and drop anything already
 * delivered, so the watch survives etcd restarts without gaps or duplicates.
 */
export function watchEtcd(client: Etcd3, prefix: string, options: WatchOptions, compactRevision: () => Promise<number>, onClose: () => void): EventQueue {
  const { key, range_end } = prefixRange(prefix);
  let builder = client.watch().inRange(new Range(key, range_end)).withPreviousKV();
  if (options.fromRevision > 0) builder = builder.startRevision(String(options.fromRevision));
  let delivered = options.fromRevision > 0 ? options.fromRevision - 1 : -1;
  const watcher = builder.watcher();
  const queue = new EventQueue(options.signal, () => {
    watcher.removeAllListeners('data');
    watcher.cancel().catch(() => undefined);
    onClose();
  });
  const pin = () => {
    if (delivered >= 0) watcher.request.start_revision = String(delivered + 1);
  };
  watcher.on('connected', (res: IWatchResponse) => {
    if (delivered < 0) delivered = Number(res.header.revision);
    pin();
  });
  watcher.on('data', (res: IWatchResponse) => {
    const events = res.events.map(toWatchEvent).filter((e) => e.kv.modRevision > delivered);
    const last = events.at(-1);
    if (last) delivered = last.kv.modRevision;
    pin();
    queue.push(events);
  });
  // etcd 3.4 cancels a compacted watch without a reason, so ask whether the
  // resume point is still readable to tell `Compacted` from other failures.
  watcher.on('error', (err: Error) => {
    compactRevision().then(
      (rev) => {
        const compacted = isEtcdCompacted(err) || (delivered >= 0 && delivered + 1 < rev);
        queue.fail(compacted ? new StorageError('Compacted', prefix, rev, { cause: err }) : new StorageError('Unavailable', prefix, 0, { cause: err }));
      },
      () => { queue.fail(new StorageError('Unavailable', prefix, 0, { cause: err })); },
    );
  });
  return queue;
}
