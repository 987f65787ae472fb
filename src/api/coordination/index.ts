import type { ResourceDef } from '../resource.js';

/** The coordination.k8s.io/v1 resources. */
export const coordinationV1: readonly ResourceDef[] = [];
