import { ClientClosedError, isRecoverableError } from 'etcd3';
import { StorageError } from '../errors.js';

/** True if etcd refused a request because `revision` was compacted away. */
export function isEtcdCompacted(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

/** True if etcd refused a request because `revision` is newer than its current one. */
export function isEtcdFutureRevision(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision is a future revision');
}

/** True if `err` means etcd could not be reached (or the client is closed). */
export function isEtcdUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err instanceof ClientClosedError || isRecoverableError(err) || 'isBrokenCircuitError' in err || /unavailable|deadline exceeded|no connection/i.test(err.message);
}

/** Map a failed etcd call on `key` to a {@link StorageError} where a code fits; rethrow others unchanged. */
export function mapEtcdError(err: unknown, key: string): Error {
  if (err instanceof StorageError) return err;
  if (isEtcdUnavailable(err)) return new StorageError('Unavailable', key, 0, { cause: err });
  if (isEtcdFutureRevision(err)) return new RangeError(`${key}: ${(err as Error).message}`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
