/** core/v1 LimitRange. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { duplicate, forbidden, invalid, notSupported, required } from '../field-errors.js';
import { quantityValue, validateResourceList } from '../quantity.js';
import { getList, getObj, getStr, type Obj } from './util.js';

/** Upstream's limit types. */
export const LIMIT_TYPES: readonly string[] = ['Container', 'PersistentVolumeClaim', 'Pod'];

const QUANTITY_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** min ≤ defaultRequest ≤ default ≤ max for every resource named in more than one of them. */
function validateOrder(limit: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const q = (f: string, r: string) => quantityValue(getObj(limit, f)?.[r]);
  const raw = (f: string, r: string) => getObj(limit, f)?.[r];
  const names = new Set(QUANTITY_FIELDS.flatMap((f) => Object.keys(getObj(limit, f) ?? {})));
  for (const r of names) {
    const [min, max, dflt, req] = [q('min', r), q('max', r), q('default', r), q('defaultRequest', r)];
    if (min !== undefined && max !== undefined && min > max)
      errs.push(invalid(`${path}.min[${r}]`, raw('min', r), `min value ${String(raw('min', r))} is greater than max value ${String(raw('max', r))}`));
    if (req !== undefined && min !== undefined && min > req)
      errs.push(invalid(`${path}.defaultRequest[${r}]`, raw('defaultRequest', r), `min value ${String(raw('min', r))} is greater than default request value ${String(raw('defaultRequest', r))}`));
    if (req !== undefined && max !== undefined && req > max)
      errs.push(invalid(`${path}.defaultRequest[${r}]`, raw('defaultRequest', r), `default request value ${String(raw('defaultRequest', r))} is greater than max value ${String(raw('max', r))}`));
    if (req !== undefined && dflt !== undefined && req > dflt)
      errs.push(invalid(`${path}.defaultRequest[${r}]`, raw('defaultRequest', r), `default request value ${String(raw('defaultRequest', r))} is greater than default limit value ${String(raw('default', r))}`));
    if (dflt !== undefined && max !== undefined && dflt > max)
      errs.push(invalid(`${path}.default[${r}]`, raw('default', r), `default value ${String(raw('default', r))} is greater than max value ${String(raw('max', r))}`));
    if (dflt !== undefined && min !== undefined && min > dflt)
      errs.push(invalid(`${path}.default[${r}]`, raw('default', r), `min value ${String(raw('min', r))} is greater than default value ${String(raw('default', r))}`));
  }
  return errs;
}

/** One `spec.limits[i]` item: type, quantities, type-specific rules, ordering. */
function validateLimit(limit: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = limit.type;
  if (typeof type !== 'string' || !LIMIT_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type ?? '', LIMIT_TYPES));
  for (const f of QUANTITY_FIELDS) errs.push(...validateResourceList(getObj(limit, f), `${path}.${f}`));
  if (type === 'Pod') {
    if (getObj(limit, 'default')) errs.push(forbidden(`${path}.default`, "may not be specified when `type` is 'Pod'"));
    if (getObj(limit, 'defaultRequest')) errs.push(forbidden(`${path}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
  }
  if (type === 'PersistentVolumeClaim' && getObj(limit, 'min')?.storage === undefined && getObj(limit, 'max')?.storage === undefined)
    errs.push(required(`${path}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
  errs.push(...validateOrder(limit, path));
  return errs;
}

/** LimitRange validation: each limit valid, each type at most once. */
function validate(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  getList(getObj(obj, 'spec'), 'limits').forEach((limit, i) => {
    const path = `spec.limits[${i}]`;
    const type = getStr(limit, 'type');
    if (type !== undefined && seen.has(type)) errs.push(duplicate(`${path}.type`, type));
    if (type !== undefined) seen.add(type);
    errs.push(...validateLimit(limit, path));
  });
  return errs;
}

/** The `limitranges` resource. */
export const limitRanges: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'limitranges',
  singular: 'limitrange',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  namespaced: true,
  shortNames: ['limits'],
  categories: [],
  hasStatus: false,
  fieldSelectors: {},
  validate,
};
