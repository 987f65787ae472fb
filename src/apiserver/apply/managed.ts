/**
 * `metadata.managedFields`: which manager owns which fields. Every write
 * records what its manager changed (`Update`); server-side apply records
 * what the applied configuration holds (`Apply`), refuses to take fields
 * another manager set to a different value unless forced, and removes
 * fields its manager applied before and no longer applies, unless someone
 * else owns them.
 */
import type { KubeObject } from '../../api/meta.js';
import type { ResourceDef } from '../../api/resource.js';
import { schemaOf, type Resolve, type Schema } from '../../api/schema/index.js';
import { APIError } from '../errors.js';
import { FieldSet, formatPath } from './fieldset.js';
import { fieldSetOf, merge, removeLeaves, valueAt } from './typed.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Metadata fields the server owns; no manager does. */
const serverMeta = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'];

/** The fields of a write that ownership covers: not type or server metadata; only status through `status`, never through the object. */
function tracked(set: FieldSet, def: ResourceDef, subresource: string): FieldSet {
  set.children.delete('f:apiVersion');
  set.children.delete('f:kind');
  const meta = set.children.get('f:metadata');
  for (const f of serverMeta) meta?.children.delete(`f:${f}`);
  if (meta?.children.size === 0) set.children.delete('f:metadata');
  if (subresource === 'status') for (const k of [...set.children.keys()]) if (k !== 'f:status') set.children.delete(k);
  if (def.hasStatus && subresource !== 'status') set.children.delete('f:status');
  return set;
}

const apiVersionOf = (def: ResourceDef) => (def.group ? `${def.group}/${def.version}` : def.version);
const stamp = (now: Date) => now.toISOString().replace(/\.\d{3}Z$/, 'Z');
/**
 * The part of `o` that ownership covers through `subresource` (as
 * `tracked` cuts it), copied shallowly: walking a pod's spec on every
 * status write was most of the cost of a write.
 */
