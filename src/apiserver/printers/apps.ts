import type { Printer } from './helpers.js';

/** Printers of the apps/v1 kinds, by kind. */
export const appsPrinters: Record<string, Printer> = {};
