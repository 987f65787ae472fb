import type { ResourceDef } from '../resource.js';
import { customResourceDefinitions } from './crd.js';

export { customResourceDefinitions, defaultCRD, validateCRD } from './crd.js';
export { compareVersions, customResourceDef, customResourceDefs } from './customresource.js';
export { APIEXTENSIONS_GROUP, CLEANUP_FINALIZER, conditionOf, isConditionTrue } from './types.js';
export type { CRD, CRDColumn, CRDCondition, CRDNames, CRDVersion } from './types.js';

/** The apiextensions.k8s.io/v1 resources. */
export const apiextensionsV1: readonly ResourceDef[] = [customResourceDefinitions];
