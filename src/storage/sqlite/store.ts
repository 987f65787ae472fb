import { StorageError } from '../errors.js';
import { EventQueue } from '../events.js';
import { prefixEnd } from '../keys.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, WatchOptions } from '../store.js';
import type { Committer } from './committer.js';
import { RevisionLog } from './log.js';
import type { Op, OpResult } from './protocol.js';
import type { Db } from './schema.js';

/** Events per batch when a watch replays history. */
const REPLAY_BATCH = 1000;

interface Watcher {
  readonly prefix: string;
  readonly from: number;
  readonly queue: EventQueue;
}

/** What {@link SqliteStore} serves: the lock, the read connection and the writer thread, all opened. */
export interface SqliteParts {
  /** Holds the single-writer lock until closed. */
  readonly lock: Db;
  /** This thread's read connection. */
  readonly reader: Db;
  /** The writer thread; its `onCommit` must call {@link SqliteStore.committed}. */
  readonly committer: Committer;
  /** The latest committed revision when the writer started. */
  readonly revision: number;
}

/** Run `fn` now; its result or exception as a promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** The watch event of a committed write `op` that took `result`. */
function eventOf(op: Op, result: OpResult): WatchEvent | undefined {
  if (result.kind !== 'written') return undefined;
  const { revision, prev } = result;
  switch (op.verb) {
    case 'create':
      return { type: 'create', kv: { key: op.key, value: op.value, createRevision: revision, modRevision: revision } };
    case 'update':
      return prev && { type: 'update', kv: { key: op.key, value: op.value, createRevision: prev.createRevision, modRevision: revision }, prev };
    case 'delete':
      return prev && { type: 'delete', kv: { ...prev, modRevision: revision }, prev };
    case 'compact':
      return undefined;
  }
}

/**
 * The SQLite {@link Store}: the single writer of its file. Writes go to a
 * writer thread that commits them in pipelined groups (one transaction and
 * one fsync per group, each write with its own revision) while this thread
 * keeps serving; reads use this thread's own WAL connection. After a commit
 * the store hands the events to its watchers directly, in revision order,
 * and only then acknowledges the writes.
 */
export class SqliteStore implements Store {
  readonly #lock: Db;
  readonly #reader: Db;
  readonly #log: RevisionLog;
  readonly #committer: Committer;
  /** Runs a function in one read transaction of the reader. */
  readonly #readTx: (fn: () => unknown) => unknown;
  readonly #watchers = new Set<Watcher>();
  /** The newest revision whose events the watchers have been given. */
  #revision: number;
  #compactRevision: number;
  #compaction: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #closed = false;

  /** Serve the opened parts (see `openSqliteStore`). */
  constructor(parts: SqliteParts) {
    this.#lock = parts.lock;
    this.#reader = parts.reader;
    this.#log = new RevisionLog(parts.reader);
    this.#committer = parts.committer;
    this.#readTx = parts.reader.transaction((fn: () => unknown) => fn());
    this.#revision = parts.revision;
    this.#compactRevision = this.#log.meta('compact_revision');
  }

  /** {@inheritDoc Store.create} */
  create(key: string, value: string): Promise<number> {
    return this.#write({ verb: 'create', key, value }).then((r) => r.revision);
  }

