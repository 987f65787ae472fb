import type { StorageErrorCode } from '../errors.js';
import type { KeyValue } from '../store.js';

/** One step of a write batch, as the main thread sends it to the writer thread. */
export type Op =
  | { readonly verb: 'create'; readonly key: string; readonly value: string }
  | { readonly verb: 'update'; readonly key: string; readonly value: string; readonly expected: number }
  | { readonly verb: 'delete'; readonly key: string; readonly expected: number }
  /** Raise the compact revision to `revision` (if newer) and compact one chunk of the pending history. */
  | { readonly verb: 'compact'; readonly revision: number };

/**
 * The outcome of one {@link Op}: the revision a write took and the value it
 * replaced (the written value itself is not sent back), the storage error it
 * met, or whether compaction has caught up with the compact revision.
 */
export type OpResult =
  | { readonly kind: 'written'; readonly revision: number; readonly prev?: KeyValue }
  | { readonly kind: 'refused'; readonly code: StorageErrorCode; readonly key: string; readonly revision: number }
  | { readonly kind: 'compacted'; readonly done: boolean };

/** Main thread → writer thread. */
export type Request =
  | { readonly type: 'batch'; readonly ops: readonly Op[] }
  | { readonly type: 'close' };

/** Writer thread → main thread; batches are answered one at a time, in the order sent. */
export type Reply =
  | { readonly type: 'ready'; readonly revision: number }
  | { readonly type: 'committed'; readonly results: readonly OpResult[] }
  /** The batch's transaction failed as a whole (I/O error, disk full): nothing of it was written. */
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

/** What the writer thread is started with. */
export interface WriterData {
  readonly path: string;
}
