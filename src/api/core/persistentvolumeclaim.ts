/** core/v1 PersistentVolumeClaim. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, required } from '../field-errors.js';
import { validateLabelSelector } from '../labelselector.js';
import { validateAccessModes, validateVolumeMode } from './persistentvolume.js';
import { quantityValue, validateResourceList } from '../quantity.js';
import { ensureObj, getObj, getStr, jsonEqual, setDefault, type Obj } from './util.js';

/** Upstream's message when a claim's spec changes beyond what may change. */
export const PVC_SPEC_IMMUTABLE = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

/** PVC defaults: volume mode Filesystem, a new claim's phase Pending. */
function defaults(obj: KubeObject): void {
  setDefault(ensureObj(obj, 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureObj(obj, 'status'), 'phase', 'Pending');
}

/** Validates a claim spec at `path` (also used for claim templates). */
export function validateClaimSpec(spec: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = spec?.accessModes;
  if (!Array.isArray(modes) || modes.length === 0) errs.push(required(`${path}.accessModes`, 'at least 1 access mode is required'));
  errs.push(...validateAccessModes(modes, `${path}.accessModes`));
  const selector = getObj(spec, 'selector');
  if (selector) errs.push(...validateLabelSelector(selector, `${path}.selector`));
  const resources = getObj(spec, 'resources');
  const requests = getObj(resources, 'requests');
  if (requests?.storage === undefined) errs.push(required(`${path}.resources[storage]`));
  else if ((quantityValue(requests.storage) ?? 1) <= 0)
    errs.push(invalid(`${path}.resources[storage]`, requests.storage, 'must be greater than zero'));
  errs.push(...validateResourceList(requests, `${path}.resources.requests`), ...validateResourceList(getObj(resources, 'limits'), `${path}.resources.limits`));
  errs.push(...validateVolumeMode(spec?.volumeMode, `${path}.volumeMode`));
  return errs;
}

/** The part of a spec that may not change: requests (of a bound claim), a first volumeName and the attributes class masked. */
function frozenSpec(spec: Obj, old: Obj, bound: boolean): Obj {
  const out = structuredClone(spec);
  if (!getStr(old, 'volumeName')) delete out.volumeName;
  delete out.volumeAttributesClassName;
  if (bound) delete ensureObj(out, 'resources').requests;
  return out;
}

/** Update rules: spec frozen except as above; a bound claim's storage request may not shrink. */
function validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const oldSpec = getObj(old, 'spec') ?? {};
  const bound = getStr(getObj(old, 'status'), 'phase') === 'Bound';
  const errs: FieldError[] = [];
  if (!jsonEqual(frozenSpec(spec, oldSpec, bound), frozenSpec(oldSpec, oldSpec, bound))) errs.push(forbidden('spec', PVC_SPEC_IMMUTABLE));
  const size = quantityValue(getObj(getObj(spec, 'resources'), 'requests')?.storage);
  const oldSize = quantityValue(getObj(getObj(oldSpec, 'resources'), 'requests')?.storage);
  if (bound && size !== undefined && oldSize !== undefined && size < oldSize)
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  return errs;
}

/** PVC validation: the claim spec, then the update rules. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateClaimSpec(getObj(obj, 'spec'), 'spec');
  if (old) errs.push(...validateUpdate(obj, old));
  return errs;
}

/** The `persistentvolumeclaims` resource. */
export const persistentVolumeClaims: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  namespaced: true,
  shortNames: ['pvc'],
  categories: [],
  hasStatus: true,
  fieldSelectors: {},
  defaults,
  validate,
};
