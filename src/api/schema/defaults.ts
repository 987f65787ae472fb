import type { Resolve } from './prune.js';
import type { Schema } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fills in, in place, the `default` of every property that `value` lacks
 * (or holds as null where the schema is not nullable), then descends, so
 * that a defaulted object gets its own fields' defaults too: upstream's
 * structural defaulting of custom resources. Defaults are copied, never
 * shared with the schema.
 */
export function applyDefaults(value: unknown, schema: Schema, resolve: Resolve = () => undefined): void {
  let s: Schema | undefined = schema;
  for (let i = 0; s?.$ref !== undefined && i < 8; i++) s = resolve(s.$ref);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) for (const item of value) applyDefaults(item, s.items, resolve);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(value, k) || (value[k] === null && !prop.nullable)) value[k] = structuredClone(prop.default);
  }
  const extra = s.additionalProperties;
  for (const [k, v] of Object.entries(value)) {
    const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop) applyDefaults(v, prop, resolve);
    else if (typeof extra === 'object') applyDefaults(v, extra, resolve);
  }
}

/** True if a default is declared anywhere in the schema. */
export function hasDefaults(schema: Schema): boolean {
  if (schema.default !== undefined) return true;
  const subs = [...Object.values(schema.properties ?? {}), ...(schema.items ? [schema.items] : []), ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : [])];
  return subs.some(hasDefaults);
}
