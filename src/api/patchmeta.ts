/**
 * Strategic-merge-patch metadata, read from a kind's schema: for each field
 * that does not simply replace, its merge key and strategy (upstream's
 * `x-kubernetes-patch-merge-key` and `x-kubernetes-patch-strategy`). Fields
 * without them are replaced as a whole (lists) or merged key by key (maps),
 * upstream's default.
 */
import type { ResourceDef } from './resource.js';
import { schemaOf, type Resolve, type Schema } from './schema/index.js';

/** How one field of an object patches. */
export interface FieldPatchMeta {
  /** Lists of objects: the key identifying an element (`name`, `containerPort`). */
  readonly key?: string;
  /** `merge` (lists merge by key, or as a set of primitives); `retainKeys` (drop keys not in the patch); both. */
  readonly strategy?: readonly string[];
  /** Metadata of the field's value, or of each element of a list. */
  readonly fields?: PatchMeta;
}

/** Patch metadata of an object: by field name. */
export type PatchMeta = Readonly<Record<string, FieldPatchMeta>>;

/** One PatchMeta per schema object, shared by every kind that reaches it (and finite for recursive types). */
const built = new WeakMap<Schema, PatchMeta>();

function metaOf(schema: Schema | undefined, resolve: Resolve): PatchMeta | undefined {
  let s = schema;
  for (let i = 0; s?.$ref !== undefined && i < 8; i++) s = resolve(s.$ref);
  if (!s?.properties) return undefined;
  const known = built.get(s);
  if (known) return known;
  const out: Record<string, FieldPatchMeta> = {};
  built.set(s, out);
  for (const [name, p] of Object.entries(s.properties)) {
    const strategy = p['x-kubernetes-patch-strategy']?.split(',');
    const key = p['x-kubernetes-patch-merge-key'];
    const fields = metaOf(p.type === 'array' ? p.items : p, resolve);
    if (strategy || key || fields) out[name] = { ...(key ? { key } : {}), ...(strategy ? { strategy } : {}), ...(fields ? { fields } : {}) };
  }
  return out;
}

/** The patch metadata of a kind; without a schema, every list replaces. */
export function patchMetaOf(def: ResourceDef): PatchMeta {
  const s = schemaOf(def);
  return (s && metaOf(s.schema, s.resolve)) ?? {};
}
