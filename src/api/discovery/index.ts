import type { ResourceDef } from '../resource.js';

/** The discovery.k8s.io/v1 resources. */
export const discoveryV1: readonly ResourceDef[] = [];
