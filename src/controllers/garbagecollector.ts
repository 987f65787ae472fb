/**
 * The garbage collector: deletes objects whose owners (ownerReferences, by
 * uid) are gone, and carries out the two deletion modes that wait on it:
 * `foregroundDeletion` (the owner stays until its blocking dependents are
 * gone) and `orphan` (the dependents lose their reference to the owner,
 * then the owner goes), as kube-controller-manager's garbage collector.
 * It watches every resource the API serves that can be listed, watched
 * and deleted (events aside, as upstream), re-reading discovery so that
 * custom resources are covered as they come.
 */
import { foregroundFinalizer, orphanFinalizer, type KubeObject, type OwnerReference } from '../api/meta.js';
import { indexers, isConflict, isNotFound, keyOf, sleep, WorkQueue, type Client, type Informer } from '../client/index.js';
import type { Controller, ControllerContext } from './controller.js';
import { preferredResources, supports, type ServedResource } from './util/discovery.js';
import { runQueue } from './util/run.js';

export interface GarbageCollectorOptions {
  /** How often discovery is read again for new resources (upstream: 30 s). */
  readonly discoveryIntervalMs?: number;
}

/** Resources the collector never watches, as upstream's defaults. */
const ignored = new Set(['/events', 'events.k8s.io/events']);

/** A watched resource and its cache. */
interface Watched {
  readonly ref: ServedResource;
  readonly informer: Informer;
}

/** Work item: which resource (`group/resource`) and which object (`ns/name`). */
const itemKey = (r: ServedResource, o: KubeObject) => `${r.group}/${r.resource}|${keyOf(o)}`;
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const hasFinalizer = (o: KubeObject, f: string) => o.metadata.finalizers?.includes(f) ?? false;
const deletingDependents = (o: KubeObject) => !!o.metadata.deletionTimestamp && hasFinalizer(o, foregroundFinalizer);

/** The garbage collector (`garbagecollector` in upstream's `--controllers`). */
export function newGarbageCollector(options: GarbageCollectorOptions = {}): Controller {
  return {
    name: 'garbagecollector',
    async run(ctx: ControllerContext) {
      const gc = new Collector(ctx);
      await gc.discover();
      if (!(await ctx.informers.synced())) return;
      const rediscover = async () => {
        while (!ctx.signal.aborted) {
          await sleep(options.discoveryIntervalMs ?? 30_000, ctx.signal);
          await gc.discover().catch((err: unknown) => ctx.log('garbagecollector: discovery failed', { err: String(err) }));
        }
      };
      await Promise.all([
        runQueue(ctx, 'garbagecollector', gc.attemptToDelete, 4, (k) => gc.syncDelete(k)),
        runQueue(ctx, 'garbagecollector orphan', gc.attemptToOrphan, 2, (k) => gc.syncOrphan(k)),
        rediscover(),
      ]);
    },
  };
}

