import type { KubeObject } from '../api/meta.js';
import { isAlreadyExists, isConflict, isNotFound } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import { hooksFor, type HookTable } from './hooks.js';
import { encode, prepareCreate } from './objects.js';
import type { Registry } from './registry.js';
import { decode } from './watchcache.js';

/** The namespaces that exist from the first start, as upstream. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Create the system namespaces that are missing. */
export async function bootstrapNamespaces(store: Store, registry: Registry, now: Date): Promise<void> {
  const def = registry.find('', 'v1', 'namespaces')?.def;
  if (!def) return;
  for (const name of systemNamespaces) {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    prepareCreate(def, obj, now);
    def.defaults?.(obj);
    (obj.metadata.labels ??= {})['kubernetes.io/metadata.name'] = name;
    try {
      await store.create(`/registry/namespaces/${name}`, encode(obj));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

const ignoreGone = (err: unknown) => {
  if (!isNotFound(err) && !isConflict(err)) throw err;
};

/**
 * Empty a terminating namespace and remove it. A stand-in for the namespace
 * controller (issue 4 moves it into the controller manager, with graceful
 * pod termination and finalizers of the content honoured).
 */
export async function purgeNamespace(store: Store, registry: Registry, hooks: HookTable, name: string): Promise<void> {
  for (const r of registry.stored()) {
    if (!r.def.namespaced) continue;
    const { items } = await store.list(`${r.prefix}${name}/`);
    const h = hooksFor(hooks, r.def);
    for (const kv of items) {
      const gone = await store.delete(kv.key, 0).catch((err: unknown) => ignoreGone(err));
      if (gone) await h?.afterWrite(decode(gone).object, undefined);
    }
  }
  const key = `/registry/namespaces/${name}`;
  const kv = await store.get(key);
  if (!kv) return;
  const ns = decode(kv).object;
  if (!ns.metadata.deletionTimestamp) return;
  if (ns.metadata.finalizers?.length) {
    // Other finalizers remain: drop only ours from spec.
    const next = structuredClone(ns);
    next.spec = { ...(next.spec as object | undefined), finalizers: [] };
    await store.update(key, encode(next), kv.modRevision).catch(ignoreGone);
    return;
  }
  await store.delete(key, kv.modRevision).catch(ignoreGone);
}

/** Namespaces found terminating at start (a purge cut short by a restart). */
export async function terminatingNamespaces(store: Store): Promise<string[]> {
  const { items } = await store.list('/registry/namespaces/');
  return items.map((kv) => decode(kv).object).filter((o) => o.metadata.deletionTimestamp).map((o) => o.metadata.name ?? '');
}

