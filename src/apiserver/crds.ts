import type { IncomingMessage } from 'node:http';
import {
  APIEXTENSIONS_GROUP,
  CLEANUP_FINALIZER,
  conditionOf,
  customResourceDefs,
  type CRD,
  type CRDCondition,
  type CRDNames,
} from '../api/apiextensions/index.js';
import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { applyDefaults, hasDefaults } from '../api/schema/defaults.js';
import { isConflict, isNotFound } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import { versionedStore } from './crd-store.js';
import { APIError } from './errors.js';
import type { WriteHooks } from './hooks.js';
import { encode, timestamp } from './objects.js';
import { apiVersionOf, storagePrefix, type Registry, type Resource } from './registry.js';
import type { RequestInfo } from './request.js';
import { decode } from './watchcache.js';

/** What the CRD controller needs. */
export interface CRDControllerOptions {
  readonly store: Store;
  readonly registry: Registry;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  /** How long a deleted CRD waits before looking again for custom resources held by finalizers. */
  readonly retryMs?: number;
}

/** The running controller. */
export interface CRDController {
  /** Resolves once every CRD present at start has been synced (and, if established, is served). */
  readonly ready: Promise<void>;
  /** Rejects what upstream's custom resource handler rejects before the generic handlers run. */
  check(resource: Resource, info: RequestInfo, req: IncomingMessage): void;
}

const crdPrefix = `/registry/${APIEXTENSIONS_GROUP}/customresourcedefinitions/`;

const condition = (type: string, status: CRDCondition['status'], reason: string, message: string): CRDCondition => ({ type, status, reason, message });

/** Upstream's naming controller: the names this CRD may have, given the names other CRDs of its group hold. */
export function acceptNames(crd: CRD, others: readonly CRD[]): { names: CRDNames; accepted: CRDCondition } {
  const requested = crd.spec.names ?? {};
  const current = crd.status?.acceptedNames ?? {};
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name || o.spec.group !== crd.spec.group) continue;
    const n = o.status?.acceptedNames ?? {};
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) kinds.add(k);
  }
  const names: CRDNames = { ...current };
  let accepted: CRDCondition | undefined;
  const fresh = (want: string | undefined, have: string | undefined, used: Set<string>) => want === have || !want || !used.has(want);
  const conflict = (reason: string, message: string) => (accepted ??= condition('NamesAccepted', 'False', reason, message));
  if (fresh(requested.plural, current.plural, resources)) names.plural = requested.plural ?? '';
  else conflict('PluralConflict', `"${requested.plural ?? ''}" is already in use`);
  if (fresh(requested.singular, current.singular, resources)) names.singular = requested.singular ?? '';
  else conflict('SingularConflict', `"${requested.singular ?? ''}" is already in use`);
  const taken = (requested.shortNames ?? []).filter((s) => !(current.shortNames ?? []).includes(s) && resources.has(s));
  if (taken.length === 0) names.shortNames = requested.shortNames ?? [];
  else conflict('ShortNamesConflict', taken.length === 1 ? `"${taken[0] ?? ''}" is already in use` : `[${taken.map((s) => `"${s}" is already in use`).join(', ')}]`);
  if (fresh(requested.kind, current.kind, kinds)) names.kind = requested.kind ?? '';
  else conflict('KindConflict', `"${requested.kind ?? ''}" is already in use`);
  if (fresh(requested.listKind, current.listKind, kinds)) names.listKind = requested.listKind ?? '';
  else conflict('ListKindConflict', `"${requested.listKind ?? ''}" is already in use`);
  names.categories = requested.categories ?? [];
  if (!names.shortNames?.length) delete names.shortNames;
  if (!names.categories.length) delete names.categories;
  return { names, accepted: accepted ?? condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found') };
}

/** The status upstream's naming and establishing controllers converge on. */
function desiredStatus(crd: CRD, others: readonly CRD[], now: string): NonNullable<CRD['status']> {
  const { names, accepted } = acceptNames(crd, others);
  let established = conditionOf(crd, 'Established') ?? condition('Established', 'False', 'NotAccepted', 'not all names are accepted');
  if (established.status !== 'True' && accepted.status === 'True') established = condition('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted');
  const conditions = [accepted, established, ...(crd.status?.conditions ?? []).filter((c) => c.type !== 'NamesAccepted' && c.type !== 'Established')];
  return { ...crd.status, conditions: withTransitionTimes(conditions, crd.status?.conditions ?? [], now), acceptedNames: names };
}

