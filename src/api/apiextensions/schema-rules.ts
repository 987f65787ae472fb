import type { FieldError } from '../meta.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import type { Schema } from '../schema/types.js';
import { validateValue } from '../schema/validate.js';

/**
 * The rules an `openAPIV3Schema` of a CRD version must follow, as upstream
 * checks them: OpenAPI features Kubernetes does not support, list and map
 * extensions, defaults that must validate, and the structural-schema
 * invariants (every field typed, metadata restricted at the root). `path`
 * is where the schema sits, e.g. `spec.versions[0].schema.openAPIV3Schema`.
 */
export function validateCRDSchema(schema: Schema, path: string, statusEnabled: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (statusEnabled) {
    if (schema.type !== undefined && schema.type !== 'object')
      errors.push(invalid(`${path}.type`, schema.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
    else if (Object.keys(schema).some((k) => !allowedAtRoot.has(k)))
      errors.push(invalid(path, schema, `only [${[...allowedAtRootGo].join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`));
  }
  if (schema.nullable) errors.push(forbidden(`${path}.nullable`, 'nullable cannot be true at the root'));
  const structural: FieldError[] = [];
  structuralInvariants(schema, 'root', path, structural);
  // Upstream sorts the structural errors by their text.
  structural.sort((a, b) => (`${a.field}: ${a.message}` < `${b.field}: ${b.message}` ? -1 : 1));
  errors.push(...structural);
  if (structural.length === 0) checkDefaults(schema, path, errors);
  openAPIRules(schema, path, { root: true, insideMeta: false, defaultsForbidden: '' }, errors);
  return errors;
}

/** JSONSchemaProps fields allowed at the root with the status subresource (JSON names, and the Go names the message lists). */
const allowedAtRoot = new Set(['description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties', 'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations']);
const allowedAtRootGo = ['Description', 'Type', 'Format', 'Title', 'Maximum', 'ExclusiveMaximum', 'Minimum', 'ExclusiveMinimum', 'MaxLength', 'MinLength', 'Pattern', 'MaxItems', 'MinItems', 'UniqueItems', 'MultipleOf', 'Required', 'Items', 'Properties', 'ExternalDocs', 'Example', 'XPreserveUnknownFields', 'XValidations'];

const openAPIV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const metaFields = new Set(['metadata', 'kind', 'apiVersion']);

interface RuleContext {
  readonly root: boolean;
  readonly insideMeta: boolean;
  /** Why defaults are forbidden here ('' if allowed). */
  readonly defaultsForbidden: string;
}

const loose = (s: Schema) => s as Schema & Record<string, unknown>;

function openAPIRules(s: Schema, path: string, ctx: RuleContext, errors: FieldError[]): void {
  const raw = loose(s);
  if (s.type !== undefined && !openAPIV3Types.includes(s.type)) {
    if ((s.type as string) === 'null') errors.push(forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
    else errors.push(notSupported(`${path}.type`, s.type, openAPIV3Types));
  }
  if (s.default !== undefined && ctx.defaultsForbidden) errors.push(forbidden(`${path}.default`, `must not be set ${ctx.defaultsForbidden}`));
  if (raw.id !== undefined) errors.push(forbidden(`${path}.id`, 'id is not supported'));
  if (raw.additionalItems !== undefined) errors.push(forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  if (raw.patternProperties !== undefined) errors.push(forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  if (raw.definitions !== undefined) errors.push(forbidden(`${path}.definitions`, 'definitions is not supported'));
  if (raw.dependencies !== undefined) errors.push(forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (s.$ref !== undefined) errors.push(forbidden(`${path}.$ref`, '$ref is not supported'));
  if (Array.isArray(s.items)) errors.push(forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource']) errors.push(forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  if (s.uniqueItems) errors.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const extra = s.additionalProperties;
  if (extra !== undefined && s.properties && Object.keys(s.properties).length > 0 && (extra === false || typeof extra === 'object'))
    errors.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  if (typeof extra === 'object')
    openAPIRules(extra, `${path}.additionalProperties`, { ...ctx, root: false, ...(ctx.insideMeta ? { defaultsForbidden: 'inside additionalProperties applying to object metadata' } : {}) }, errors);
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    let sub: RuleContext = { ...ctx, root: false };
    if ((ctx.root || s['x-kubernetes-embedded-resource']) && metaFields.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (ctx.root) sub = { ...sub, defaultsForbidden: `in top-level ${k}` };
    }
    openAPIRules(prop, `${path}.properties[${k}]`, sub, errors);
  }
  if (s.not) openAPIRules(s.not, `${path}.not`, { ...ctx, root: false }, errors);
  for (const [name, list] of [['allOf', s.allOf], ['oneOf', s.oneOf], ['anyOf', s.anyOf]] as const)
    list?.forEach((sub, i) => openAPIRules(sub, `${path}.${name}[${String(i)}]`, { ...ctx, root: false }, errors));
  if (s.items && !Array.isArray(s.items)) openAPIRules(s.items, `${path}.items`, { ...ctx, root: false }, errors);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errors.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  listAndMapRules(s, path, errors);
}

function listAndMapRules(s: Schema, path: string, errors: FieldError[]): void {
  const mapType: string | undefined = s['x-kubernetes-map-type'];
  if (mapType !== undefined && s.type !== 'object') {
    if (!s.type) errors.push(required(`${path}.type`, 'must be object if x-kubernetes-map-type is specified'));
    else errors.push(invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') errors.push(notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  const listType: string | undefined = s['x-kubernetes-list-type'];
  if (listType !== undefined && s.type !== 'array') {
    if (!s.type) errors.push(required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else errors.push(invalid(`${path}.type`, s.type, 'must be array if x-kubernetes-list-type is specified'));
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) errors.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (keys.length > 0) {
    if (listType === undefined) errors.push(required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errors.push(invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType !== 'map') return;
  if (keys.length === 0) errors.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  const items = s.items;
  if (!items) {
    errors.push(required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    return;
  }
  if (items.type !== 'object') {
    errors.push(invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    return;
  }
  const seen = new Set<string>();
  for (const k of keys) {
    const prop = items.properties?.[k];
    if (!prop) errors.push(invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'entries must all be names of item properties'));
    else if (prop.type === 'array' || prop.type === 'object')
      errors.push(invalid(`${path}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
    if (seen.has(k)) errors.push(invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'must not contain duplicate entries'));
    seen.add(k);
  }
}

type Level = 'root' | 'item' | 'field';

function structuralInvariants(s: Schema, level: Level, path: string, errors: FieldError[]): void {
  if (s.type === 'array' && !s.items) errors.push(required(`${path}.items`, 'must be specified'));
  if (s.items && !Array.isArray(s.items)) structuralInvariants(s.items, 'item', `${path}.items`, errors);
  for (const [k, prop] of Object.entries(s.properties ?? {})) structuralInvariants(prop, 'field', `${path}.properties[${k}]`, errors);
  if (s.additionalProperties !== undefined && s.additionalProperties !== true && s.additionalProperties !== false) {
    structuralInvariants(s.additionalProperties, 'field', `${path}.additionalProperties`, errors);
  }
  if (s.additionalProperties !== undefined && level === 'root') errors.push(forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) errors.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errors.push(invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  const intOrStringAnyOf = s.anyOf?.length === 2 && s.anyOf.every((a) => Object.keys(a).length === 1 && (a.type === 'integer' || a.type === 'string'));
  if (!intOrStringAnyOf) s.anyOf?.forEach((sub, i) => nestedValueValidation(sub, `${path}.anyOf[${String(i)}]`, errors));
  s.allOf?.forEach((sub, i) => nestedValueValidation(sub, `${path}.allOf[${String(i)}]`, errors));
  s.oneOf?.forEach((sub, i) => nestedValueValidation(sub, `${path}.oneOf[${String(i)}]`, errors));
  if (s.not) nestedValueValidation(s.not, `${path}.not`, errors);
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch (err) {
      errors.push(invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
  if (embedded && s.type !== 'object') {
    if (!s.type) errors.push(required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errors.push(invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !intOrString && !preserve) {
    const detail = level === 'root' ? 'must not be empty at the root' : level === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errors.push(required(`${path}.type`, detail));
  }
  if (embedded && s.additionalProperties !== undefined) errors.push(forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  if (level === 'root' && s.type && s.type !== 'object') errors.push(invalid(`${path}.type`, s.type, 'must be object at the root'));
  const checkMeta = level === 'root' || embedded;
  const props = s.properties ?? {};
  if (checkMeta && props.kind && props.kind.type !== 'string') errors.push(invalid(`${path}.properties[kind].type`, props.kind.type ?? '', 'must be string'));
  if (checkMeta && props.apiVersion && props.apiVersion.type !== 'string') errors.push(invalid(`${path}.properties[apiVersion].type`, props.apiVersion.type ?? '', 'must be string'));
  if (checkMeta && props.metadata && props.metadata.type !== 'object') errors.push(invalid(`${path}.properties[metadata].type`, props.metadata.type ?? '', 'must be object'));
  if (level === 'root' && props.metadata) {
    const { type: _t, default: _d, properties, ...rest } = props.metadata;
    const names = Object.keys(properties ?? {});
    const onlyNames = names.every((n) => n === 'name' || n === 'generateName');
    if (!onlyNames || Object.keys(rest).length > 0)
      errors.push(forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  if (embedded && !preserve && Object.keys(props).length === 0)
    errors.push(required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
}

/** Inside allOf/anyOf/oneOf/not only value validations may appear: no types, defaults, descriptions or extensions. */
function nestedValueValidation(s: Schema, path: string, errors: FieldError[]): void {
  if (s.items) nestedValueValidation(s.items, `${path}.items`, errors);
  for (const [k, prop] of Object.entries(s.properties ?? {})) nestedValueValidation(prop, `${path}.properties[${k}]`, errors);
  s.anyOf?.forEach((sub, i) => nestedValueValidation(sub, `${path}.anyOf[${String(i)}]`, errors));
  s.allOf?.forEach((sub, i) => nestedValueValidation(sub, `${path}.allOf[${String(i)}]`, errors));
  s.oneOf?.forEach((sub, i) => nestedValueValidation(sub, `${path}.oneOf[${String(i)}]`, errors));
  if (s.not) nestedValueValidation(s.not, `${path}.not`, errors);
  if (s.type) errors.push(forbidden(`${path}.type`, 'must be empty to be structural'));
  if (s.additionalProperties !== undefined) errors.push(forbidden(`${path}.additionalProperties`, 'must be undefined to be structural'));
  if (s.default !== undefined) errors.push(forbidden(`${path}.default`, 'must be undefined to be structural'));
  if (loose(s).title) errors.push(forbidden(`${path}.title`, 'must be empty to be structural'));
  if (s.description) errors.push(forbidden(`${path}.description`, 'must be empty to be structural'));
  if (s.nullable) errors.push(forbidden(`${path}.nullable`, 'must be false to be structural'));
  if (s['x-kubernetes-preserve-unknown-fields']) errors.push(forbidden(`${path}.x-kubernetes-preserve-unknown-fields`, 'must be false to be structural'));
  if (s['x-kubernetes-embedded-resource']) errors.push(forbidden(`${path}.x-kubernetes-embedded-resource`, 'must be false to be structural'));
  if (s['x-kubernetes-int-or-string']) errors.push(forbidden(`${path}.x-kubernetes-int-or-string`, 'must be false to be structural'));
  if (s['x-kubernetes-list-map-keys']?.length) errors.push(forbidden(`${path}.x-kubernetes-list-map-keys`, 'must be empty to be structural'));
  if (s['x-kubernetes-list-type'] !== undefined) errors.push(forbidden(`${path}.x-kubernetes-list-type`, 'must be undefined to be structural'));
  if (s.properties?.metadata) errors.push(forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'));
}

/** Each default must itself be valid against the schema it sits in. */
function checkDefaults(s: Schema, path: string, errors: FieldError[]): void {
  if (s.default !== undefined) {
    for (const e of validateValue(structuredClone(s.default), s, '')) errors.push({ ...e, field: e.field ? `${path}.default.${e.field}` : `${path}.default` });
  }
  for (const [k, prop] of Object.entries(s.properties ?? {})) checkDefaults(prop, `${path}.properties[${k}]`, errors);
  if (s.items) checkDefaults(s.items, `${path}.items`, errors);
  if (typeof s.additionalProperties === 'object') checkDefaults(s.additionalProperties, `${path}.additionalProperties`, errors);
}
