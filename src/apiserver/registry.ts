import type { ResourceDef } from '../api/resource.js';
import type { Store } from '../storage/store.js';
import { WatchCache } from './watchcache.js';

/** A served resource: its definition, where it is stored, and its watch cache. */
export interface Resource {
  readonly def: ResourceDef;
  /** Storage prefix of every object of the resource, ending in `/`. */
  readonly prefix: string;
  readonly cache: WatchCache;
}

/** `/registry/pods/` for core, `/registry/apps/deployments/` for other groups. */
export const storagePrefix = (def: ResourceDef) =>
  def.group ? `/registry/${def.group}/${def.resource}/` : `/registry/${def.resource}/`;

/** The storage key of one object (namespace '' for cluster-scoped kinds). */
export const storageKey = (r: Resource, namespace: string, name: string) =>
  r.def.namespaced ? `${r.prefix}${namespace}/${name}` : `${r.prefix}${name}`;

/** The storage prefix of a namespace's objects, or of all objects when `namespace` is ''. */
export const listPrefix = (r: Resource, namespace: string) =>
  r.def.namespaced && namespace ? `${r.prefix}${namespace}/` : r.prefix;

/** `apiVersion` of a definition: `v1` or `apps/v1`. */
export const apiVersionOf = (def: Pick<ResourceDef, 'group' | 'version'>) => (def.group ? `${def.group}/${def.version}` : def.version);

/** Every served resource, found by group, version and plural name. */
export class Registry {
  readonly #byPath = new Map<string, Resource>();
  readonly #all: Resource[] = [];

  constructor(defs: readonly ResourceDef[], store: Store, signal: AbortSignal, onError: (err: unknown) => void) {
    for (const def of defs) {
      const prefix = storagePrefix(def);
      const cache = new WatchCache({ store, prefix, capacity: 10_000, signal, onError });
      const r: Resource = { def, prefix, cache };
      this.#byPath.set(`${def.group}/${def.version}/${def.resource}`, r);
      this.#all.push(r);
    }
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

  /** Resolves when every watch cache holds its first list. */
  async ready(): Promise<void> {
    await Promise.all(this.#all.map((r) => r.cache.ready()));
  }
}