class Collector {
  readonly attemptToDelete = new WorkQueue<string>();
  readonly attemptToOrphan = new WorkQueue<string>();
  /** By `group/resource`. */
  readonly #watched = new Map<string, Watched>();
  /** By `group/Kind`: where an ownerReference points. */
  readonly #byKind = new Map<string, Watched>();
  readonly #ctx: ControllerContext;
  readonly #client: Client;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#client = ctx.client;
  }

  /** Watch every collectable resource not yet watched. */
  async discover(): Promise<void> {
    const { resources } = await preferredResources(this.#client);
    for (const r of resources) {
      const gr = `${r.group}/${r.resource}`;
      if (ignored.has(gr) || this.#watched.has(gr) || !supports(r, 'list', 'watch', 'delete')) continue;
      const informer = this.#ctx.informers.for(r);
      const w = { ref: r, informer };
      this.#watched.set(gr, w);
      this.#byKind.set(`${r.group}/${r.kind}`, w);
      informer.addIndex('owner', indexers.owner);
      informer.on({
        add: (o) => this.#changed(w, undefined, o),
        update: (old, o) => this.#changed(w, old, o),
        delete: (o) => this.#removed(o),
      });
    }
  }

  #changed(w: Watched, old: KubeObject | undefined, o: KubeObject): void {
    const key = itemKey(w.ref, o);
    const refsChanged = JSON.stringify(old?.metadata.ownerReferences ?? []) !== JSON.stringify(o.metadata.ownerReferences ?? []);
    // A new dependent, or one whose owners changed: check that its owners exist.
    if (o.metadata.ownerReferences?.length && (!old || refsChanged)) this.attemptToDelete.add(key);
    if (!o.metadata.deletionTimestamp) return;
    if (hasFinalizer(o, orphanFinalizer)) this.attemptToOrphan.add(key);
    if (hasFinalizer(o, foregroundFinalizer)) {
      this.attemptToDelete.add(key);
      for (const d of this.#dependents(o.metadata.uid ?? '')) this.attemptToDelete.add(itemKey(d.w.ref, d.o));
    }
  }

  /** An owner is gone: its dependents are checked (and collected if no other owner holds them). */
  #removed(o: KubeObject): void {
    for (const d of this.#dependents(o.metadata.uid ?? '')) this.attemptToDelete.add(itemKey(d.w.ref, d.o));
    // Its owners may be waiting for it (foreground deletion).
    for (const ref of o.metadata.ownerReferences ?? []) {
      const w = this.#byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
      if (w) this.attemptToDelete.add(`${w.ref.group}/${w.ref.resource}|${w.ref.namespaced && o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${ref.name}`);
    }
  }

  /** Every cached object that names `uid` as an owner. */
  #dependents(uid: string): { w: Watched; o: KubeObject }[] {
    const out: { w: Watched; o: KubeObject }[] = [];
    for (const w of this.#watched.values()) for (const o of w.informer.byIndex('owner', uid)) out.push({ w, o });
    return out;
  }

  #lookup(key: string): { w: Watched; o: KubeObject } | undefined {
    const [gr = '', k = ''] = key.split('|');
    const w = this.#watched.get(gr);
    const o = w?.informer.get(k);
    return w && o ? { w, o } : undefined;
  }

  /**
   * An owner, as the collector judges it: `solid` (exists, not deleting its
   * dependents), `waiting` (being deleted in the foreground) or `dangling`
   * (absent, or another object of that name). The cache answers when it
   * holds the owner; otherwise the API server does, so that a cache behind
   * the dependent's never gets a live object's dependents collected.
   */
  async #classify(namespace: string, ref: OwnerReference): Promise<'solid' | 'waiting' | 'dangling'> {
    const w = this.#byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
    // A kind the server does not serve: its objects cannot exist.
    if (!w) return 'dangling';
    const ns = w.ref.namespaced ? namespace : '';
    let owner = w.informer.get(ns ? `${ns}/${ref.name}` : ref.name);
    if (owner?.metadata.uid !== ref.uid) {
      try {
        owner = await this.#client.get(w.ref, ns, ref.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return 'dangling';
      }
    }
    if (owner.metadata.uid !== ref.uid) return 'dangling';
    return deletingDependents(owner) ? 'waiting' : 'solid';
  }

  /** Collect an object whose owners are gone, or finish its own foreground deletion. */
  async syncDelete(key: string): Promise<void> {
    const item = this.#lookup(key);
    if (!item) return;
    const { w, o } = item;
    if (deletingDependents(o)) return this.#processDeletingDependents(w, o);
    // Being deleted already, by someone else's choice.
    if (o.metadata.deletionTimestamp) return;
    const refs = o.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const ns = o.metadata.namespace ?? '';
    const classes = await Promise.all(refs.map((r) => this.#classify(ns, r)));
    const solid = refs.filter((_, i) => classes[i] === 'solid');
    const waiting = refs.filter((_, i) => classes[i] === 'waiting');
    if (solid.length) {
      // Another owner keeps it: drop only the references to owners that are gone or going.
      if (solid.length === refs.length) return;
      await this.#patchOwnerRefs(w, o, solid);
      return;
    }
    // Owners deleting in the foreground: a dependent with dependents of its own deletes them first, too.
    const policy = waiting.length && this.#dependents(o.metadata.uid ?? '').length ? 'Foreground' : hasFinalizer(o, orphanFinalizer) ? 'Orphan' : hasFinalizer(o, foregroundFinalizer) ? 'Foreground' : 'Background';
    this.#ctx.log('garbagecollector: deleting', { key, policy });
    await this.#client.delete(w.ref, ns, o.metadata.name ?? '', { propagationPolicy: policy, preconditions: { uid: o.metadata.uid ?? '' } }).catch(ignoreGone);
  }

  /** Foreground deletion: once no dependent blocks the owner, its finalizer goes (and with it, the owner). */
  async #processDeletingDependents(w: Watched, o: KubeObject): Promise<void> {
    const uid = o.metadata.uid ?? '';
    const blocking = this.#dependents(uid).filter((d) => d.o.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
    if (!blocking.length) {
      await this.#removeFinalizer(w, o, foregroundFinalizer);
      return;
    }
    for (const d of blocking) if (!deletingDependents(d.o)) this.attemptToDelete.add(itemKey(d.w.ref, d.o));
  }

  /** Orphan deletion: every dependent loses its reference to the owner, then the owner its finalizer. */
  async syncOrphan(key: string): Promise<void> {
    const item = this.#lookup(key);
    if (!item || !item.o.metadata.deletionTimestamp || !hasFinalizer(item.o, orphanFinalizer)) return;
    const uid = item.o.metadata.uid ?? '';
    for (const d of this.#dependents(uid)) await this.#patchOwnerRefs(d.w, d.o, (d.o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid));
    await this.#removeFinalizer(item.w, item.o, orphanFinalizer);
  }

  /** Set an object's ownerReferences (compared on resourceVersion: a conflict is retried from a fresher cache). */
  async #patchOwnerRefs(w: Watched, o: KubeObject, refs: OwnerReference[]): Promise<void> {
    const patch = { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: o.metadata.resourceVersion, uid: o.metadata.uid } };
    await this.#client.patch(w.ref, o.metadata.namespace ?? '', o.metadata.name ?? '', patch, 'merge').catch(ignoreNotFound);
  }

  async #removeFinalizer(w: Watched, o: KubeObject, finalizer: string): Promise<void> {
    const rest = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const patch = { metadata: { finalizers: rest.length ? rest : null, resourceVersion: o.metadata.resourceVersion } };
    await this.#client.patch(w.ref, o.metadata.namespace ?? '', o.metadata.name ?? '', patch, 'merge').catch(ignoreNotFound);
  }
}

const ignoreNotFound = (err: unknown) => {
  if (!isNotFound(err)) throw err;
};
const ignoreGone = (err: unknown) => {
  if (!isNotFound(err) && !isConflict(err)) throw err;
};
