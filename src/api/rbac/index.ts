import type { ResourceDef } from '../resource.js';
import { clusterRoleBindings, roleBindings } from './binding.js';
import { clusterRoles, roles } from './role.js';

export { RBAC_GROUP } from './role.js';

/** The rbac.authorization.k8s.io/v1 resources. */
export const rbacV1: readonly ResourceDef[] = [roles, roleBindings, clusterRoles, clusterRoleBindings];
