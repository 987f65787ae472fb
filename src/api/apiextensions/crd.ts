import type { FieldError, KubeObject } from '../meta.js';
import { forbidden, invalid, notSupported, required } from '../field-errors.js';
import type { ResourceDef } from '../resource.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../validation.js';
import { validateCRDSchema } from './schema-rules.js';
import { APIEXTENSIONS_GROUP, isConditionTrue, type CRD, type CRDColumn, type CRDNames, type CRDSubresources } from './types.js';

/** Upstream's defaults: singular from kind, listKind `<Kind>List`, conversion None; a new CRD's status. */
export function defaultCRD(obj: KubeObject): void {
  const crd = obj as CRD;
  // Decoded bodies may lack spec although the type says otherwise.
  (crd as { spec?: CRD['spec'] }).spec ??= {};
  const names = (crd.spec.names ??= {});
  if (!names.singular && names.kind) names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  crd.spec.conversion ??= { strategy: 'None' };
  // A create arrives here without status (dropped as for every kind with a
  // status subresource); upstream starts it with the storage version.
  if (crd.status === undefined) {
    const storage = crd.spec.versions?.find((v) => v.storage)?.name;
    crd.status = { acceptedNames: { plural: '', kind: '' }, storedVersions: storage ? [storage] : [] };
  }
}

const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const columnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

/** Validation of a CRD on create (`old` undefined) and update, as upstream's, with its messages. */
export function validateCRD(obj: KubeObject, old?: KubeObject): FieldError[] {
  const crd = obj as CRD;
  const spec = (crd as { spec?: CRD['spec'] }).spec ?? {};
  const names = spec.names ?? {};
  const errors: FieldError[] = [];
  const name = crd.metadata.name ?? '';
  if (name && name !== `${names.plural ?? ''}.${spec.group ?? ''}`) errors.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  errors.push(...validateSpec(crd));
  if (old) {
    const o = old as CRD;
    const immutable = (path: string, now: unknown, before: unknown) => {
      if ((now ?? '') !== (before ?? '')) errors.push(invalid(path, now ?? '', 'field is immutable'));
    };
    if (isConditionTrue(o, 'Established')) {
      immutable('spec.scope', spec.scope, o.spec.scope);
      immutable('spec.names.kind', names.kind, o.spec.names?.kind);
    }
    immutable('spec.group', spec.group, o.spec.group);
    immutable('spec.names.plural', names.plural, o.spec.names?.plural);
  }
  errors.push(...validateNames(crd.status?.acceptedNames ?? {}, 'status.acceptedNames'));
  errors.push(...validateStoredVersions(crd));
  return errors;
}

