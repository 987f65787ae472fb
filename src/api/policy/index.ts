/** The policy/v1 resources: PodDisruptionBudget. */
import type { ResourceDef } from '../resource.js';
import { podDisruptionBudgets } from './poddisruptionbudget.js';

/** The policy/v1 resources. */
export const policyV1: readonly ResourceDef[] = [podDisruptionBudgets];

export { podDisruptionBudgets };
