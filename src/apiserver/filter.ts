import { parseFieldSelector } from '../api/fields.js';
import { parseLabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { badRequest } from './errors.js';
import type { Attrs } from './watchcache.js';

/** A predicate over objects' attributes built from `labelSelector` and `fieldSelector`; undefined when both are empty. */
export type ObjectFilter = ((attrs: Attrs) => boolean) | undefined;

/** What a filter reads of `obj`: name, namespace, labels and the values of the resource's selectable fields. */
export function attrsOf(def: ResourceDef, obj: KubeObject): Attrs {
  const fields: Record<string, string> = {};
  for (const [field, get] of Object.entries(def.fieldSelectors)) fields[field] = get(obj);
  return { name: obj.metadata.name ?? '', namespace: def.namespaced ? (obj.metadata.namespace ?? '') : '', labels: obj.metadata.labels, fields };
}

/** The value of a selectable field, or undefined if the kind does not support the field. */
function fieldOf(attrs: Attrs, field: string): string | undefined {
  if (field === 'metadata.name') return attrs.name;
  if (field === 'metadata.namespace') return attrs.namespace;
  return attrs.fields[field];
}

/** Build the filter for a list or watch; 400 BadRequest for a malformed selector or an unsupported field. */
export function buildFilter(def: ResourceDef, query: URLSearchParams): ObjectFilter {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  if (!labelText && !fieldText) return undefined;
  let labels: ReturnType<typeof parseLabelSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (labelText) labels = parseLabelSelector(labelText);
    if (fieldText) fields = parseFieldSelector(fieldText);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  if (fields) {
    for (const r of fields.requirements) {
      if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !(r.field in def.fieldSelectors))
        throw badRequest(`field label not supported: ${r.field}`);
    }
  }
  const l = labels;
  const f = fields;
  return (a) => (!l || l.matches(a.labels)) && (!f || f.matches((field) => fieldOf(a, field)));
}
