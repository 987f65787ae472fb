import type { Printer } from './helpers.js';

/** Printers of the batch/v1 kinds, by kind. */
export const batchPrinters: Record<string, Printer> = {};
