/** core/v1 ServiceAccount. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { required } from '../field-errors.js';
import { getList, getStr } from './util.js';

/** ServiceAccount validation: referenced secrets and pull secrets need names. */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['secrets', 'imagePullSecrets'])
    getList(obj, key).forEach((r, i) => {
      if (!getStr(r, 'name')) errs.push(required(`${key}[${i}].name`));
    });
  return errs;
}

/** The `serviceaccounts` resource. */
export const serviceAccounts: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  namespaced: true,
  shortNames: ['sa'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  validate,
};
