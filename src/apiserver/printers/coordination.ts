import type { Printer } from './helpers.js';

/** Printers of the coordination.k8s.io/v1 kinds, by kind. */
export const coordinationPrinters: Record<string, Printer> = {};
