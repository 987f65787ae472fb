import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { isDNS1123Subdomain, statusMessageFor, validateObjectMeta, validateObjectMetaUpdate } from '../api/validation.js';
import { badRequest, invalid } from './errors.js';
import { apiVersionOf } from './registry.js';

/** RFC 3339 with seconds, as upstream's metav1.Time. */
export const timestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The stored form of an object: JSON without resourceVersion (the store's
 * revision is the version), apiVersion, kind and metadata first so that
 * reads can splice the version in without parsing (see `decodeJSON`).
 */
export function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  return JSON.stringify({ apiVersion, kind, metadata, ...rest });
}

/** Fill in or check apiVersion/kind against the endpoint the object was sent to. */
export function checkTypeMeta(def: Pick<ResourceDef, 'group' | 'version' | 'kind'>, obj: KubeObject): void {
  const apiVersion = apiVersionOf(def);
  // Decoded bodies may lack type meta although the type says otherwise.
  const given = obj as { kind?: unknown; apiVersion?: unknown };
  if (given.kind === undefined || given.kind === '') obj.kind = def.kind;
  if (given.apiVersion === undefined || given.apiVersion === '') obj.apiVersion = apiVersion;
  if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') throw badRequest('apiVersion and kind must be strings');
  if (obj.apiVersion !== apiVersion)
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`);
  if (obj.kind !== def.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
}

/** Put the request's namespace on the object, or reject a mismatch as upstream. */
export function checkNamespace(def: ResourceDef, obj: KubeObject, namespace: string): void {
  if (!def.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const ns = obj.metadata.namespace;
  if (ns && ns !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.metadata.namespace = namespace;
}

/**
 * What `generation` tracks: everything but metadata, and but status when
 * the kind has a status subresource (as upstream's custom resources count).
 */
const specOf = (def: ResourceDef, obj: KubeObject) => {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  if (def.hasStatus) delete rest.status;
  return JSON.stringify(rest);
};

/** Set server-owned metadata on a new object: uid, creationTimestamp, generation; drop what clients may not set. */
export function prepareCreate(def: ResourceDef, obj: KubeObject, now: Date): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  if (def.tracksGeneration) m.generation = 1;
  else delete m.generation;
  if (def.hasStatus && def.kind !== 'Node') delete obj.status;
}

/**
 * Carry server-owned fields over from `old` on an update of the main
 * resource (status kept) or of the status subresource (everything but status
 * kept). The result carries old's resourceVersion (the one compared on write).
 */
export function prepareUpdate(def: ResourceDef, obj: KubeObject, old: KubeObject, subresource: string): KubeObject {
  const m = obj.metadata;
  const o = old.metadata;
  let next: KubeObject;
  if (subresource === 'status') {
    // As upstream's ResetObjectMetaForStatus: only status changes.
    next = { ...structuredClone(old), status: obj.status };
    if (obj.status === undefined) delete next.status;
  } else if (subresource === 'finalize') {
    // namespaces/finalize: only spec.finalizers changes (the namespace controller lets go through it).
    next = structuredClone(old);
    next.spec = { ...(next.spec as object | undefined), finalizers: (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
  } else {
    next = obj;
    if (def.hasStatus) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    m.uid = o.uid ?? '';
    m.creationTimestamp = o.creationTimestamp ?? '';
    if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (def.tracksGeneration) m.generation = (o.generation ?? 1) + (specOf(def, obj) === specOf(def, old) ? 0 : 1);
    else delete m.generation;
    // A namespace's spec.finalizers change only through namespaces/finalize, as upstream.
    if (def.kind === 'Namespace' && !def.group) next.spec = { ...(next.spec as object | undefined), finalizers: (old.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
  }
  next.metadata.resourceVersion = o.resourceVersion ?? '';
  return next;
}

/** Metadata and kind validation; throws 422 Invalid with every cause. */
export function validate(def: ResourceDef, obj: KubeObject, old?: KubeObject): void {
  const errors = validateObjectMeta(obj.metadata, {
    namespaced: def.namespaced,
    validateName: def.validateName ?? isDNS1123Subdomain,
  });
  if (old) errors.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  if (def.validate) errors.push(...def.validate(obj, old));
  if (errors.length === 0) return;
  const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
  throw invalid(def.kind, def.group, name, statusMessageFor(def.kind, name, errors, def.group), errors);
}

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five random characters, as upstream's name generator. */
export function generateName(base: string): string {
  const prefix = base.length > 58 ? base.slice(0, 58) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += nameChars.charAt(Math.floor(Math.random() * nameChars.length));
  return prefix + suffix;
}

/** True while something must let go before the object may be removed: metadata finalizers, or a namespace's spec.finalizers. */
export function hasFinalizers(obj: KubeObject): boolean {
  if (obj.metadata.finalizers?.length) return true;
  return obj.kind === 'Namespace' && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0;
}
