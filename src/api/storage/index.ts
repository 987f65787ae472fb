import type { ResourceDef } from '../resource.js';

/** The storage.k8s.io/v1 resources. */
export const storageV1: readonly ResourceDef[] = [];
