/** A key-value pair as the store holds it at one revision. */
export interface KeyValue {
  readonly key: string;
  /** The stored bytes, as text (objects are stored as JSON). */
  readonly value: string;
  /** Revision of the write that created this key (since its last delete). */
  readonly createRevision: number;
  /** Revision of the last write to this key; an object's resourceVersion. */
  readonly modRevision: number;
}

/** One change seen by a watch. For `delete`, `kv` is the last value, with `modRevision` the delete's revision. */
export interface WatchEvent {
  readonly type: 'create' | 'update' | 'delete';
  readonly kv: KeyValue;
  /** The value before this change (absent for `create`). */
  readonly prev?: KeyValue;
}

/** Options of {@link Store.list}. */
export interface ListOptions {
  /** Return at most this many items (0 or absent: all). */
  readonly limit?: number;
  /** Start at this key (inclusive), inside the prefix: the continue point of a previous page. */
  readonly startKey?: string;
  /**
   * Read as of this revision (0 or absent: the current one). Throws `Compacted`
   * if compacted away, `RangeError` if newer than the current revision.
   */
  readonly revision?: number;
  /**
   * Also count the keys left after this page ({@link ListResult.remaining}).
   * Counting visits every one of them, so a paged walk asks on its first page
   * only and derives the rest (the pages share one revision).
   */
  readonly count?: boolean;
}

/** The result of {@link Store.list}. */
export interface ListResult {
  readonly items: readonly KeyValue[];
  /** The revision the list was read at. */
  readonly revision: number;
  /** True if `limit` cut the list short: keys are left after this page. */
  readonly more: boolean;
  /** How many keys are left after this page: set only when `count` was asked and `more` is true. */
  readonly remaining?: number;
}

/** Options of {@link Store.watch}. */
export interface WatchOptions {
  /**
   * Deliver events with revision >= this (inclusive, as etcd's start_revision).
   * 0: from now; on a remote store "now" is when the server sets the watch up,
   * a moment after the call, so pass a revision (list's + 1) to miss nothing.
   */
  readonly fromRevision: number;
  /** Aborting ends the watch (the iterator returns). */
  readonly signal: AbortSignal;
}

/**
 * A revisioned key-value store with watch: one global, strictly increasing
 * revision; every write gets the next one. Keys are `/`-separated paths.
 *
 * Errors thrown are {@link StorageError}s: `NotFound`, `AlreadyExists`,
 * `Conflict` (compare-on-revision failed), `Compacted` (revision too old),
 * `Unavailable`.
 */
export interface Store {
  /** Create `key`; throws `AlreadyExists` if it exists. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /** The current value of `key`, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys starting with `prefix` at the current revision. */
  count(prefix: string): Promise<number>;
  /**
   * Replace `key` if its modRevision is `expectedRevision` (0: any).
   * Throws `NotFound` if absent, `Conflict` if the revision differs.
   * Returns the new revision.
   */
  update(key: string, value: string, expectedRevision: number): Promise<number>;
  /**
   * Delete `key` if its modRevision is `expectedRevision` (0: any).
   * Throws `NotFound` if absent, `Conflict` if the revision differs.
   * Returns the deleted value, with `modRevision` set to the delete's revision.
   */
  delete(key: string, expectedRevision: number): Promise<KeyValue>;
  /**
   * Changes under `prefix` from `fromRevision` on, in revision order, each
   * exactly once, no gaps; batches of events that arrived together.
   * Throws `Compacted` (from the first `next()`) if `fromRevision` is compacted away.
   */
  watch(prefix: string, options: WatchOptions): AsyncIterable<readonly WatchEvent[]>;
  /** The revision of the latest write. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable/watchable (everything before it is compacted); 0 if never compacted. */
  compactRevision(): Promise<number>;
  /**
   * Discard history before `revision` (current values stay; `revision` itself
   * stays readable). An older revision than the last compaction is a no-op;
   * one newer than the current revision throws `RangeError`.
   */
  compact(revision: number): Promise<void>;
  /** Release connections and files. */
  close(): Promise<void>;
}
