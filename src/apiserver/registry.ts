import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import type { Store } from '../storage/store.js';
import { conversionCodec, identityCodec, type Codec } from './codec.js';
import { attrsOf } from './filter.js';
import { WatchCache, type Attrs } from './watchcache.js';

/** A served resource: its definition, where it is stored, its watch cache, and how it reads and writes its stored form. */
export interface Resource {
  readonly def: ResourceDef;
  /** Storage prefix of every object of the resource, ending in `/`. */
  readonly prefix: string;
  /** Shared by every version served from the same storage; holds the stored form. */
  readonly cache: WatchCache;
  /** Converts between the stored form and this version (identity unless `def.storedAs`). */
  readonly codec: Codec;
  /**
   * The store requests for this resource go through when it is not the
   * server's own: a custom resource's view that converts versions.
   */
  readonly store?: Store;
}

/** `def.storagePrefix`, else `/registry/pods/` for core, `/registry/apps/deployments/` for other groups. */
export const storagePrefix = (def: ResourceDef) =>
  def.storagePrefix ?? (def.group ? `/registry/${def.group}/${def.resource}/` : `/registry/${def.resource}/`);

/** The storage key of one object (namespace '' for cluster-scoped kinds). */
export const storageKey = (r: Resource, namespace: string, name: string) =>
  r.def.namespaced ? `${r.prefix}${namespace}/${name}` : `${r.prefix}${name}`;

/** The storage prefix of a namespace's objects, or of all objects when `namespace` is ''. */
export const listPrefix = (r: Resource, namespace: string) =>
  r.def.namespaced && namespace ? `${r.prefix}${namespace}/` : r.prefix;

/**
 * The attributes a shared cache keeps: the stored version's selectable
 * fields, and those of each version served from it that has others
 * (events.k8s.io's `regarding.*` on core Events), read from the converted
 * object.
 */
function cacheAttrs(stored: ResourceDef, served: readonly ResourceDef[]): (o: KubeObject) => Attrs {
  const converting = served.filter((d) => Object.keys(d.fieldSelectors).some((f) => !(f in stored.fieldSelectors)));
  return (o) => {
    const attrs = attrsOf(stored, o);
    if (converting.length === 0) return attrs;
    const fields = { ...attrs.fields };
    for (const d of converting) if (d.storedAs) Object.assign(fields, attrsOf(d, d.storedAs.fromStorage(o)).fields);
    return { ...attrs, fields };
  };
}

/** `apiVersion` of a definition: `v1` or `apps/v1`. */
export const apiVersionOf = (def: Pick<ResourceDef, 'group' | 'version'>) => (def.group ? `${def.group}/${def.version}` : def.version);

/** Every served resource, found by group, version and plural name. */
export class Registry {
  readonly #byPath = new Map<string, Resource>();
  #all: Resource[] = [];
  readonly #store: Store;
  readonly #signal: AbortSignal;
  readonly #onError: (err: unknown) => void;
  /** Ends the watch cache of each resource added at run time. */
  readonly #stops = new Map<Resource, AbortController>();
  #generation = 0;

  constructor(defs: readonly ResourceDef[], store: Store, signal: AbortSignal, onError: (err: unknown) => void) {
    this.#store = store;
    this.#signal = signal;
    this.#onError = onError;
    // One cache per storage prefix, shared by every version served from it.
    const caches = new Map<string, WatchCache>();
    for (const def of defs) {
      const stored = def.storedAs ? storedDef(defs, def.storedAs) : def;
      const prefix = storagePrefix(stored);
      let cache = caches.get(prefix);
      if (!cache) caches.set(prefix, (cache = new WatchCache({ store, prefix, capacity: 10_000, signal, onError, attrs: cacheAttrs(stored, defs.filter((d) => d.storedAs && storedDef(defs, d.storedAs) === stored)) })));
      const codec = def.storedAs ? conversionCodec(def.storedAs) : identityCodec;
      const r: Resource = { def, prefix, cache, codec };
      this.#byPath.set(`${def.group}/${def.version}/${def.resource}`, r);
      this.#all.push(r);
    }
  }

  /**
   * Serve a resource from now on (custom resources), reading through
   * `store` (default: the server's) with a watch cache of its own.
   */
  add(def: ResourceDef, store: Store = this.#store): Resource {
    this.remove(def.group, def.version, def.resource);
    const stop = new AbortController();
    const signal = AbortSignal.any([this.#signal, stop.signal]);
    const prefix = storagePrefix(def);
    const cache = new WatchCache({ store, prefix, capacity: 10_000, signal, onError: this.#onError, attrs: (o) => attrsOf(def, o) });
    const r: Resource = { def, prefix, cache, codec: identityCodec, ...(store === this.#store ? {} : { store }) };
    this.#byPath.set(`${def.group}/${def.version}/${def.resource}`, r);
    this.#all.push(r);
    this.#stops.set(r, stop);
    this.#generation++;
    return r;
  }

  /** Stop serving a resource added with `add`; its open watches end. */
  remove(group: string, version: string, resource: string): void {
    const key = `${group}/${version}/${resource}`;
    const r = this.#byPath.get(key);
    const stop = r && this.#stops.get(r);
    if (!r || !stop) return;
    this.#byPath.delete(key);
    this.#all = this.#all.filter((x) => x !== r);
    this.#stops.delete(r);
    stop.abort();
    this.#generation++;
  }

  /** Changes whenever a resource is added or removed (for documents derived from the registry). */
  get generation(): number {
    return this.#generation;
  }

  /** The resource served at /apis/GROUP/VERSION/RESOURCE (group '' for /api/v1). */
  find(group: string, version: string, resource: string): Resource | undefined {
    return this.#byPath.get(`${group}/${version}/${resource}`);
  }

  /** The resource of a kind, in its preferred version. */
  byKind(group: string, kind: string): Resource | undefined {
    return this.#all.find((r) => r.def.group === group && r.def.kind === kind);
  }

  /** Every resource, in registration order. */
  all(): readonly Resource[] {
    return this.#all;
  }

  /** Every resource stored in its own version (one per storage prefix), in registration order. */
  stored(): readonly Resource[] {
    return this.#all.filter((r) => !r.def.storedAs);
  }

  /** Resolves when every watch cache holds its first list. */
  async ready(): Promise<void> {
    await Promise.all(this.#all.map((r) => r.cache.ready()));
  }
}

/** The def that `storedAs` names: the version whose form is stored. */
function storedDef(defs: readonly ResourceDef[], storedAs: { group: string; resource: string }): ResourceDef {
  const def = defs.find((d) => d.group === storedAs.group && d.resource === storedAs.resource && !d.storedAs);
  if (!def) throw new Error(`no stored version of ${storedAs.resource}.${storedAs.group} is registered`);
  return def;
}
