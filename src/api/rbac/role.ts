/** rbac.authorization.k8s.io/v1 Role and ClusterRole. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, required } from '../field-errors.js';
import { getList, getObj, type Obj } from '../core/util.js';
import { isValidPathSegmentName, validateLabelSelector } from '../networking/index.js';

/** The RBAC API group. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const strings = (o: Obj, key: string): unknown[] => (Array.isArray(o[key]) ? o[key] : []);

/** One PolicyRule: verbs, and either resource rules or (cluster roles only) non-resource URLs. */
export function validatePolicyRule(rule: Obj, namespaced: boolean, at: string): FieldError[] {
  const errs: FieldError[] = [];
  if (strings(rule, 'verbs').length === 0) errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
  const urls = strings(rule, 'nonResourceURLs');
  const groups = strings(rule, 'apiGroups');
  const resources = strings(rule, 'resources');
  const names = strings(rule, 'resourceNames');
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (groups.length > 0 || resources.length > 0 || names.length > 0)
      errs.push(invalid(`${at}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    return errs;
  }
  if (groups.length === 0) errs.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
  if (resources.length === 0) errs.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  if (names.length > 0 && resources.length > 1)
    errs.push(required(`${at}.resourceNames`, 'resource names cannot apply to multiple resources'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  return getList(obj, 'rules').flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

/** ClusterRole validation: rules, and an aggregationRule with at least one valid selector. */
function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateRules(obj, false);
  const agg = getObj(obj, 'aggregationRule');
  if (agg) {
    const selectors = getList(agg, 'clusterRoleSelectors');
    if (selectors.length === 0)
      errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

const common = { group: RBAC_GROUP, version: 'v1', shortNames: [], categories: [], hasStatus: false, fieldSelectors: {} } as const;

/** The `roles` resource. */
export const roles: ResourceDef = {
  ...common,
  resource: 'roles',
  singular: 'role',
  kind: 'Role',
  listKind: 'RoleList',
  namespaced: true,
  validate: (obj) => validateRules(obj, true),
  validateName: isValidPathSegmentName,
};

/** The `clusterroles` resource (cluster-scoped). */
export const clusterRoles: ResourceDef = {
  ...common,
  resource: 'clusterroles',
  singular: 'clusterrole',
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  namespaced: false,
  validate: validateClusterRole,
  validateName: isValidPathSegmentName,
};