function validateSpec(crd: CRD): FieldError[] {
  const spec = crd.spec;
  const errors: FieldError[] = [];
  const group = spec.group ?? '';
  const groupErrs = isDNS1123Subdomain(group);
  if (!group) errors.push(required('spec.group'));
  else if (groupErrs.length) errors.push(invalid('spec.group', group, groupErrs.join(',')));
  else if (group.split('.').length < 2) errors.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!spec.scope) errors.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errors.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  const versions = spec.versions ?? [];
  versions.forEach((v, i) => {
    const at = `spec.versions[${String(i)}]`;
    const nameErrs = isDNS1035Label(v.name ?? '');
    if (nameErrs.length) errors.push(invalid(`${at}.name`, v.name ?? '', nameErrs.join(',')));
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) errors.push(required(`${at}.schema.openAPIV3Schema`, 'schemas are required'));
    else errors.push(...validateCRDSchema(schema, `${at}.schema.openAPIV3Schema`, v.subresources?.status !== undefined));
    errors.push(...validateSubresources(v.subresources, `${at}.subresources`));
    (v.additionalPrinterColumns ?? []).forEach((c, j) => errors.push(...validateColumn(c, `${at}.additionalPrinterColumns[${String(j)}]`)));
    if (!v.deprecated && v.deprecationWarning !== undefined) errors.push(invalid(`${at}.deprecationWarning`, v.deprecationWarning, 'can only be set for deprecated versions'));
  });
  if (new Set(versions.map((v) => v.name)).size !== versions.length) errors.push(invalid('spec.versions', versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage).length !== 1) errors.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const names = spec.names ?? {};
  for (const k of ['plural', 'singular', 'kind', 'listKind'] as const) if (!names[k]) errors.push(required(`spec.names.${k}`));
  errors.push(...validateNames(names, 'spec.names'));
  const strategy = spec.conversion?.strategy ?? '';
  if (!strategy) errors.push(required('spec.conversion.strategy'));
  else if (strategy !== 'None' && strategy !== 'Webhook') errors.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  else if (strategy === 'Webhook' && !spec.conversion?.webhook) errors.push(required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  else if (strategy === 'None' && spec.conversion?.webhook) errors.push(forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  if (spec.preserveUnknownFields) errors.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  return errors;
}

/** Names in spec and in status.acceptedNames: DNS-1035 labels (kinds in any case), kind ≠ listKind. */
function validateNames(names: CRDNames, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const label = (path: string, v: string | undefined, prefix = '', lower = false) => {
    if (!v) return;
    const errs = isDNS1035Label(lower ? v.toLowerCase() : v);
    if (errs.length) errors.push(invalid(path, v, prefix + errs.join(',')));
  };
  label(`${at}.plural`, names.plural);
  label(`${at}.singular`, names.singular);
  label(`${at}.kind`, names.kind, 'may have mixed case, but should otherwise match: ', true);
  label(`${at}.listKind`, names.listKind, 'may have mixed case, but should otherwise match: ', true);
  (names.shortNames ?? []).forEach((s, i) => {
    const errs = isDNS1035Label(s);
    if (errs.length) errors.push(invalid(`${at}.shortNames[${String(i)}]`, s, errs.join(',')));
  });
  if (names.kind && names.kind === names.listKind) errors.push(invalid(`${at}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => {
    const errs = isDNS1035Label(c);
    if (errs.length) errors.push(invalid(`${at}.categories[${String(i)}]`, c, errs.join(',')));
  });
  return errors;
}

/** A JSON path as printer columns and scale paths need it: starting with a dot. */
function simpleJSONPath(s: string, at: string): FieldError[] {
  if (s === '') return [invalid(at, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalid(at, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: CRDSubresources | undefined, at: string): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errors: FieldError[] = [];
  const under = (key: 'specReplicasPath' | 'statusReplicasPath', prefix: string, what: string) => {
    const v = scale[key];
    if (!v) {
      errors.push(required(`${at}.scale.${key}`));
      return;
    }
    const errs = simpleJSONPath(v, `${at}.scale.${key}`);
    if (errs.length) errors.push(...errs);
    else if (!v.startsWith(prefix)) errors.push(invalid(`${at}.scale.${key}`, v, `should be a json path under ${what}`));
  };
  under('specReplicasPath', '.spec.', '.spec');
  under('statusReplicasPath', '.status.', '.status');
  const sel = scale.labelSelectorPath;
  if (sel) {
    const errs = simpleJSONPath(sel, `${at}.scale.labelSelectorPath`);
    if (errs.length) errors.push(...errs);
    else if (!sel.startsWith('.spec.') && !sel.startsWith('.status.')) errors.push(invalid(`${at}.scale.labelSelectorPath`, sel, 'should be a json path under either .spec or .status'));
  }
  return errors;
}

function validateColumn(c: CRDColumn, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!c.name) errors.push(required(`${at}.name`));
  const types = `must be one of ${printerColumnTypes.join(',')}`;
  if (!c.type) errors.push(required(`${at}.type`, types));
  else if (!printerColumnTypes.includes(c.type)) errors.push(invalid(`${at}.type`, c.type, types));
  if (c.format && !columnFormats.includes(c.format)) errors.push(invalid(`${at}.format`, c.format, `must be one of ${columnFormats.join(',')}`));
  if (!c.jsonPath) errors.push(required(`${at}.JSONPath`));
  else errors.push(...simpleJSONPath(c.jsonPath, `${at}.JSONPath`));
  return errors;
}

function validateStoredVersions(crd: CRD): FieldError[] {
  const stored = crd.status?.storedVersions ?? [];
  if (stored.length === 0) return [invalid('status.storedVersions', stored, 'must have at least one stored version')];
  const errors: FieldError[] = [];
  const versions = crd.spec.versions ?? [];
  for (const v of versions) if (v.storage && v.name && !stored.includes(v.name)) errors.push(invalid('status.storedVersions', stored, `must have the storage version ${v.name}`));
  stored.forEach((v, i) => {
    if (!versions.some((x) => x.name === v))
      errors.push(invalid(`status.storedVersions[${String(i)}]`, v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
  });
  return errors;
}

/** apiextensions.k8s.io/v1 customresourcedefinitions (cluster-scoped; kubectl's columns are upstream's default NAME, CREATED AT). */
export const customResourceDefinitions: ResourceDef = {
  group: APIEXTENSIONS_GROUP,
  version: 'v1',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  hasStatus: true,
  tracksGeneration: true,
  fieldSelectors: {},
  defaults: defaultCRD,
  validate: validateCRD,
};
