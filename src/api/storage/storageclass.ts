/** storage.k8s.io/v1 StorageClass. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, notSupported, required, tooLong } from '../field-errors.js';
import { isQualifiedName } from '../validation.js';
import { getStr, getStrMap, jsonEqual, setDefault } from '../core/util.js';

/** The annotation that marks the default StorageClass (and its beta spelling). */
export const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'] as const;

const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

/** True if the object carries upstream's default-class annotation set to "true". */
export function isDefaultClass(obj: KubeObject): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((a) => obj.metadata.annotations?.[a] === 'true');
}

/** StorageClass defaults: reclaimPolicy Delete, volumeBindingMode Immediate. */
function defaults(obj: KubeObject): void {
  setDefault(obj, 'reclaimPolicy', 'Delete');
  setDefault(obj, 'volumeBindingMode', 'Immediate');
}

function validateParameters(params: Record<string, string>): FieldError[] {
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMETERS) return [tooLong('parameters', MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > MAX_PARAMETERS_SIZE) errs.push(tooLong('parameters', MAX_PARAMETERS_SIZE));
  return errs;
}

/** StorageClass validation; on update, parameters, provisioner, reclaimPolicy and volumeBindingMode are fixed. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = getStr(obj, 'provisioner') ?? '';
  if (provisioner === '') errs.push(required('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), msg));
  errs.push(...validateParameters(getStrMap(obj, 'parameters') ?? {}));
  const reclaim = getStr(obj, 'reclaimPolicy') ?? '';
  if (reclaim !== '' && !reclaimPolicies.includes(reclaim)) errs.push(notSupported('reclaimPolicy', reclaim, reclaimPolicies));
  const mode = getStr(obj, 'volumeBindingMode');
  if (mode === undefined) errs.push(required('volumeBindingMode'));
  else if (!bindingModes.includes(mode)) errs.push(notSupported('volumeBindingMode', mode, bindingModes));
  if (old) errs.push(...validateUpdate(obj, old));
  return errs;
}

/** ValidateStorageClassUpdate: upstream checks only what may not change (and metadata). */
function validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!jsonEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (obj.volumeBindingMode !== old.volumeBindingMode) errs.push(invalid('volumeBindingMode', obj.volumeBindingMode, 'field is immutable'));
  return errs;
}

/** The `storageclasses` resource (cluster-scoped). */
export const storageClasses: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'storageclasses',
  singular: 'storageclass',
  kind: 'StorageClass',
  listKind: 'StorageClassList',
  namespaced: false,
  shortNames: ['sc'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  defaults,
  validate,
};
