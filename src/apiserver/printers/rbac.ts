import type { Printer } from './helpers.js';

/** Printers of the rbac.authorization.k8s.io/v1 kinds, by kind. */
export const rbacPrinters: Record<string, Printer> = {};
