import type { Printer } from './helpers.js';

/** Printers of the policy/v1 kinds, by kind. */
export const policyPrinters: Record<string, Printer> = {};
