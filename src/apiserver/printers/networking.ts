import type { Printer } from './helpers.js';

/** Printers of the networking.k8s.io/v1 kinds, by kind. */
export const networkingPrinters: Record<string, Printer> = {};
