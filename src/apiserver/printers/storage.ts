import type { Printer } from './helpers.js';

/** Printers of the storage.k8s.io/v1 kinds, by kind. */
export const storagePrinters: Record<string, Printer> = {};
