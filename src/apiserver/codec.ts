import type { KubeObject } from '../api/meta.js';
import type { StorageVersion } from '../api/resource.js';
import type { KeyValue } from '../storage/store.js';
import { encode } from './objects.js';
import { decode, decodeJSON } from './watchcache.js';

/** An object with its JSON, as the watch cache and the handlers pass them around. */
export interface Encoded {
  readonly object: KubeObject;
  readonly json: string;
}

/**
 * How one served resource reads and writes its storage: the stored form
 * and the served version are the same for most resources, and differ
 * (converted here, nowhere else) for a version served from another
 * version's storage. Handlers only ever see served objects.
 */
export interface Codec {
  /** A stored value as the served object (resourceVersion set) and its JSON. */
  decode(kv: KeyValue): { object: KubeObject; json: string };
  /** A stored value as the served object's JSON. */
  decodeJSON(kv: KeyValue): string;
  /**
   * A cached entry or event (stored form) in the served version; converted
   * once per entry or event and shared by every reader, so it must not be
   * modified.
   */
  view(stored: Encoded): Encoded;
  /** The stored value of a served object. */
  encode(obj: KubeObject): string;
}

/** The codec of a resource stored in its own version. */
export const identityCodec: Codec = { decode, decodeJSON, view: (e) => e, encode };

/** The codec of a version served from another version's storage. */
export function conversionCodec(storage: StorageVersion): Codec {
  const views = new WeakMap<Encoded, Encoded>();
  const served = (stored: KubeObject): Encoded => {
    const object = storage.fromStorage(stored);
    object.metadata.resourceVersion = stored.metadata.resourceVersion ?? '';
    return { object, json: JSON.stringify(object) };
  };
  return {
    decode: (kv) => served(decode(kv).object),
    decodeJSON: (kv) => served(decode(kv).object).json,
    view: (e) => {
      let v = views.get(e);
      if (!v) views.set(e, (v = served(e.object)));
      return v;
    },
    encode: (obj) => encode(storage.toStorage(obj)),
  };
}
