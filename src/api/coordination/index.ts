/** The coordination.k8s.io/v1 resources: Lease. */
import type { ResourceDef } from '../resource.js';
import { leases } from './lease.js';

/** The coordination.k8s.io/v1 resources. */
export const coordinationV1: readonly ResourceDef[] = [leases];

export { leases };
