/**
 * Schemas of the served kinds: a custom resource carries its own
 * (`ResourceDef.schema`); a built-in kind's comes from the generated table.
 */
import type { ResourceDef } from '../resource.js';
import { BuiltinSchemas } from './builtin.js';
import type { Resolve } from './prune.js';
import type { Schema } from './types.js';

export type { Schema } from './types.js';
export { prune, type Resolve } from './prune.js';
export { scanKeys } from './duplicates.js';

let builtin: BuiltinSchemas | undefined;

/** The one table of built-in definitions, built on first use. */
export function builtinSchemas(): BuiltinSchemas {
  builtin ??= new BuiltinSchemas();
  return builtin;
}

const none: Resolve = () => undefined;

const found = new WeakMap<ResourceDef, { schema: Schema; resolve: Resolve } | null>();

/** A kind's schema and how to resolve its references; undefined if skiff has none. */
export function schemaOf(def: ResourceDef): { schema: Schema; resolve: Resolve } | undefined {
  const known = found.get(def);
  if (known !== undefined) return known ?? undefined;
  let out: { schema: Schema; resolve: Resolve } | undefined;
  if (def.schema) out = { schema: def.schema, resolve: none };
  else {
    const b = builtinSchemas();
    const name = b.addKind(def.group, def.version, def.kind);
    const schema = name === undefined ? undefined : b.definitions.get(name);
    out = schema ? { schema, resolve: b.resolve } : undefined;
  }
  found.set(def, out ?? null);
  return out;
}
