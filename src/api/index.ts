import { coreV1 } from './core/index.js';
import { appsV1 } from './apps/index.js';
import { batchV1 } from './batch/index.js';
import { policyV1 } from './policy/index.js';
import { coordinationV1 } from './coordination/index.js';
import { discoveryV1 } from './discovery/index.js';
import { networkingV1 } from './networking/index.js';
import { storageV1 } from './storage/index.js';
import { rbacV1 } from './rbac/index.js';
import { autoscaling } from './autoscaling/index.js';
import { eventsGroup } from './events/index.js';
import { apiextensionsV1 } from './apiextensions/index.js';
import { schedulingV1 } from './scheduling/index.js';
import type { ResourceDef } from './resource.js';

export type { ResourceDef } from './resource.js';

/** Every resource the API server serves, group by group. Each API group adds its list here. */
export const allResources: readonly ResourceDef[] = [...coreV1, ...appsV1, ...batchV1, ...policyV1, ...coordinationV1, ...discoveryV1, ...networkingV1, ...storageV1, ...rbacV1, ...autoscaling, ...eventsGroup, ...apiextensionsV1, ...schedulingV1];
