import { coreV1 } from './core/index.js';
import type { ResourceDef } from './resource.js';

export type { ResourceDef } from './resource.js';

/** Every resource the API server serves, group by group. Each API group adds its list here. */
export const allResources: readonly ResourceDef[] = [...coreV1];
