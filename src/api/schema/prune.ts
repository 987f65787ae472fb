import type { Schema } from './types.js';

/** Resolves a `$ref` to its schema; undefined if unknown. */
export type Resolve = (ref: string) => Schema | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields every object of a kind has, whatever its schema says. */
const typeMetaFields = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Removes, in place, every field of `value` that `schema` does not declare,
 * and returns their paths in upstream's form (`spec.containers[0].foo`), in
 * document order. Fields under `x-kubernetes-preserve-unknown-fields` or an
 * `additionalProperties` schema are kept. `root` says `value` is a whole
 * object, whose `apiVersion`, `kind` and `metadata` always stay.
 */
export function prune(value: unknown, schema: Schema, resolve: Resolve = () => undefined, root = true): string[] {
  const unknown: string[] = [];
  walk(value, schema, '', root, resolve, unknown);
  return unknown;
}

function walk(value: unknown, schema: Schema | undefined, path: string, isResource: boolean, resolve: Resolve, unknown: string[]): void {
  let s = schema;
  // A $ref may chain (a definition that is itself a reference); follow to the end.
  for (let i = 0; s?.$ref !== undefined && i < 8; i++) s = resolve(s.$ref);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((item, i) => walk(item, s.items, `${path}[${String(i)}]`, false, resolve, unknown));
    return;
  }
  if (!isObject(value)) return;
  const embedded = isResource || s['x-kubernetes-embedded-resource'] === true;
  const props = s.properties;
  const extra = s.additionalProperties;
  for (const key of Object.keys(value)) {
    const child = path ? `${path}.${key}` : key;
    const declared = props && Object.hasOwn(props, key) ? props[key] : undefined;
    // A resource's metadata declared only as `type: object` (as CRD schemas
    // do) says nothing of its fields: kept whole, not emptied.
    if (embedded && typeMetaFields.has(key) && declared && !declared.properties && declared.$ref === undefined) continue;
    if (declared) walk(value[key], declared, child, false, resolve, unknown);
    else if (typeof extra === 'object') walk(value[key], extra, child, false, resolve, unknown);
    else if (embedded && typeMetaFields.has(key)) continue;
    else if (s['x-kubernetes-preserve-unknown-fields'] !== true && extra !== true) {
      unknown.push(child);
      Reflect.deleteProperty(value, key);
    }
  }
}
