/** core/v1 ResourceQuota. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid } from '../field-errors.js';
import { validateResourceList } from '../quantity.js';
import { getObj, isObj } from './util.js';

/** Upstream's standard ResourceQuota scopes. */
export const QUOTA_SCOPES: readonly string[] = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

/** ResourceQuota validation: hard (and status) quantities, known scopes. */
function validate(obj: KubeObject): FieldError[] {
  const spec = getObj(obj, 'spec') ?? {};
  const errs = validateResourceList(getObj(spec, 'hard'), 'spec.hard');
  const scopes = Array.isArray(spec.scopes) ? spec.scopes : [];
  if (scopes.some((s) => typeof s !== 'string' || !QUOTA_SCOPES.includes(s))) errs.push(invalid('spec.scopes', scopes, 'unsupported scope'));
  const sel = getObj(spec, 'scopeSelector');
  const exprs = Array.isArray(sel?.matchExpressions) ? sel.matchExpressions.filter(isObj) : [];
  exprs.forEach((e, i) => {
    const name = e.scopeName;
    if (typeof name !== 'string' || !QUOTA_SCOPES.includes(name))
      errs.push(invalid(`spec.scopeSelector.matchExpressions[${i}].scopeName`, name ?? '', 'unsupported scope'));
  });
  const status = getObj(obj, 'status');
  errs.push(...validateResourceList(getObj(status, 'hard'), 'status.hard'), ...validateResourceList(getObj(status, 'used'), 'status.used'));
  return errs;
}

/** The `resourcequotas` resource. */
export const resourceQuotas: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  namespaced: true,
  shortNames: ['quota'],
  categories: [],
  hasStatus: true,
  fieldSelectors: {},
  validate,
};
