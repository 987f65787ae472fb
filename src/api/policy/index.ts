import type { ResourceDef } from '../resource.js';

/** The policy/v1 resources. */
export const policyV1: readonly ResourceDef[] = [];