/** Keep a condition's lastTransitionTime while its status stays; stamp `now` when it changes. */
function withTransitionTimes(next: CRDCondition[], prev: readonly CRDCondition[], now: string): CRDCondition[] {
  return next.map((c) => {
    const old = prev.find((p) => p.type === c.type);
    const { lastTransitionTime: _t, ...rest } = c;
    return { type: rest.type, status: rest.status, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now, ...(rest.reason ? { reason: rest.reason } : {}), ...(rest.message ? { message: rest.message } : {}) };
  });
}

/** The write hooks of CRDs: the cleanup finalizer from the start, and each new storage version recorded. */
export function crdHooks(): [string, WriteHooks] {
  return [
    `${APIEXTENSIONS_GROUP}/CustomResourceDefinition`,
    {
      beforeWrite: (obj, old) => {
        const crd = obj as CRD;
        // Upstream adds the finalizer on delete; holding it from creation
        // lets the generic delete mark the CRD instead of removing it, with
        // the same outcome: custom resources go first.
        if (!old && !crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) crd.metadata.finalizers = [...(crd.metadata.finalizers ?? []), CLEANUP_FINALIZER];
        const storage = crd.spec.versions?.find((v) => v.storage)?.name;
        const stored = crd.status?.storedVersions ?? [];
        if (old && storage && !stored.includes(storage)) crd.status = { ...crd.status, storedVersions: [...stored, storage] };
        return Promise.resolve(() => Promise.resolve());
      },
      afterWrite: () => Promise.resolve(),
    },
  ];
}

