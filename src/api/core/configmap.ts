/** core/v1 ConfigMap. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { forbidden, invalid, tooLong } from '../field-errors.js';
import { isConfigMapKey } from '../validation.js';
import { getObj, jsonEqual } from './util.js';

/** Maximum total size of a ConfigMap's or Secret's data: 1 MiB. */
export const MAX_DATA_SIZE = 1024 * 1024;

/** ConfigMap validation: keys, no key in both data and binaryData, size, immutability. */
function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = getObj(obj, 'data') ?? {};
  const bin = getObj(obj, 'binaryData') ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    size += typeof v === 'string' ? Buffer.byteLength(v) : 0;
  }
  for (const [k, v] of Object.entries(bin)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`binaryData[${k}]`, k, msg));
    if (Object.hasOwn(data, k)) errs.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    size += typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('[]', MAX_DATA_SIZE));
  if (old && old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!jsonEqual(obj.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!jsonEqual(obj.binaryData, old.binaryData))
      errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

/** The `configmaps` resource. */
export const configMaps: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  singular: 'configmap',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  validate,
};

