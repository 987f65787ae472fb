import type { Printer } from './helpers.js';

/** Printers of the discovery.k8s.io/v1 kinds, by kind. */
export const discoveryPrinters: Record<string, Printer> = {};
