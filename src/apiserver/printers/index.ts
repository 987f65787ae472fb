import { corePrinters } from './core.js';
import { appsPrinters } from './apps.js';
import { batchPrinters } from './batch.js';
import { policyPrinters } from './policy.js';
import { coordinationPrinters } from './coordination.js';
import { discoveryPrinters } from './discovery.js';
import { networkingPrinters } from './networking.js';
import { storagePrinters } from './storage.js';
import { rbacPrinters } from './rbac.js';
import { coreStoragePrinters } from './core-storage.js';
import { autoscalingPrinters } from './autoscaling.js';
import { schedulingPrinters } from './scheduling.js';
import type { Printer } from './helpers.js';

export { humanDuration, type Printer } from './helpers.js';

/** Every kind's printer (upstream's columns), by kind. Each API group adds its own module here. */
export const printers: Readonly<Record<string, Printer>> = { ...corePrinters, ...coreStoragePrinters, ...appsPrinters, ...batchPrinters, ...policyPrinters, ...coordinationPrinters, ...discoveryPrinters, ...networkingPrinters, ...storagePrinters, ...rbacPrinters, ...autoscalingPrinters, ...schedulingPrinters };
