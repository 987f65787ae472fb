import type { ResourceDef } from '../resource.js';

/** The batch/v1 resources. */
export const batchV1: readonly ResourceDef[] = [];
