/** The scheduling.k8s.io/v1 resources: PriorityClass. */
import type { ResourceDef } from '../resource.js';
import { priorityClasses } from './priorityclass.js';

/** The scheduling.k8s.io/v1 resources. */
export const schedulingV1: readonly ResourceDef[] = [priorityClasses];

export { priorityClasses };
export { defaultPriorityClass, HIGHEST_USER_DEFINABLE_PRIORITY, resolvePodPriority, SYSTEM_CRITICAL_PRIORITY, systemPriorityClasses } from './priorityclass.js';
export type { PriorityClass, PriorityResolution } from './priorityclass.js';
