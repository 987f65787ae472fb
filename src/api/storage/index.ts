import type { ResourceDef } from '../resource.js';
import { storageClasses } from './storageclass.js';

export { isDefaultClass, storageClasses } from './storageclass.js';

/** The storage.k8s.io/v1 resources. */
export const storageV1: readonly ResourceDef[] = [storageClasses];