function trackedPart(o: KubeObject, def: ResourceDef, subresource: string): Record<string, unknown> {
  if (subresource === 'status') return 'status' in o ? { status: (o as { status?: unknown }).status } : {};
  const { apiVersion: _v, kind: _k, metadata, ...rest } = o as KubeObject & Record<string, unknown>;
  if (def.hasStatus) delete rest.status;
  const meta = Object.fromEntries(Object.entries(metadata).filter(([k]) => !serverMeta.includes(k)));
  return { metadata: meta, ...rest };
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function entriesOf(o: KubeObject | undefined): ManagedFieldsEntry[] {
  const list = o?.metadata.managedFields;
  return Array.isArray(list) ? (list as ManagedFieldsEntry[]) : [];
}

function typesOf(def: ResourceDef): { schema: Schema | undefined; resolve: Resolve } {
  const s = schemaOf(def);
  return { schema: s?.schema, resolve: s?.resolve ?? (() => undefined) };
}

/** The manager of a write: `?fieldManager=`, else the client's User-Agent up to its first `/`, as upstream. */
export function managerOf(query: URLSearchParams, userAgent: string | undefined): string {
  const m = query.get('fieldManager');
  if (m) {
    if (m.length > 128) throw new APIError('BadRequest', `fieldManager: Too long: may not be more than 128 bytes`);
    return m;
  }
  return (userAgent ?? '').split('/')[0]?.slice(0, 128) ?? '';
}

/**
 * Record an ordinary write (create, update, patch) by `manager` on `next`:
 * the fields it added or changed become its own and no one else's; removed
 * fields are no one's. Managed fields the client sent replace the old ones.
 */
export function trackUpdate(def: ResourceDef, old: KubeObject | undefined, next: KubeObject, manager: string, subresource: string, now: Date): void {
  const { schema, resolve } = typesOf(def);
  const sent = next.metadata.managedFields;
  let entries = Array.isArray(sent) && !same(sent, old?.metadata.managedFields) ? (sent as ManagedFieldsEntry[]) : entriesOf(old);
  const before = old ? tracked(fieldSetOf(trackedPart(old, def, subresource), schema, resolve, true), def, subresource) : new FieldSet();
  const after = tracked(fieldSetOf(trackedPart(next, def, subresource), schema, resolve, true), def, subresource);
  const touched = after.minus(before);
  const removed = before.minus(after);
  for (const path of before.intersect(after).paths()) {
    if (hasChildren(after, path)) continue;
    if (!same(valueAt(old, path, schema, resolve), valueAt(next, path, schema, resolve))) touched.add(path);
  }
  if (touched.empty && removed.empty) {
    setEntries(next, entries);
    return;
  }
  const apiVersion = apiVersionOf(def);
  const mine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Update' && e.apiVersion === apiVersion && (e.subresource ?? '') === subresource;
  const own = entries.find(mine);
  entries = entries
    .filter((e) => !mine(e))
    .map((e) => ({ ...e, fieldsV1: FieldSet.fromJSON(e.fieldsV1).minus(touched).minus(removed).toJSON() }));
  const set = (own ? FieldSet.fromJSON(own.fieldsV1).union(touched) : touched).minus(removed);
  if (!set.empty) entries.push({ manager, operation: 'Update', apiVersion, time: stamp(now), fieldsType: 'FieldsV1', fieldsV1: set.toJSON(), ...(subresource ? { subresource } : {}) });
  setEntries(next, entries);
}

function hasChildren(set: FieldSet, path: readonly string[]): boolean {
  let n: FieldSet | undefined = set;
  for (const k of path) n = n?.children.get(k);
  return (n?.children.size ?? 0) > 0;
}

function setEntries(o: KubeObject, entries: ManagedFieldsEntry[]): void {
  const kept = entries.filter((e) => Object.keys(e.fieldsV1).length > 0);
  if (kept.length) o.metadata.managedFields = kept;
  else delete o.metadata.managedFields;
}

/**
 * Server-side apply of `config` by `manager` to `live` (undefined: the
 * object does not exist yet). Returns the object to write. A field another
 * manager owns with a different value is a 409 conflict, unless `force`
 * moves it to this manager.
 */
export function applyConfig(def: ResourceDef, live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean, subresource: string, now: Date): KubeObject {
  const { schema, resolve } = typesOf(def);
  const applied = tracked(fieldSetOf(config, schema, resolve, false), def, subresource);
  const apiVersion = apiVersionOf(def);
  const mine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply' && (e.subresource ?? '') === subresource;
  let entries = entriesOf(live);
  const conflicts: { entry: ManagedFieldsEntry; path: string[] }[] = [];
  for (const entry of entries) {
    if (mine(entry)) continue;
    for (const path of FieldSet.fromJSON(entry.fieldsV1).intersect(applied).paths()) {
      if (hasChildren(applied, path)) continue;
      if (!same(valueAt(live, path, schema, resolve), valueAt(config, path, schema, resolve))) conflicts.push({ entry, path });
    }
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  const lost = new Map<ManagedFieldsEntry, FieldSet>();
  for (const c of conflicts) {
    const set = lost.get(c.entry) ?? new FieldSet();
    set.add(c.path);
    lost.set(c.entry, set);
  }
  const previous = entries.find(mine);
  entries = entries.filter((e) => !mine(e)).map((e) => {
    const l = lost.get(e);
    return l ? { ...e, fieldsV1: FieldSet.fromJSON(e.fieldsV1).minus(l).toJSON() } : e;
  });
  // The live object keeps its managedFields key where it is (replaced below), so a no-op apply encodes the same.
  delete config.metadata.managedFields;
  const base = live ? structuredClone(live) : undefined;
  const merged = (base ? merge(base, config, schema, resolve) : structuredClone(config)) as KubeObject;
  if (previous) {
    const others = entries.reduce((acc, e) => acc.union(FieldSet.fromJSON(e.fieldsV1)), new FieldSet());
    // Only the leaves this manager applied go: a map or list goes when emptied, not because it was named.
    const dropped = FieldSet.fromJSON(previous.fieldsV1).leaves().minus(applied).minus(others);
    removeLeaves(merged, dropped, schema, resolve);
  }
  const fieldsV1 = applied.toJSON();
  // The same fields applied again keep their time, so that a repeated apply is no write at all.
  const time = previous && previous.apiVersion === apiVersion && same(previous.fieldsV1, fieldsV1) && previous.time ? previous.time : stamp(now);
  entries.push({ manager, operation: 'Apply', apiVersion, time, fieldsType: 'FieldsV1', fieldsV1, ...(subresource ? { subresource } : {}) });
  setEntries(merged, entries);
  return merged;
}

/** Upstream's 409 for apply conflicts: the managers and the fields, with a cause per field. */
function conflictError(conflicts: { entry: ManagedFieldsEntry; path: string[] }[]): APIError {
  const who = (e: ManagedFieldsEntry) => `"${e.manager}"${e.operation === 'Update' ? ` using ${e.apiVersion}` : ''}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(who(c.entry), [...(byManager.get(who(c.entry)) ?? []), formatPath(c.path)]);
  const n = conflicts.length;
  let message: string;
  const first = conflicts[0];
  if (n === 1 && first) message = `Apply failed with 1 conflict: conflict with ${who(first.entry)}: ${formatPath(first.path)}`;
  else message = `Apply failed with ${String(n)} conflicts: ${[...byManager].map(([m, paths]) => `conflicts with ${m}:\n${paths.map((p) => `- ${p}`).join('\n')}`).join('\n')}`;
  const causes = conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with ${who(c.entry)}`, field: formatPath(c.path) }));
  return new APIError('Conflict', message, { causes });
}