/** Start serving the custom resources of every established CRD, and keep doing so as CRDs change. */
export function startCRDController(o: CRDControllerOptions): CRDController {
  const crds = o.registry.find(APIEXTENSIONS_GROUP, 'v1', 'customresourcedefinitions');
  if (!crds) throw new Error('the customresourcedefinitions resource is not registered');
  /** What each CRD serves: the fingerprint of what it was built from, and the resources. */
  const served = new Map<string, { fingerprint: string; defs: ResourceDef[]; storageVersion: string }>();
  const terminating = new Set<string>();
  const pending = new Set<string>();
  let running: Promise<void> | undefined;

  const others = () => crds.cache.list(crds.prefix).map((e) => e.object as CRD);

  const unserve = (name: string) => {
    const s = served.get(name);
    if (!s) return;
    for (const d of s.defs) o.registry.remove(d.group, d.version, d.resource);
    served.delete(name);
  };

  const serve = (crd: CRD) => {
    const name = crd.metadata.name ?? '';
    const storage = crd.spec.versions?.find((v) => v.storage)?.name ?? '';
    const fingerprint = JSON.stringify([crd.spec, crd.status?.acceptedNames]);
    const current = served.get(name);
    if (current?.fingerprint === fingerprint) return;
    unserve(name);
    const defs = customResourceDefs(crd).filter((d) => {
      const existing = o.registry.find(d.group, d.version, d.resource);
      // A built-in resource, or another CRD's, keeps its endpoint.
      return !existing;
    });
    const entry = { fingerprint, defs, storageVersion: `${crd.spec.group ?? ''}/${storage}` };
    for (const def of defs) {
      const schema = crd.spec.versions?.find((v) => v.name === def.version)?.schema?.openAPIV3Schema;
      const view = versionedStore(o.store, {
        prefix: storagePrefix(def),
        apiVersion: apiVersionOf(def),
        storageVersion: () => entry.storageVersion,
        ...(schema && hasDefaults(schema) ? { defaults: (obj: KubeObject) => applyDefaults(obj, schema) } : {}),
      });
      o.registry.add(def, view);
    }
    served.set(name, entry);
  };

  /** Delete every custom resource of a deleted CRD; true when none is left. */
  const deleteInstances = async (crd: CRD): Promise<boolean> => {
    const prefix = `/registry/${crd.spec.group ?? ''}/${crd.status?.acceptedNames?.plural || crd.spec.names?.plural || ''}/`;
    const { items } = await o.store.list(prefix);
    let left = 0;
    for (const kv of items) {
      const obj = decode(kv).object;
      try {
        if (obj.metadata.finalizers?.length) {
          left++;
          if (!obj.metadata.deletionTimestamp) {
            const { resourceVersion: _rv, ...metadata } = obj.metadata;
            await o.store.update(kv.key, encode({ ...obj, metadata: { ...metadata, deletionTimestamp: timestamp(o.now()), deletionGracePeriodSeconds: 0 } }), kv.modRevision);
          }
        } else await o.store.delete(kv.key, kv.modRevision);
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
        left++;
      }
    }
    return left === 0;
  };

  const finalize = async (crd: CRD, key: string, revision: number): Promise<void> => {
    terminating.add(crd.metadata.name ?? '');
    if (!crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) return;
    let rev = revision;
    if (conditionOf(crd, 'Terminating')?.reason !== 'InstanceDeletionInProgress') {
      const conditions = [...(crd.status?.conditions ?? []).filter((c) => c.type !== 'Terminating'), condition('Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress')];
      crd.status = { ...crd.status, conditions: withTransitionTimes(conditions, crd.status?.conditions ?? [], timestamp(o.now())) };
      rev = await o.store.update(key, encode(crd), rev);
    }
    if (!(await deleteInstances(crd))) {
      // Custom resources held by finalizers: look again a moment later.
      const timer = setTimeout(() => enqueue(crd.metadata.name ?? ''), o.retryMs ?? 1000);
      timer.unref();
      return;
    }
    const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
    if (finalizers.length === 0) await o.store.delete(key, rev);
    else await o.store.update(key, encode({ ...crd, metadata: { ...crd.metadata, finalizers } }), rev);
  };

  const sync = async (name: string): Promise<void> => {
    const key = `${crdPrefix}${name}`;
    const kv = await o.store.get(key);
    if (!kv) {
      unserve(name);
      terminating.delete(name);
      // Names this CRD held may now be free for another.
      for (const other of others()) if (conditionOf(other, 'NamesAccepted')?.status === 'False') enqueue(other.metadata.name ?? '');
      return;
    }
    const { object } = decode(kv);
    const crd = object as CRD;
    if (crd.metadata.deletionTimestamp) {
      await finalize(crd, key, kv.modRevision);
      return;
    }
    terminating.delete(name);
    const status = desiredStatus(crd, others(), timestamp(o.now()));
    if (JSON.stringify(status) !== JSON.stringify(crd.status)) {
      crd.status = status;
      await o.store.update(key, encode(crd), kv.modRevision);
    }
    if (conditionOf(crd, 'Established')?.status === 'True') serve(crd);
    else unserve(name);
  };

  const drain = async () => {
    while (pending.size > 0 && !o.signal.aborted) {
      const name = pending.values().next().value as string;
      pending.delete(name);
      try {
        await sync(name);
      } catch (err) {
        // A conflict means the CRD changed: its watch event queues it again.
        if (!isConflict(err)) {
          o.log('crd sync failed', { name, err: String(err) });
          const timer = setTimeout(() => enqueue(name), o.retryMs ?? 1000);
          timer.unref();
        }
      }
    }
  };

  function enqueue(name: string): void {
    if (!name || o.signal.aborted) return;
    pending.add(name);
    running ??= drain().finally(() => {
      running = undefined;
      if (pending.size > 0) enqueue(pending.values().next().value as string);
    });
  }

  const subscribe = () => {
    const from = crds.cache.revision;
    for (const e of crds.cache.list(crds.prefix)) pending.add(e.object.metadata.name ?? '');
    crds.cache.watch(
      from,
      (e) => enqueue(e.object.metadata.name ?? ''),
      // The cache ends its watches when it relists: start again from its new state.
      () => {
        if (!o.signal.aborted) subscribe();
      },
    );
  };

  const ready = crds.cache.ready().then(async () => {
    subscribe();
    enqueue([...pending][0] ?? '');
    while (running) await running;
  });

  return {
    ready,
    check(resource, info, req) {
      if (!resource.store) return;
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (info.verb === 'patch' && type === 'application/strategic-merge-patch+json')
        throw new APIError('UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
      if (info.verb === 'create' && terminating.has(`${resource.def.resource}.${resource.def.group}`))
        throw new APIError('MethodNotAllowed', 'create not allowed while custom resource definition is terminating', { group: resource.def.group, kind: resource.def.resource });
    },
  };
}
