import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { StorageError } from '../errors.js';
import { EventQueue } from '../events.js';
import { prefixEnd } from '../keys.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, WatchOptions } from '../store.js';
import { RevisionLog } from './log.js';
import type { Db } from './schema.js';

/** Events per batch when a watch replays history. */
const REPLAY_BATCH = 1000;
/** Revisions compacted per transaction, so compaction never blocks the event loop for long. */
const COMPACT_SPAN = 1000;
/**
 * Commits start at most this often. Each commit waits for an fsync
 * (`synchronous = FULL`) that blocks the event loop; writes that arrive in a
 * steady trickle (5,000 nodes renew 500 Leases a second) would otherwise
 * each pay one, and the server would spend its time waiting on the disk.
 * Under load writes wait up to this long to share a commit.
 */
const MIN_COMMIT_INTERVAL_MS = 2;

interface PendingWrite {
  readonly key: string;
  readonly run: (log: RevisionLog) => WatchEvent;
  readonly resolve: (event: WatchEvent) => void;
  readonly reject: (err: unknown) => void;
}

interface Watcher {
  readonly prefix: string;
  readonly from: number;
  readonly queue: EventQueue;
}

/** Run `fn` now; its result or exception as a promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The SQLite {@link Store}: the single writer of its file. Writes issued in
 * the same event-loop turn, or while the last commit is under
 * `MIN_COMMIT_INTERVAL_MS` old, commit together in one transaction (one fsync),
 * each with its own revision; after the commit the store hands the events to
 * its watchers directly and only then acknowledges the writes.
 */
