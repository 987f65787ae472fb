/** rbac.authorization.k8s.io/v1 RoleBinding and ClusterRoleBinding. */
import type { FieldError, KubeObject } from '../meta.js';
import type { ResourceDef } from '../resource.js';
import { invalid, notSupported, required } from '../field-errors.js';
import { nameIsDNSSubdomain } from '../validation.js';
import { ensureObj, getList, getObj, getStr, jsonEqual, type Obj } from '../core/util.js';
import { isValidPathSegmentName } from '../networking/index.js';
import { RBAC_GROUP } from './role.js';

/**
 * Binding defaults: roleRef.apiGroup and the apiGroup of User and Group
 * subjects are the RBAC group. A ServiceAccount's is the core group, '',
 * which upstream's JSON omits: storing `apiGroup: ""` would make every
 * `kubectl apply` of the binding a change (subjects is an atomic list).
 */
function defaults(obj: KubeObject): void {
  const ref = ensureObj(obj, 'roleRef');
  if (!getStr(ref, 'apiGroup')) ref.apiGroup = RBAC_GROUP;
  for (const s of getList(obj, 'subjects')) {
    if (s.kind === 'ServiceAccount' && s.apiGroup === '') delete s.apiGroup;
    if (getStr(s, 'apiGroup')) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

/** One Subject: a ServiceAccount (core group; namespace required in cluster bindings), User or Group. */
export function validateSubject(s: Obj, namespaced: boolean, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = getStr(s, 'name') ?? '';
  const group = getStr(s, 'apiGroup') ?? '';
  const kind = getStr(s, 'kind') ?? '';
  if (name === '') errs.push(required(`${at}.name`));
  switch (kind) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of nameIsDNSSubdomain(name)) errs.push(invalid(`${at}.name`, name, msg));
      if (group !== '') errs.push(notSupported(`${at}.apiGroup`, group, ['']));
      if (!namespaced && (getStr(s, 'namespace') ?? '') === '') errs.push(required(`${at}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (name === '') errs.push(invalid(`${at}.name`, name, `${kind.toLowerCase()} name cannot be empty`));
      if (group !== RBAC_GROUP) errs.push(notSupported(`${at}.apiGroup`, group, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${at}.kind`, kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** The roleRef as upstream compares it: apiGroup, kind, name. */
const roleRefOf = (obj: KubeObject) => {
  const r = getObj(obj, 'roleRef');
  return { apiGroup: getStr(r, 'apiGroup') ?? '', kind: getStr(r, 'kind') ?? '', name: getStr(r, 'name') ?? '' };
};

/** Binding validation for either scope; `kinds` are the roleRef kinds the scope allows. */
function validateBinding(obj: KubeObject, old: KubeObject | undefined, namespaced: boolean, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const ref = roleRefOf(obj);
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup, [RBAC_GROUP]));
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind, kinds));
  if (ref.name === '') errs.push(required('roleRef.name'));
  else for (const msg of isValidPathSegmentName(ref.name)) errs.push(invalid('roleRef.name', ref.name, msg));
  getList(obj, 'subjects').forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old && !jsonEqual(ref, roleRefOf(old))) errs.push(invalid('roleRef', ref, 'cannot change roleRef'));
  return errs;
}

const common = { group: RBAC_GROUP, version: 'v1', shortNames: [], categories: [], hasStatus: false, fieldSelectors: {}, defaults } as const;

/** The `rolebindings` resource. */
export const roleBindings: ResourceDef = {
  ...common,
  resource: 'rolebindings',
  singular: 'rolebinding',
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  namespaced: true,
  validate: (obj, old) => validateBinding(obj, old, true, ['Role', 'ClusterRole']),
  validateName: isValidPathSegmentName,
};

/** The `clusterrolebindings` resource (cluster-scoped). */
export const clusterRoleBindings: ResourceDef = {
  ...common,
  resource: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  namespaced: false,
  validate: (obj, old) => validateBinding(obj, old, false, ['ClusterRole']),
  validateName: isValidPathSegmentName,
};
