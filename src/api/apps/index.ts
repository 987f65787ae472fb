import type { ResourceDef } from '../resource.js';

/** The apps/v1 resources. */
export const appsV1: readonly ResourceDef[] = [];
