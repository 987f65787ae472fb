import { corePrinters } from './core.js';
import type { Printer } from './helpers.js';

export { humanDuration, type Printer } from './helpers.js';

/** Every kind's printer (upstream's columns), by kind. Each API group adds its own module here. */
export const printers: Readonly<Record<string, Printer>> = { ...corePrinters };
