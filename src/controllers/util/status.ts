/** Status writes through the `status` subresource, as upstream's controllers make them. */
import type { KubeObject } from '../../api/meta.js';
import { isConflict, isNotFound, type Client, type ResourceRef } from '../../client/index.js';

/**
 * PUTs `status` onto `obj`. A conflict usually means only that the cache
 * had not yet seen our own last write: the object is read again and the
 * status put once more, unless its spec changed meanwhile (a new
 * generation brings another sync anyway). Returns the object as stored,
 * or undefined if it is gone.
 */
export async function putStatus<T extends KubeObject>(client: Client, ref: ResourceRef, obj: T, status: unknown): Promise<T | undefined> {
  try {
    return await client.update<T>(ref, { ...obj, status }, 'status');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    if (!isConflict(err)) throw err;
    const fresh = await client.get<T>(ref, obj.metadata.namespace ?? '', obj.metadata.name ?? '').catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (!fresh || fresh.metadata.uid !== obj.metadata.uid) return undefined;
    if (fresh.metadata.generation !== obj.metadata.generation) throw err;
    return client.update<T>(ref, { ...fresh, status }, 'status');
  }
}

/** `status` without the zero-valued `keys`: the fields upstream's types mark `omitempty`, so the wire format matches. */
export function omitZero<T extends object>(status: T, keys: readonly (keyof T)[]): T {
  const drop = new Set<PropertyKey>(keys.filter((k) => status[k] === 0 || status[k] === ''));
  return Object.fromEntries(Object.entries(status).filter(([k]) => !drop.has(k))) as T;
}
