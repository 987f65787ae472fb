/** Stable codes of storage errors. */
export type StorageErrorCode = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Compacted' | 'Unavailable';

/** An error from a {@link Store}, with a stable `code`. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key: string;
  /** For `Conflict`: the key's current revision. For `Compacted`: the compact revision. */
  readonly revision: number;

  constructor(code: StorageErrorCode, key: string, revision = 0, options?: ErrorOptions) {
    super(`${code}: ${key}${revision ? ` (revision ${revision})` : ''}`, options);
    this.name = 'StorageError';
    this.code = code;
    this.key = key;
    this.revision = revision;
  }
}

const is = (code: StorageErrorCode) => (err: unknown): err is StorageError =>
  err instanceof StorageError && err.code === code;

/** True if `err` is a storage `NotFound`. */
export const isNotFound = is('NotFound');
/** True if `err` is a storage `AlreadyExists`. */
export const isAlreadyExists = is('AlreadyExists');
/** True if `err` is a storage `Conflict`. */
export const isConflict = is('Conflict');
/** True if `err` is a storage `Compacted`. */
export const isCompacted = is('Compacted');
