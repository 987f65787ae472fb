import type { ResourceDef } from '../resource.js';

/** The networking.k8s.io/v1 resources. */
export const networkingV1: readonly ResourceDef[] = [];
