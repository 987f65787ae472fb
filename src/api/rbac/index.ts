import type { ResourceDef } from '../resource.js';

/** The rbac.authorization.k8s.io/v1 resources. */
export const rbacV1: readonly ResourceDef[] = [];