export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #log: RevisionLog;
  readonly #watchers = new Set<Watcher>();
  #pending: PendingWrite[] = [];
  /** When the last commit started (performance.now()). */
  #lastCommit = 0;
  #compactRevision: number;
  #compaction: Promise<void> = Promise.resolve();
  #closed = false;

  /** Serve the opened database `db` (see `openDatabase`). */
  constructor(db: Db) {
    this.#db = db;
    this.#log = new RevisionLog(db);
    this.#compactRevision = this.#log.meta('compact_revision');
  }

  /** {@inheritDoc Store.create} */
  create(key: string, value: string): Promise<number> {
    return this.#write(key, (log) => log.create(key, value)).then((e) => e.kv.modRevision);
  }

  /** {@inheritDoc Store.update} */
  update(key: string, value: string, expectedRevision: number): Promise<number> {
    return this.#write(key, (log) => log.update(key, value, expectedRevision)).then((e) => e.kv.modRevision);
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string, expectedRevision: number): Promise<KeyValue> {
    return this.#write(key, (log) => log.delete(key, expectedRevision)).then((e) => e.kv);
  }

  /** {@inheritDoc Store.get} */
  get(key: string): Promise<KeyValue | undefined> {
    return settle(() => this.#open(key).get(key));
  }

  /** {@inheritDoc Store.list} */
  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return settle(() => {
      const log = this.#open(prefix);
      const current = log.revision;
      const at = options.revision ?? 0;
      if (at > current) throw new RangeError(`list ${prefix}: revision ${at} is newer than the current revision ${current}`);
      if (at > 0 && at < this.#compactRevision) throw new StorageError('Compacted', prefix, this.#compactRevision);
      const end = prefixEnd(prefix);
      const start = options.startKey !== undefined && options.startKey > prefix ? options.startKey : prefix;
      const revision = at > 0 && at < current ? at : undefined;
      const limit = options.limit ?? 0;
      // One row past the page tells whether more are left without counting them all.
      const items = log.list({ start, end, revision, limit: limit > 0 ? limit + 1 : 0 });
      const last = limit > 0 && items.length > limit ? items[limit - 1] : undefined;
      if (!last) return { items, revision: revision ?? current, more: false };
      items.length = limit;
      const remaining = options.count === true ? { remaining: log.count({ start: `${last.key}\0`, end, revision }) } : {};
      return { items, revision: revision ?? current, more: true, ...remaining };
    });
  }

  /** {@inheritDoc Store.count} */
  count(prefix: string): Promise<number> {
    return settle(() => this.#open(prefix).count({ start: prefix, end: prefixEnd(prefix), revision: undefined }));
  }

  /** {@inheritDoc Store.watch} */
  watch(prefix: string, options: WatchOptions): AsyncIterable<readonly WatchEvent[]> {
    // The queue ends at once if the signal is already aborted, before `watcher` exists: nothing to remove then.
    const ref: { watcher?: Watcher } = {};
    const queue = new EventQueue(options.signal, () => { if (ref.watcher) this.#watchers.delete(ref.watcher); });
    const watcher: Watcher = (ref.watcher = { prefix, from: options.fromRevision, queue });
    const { from } = watcher;
    if (this.#closed) queue.fail(new StorageError('Unavailable', prefix));
    else if (from > 0 && from < this.#compactRevision) queue.fail(new StorageError('Compacted', prefix, this.#compactRevision));
    if (queue.closed) return queue;
    if (from > 0 && from <= this.#log.revision) {
      const history = this.#log.events(prefix, from, this.#log.revision);
      for (let i = 0; i < history.length; i += REPLAY_BATCH) queue.push(history.slice(i, i + REPLAY_BATCH));
    }
    this.#watchers.add(watcher);
    return queue;
  }

  /** {@inheritDoc Store.currentRevision} */
  currentRevision(): Promise<number> {
    return settle(() => this.#open('').revision);
  }

  /** {@inheritDoc Store.compactRevision} */
  compactRevision(): Promise<number> {
    return settle(() => (this.#open(''), this.#compactRevision));
  }

  /** {@inheritDoc Store.compact} */
  compact(revision: number): Promise<void> {
    const next = this.#compaction.then(() => this.#compactTo(revision));
    this.#compaction = next.catch(() => undefined);
    return next;
  }

  /** {@inheritDoc Store.close} */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#pending.length > 0) this.#flush();
    this.#closed = true;
    for (const w of [...this.#watchers]) w.queue.end();
    await this.#compaction;
    this.#db.close();
  }

  async #compactTo(revision: number): Promise<void> {
    const log = this.#open('');
    if (revision > log.revision) throw new RangeError(`compact: revision ${revision} is newer than the current revision ${log.revision}`);
    if (revision > this.#compactRevision) {
      log.setMeta('compact_revision', revision);
      this.#compactRevision = revision;
    }
    // Resumes an interrupted compaction too: progress trails compact_revision.
    let from = log.meta('compact_progress');
    const target = this.#compactRevision;
    while (from < target && !this.#closed) {
      const to = Math.min(from + COMPACT_SPAN, target);
      this.#db.transaction(() => {
        log.compactSpan(from, to, target);
        log.setMeta('compact_progress', to);
      })();
      from = to;
      await yieldToEventLoop();
    }
  }

  #open(key: string): RevisionLog {
    if (this.#closed) throw new StorageError('Unavailable', key);
    return this.#log;
  }

  #write(key: string, run: (log: RevisionLog) => WatchEvent): Promise<WatchEvent> {
    if (this.#closed) return Promise.reject(new StorageError('Unavailable', key));
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) {
        const wait = this.#lastCommit + MIN_COMMIT_INTERVAL_MS - performance.now();
        if (wait > 0) setTimeout(() => { this.#flush(); }, wait);
        else setImmediate(() => { this.#flush(); });
      }
      this.#pending.push({ key, run, resolve, reject });
    });
  }

  /** Commit every pending write in one transaction, wake the watchers, then acknowledge. */
  #flush(): void {
    this.#lastCommit = performance.now();
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    if (this.#closed) {
      for (const w of batch) w.reject(new StorageError('Unavailable', w.key));
      return;
    }
    const results: (WatchEvent | StorageError)[] = [];
    try {
      this.#db.transaction(() => {
        for (const w of batch) {
          try {
            results.push(w.run(this.#log));
          } catch (err) {
            if (!(err instanceof StorageError)) throw err;
            results.push(err);
          }
        }
      })();
    } catch (err) {
      this.#log.reloadRevision();
      for (const w of batch) w.reject(new StorageError('Unavailable', w.key, 0, { cause: err }));
      return;
    }
    const events = results.filter((r): r is WatchEvent => !(r instanceof StorageError));
    if (events.length > 0) this.#publish(events);
    batch.forEach((w, i) => {
      const r = results[i];
      if (r instanceof StorageError) w.reject(r);
      else if (r) w.resolve(r);
    });
  }

  #publish(events: readonly WatchEvent[]): void {
    for (const w of this.#watchers) {
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix) && e.kv.modRevision >= w.from);
      w.queue.push(mine);
    }
  }
}