  /** {@inheritDoc Store.update} */
  update(key: string, value: string, expectedRevision: number): Promise<number> {
    return this.#write({ verb: 'update', key, value, expected: expectedRevision }).then((r) => r.revision);
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string, expectedRevision: number): Promise<KeyValue> {
    return this.#write({ verb: 'delete', key, expected: expectedRevision }).then((r) => {
      if (!r.prev) throw new StorageError('Unavailable', key);
      return { ...r.prev, modRevision: r.revision };
    });
  }

  /** {@inheritDoc Store.get} */
  get(key: string): Promise<KeyValue | undefined> {
    return settle(() => this.#open(key).get(key));
  }

  /** {@inheritDoc Store.list} */
  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return settle(() => {
      const log = this.#open(prefix);
      return this.#snapshot(() => this.#listAt(log, prefix, options));
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
    // History up to the last published revision, then live: newer commits are published after this returns.
    if (from > 0 && from <= this.#revision) {
      const history = this.#log.events(prefix, from, this.#revision);
      for (let i = 0; i < history.length; i += REPLAY_BATCH) queue.push(history.slice(i, i + REPLAY_BATCH));
    }
    this.#watchers.add(watcher);
    return queue;
  }

  /** {@inheritDoc Store.currentRevision} */
  currentRevision(): Promise<number> {
    return settle(() => (this.#open(''), this.#revision));
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

  /** {@inheritDoc Store.close} Writes already issued are committed first. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Publish a committed batch to the watchers (the committer calls this before acknowledging it). */
  committed(ops: readonly Op[], results: readonly OpResult[]): void {
    const events: WatchEvent[] = [];
    ops.forEach((op, i) => {
      const r = results[i];
      const e = r && eventOf(op, r);
      if (e) events.push(e);
    });
    const last = events.at(-1);
    if (!last) return;
    this.#revision = last.kv.modRevision;
    for (const w of this.#watchers) {
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix) && e.kv.modRevision >= w.from);
      w.queue.push(mine);
    }
  }

  async #close(): Promise<void> {
    await this.#committer.drain();
    await this.#compaction;
    this.#closed = true;
    for (const w of [...this.#watchers]) w.queue.end();
    try {
      await this.#committer.close();
    } finally {
      this.#reader.close();
      this.#lock.close();
    }
  }

  async #compactTo(revision: number): Promise<void> {
    const log = this.#open('');
    const current = this.#snapshot(() => log.reloadRevision());
    if (revision > current) throw new RangeError(`compact: revision ${revision} is newer than the current revision ${current}`);
    // Raised before the writer deletes anything, so no read of the history being deleted is allowed meanwhile.
    if (revision > this.#compactRevision) this.#compactRevision = revision;
    for (let done = false; !done && this.#closing === undefined; ) {
      const r = await this.#committer.submit({ verb: 'compact', revision });
      done = r.kind !== 'compacted' || r.done;
    }
  }

  /** A list inside one read transaction: the revision reported is the one the items were read at. */
  #listAt(log: RevisionLog, prefix: string, options: ListOptions): ListResult {
    const current = log.reloadRevision();
    const at = options.revision ?? 0;
    if (at > current) throw new RangeError(`list ${prefix}: revision ${at} is newer than the current revision ${current}`);
    if (at > 0 && at < this.#compactRevision) throw new StorageError('Compacted', prefix, this.#compactRevision);
    const end = prefixEnd(prefix);
    const start = options.startKey !== undefined && options.startKey > prefix ? options.startKey : prefix;
    const revision = at > 0 && at < current ? at : undefined;
    const limit = options.limit ?? 0;
    const items = log.list({ start, end, revision, limit });
    const last = items.at(-1);
    const remaining = limit > 0 && items.length === limit && last ? log.count({ start: `${last.key}\0`, end, revision }) : 0;
    return { items, revision: revision ?? current, remaining };
  }

  /** `fn` in one read transaction: every read in it sees the same committed revision. */
  #snapshot<T>(fn: () => T): T {
    return this.#readTx(fn) as T;
  }

  #open(key: string): RevisionLog {
    if (this.#closed) throw new StorageError('Unavailable', key);
    return this.#log;
  }

  async #write(op: Op & { readonly key: string }): Promise<OpResult & { readonly kind: 'written' }> {
    if (this.#closing !== undefined) throw new StorageError('Unavailable', op.key);
    let r: OpResult;
    try {
      r = await this.#committer.submit(op);
    } catch (err) {
      throw new StorageError('Unavailable', op.key, 0, { cause: err });
    }
    if (r.kind === 'refused') throw new StorageError(r.code, r.key, r.revision);
    if (r.kind !== 'written') throw new StorageError('Unavailable', op.key);
    return r;
  }
}
