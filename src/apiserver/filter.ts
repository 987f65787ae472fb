import { parseFieldSelector } from '../api/fields.js';
import { parseLabelSelector } from '../api/labels.js';
import type { KubeObject } from '../api/meta.js';
import type { ResourceDef } from '../api/resource.js';
import { badRequest } from './errors.js';

/** A predicate over objects built from `labelSelector` and `fieldSelector`; undefined when both are empty. */
export type ObjectFilter = ((obj: KubeObject) => boolean) | undefined;

/** The value of a selectable field of `obj`, or undefined if the kind does not support the field. */
function fieldGetter(def: ResourceDef): (obj: KubeObject, field: string) => string | undefined {
  return (obj, field) => {
    if (field === 'metadata.name') return obj.metadata.name ?? '';
    if (field === 'metadata.namespace') return def.namespaced ? (obj.metadata.namespace ?? '') : '';
    return def.fieldSelectors[field]?.(obj);
  };
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
  const get = fieldGetter(def);
  if (fields) {
    for (const r of fields.requirements) {
      if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !(r.field in def.fieldSelectors))
        throw badRequest(`field label not supported: ${r.field}`);
    }
  }
  const l = labels;
  const f = fields;
  return (obj) => (!l || l.matches(obj.metadata.labels)) && (!f || f.matches((field) => get(obj, field)));
}
